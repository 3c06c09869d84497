import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/kernel/community.js';
import type { Poll } from '../../src/capabilities/polls/domain/poll.js';
import { PollService } from '../../src/capabilities/polls/domain/poll.service.js';
import type { Announcement } from '../../src/capabilities/news/domain/announcement.js';
import type { NewsDispatcher } from '../../src/capabilities/news/ports.js';
import { NewsService } from '../../src/capabilities/news/domain/news.service.js';
import { systemClock } from '../../src/kernel/clock.js';
import type { Database } from '../../src/infra/database/database.js';
import { PrismaNewsRepository } from '../../src/capabilities/news/repository/prisma-news.repository.js';
import { PrismaPollRepository } from '../../src/capabilities/polls/repository/prisma-poll.repository.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import { jobIds, fanoutQueue, NEWS_QUEUE } from '../../src/capabilities/news/jobs/news.jobs.js';
import { POLL_QUEUE, pollJobId } from '../../src/capabilities/polls/jobs/poll.jobs.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { testSecretBox } from '../support/secrets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');
/**
 * The server's queues live in Redis under the default `kring` prefix, which the CLI uses too. A Redis
 * database of its own (9) keeps this file's jobs away from every other test and from a developer's server.
 */
const REDIS_URL = (() => {
  const url = new URL(TEST_REDIS_URL);
  url.pathname = '/9';
  return url.toString();
})();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `kring polls …` and `kring news …` as a child process (the real launcher) against a fresh PostgreSQL
 * database seeded through the services, with the server's BullMQ queues in Redis.
 */
describe('kring CLI (polls, news)', () => {
  let db: Database;
  let repos: Directory;
  let dir: string;
  let redis: Redis;
  let named: Poll;
  let anonymous: Poll;
  let other: Poll;
  let news: Announcement;
  let sentIds: string[];

  const kring = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: '', ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const queue = (name: string) => new Queue(name, { connection: { url: REDIS_URL }, prefix: 'kring' });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-polls-'));
    redis = new Redis(REDIS_URL);
    await deleteKringKeys(redis);

    const org = await repos.organizations.ensure({ slug: 'fietsclub', name: 'Fietsclub', defaultLocale: 'en' });
    await repos.organizations.ensure({ slug: 'zwemclub', name: 'Zwemclub' });
    await repos.members.upsertMany(org.id, [
      { memberNumber: '1001', name: 'Anne de Vries', email: null, status: 'active', roles: ['member'], chapterId: null },
      { memberNumber: '1002', name: 'Bram Jansen', email: null, status: 'active', roles: ['member'], chapterId: null },
      { memberNumber: '1003', name: 'Cato Smit', email: null, status: 'active', roles: ['member'], chapterId: null },
    ]);
    const members = (await Promise.all(['1001', '1002', '1003'].map((n) => repos.members.findByNumber(org.id, n)))) as Member[];

    // Seeded through the services, without events: nothing is queued by the seeding itself.
    const polls = new PollService({ repo: new PrismaPollRepository(db.prisma, { secrets: testSecretBox }), clock: systemClock });
    const target = { platform: 'discord' as const, workspaceExternalId: 'G1', channelExternalId: 'C1' };
    named = await polls.create({ organizationId: org.id, question: 'Borrel op vrijdag?', options: ['Ja', 'Nee'], targets: [target] });
    anonymous = await polls.create({ organizationId: org.id, question: 'Nieuwe voorzitter?', options: ['Anne', 'Bram', 'Blanco'], anonymous: true, targets: [target] });
    other = await polls.create({ organizationId: org.id, question: 'Route?', options: ['A', 'B'], targets: [target] });
    for (const [poll, votes] of [[named, [0, 0, 1]], [anonymous, [1, 2, 1]]] as const) {
      for (const [i, position] of votes.entries()) await polls.vote({ organizationId: org.id, pollId: poll.id, member: members[i]!, position });
    }

    const workspace = await repos.workspaces.upsert({ organizationId: org.id, platform: 'discord', externalId: 'G1', name: 'Fietsclub' });
    await repos.channels.upsert({ workspaceId: workspace.id, externalId: 'C1', name: 'algemeen', purpose: 'general' });
    await repos.channels.upsert({ workspaceId: workspace.id, externalId: 'C2', name: 'nieuws', purpose: 'news' });
    await repos.channels.upsert({ workspaceId: workspace.id, externalId: 'C3', name: 'mededelingen', purpose: 'news' });
    const newsRepo = new PrismaNewsRepository(db.prisma);
    const none = async () => undefined;
    const dispatcher: NewsDispatcher = { publishNow: none, schedulePublish: none, enqueueDeliveries: none, enqueueUpdates: none, enqueueRetractions: none, requestStatusRefresh: none };
    const service = new NewsService({ news: newsRepo, channels: repos.channels, dispatcher, clock: systemClock });
    ({ announcement: news } = await service.create({ organizationId: org.id, title: 'Ledenvergadering', body: 'Op 12 maart.', audience: { kind: 'all' } }));
    await service.publish(news.id);
    const deliveries = await newsRepo.listDeliveries(news.id);
    expect(deliveries).toHaveLength(2);
    for (const d of deliveries) await newsRepo.recordSent(d.id, { channelExternalId: d.targetExternalId, messageId: `m-${d.targetExternalId}`, version: 1 }, new Date());
    sentIds = deliveries.map((d) => d.id);
  });
  afterAll(async () => {
    if (redis) {
      await deleteKringKeys(redis);
      redis.disconnect();
    }
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists polls and shows results by short id', async () => {
    const list = await kring(['polls', 'list', '--org', 'fietsclub']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+VOTERS/);
    expect(list.stdout).toContain(named.id.slice(0, 8));
    expect(list.stdout).toContain('Borrel op vrijdag?');
    expect(list.stdout).toMatch(new RegExp(`${anonymous.id.slice(0, 8)}\\s+open\\s+3\\s+anonymous`));

    const results = await kring(['polls', 'results', named.id.slice(0, 8), '--org', 'fietsclub']);
    expect(results.code).toBe(0);
    expect(results.stdout).toContain('Borrel op vrijdag?');
    expect(results.stdout).toMatch(/voters\s+3/);
    expect(results.stdout).toMatch(/Ja\s+2\s+67%/);
    expect(results.stdout).toMatch(/Nee\s+1\s+33%/);

    const json = await kring(['polls', 'results', anonymous.id, '--org', 'fietsclub', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: anonymous.id, anonymous: true, voters: 3, results: [{ votes: 0 }, { votes: 2 }, { votes: 1 }] });
  });

  it('exports CSV: voters for a named poll, only counts for an anonymous one', async () => {
    const namedCsv = await kring(['polls', 'export', named.id.slice(0, 8), '--org', 'fietsclub']);
    expect(namedCsv.code).toBe(0);
    expect(namedCsv.stdout).toContain('Anne de Vries');
    expect(namedCsv.stdout.split('\r\n').filter((l) => l !== '')).toHaveLength(4);

    const file = join(dir, 'anonymous.csv');
    const run = await kring(['polls', 'export', anonymous.id.slice(0, 8), '--org', 'fietsclub', '--out', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('counts only (anonymous poll)');
    const csv = await readFile(file, 'utf8');
    const rows = csv.split('\r\n').filter((l) => l !== '').map((l) => l.split(','));
    expect(rows[1]).toEqual(['Anne', '0', '0']);
    expect(rows[2]).toEqual(['Bram', '2', '67']);
    expect(rows[3]).toEqual(['Blanco', '1', '33']);
    expect(rows[4]?.[1]).toBe('3');
    for (const name of ['Anne de Vries', 'Bram Jansen', 'Cato Smit', '1001', '1002', '1003']) expect(csv).not.toContain(name);
  });

  it('answers exit 2 for an unknown poll, another organisation\'s poll and an unknown organisation', async () => {
    const unknown = await kring(['polls', 'results', 'deadbeef', '--org', 'fietsclub']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('POLL.NOT_FOUND');
    expect(unknown.stderr).toContain('kring polls list --org fietsclub');
    const foreign = await kring(['polls', 'results', named.id.slice(0, 8), '--org', 'zwemclub']);
    expect(foreign.code).toBe(2);
    const noOrg = await kring(['polls', 'list', '--org', 'nope']);
    expect(noOrg).toMatchObject({ code: 2, stderr: expect.stringContaining('Organisation "nope" does not exist') });
    const usage = await kring(['polls', 'results', named.id]);
    expect(usage.code).toBe(2);
  });

  it('refuses to close without a queue it can reach, and records only with --record-only', async () => {
    const refused = await kring(['polls', 'close', other.id.slice(0, 8), '--org', 'fietsclub']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('REDIS_URL is not set');
    expect(refused.stderr).toContain('--record-only');
    expect((await db.prisma.poll.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('open');

    const recorded = await kring(['polls', 'close', other.id.slice(0, 8), '--org', 'fietsclub', '--record-only']);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain('Closed in the database only');
    expect((await db.prisma.poll.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('closed');
    expect(await queue(POLL_QUEUE).getJob(pollJobId.final(other.id))).toBeUndefined();
  });

  it('closes a poll and queues the server\'s final refresh of its posted copies', async () => {
    const run = await kring(['polls', 'close', named.id.slice(0, 8), '--org', 'fietsclub'], { REDIS_URL });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/status\s+closed/);
    expect(run.stdout).toContain('queued for every posted copy');
    const row = await db.prisma.poll.findUniqueOrThrow({ where: { id: named.id } });
    expect(row.status).toBe('closed');
    expect(row.closedAt).not.toBeNull();
    const polls = queue(POLL_QUEUE);
    const job = await polls.getJob(pollJobId.final(named.id));
    expect(job?.data).toEqual({ pollId: named.id });
    await polls.close();

    const again = await kring(['polls', 'close', named.id.slice(0, 8), '--org', 'fietsclub'], { REDIS_URL });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('closed already');
    const list = await kring(['polls', 'list', '--org', 'fietsclub', '--status', 'closed']);
    expect(list.stdout).toContain(named.id.slice(0, 8));
    expect(list.stdout).not.toContain(anonymous.id.slice(0, 8));
  });

  it('lists news and shows the delivery status', async () => {
    const list = await kring(['news', 'list', '--org', 'fietsclub']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(news.id.slice(0, 8));
    expect(list.stdout).toContain('Ledenvergadering');

    const status = await kring(['news', 'status', news.id.slice(0, 8), '--org', 'fietsclub']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Announcement');
    expect(status.stdout).toMatch(/deliveries 2: 2 sent, 0 queued, 0 failed, 0 retracted/);
    expect(status.stdout).toMatch(/discord\s+2 sent/);

    const missing = await kring(['news', 'status', 'abcdef12', '--org', 'fietsclub']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NEWS.NOT_FOUND');
  });

  it('retracts news and queues the deletion of every posted copy', async () => {
    const refused = await kring(['news', 'retract', news.id.slice(0, 8), '--org', 'fietsclub']);
    expect(refused.code).toBe(2);
    expect((await db.prisma.announcement.findUniqueOrThrow({ where: { id: news.id } })).status).not.toBe('retracted');

    const run = await kring(['news', 'retract', news.id.slice(0, 8), '--org', 'fietsclub'], { REDIS_URL });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 posted copies are queued for deletion');
    expect((await db.prisma.announcement.findUniqueOrThrow({ where: { id: news.id } })).status).toBe('retracted');
    const fanout = queue(fanoutQueue('discord'));
    for (const id of sentIds) expect((await fanout.getJob(jobIds.retract(id)))?.data).toMatchObject({ deliveryId: id });
    await fanout.close();
    const status = queue(NEWS_QUEUE);
    const refresh = (await status.getJobs(['delayed', 'waiting'])).filter((j) => j.name === 'status' || String(j.id).startsWith('news-status-'));
    expect(refresh.map((j) => j.data)).toContainEqual({ announcementId: news.id });
    await status.close();

    const again = await kring(['news', 'retract', news.id.slice(0, 8), '--org', 'fietsclub'], { REDIS_URL });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('retracted already');
  });

  it('documents the queue behaviour in --help', async () => {
    const help = await kring(['news', 'retract', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('REDIS_URL unset');
    expect(help.stdout).toContain('--record-only');
  });
});

/** Deletes this file's keys (the `kring` prefix in its own Redis database). */
async function deleteKringKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'kring:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
