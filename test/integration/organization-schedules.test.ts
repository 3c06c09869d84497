import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { main as cli } from '../../src/cli/kring.js';
import { openDatabase, type Database } from '../../src/infra/database/database.js';
import { DIGEST_CRON, INSIGHTS_QUEUE, digestScheduleKey } from '../../src/capabilities/insights/jobs/insights.jobs.js';
import { IDEA_QUEUE, YOU_SAID_WE_DID_CRON, monthlyScheduleKey } from '../../src/capabilities/ideas/jobs/idea.jobs.js';
import { KEEP_SCHEDULES_KEY, SCHEDULES_QUEUE } from '../../src/kernel/schedule-keeper.js';
import { startKring, type Kring } from '../../src/main.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';
import { TEST_KRING_SECRET } from '../support/secrets.js';

/**
 * Per-organisation schedules (insights' weekly digest, the ideas' monthly draft) of an organisation created
 * while Kring runs: `kring org create` in another process, and a `schedulers` process registers them on its
 * next keeper run, without a restart. Real PostgreSQL and BullMQ on Redis.
 */
let template: Database;
let kring: Kring | undefined;
const prefix = `test-${randomUUID()}`;
const queues = new Map<string, Queue>();

function inspect(name: string): Queue {
  let q = queues.get(name);
  if (!q) queues.set(name, (q = new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix })));
  return q;
}

beforeAll(async () => {
  template = await createPostgresTestDatabase();
}, 60_000);
afterAll(async () => {
  await kring?.stop().catch(() => undefined);
  for (const q of queues.values()) await q.close();
  await template?.close();
  await deleteRedisPrefixes([prefix]);
});

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Key, pattern and zone of every job scheduler of a queue, sorted. */
async function schedulersOf(queue: string): Promise<string[]> {
  const all = await inspect(queue).getJobSchedulers(0, -1);
  return all.map((s) => `${s.key} ${s.pattern ?? ''} ${s.tz ?? ''}`).sort();
}

/** Keeper runs done so far (completed jobs of its queue). */
async function keeperRuns(): Promise<number> {
  return (await inspect(SCHEDULES_QUEUE).getJobCounts('completed'))['completed'] ?? 0;
}

describe('per-organisation schedules of an organisation created while Kring runs', () => {
  it('are registered by the schedulers process without a restart, once, and follow a changed time zone', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      KRING_ORG: 'de-kring',
      KRING_SECRET: TEST_KRING_SECRET,
      DATABASE_URL: template.url,
      REDIS_URL: TEST_REDIS_URL,
      // Only `schedulers`: the keeper's queue is worked here although this process takes no other job.
      KRING_ROLES: 'schedulers',
    });
    const database = await openDatabase({ url: template.url, dataDir: '', poolSize: 3 });
    // The keeper every second instead of every five minutes (six fields: seconds).
    kring = await startKring(config, { database, logger: silentLogger, queuePrefix: prefix, keepSchedulesCron: '* * * * * *' });
    const first = (await kring.directory.organizations.findBySlug('de-kring'))!;
    expect(await schedulersOf(INSIGHTS_QUEUE)).toContain(`${digestScheduleKey(first.id)} ${DIGEST_CRON} ${first.timezone}`);
    expect(await schedulersOf(SCHEDULES_QUEUE)).toEqual([`${KEEP_SCHEDULES_KEY} * * * * * * UTC`]);

    // Another process (the CLI) creates an organisation in another time zone.
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, env: { NODE_ENV: 'test', DATABASE_URL: template.url, KRING_SECRET: TEST_KRING_SECRET } };
    expect(await cli(['node', 'kring', 'org', 'create', 'kring-gent', '--name', 'Kring Gent', '--timezone', 'Europe/Brussels'], io)).toBe(0);
    const second = (await kring.directory.organizations.findBySlug('kring-gent'))!;
    expect(second).toBeTruthy();

    const digest = `${digestScheduleKey(second.id)} ${DIGEST_CRON} Europe/Brussels`;
    const monthly = `${monthlyScheduleKey(second.id)} ${YOU_SAID_WE_DID_CRON} Europe/Brussels`;
    await until(async () => (await schedulersOf(INSIGHTS_QUEUE)).includes(digest), 'the new organisation\'s digest schedule');
    await until(async () => (await schedulersOf(IDEA_QUEUE)).includes(monthly), 'the new organisation\'s monthly schedule');

    // Later runs register nothing twice: the same schedulers, one next job each.
    const insightsAfter = await schedulersOf(INSIGHTS_QUEUE);
    const ideasAfter = await schedulersOf(IDEA_QUEUE);
    expect(insightsAfter.filter((s) => s.startsWith('insights-digest-'))).toHaveLength(2);
    expect(ideasAfter).toEqual(
      [`${monthlyScheduleKey(first.id)} ${YOU_SAID_WE_DID_CRON} ${first.timezone}`, monthly].sort(),
    );
    const runsBefore = await keeperRuns();
    await until(async () => (await keeperRuns()) >= runsBefore + 3, 'three more keeper runs');
    expect(await schedulersOf(INSIGHTS_QUEUE)).toEqual(insightsAfter);
    expect(await schedulersOf(IDEA_QUEUE)).toEqual(ideasAfter);
    // Each scheduler has exactly one next run waiting (no duplicate from re-registering).
    expect((await inspect(INSIGHTS_QUEUE).getJobCounts('delayed'))['delayed']).toBe(insightsAfter.length);
    expect((await inspect(IDEA_QUEUE).getJobCounts('delayed'))['delayed']).toBe(ideasAfter.length);

    // A time zone changed in the database: the next runs move both schedules to it.
    await template.prisma.organization.update({ where: { id: second.id }, data: { timezone: 'Europe/London' } });
    await until(async () => (await schedulersOf(INSIGHTS_QUEUE)).includes(`${digestScheduleKey(second.id)} ${DIGEST_CRON} Europe/London`), 'the digest in the new zone');
    await until(async () => (await schedulersOf(IDEA_QUEUE)).includes(`${monthlyScheduleKey(second.id)} ${YOU_SAID_WE_DID_CRON} Europe/London`), 'the monthly draft in the new zone');
    expect(await schedulersOf(INSIGHTS_QUEUE)).toHaveLength(insightsAfter.length);
    expect(await schedulersOf(IDEA_QUEUE)).toHaveLength(ideasAfter.length);
  }, 120_000);
});
