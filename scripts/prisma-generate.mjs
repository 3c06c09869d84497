#!/usr/bin/env node
// Generates the Prisma client (src/infra/database/generated/prisma) at install time.
//
// Why a wrapper: every `prisma` CLI command first downloads Prisma's native schema engine, even
// `prisma generate`, which never runs it. Kring must install on machines without internet, so we
// point PRISMA_SCHEMA_ENGINE_BINARY at an existing file (only its existence is checked) unless
// the user set it already. The client itself is pure TypeScript + WASM and needs no download.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
