import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { RoleJobQueue } from '../../src/infra/queue/role-job-queue.js';
import { openDatabase, type Database } from '../../src/infra/database/database.js';
import { startKring, type Kring } from '../../src/main.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';
import { TEST_KRING_SECRET } from '../support/secrets.js';

/**
 * Issue 18, process roles (KRING_ROLES): several Kring processes on one PostgreSQL database and one Redis
 * prefix. A process without `workers` enqueues but takes no job; one without `schedulers` registers no
 * repeating job; two `schedulers` replicas registering the same schedules leave one schedule, and a
 * schedule that both register runs once per match.
 */
let template: Database;
const prefix = `test-${randomUUID()}`;
const running: Kring[] = [];

beforeAll(async () => {
  template = await createPostgresTestDatabase();
}, 60_000);
afterAll(async () => {
  for (const k of running) await k.stop().catch(() => undefined);
  await template?.close();
  await deleteRedisPrefixes([prefix]);
});

async function startWithRoles(roles: string): Promise<Kring> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    KRING_ORG: 'de-kring',
    KRING_SECRET: TEST_KRING_SECRET,
    DATABASE_URL: template.url,
    REDIS_URL: TEST_REDIS_URL,
    KRING_ROLES: roles,
  });
  // Each process its own pool on the one database (a Kring closes its database on stop).
  const database = await openDatabase({ url: template.url, dataDir: '', poolSize: 3 });
  const kring = await startKring(config, { database, logger: silentLogger, queuePrefix: prefix });
  running.push(kring);
  return kring;
}

/** Every job scheduler under the prefix, as `<queue>/<key>`. */
async function schedulers(): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*:repeat`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const all: string[] = [];
    for (const key of keys) {
      const queue = key.slice(prefix.length + 1, -':repeat'.length);
      all.push(...(await redis.zrange(key, '0', '-1')).map((k) => `${queue}/${k}`));
    }
    return all.sort();
  } finally {
    redis.disconnect();
  }
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('process roles on one database and one Redis prefix', () => {
  it('an http-only process enqueues but takes no job and registers no schedule; workers and schedulers replicas do, once', async () => {
    const web = await startWithRoles('http');
    // The probes answer, the rest is there.
    expect((await fetch(`http://127.0.0.1:${web.http.port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${web.http.port}/api/v1/openapi.json`)).status).toBe(200);
    expect(await schedulers()).toEqual([]);

    // A poll created in the http process: its publish job waits, no worker of this process takes it.
    const organization = (await web.directory.organizations.findBySlug('de-kring'))!;
    await web.parts.polls.service.create({ organizationId: organization.id, question: 'Waar?', options: ['Hier', 'Daar'], targets: [] });
    const inspect = new Queue('polls', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      const counts = async () => {
        const c = await inspect.getJobCounts('waiting', 'active', 'completed', 'failed');
        return { waiting: c['waiting'] ?? 0, active: c['active'] ?? 0, completed: c['completed'] ?? 0, failed: c['failed'] ?? 0 };
      };
      await until(async () => (await counts()).waiting >= 1, 'the publish job to be queued');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await counts()).toMatchObject({ active: 0, completed: 0, failed: 0 });
      expect((await counts()).waiting).toBeGreaterThanOrEqual(1);
      expect(await inspect.getWorkersCount()).toBe(0);

      // Two worker+scheduler replicas: the job is taken, and each schedule exists once.
      await startWithRoles('workers,schedulers');
      const afterOne = await schedulers();
      expect(afterOne.length).toBeGreaterThan(0);
      expect(afterOne).toContain('access/access-sweep');
      await startWithRoles('schedulers,workers');
      expect(await schedulers()).toEqual(afterOne);
      await until(async () => {
        const c = await counts();
        return c.waiting === 0 && c.active === 0 && c.completed + c.failed >= 1;
      }, 'the workers to take the waiting job');
      expect(await inspect.getWorkersCount()).toBeGreaterThanOrEqual(2);
    } finally {
      await inspect.close();
    }
    // A gateway-only process (no Discord configured here) adds neither workers nor schedules.
    const before = await schedulers();
    await startWithRoles('gateway');
    expect(await schedulers()).toEqual(before);
  }, 120_000);

  it('runs its queues under a prefix with a Redis Cluster hash tag ({...}), every key in the tag', async () => {
    const tagged = `{${prefix}-tag}`;
    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: tagged, KRING_ROLES: 'workers' });
    expect(config.redisPrefix).toBe(tagged);
    const sut = new RoleJobQueue(new BullMqJobQueue({ url: TEST_REDIS_URL, prefix: config.redisPrefix, logger: silentLogger }), { workers: true, schedulers: false }, silentLogger);
    const seen: unknown[] = [];
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      sut.process('tagged', async (_name, payload) => void seen.push(payload));
      await sut.enqueue('tagged', 'job', { n: 1 }, { jobId: 'tagged-1' });
      await until(async () => seen.length === 1, 'the job under the tagged prefix');
      expect(seen).toEqual([{ n: 1 }]);
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `*${prefix}-tag*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => !k.startsWith(`${tagged}:`))).toEqual([]);
    } finally {
      await sut.close();
      redis.disconnect();
      await deleteRedisPrefixes([tagged]);
    }
  }, 60_000);

  it('a schedule that two schedulers replicas register runs once per match, on either replica', async () => {
    const own = `${prefix}-tick`;
    const replicas = [0, 1].map(() => new RoleJobQueue(new BullMqJobQueue({ url: TEST_REDIS_URL, prefix: own, logger: silentLogger }), { workers: true, schedulers: true }, silentLogger));
    const runs: { replica: number; jobId: string }[] = [];
    try {
      replicas.forEach((q, replica) => q.process('ticks', async (_name, _payload, meta) => void runs.push({ replica, jobId: meta.jobId })));
      const started = Date.now();
      // Six fields: every second. Both replicas register it, as every replica does at start-up.
      await Promise.all(replicas.map((q) => q.repeat('ticks', 'tick', '* * * * * *', 'UTC', { key: 'tick' })));
      await until(async () => runs.length >= 4, 'four runs', 20_000);
      const elapsedSeconds = (Date.now() - started) / 1000;
      // One job per match: no job id twice, and no more runs than seconds that passed (plus the first).
      expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
      expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    } finally {
      await Promise.all(replicas.map((q) => q.close()));
      await deleteRedisPrefixes([own]);
    }
  }, 60_000);
});
