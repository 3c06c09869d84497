import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import {
  DIGEST_CRON,
  INSIGHTS_QUEUE,
  PRUNE_CRON,
  RETENTION_CRON,
  digestScheduleKey,
  processInsightsJobs,
  scheduleInsightsJobs,
} from '../../src/capabilities/insights/jobs/insights.jobs.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes } from '../support/redis.js';

const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

afterAll(async () => {
  await deleteRedisPrefixes(prefixes, REDIS_URL);
});

const drivers: [string, () => JobQueue][] = [
  ['in-process', () => new InProcessJobQueue(silentLogger, 20)],
  [
    'BullMQ',
    () => {
      const prefix = `test-${randomUUID()}`;
      prefixes.push(prefix);
      return new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
    },
  ],
];

describe.each(drivers)('JobQueue.repeat on %s', (_name, create) => {
  it('runs a job on its cron pattern with the given payload, once per match', async () => {
    const sut = create();
    const runs: unknown[] = [];
    sut.process('ticks', async (name, payload) => void runs.push({ name, payload }));
    // Six fields: every second (cron-parser and BullMQ both take a seconds field).
    await sut.repeat('ticks', 'tick', '* * * * * *', 'Europe/Amsterdam', { key: 'tick-key', payload: { n: 1 } });
    await sut.repeat('ticks', 'tick', '* * * * * *', 'Europe/Amsterdam', { key: 'tick-key', payload: { n: 1 } });
    const deadline = Date.now() + 6000;
    while (runs.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await sut.close();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]).toEqual({ name: 'tick', payload: { n: 1 } });
    // Re-scheduling with the same key replaced the schedule: runs are about one per second, not two.
    expect(runs.length).toBeLessThanOrEqual(8);
  }, 15_000);

  it('rejects a pattern that is no cron expression', async () => {
    const sut = create();
    await expect(sut.repeat('ticks', 'tick', 'every monday', 'Europe/Amsterdam')).rejects.toThrow();
    await sut.close();
  });
});

describe(scheduleInsightsJobs.name, () => {
  it('keeps one digest scheduler per organisation, in its own time zone, however often Kring starts', async () => {
    const prefix = `test-${randomUUID()}`;
    prefixes.push(prefix);
    const sut = new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
    const orgs = [
      { id: randomUUID(), timezone: 'Europe/Amsterdam' },
      { id: randomUUID(), timezone: 'Europe/Brussels' },
    ];
    processInsightsJobs(sut, { digest: async () => undefined, prune: async () => undefined, retention: async () => undefined }, silentLogger);
    await scheduleInsightsJobs(sut, orgs);
    await scheduleInsightsJobs(sut, orgs);
    const inspect = new Queue(INSIGHTS_QUEUE, { connection: { url: REDIS_URL }, prefix });
    const schedulers = await inspect.getJobSchedulers();
    await inspect.close();
    await sut.close();
    const digests = schedulers.filter((s) => s.key.startsWith('insights-digest-'));
    expect(digests.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual(
      orgs.map((o) => [digestScheduleKey(o.id), DIGEST_CRON, o.timezone]).sort(),
    );
    // The two digests, the nightly prune and the nightly retention.
    expect(schedulers.filter((s) => !s.key.startsWith('insights-digest-')).map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['insights-prune-links', PRUNE_CRON, 'UTC'],
      ['insights-retention', RETENTION_CRON, 'UTC'],
    ]);
    expect(schedulers).toHaveLength(4);
  });
});
