#!/usr/bin/env node
// `kring members list | head -5`: the reader may close the pipe before Kring is done writing. That is no
// error: stop quietly, as Unix tools do, instead of Node's unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

// Launcher of the `kring` CLI: runs the compiled build in dist/ (built by `npm ci`'s postinstall, rebuilt
// when a source changed since: scripts/build.mjs compares a hash of every input). Where the sources are
// not there (the production image ships dist/ only), dist/ is used as it is.
//
// `kring`, `kring --help`: the top-level help is the file the build wrote (dist/cli-help.txt, the full
// CLI's own output), so asking for help loads none of the application.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(fileURLToPath(sources))) {
  const { buildIfNeeded } = await import('../scripts/build.mjs');
  await buildIfNeeded();
}
const help = fileURLToPath(new URL('../dist/cli-help.txt', import.meta.url));
if ((args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]))) && existsSync(help)) {
  process.stdout.write(readFileSync(help, 'utf8'));
} else {
  // The bundle (dist/bundle/kring.js, few files to load) where the build made one, else file by file.
  const bundled = new URL('../dist/bundle/kring.js', import.meta.url);
  const { main } = await import((existsSync(fileURLToPath(bundled)) ? bundled : new URL('../dist/src/cli/kring.js', import.meta.url)).href);
  // exitCode, not exit(): pending output on stdout/stderr is flushed first.
  process.exitCode = await main(process.argv);
}
