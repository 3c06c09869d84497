/**
 * What metrics and traces cost a process, side by side: resident memory after a full GC and the time to
 * open them, each case in a fresh Node process (`--expose-gc`), for
 *   off      openObservability with no token and no endpoint (what every default Kring runs),
 *   metrics  with KRING_METRICS_TOKEN (prom-client, default process metrics, one scrape),
 *   traces   with OTEL_EXPORTER_OTLP_ENDPOINT (the OpenTelemetry SDK, OTLP/HTTP exporter, undici instrumentation),
 * against a bare process that imports nothing. Not a test: figures go to docs/SCALING.md.
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}, ${RUNS} runs (medians)`);
const off = median(results.off.rssMiB);
for (const c of CASES) {
  const rss = median(results[c].rssMiB);
  console.log(
    `${c.padEnd(8)} RSS ${rss.toFixed(1)} MiB (${(rss - off >= 0 ? '+' : '') + (rss - off).toFixed(1)} vs off, x${(rss / off).toFixed(2)})  open ${median(results[c].openMs).toFixed(0)} ms  prom-client/OTel CJS modules loaded: ${results[c].modules}`,
  );
}
