#!/usr/bin/env node
// `npm start`: runs Kring's compiled code. dist/ is built by `npm ci` (postinstall) and rebuilt here only
// when a source changed since (scripts/build.mjs compares a hash of every input), so a start never waits
// for TypeScript to be compiled in memory as `tsx src/main.ts` does.
//
// package.json starts it with `--max-semi-space-size=2`: V8's young generation then holds 2 MiB per semi-space
// instead of 16, which takes about 30 MiB off an idle Kring (docs/BENCHMARKS.md) for a few more, shorter
// scavenges; a chat bot's allocation rate is far below what that costs in throughput.
import { buildIfNeeded } from './build.mjs';

await buildIfNeeded();
const { runServer } = await import('../dist/src/main.js');
runServer();
