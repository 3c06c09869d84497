#!/usr/bin/env node
// `kring members list | head -5`: the reader may close the pipe before Kring is done writing. That is no
// error: stop quietly, as Unix tools do, instead of Node's unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

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
