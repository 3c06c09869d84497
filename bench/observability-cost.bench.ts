/**
 * What metrics and traces cost a process, side by side: resident memory after a full GC and the time to
 * open them, each case in a fresh Node process (`--expose-gc`), for
 *   off      openObservability with no token and no endpoint (what every default Kring runs),
 *   metrics  with KRING_METRICS_TOKEN (prom-client, default process metrics, one scrape),
 *   traces   with OTEL_EXPORTER_OTLP_ENDPOINT (the OpenTelemetry SDK, OTLP/HTTP exporter, undici instrumentation),
 * against a bare process that imports nothing; then the cost per job of the counting and tracing wrapper
 * (ObservedJobQueue over the in-process queue, JOBS no-op jobs enqueued inside a span and run) beside the
 * bare queue. Not a test: figures go to docs/SCALING.md.
 *
 *   npx tsx bench/observability-cost.bench.ts     (RUNS=5 for more runs)
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env['RUNS'] ?? 3);
const CASES = ['bare', 'off', 'metrics', 'traces'] as const;
type Case = (typeof CASES)[number];

const JOBS = Number(process.env['JOBS'] ?? 20_000);

if (process.argv[2] === '--jobs') {
  const which = process.argv[3] as Case;
  const { InProcessJobQueue } = await import('../src/infra/queue/in-process.job-queue.js');
  const { ObservedJobQueue } = await import('../src/infra/observability/observed.js');
  const { openObservability } = await import('../src/infra/observability/open-observability.js');
  const { createServer } = await import('node:http');
  // A collector that takes every export, so traces cost what they cost with a real one.
  const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const port = (sink.address() as { port: number }).port;
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as never;
  const opened = await openObservability(
    { metricsToken: which === 'metrics' ? 'bench-token-0123456789' : undefined, otlpEndpoint: which === 'traces' ? `http://127.0.0.1:${port}` : undefined, serviceName: 'kring-bench' },
    { logger: silent },
  );
  const inner = new InProcessJobQueue(silent);
  const queue = which === 'bare' ? inner : new ObservedJobQueue(inner, { metrics: opened.metrics, tracing: opened.tracing });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  queue.process('bench', async () => {
    if (++done === JOBS) finished();
  });
  const started = performance.now();
  await opened.tracing.inSpan('bench enqueue', 'internal', {}, async () => {
    for (let i = 0; i < JOBS; i++) await queue.enqueue('bench', 'noop', { i });
  });
  await all;
  const ms = performance.now() - started;
  await queue.close();
  await opened.tracing.shutdown();
  sink.close();
  process.stdout.write(JSON.stringify({ usPerJob: (ms * 1000) / JOBS }));
  process.exit(0);
}

if (process.argv[2] === '--child') {
  const which = process.argv[3] as Case;
  const gc = (globalThis as { gc?: () => void }).gc!;
  const started = performance.now();
  let loaded: string[] = [];
  if (which !== 'bare') {
    const { openObservability } = await import('../src/infra/observability/open-observability.js');
    const silent = { info: () => undefined } as never;
    const opened = await openObservability(
      {
        metricsToken: which === 'metrics' ? 'bench-token-0123456789' : undefined,
        otlpEndpoint: which === 'traces' ? 'http://127.0.0.1:9' : undefined,
        serviceName: 'kring-bench',
      },
      { logger: silent },
    );
    if (opened.scrape) await opened.scrape();
    await opened.tracing.inSpan('bench', 'internal', {}, async () => undefined);
    loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).filter((p) => /node_modules\/(prom-client|@opentelemetry)\//.test(p));
  }
  const openMs = performance.now() - started;
  gc();
  gc();
  process.stdout.write(JSON.stringify({ rssMiB: process.memoryUsage().rss / 2 ** 20, openMs, observabilityModules: loaded.length }));
  process.exit(0);
}

const results: Record<Case, { rssMiB: number[]; openMs: number[]; modules: number }> = Object.fromEntries(CASES.map((c) => [c, { rssMiB: [], openMs: [], modules: 0 }])) as never;
for (let run = 0; run < RUNS; run++) {
  for (const c of CASES) {
    const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', c], { cwd: ROOT, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${c}: ${out.stderr}`);
    const m = JSON.parse(out.stdout) as { rssMiB: number; openMs: number; observabilityModules: number };
    results[c].rssMiB.push(m.rssMiB);
    results[c].openMs.push(m.openMs);
    results[c].modules = m.observabilityModules;
  }
}
const perJob: Record<Case, number[]> = { bare: [], off: [], metrics: [], traces: [] };
for (let run = 0; run < RUNS; run++) {
  for (const c of CASES) {
    const out = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--jobs', c], { cwd: ROOT, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${c}: ${out.stderr}`);
    perJob[c].push((JSON.parse(out.stdout) as { usPerJob: number }).usPerJob);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}, ${RUNS} runs (medians)`);
const off = median(results.off.rssMiB);
for (const c of CASES) {
  const rss = median(results[c].rssMiB);
  console.log(
    `${c.padEnd(8)} RSS ${rss.toFixed(1)} MiB (${(rss - off >= 0 ? '+' : '') + (rss - off).toFixed(1)} vs off, x${(rss / off).toFixed(2)})  open ${median(results[c].openMs).toFixed(0)} ms  prom-client/OTel CJS modules loaded: ${results[c].modules}`,
  );
}
const bare = median(perJob.bare);
console.log(`per job (${JOBS} no-op jobs through the in-process queue, enqueued inside a span):`);
for (const c of CASES) {
  const us = median(perJob[c]);
  console.log(`${c.padEnd(8)} ${us.toFixed(1)} us/job (x${(us / bare).toFixed(2)} vs the bare queue)${c === 'off' ? ' (off: the wrapper with no-op metrics and tracing; Kring does not wrap when both are off)' : ''}`);
}
