#!/usr/bin/env node
// Launcher of the `kring` CLI. Runs the compiled build when it exists (the production image), else the
// TypeScript source through tsx, so `npx kring ...` works right after `npm ci`, without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/src/cli/kring.js', import.meta.url);
let main;
if (existsSync(fileURLToPath(built))) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../src/cli/kring.ts', import.meta.url).href));
}
// exitCode, not exit(): pending output on stdout/stderr is flushed first.
process.exitCode = await main(process.argv);
