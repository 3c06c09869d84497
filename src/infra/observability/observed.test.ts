import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/support/logger.js';
import { parsePrometheusText, sampleSum } from '../../../test/support/prometheus-text.js';
import { bearerMatches } from '../../http/metrics-route.js';
import { DeferJobError, PermanentJobError, RateLimitedJobError } from '../../kernel/ports/job-queue.js';
import { noTracing } from '../../kernel/ports/tracing.js';
import { InProcessJobQueue } from '../queue/in-process.job-queue.js';
import { ObservedJobQueue } from './observed.js';
import { PrometheusMetrics } from './prometheus.metrics.js';

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(ObservedJobQueue.name, () => {
  it('counts each run as completed, failed (retry or final) or postponed, and times the first wait of each job', async () => {
    const metrics = new PrometheusMetrics();
    const inner = new InProcessJobQueue(silentLogger, 1);
    const sut = new ObservedJobQueue(inner, { metrics, tracing: noTracing });
    const seen: unknown[] = [];
    const runs = new Map<string, number>();
    sut.process('work', async (name, payload) => {
      seen.push(payload);
      const n = (runs.get(name) ?? 0) + 1;
      runs.set(name, n);
      if (name === 'flaky' && n === 1) throw new Error('first try fails');
      if (name === 'broken') throw new PermanentJobError('bad payload');
      if (name === 'paced' && n === 1) throw new DeferJobError(5);
      if (name === 'limited' && n === 1) throw new RateLimitedJobError(5);
    });
    for (const name of ['ok', 'flaky', 'broken', 'paced', 'limited']) await sut.enqueue('work', name, { name }, { attempts: 3, backoffMs: 1 });
    // Settled: four completed and the broken one given up (counted right after each handler returns).
    const scrape = async () => parsePrometheusText((await metrics.scrape()).body);
    await until(async () => {
      const now = await scrape();
      return sampleSum(now, 'kring_jobs_completed_total') === 4 && sampleSum(now, 'kring_jobs_failed_total', { final: 'true' }) === 1;
    }, 'every job to settle');
    const samples = await scrape();
    expect(Object.fromEntries(runs)).toEqual({ ok: 1, flaky: 2, broken: 1, paced: 2, limited: 2 });
    expect(sampleSum(samples, 'kring_jobs_completed_total', { queue: 'work' })).toBe(4);
    expect(sampleSum(samples, 'kring_jobs_failed_total', { queue: 'work', final: 'false' })).toBe(1);
    expect(sampleSum(samples, 'kring_jobs_failed_total', { queue: 'work', final: 'true' })).toBe(1);
    expect(sampleSum(samples, 'kring_jobs_postponed_total', { queue: 'work', reason: 'deferred' })).toBe(1);
    expect(sampleSum(samples, 'kring_jobs_postponed_total', { queue: 'work', reason: 'rate_limited' })).toBe(1);
    expect(sampleSum(samples, 'kring_job_duration_seconds_count', { queue: 'work' })).toBe(8);
    // One wait per job: retries and deferrals do not wait in the queue again.
    expect(sampleSum(samples, 'kring_job_wait_seconds_count', { queue: 'work' })).toBe(5);
    // Handlers get the payload as enqueued (no envelope without traces).
    expect(seen.every((p) => typeof p === 'object' && p !== null && Object.keys(p).join() === 'name')).toBe(true);
    await sut.close();
  });
});

describe('in-process queue depth', () => {
  it('counts ready jobs as waiting until a handler takes them', async () => {
    const queue = new InProcessJobQueue(silentLogger);
    await queue.enqueue('later', 'a', {});
    await queue.enqueue('later', 'b', {});
    expect(await queue.jobCounts()).toEqual({ later: { waiting: 2, active: 0 } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    queue.process('later', () => held, { concurrency: 1 });
    expect(await queue.jobCounts()).toEqual({ later: { waiting: 1, active: 1 } });
    release();
    await queue.close();
  });
});

describe(PrometheusMetrics.name, () => {
  it('reads queue depth and the database pool when scraped', async () => {
    let waiting = 3;
    const sut = new PrometheusMetrics({
      queueCounts: async () => ({ 'fanout-slack': { waiting, active: 1 } }),
      poolStats: () => ({ total: 4, idle: 3, waiting: 0, max: 10 }),
    });
    const first = parsePrometheusText((await sut.scrape()).body);
    expect(sampleSum(first, 'kring_queue_jobs', { queue: 'fanout-slack', state: 'waiting' })).toBe(3);
    expect(sampleSum(first, 'kring_db_pool_connections', { state: 'idle' })).toBe(3);
    waiting = 0;
    const second = parsePrometheusText((await sut.scrape()).body);
    expect(sampleSum(second, 'kring_queue_jobs', { queue: 'fanout-slack', state: 'waiting' })).toBe(0);
  });

  it('exposes every metric the Grafana dashboard (docs/grafana/kring.json) queries', async () => {
    const dashboard = readFileSync(new URL('../../../docs/grafana/kring.json', import.meta.url), 'utf8');
    const queried = new Set([...dashboard.matchAll(/\bkring_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
    const sut = new PrometheusMetrics({ queueCounts: async () => ({}), poolStats: () => undefined });
    const exposed = new Set((await sut.registry.getMetricsAsJSON()).map((m) => m.name));
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });
});

describe(bearerMatches.name, () => {
  it('accepts only the exact token as a bearer token', () => {
    const token = 'a-metrics-token-of-some-length';
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(bearerMatches(`Basic ${Buffer.from(`x:${token}`).toString('base64')}`, token)).toBe(false);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches('Bearer', token)).toBe(false);
  });
});
