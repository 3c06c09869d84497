#!/usr/bin/env node
// `npm start`: runs Kring's compiled code. dist/ is built by `npm ci` (postinstall) and rebuilt here only
// when a source changed since (scripts/build.mjs compares a hash of every input), so a start never waits
// for TypeScript to be compiled in memory as `tsx src/main.ts` does.
//
// package.json starts it with `--max-semi-space-size=2`: V8's young generation then holds 2 MiB per semi-space
// instead of 16, which takes about 30 MiB off an idle Kring (docs/BENCHMARKS.md) for a few more, shorter
// scavenges; a chat bot's allocation rate is far below what that costs in throughput.
import { buildIfNeeded } from './build.mjs';

//
// It runs the bundle (dist/bundle/main.js: a handful of files to load instead of about 350); a dist/ built
// another way (tsc, as the Docker image does) has no bundle and runs file by file.
import { existsSync } from 'node:fs';

await buildIfNeeded();
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { runServer } = await import(existsSync(bundled) ? bundled.href : '../dist/src/main.js');
runServer();
