#!/usr/bin/env node
// `npm start`: runs Kring's compiled code. dist/ is built by `npm ci` (postinstall) and rebuilt here only
// when a source changed since (scripts/build.mjs compares a hash of every input), so a start never waits
// for TypeScript to be compiled in memory as `tsx src/main.ts` does.
import { buildIfNeeded } from './build.mjs';

await buildIfNeeded();
const { runServer } = await import('../dist/src/main.js');
runServer();
