// Measuring probe for bench/poll-votes.bench.ts, preloaded into each system under test (Kring and the naive
// bot alike) with `node --import`: it changes nothing the process does, it only counts and reports.
// - SQL round trips: every `pg` Client.query call is one round trip to PostgreSQL (Prisma's adapter-pg
//   and plain `pg` both end there; a BEGIN or COMMIT counts as one of its own).
// - CPU time of the whole process (all threads: process.cpuUsage is getrusage(RUSAGE_SELF)).
// - RSS, sampled every 100 ms: the peak and the mean since the last reset, and at the peak how much of it
//   was V8's heap (young and old generation, committed) and how much was outside it (code, Buffers,
//   native libraries such as Prisma's query compiler, the allocator's free lists).
// - Event-loop delay (perf_hooks.monitorEventLoopDelay): how long ready work waited, p99 and max.
// - Answer time inside the process: from the moment Node handed a POST request to the HTTP server to the
//   moment its response was written (p99), which leaves out what waits in the kernel or the load generator.
// Answers the bench over the IPC channel: { type: 'probe-reset' } starts a window, { type: 'probe' }
// reports it.
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';

const require = createRequire(import.meta.url);
const pg = require('pg');

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  queries += 1;
  return query.apply(this, args);
};

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let answers = [];
const emit = Server.prototype.emit;
Server.prototype.emit = function timedEmit(event, req, res, ...rest) {
  if (event === 'request' && req?.method === 'POST') {
    const started = performance.now();
    res.once('finish', () => answers.push(performance.now() - started));
  }
  return emit.call(this, event, req, res, ...rest);
};

let window = { cpu: process.cpuUsage(), queries: 0, rssPeak: 0, heapAtPeak: 0, rssSum: 0, samples: 0 };
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > window.rssPeak) {
    window.rssPeak = rss;
    window.heapAtPeak = process.memoryUsage().heapTotal;
  }
  window.rssSum += rss;
  window.samples += 1;
};
setInterval(sample, 100).unref();

process.on('message', (message) => {
  if (message === null || typeof message !== 'object') return;
  if (message.type === 'probe-reset') {
    window = { cpu: process.cpuUsage(), queries, rssPeak: 0, heapAtPeak: 0, rssSum: 0, samples: 0 };
    loopDelay.reset();
    answers = [];
    sample();
    process.send?.({ type: 'probe-reset' });
  } else if (message.type === 'probe') {
    sample();
    const cpu = process.cpuUsage(window.cpu);
    process.send?.({
      type: 'probe',
      cpuMs: (cpu.user + cpu.system) / 1000,
      queries: queries - window.queries,
      rssPeak: window.rssPeak,
      heapAtPeak: window.heapAtPeak,
      rssMean: window.rssSum / window.samples,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      answerP99Ms: answers.sort((a, b) => a - b)[Math.floor(answers.length * 0.99)] ?? 0,
    });
  }
});
// The IPC channel must not keep a process alive that would otherwise exit.
process.channel?.unref();
