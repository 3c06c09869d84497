/**
 * News fan-out benchmark, on PostgreSQL (a fresh database) and Redis (BullMQ, a fresh key prefix), with the
 * in-memory platform fakes of test/fakes/fake-chat-platform.ts:
 *
 * (a) Pipeline ceiling: one announcement to TARGETS channels (40% Discord, 40% Slack, 20% Teams), fakes
 *     without limits or latency, no pacing: deliveries/s from "publish" to the last delivery recorded.
 * (b) At the limits: fakes enforcing Discord 50 requests/s (global, sliding window), Slack 1 post/s per
 *     channel, Teams 7/1 s + 8/2 s + 60/30 s per conversation, 20 ms latency; ANNOUNCEMENTS announcements
 *     to the same channels, published together, with the production limits (PLATFORM_LIMITS). Per platform:
 *     completion time against the theoretical minimum, and the 429s the fakes answered (after the first
 *     second, and in total).
 *
 *   npx tsx bench/fanout.bench.ts          (PART=a|b, TARGETS=10000, CONCURRENCY=128, ANNOUNCEMENTS=20)
 *
 * Needs the PostgreSQL and Redis of ../shared/MACHINE.md (KRING_TEST_PG_URL, KRING_TEST_REDIS_URL).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import type { Platform } from '../src/kernel/types.js';
import { openDatabase, type Database } from '../src/infra/database/database.js';
import { BullMqJobQueue } from '../src/infra/queue/bullmq.job-queue.js';
import { PLATFORM_LIMITS, unlimited, type PlatformLimits } from '../src/kernel/platform-limits.js';
import { minimumSpanMs } from '../src/infra/queue/pacer.js';
import { pacerFor } from '../src/infra/queue/open-queue.js';
import { buildTestCapabilities, testContext } from '../test/support/capabilities.js';
import { prismaRepositories } from '../test/support/database.js';
import { FakeChatPlatform, platformRegistry, type FakeChatPlatformOptions } from '../test/fakes/fake-chat-platform.js';
import { silentLogger } from '../test/support/logger.js';
import { deletePrefix, REDIS_URL } from '../test/integration/news-harness.js';

const PART = process.env['PART'] ?? 'ab';
const TARGETS = Number(process.env['TARGETS'] ?? 10_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 128);
const ANNOUNCEMENTS = Number(process.env['ANNOUNCEMENTS'] ?? 20);
const PG_ADMIN = process.env['KRING_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A fresh, migrated database with a pool large enough for the workers (dropped by `close`). */
async function freshDatabase(): Promise<Database> {
  const name = `kring_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 24 });
  return {
    ...db,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

interface Scenario {
  fakes: FakeChatPlatform[];
  channels: Record<Platform, number>;
  limits: Readonly<Record<Platform, PlatformLimits>>;
  announcements: number;
}

interface Outcome {
  publishMs: number;
  totalMs: number;
  deliveries: number;
  /** First and last successful post per platform (epoch ms). */
  spans: Record<Platform, { first: number; last: number; posts: number }>;
  start: number;
  /** CPU time of this process (Kring + the in-memory fakes) from publish to the last delivery, ms. */
  cpuMs: number;
}

async function run(s: Scenario): Promise<Outcome> {
  const db = await freshDatabase();
  const prefix = `bench-${randomUUID()}`;
  const queue = new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
  try {
    const repos = prismaRepositories(db.prisma);
    const org = await repos.organizations.ensure({ slug: 'bench', name: 'Benchvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    for (const platform of ['discord', 'slack', 'teams'] as const) {
      if (s.channels[platform] === 0) continue;
      const ws = await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: `${platform}-ws` });
      await db.prisma.channel.createMany({
        data: Array.from({ length: s.channels[platform] }, (_, i) => ({ organizationId: org.id, workspaceId: ws.id, externalId: `${platform}-${i}`, purpose: 'news' as const })),
      });
    }
    const ctx = testContext({ directory: repos, database: db, queue, pacer: pacerFor(queue), platforms: platformRegistry(s.fakes) });
    const news = buildTestCapabilities(['news'], ctx, { defaultOrganizationSlug: org.slug, capabilityOptions: { news: { limits: s.limits, retry: { attempts: 8, backoffMs: 200 } } } }).built.parts.news;
    await news.start?.();
    // Warm-up: connections, prepared statements, Lua scripts.
    const warm = await news.service.create({ organizationId: org.id, title: 'Warm-up', body: 'x' });
    const perAnnouncement = Object.values(s.channels).reduce((a, b) => a + b, 0);
    await settled(db, [warm.announcement.id], perAnnouncement);
    for (const f of s.fakes) {
      f.calls.length = 0;
      f.messages.clear();
    }

    const start = Date.now();
    const cpu0 = process.cpuUsage();
    const ids: string[] = [];
    for (let i = 0; i < s.announcements; i++) {
      const { announcement } = await news.service.create({ organizationId: org.id, title: `Nieuws ${i + 1}`, body: 'Benchmarktekst met **opmaak** en een [link](https://example.org).' });
      ids.push(announcement.id);
    }
    // Publishing is done when every delivery exists (the publish jobs ran).
    const expected = s.announcements * perAnnouncement;
    let publishMs = 0;
    await poll(async () => {
      const n = Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM delivery WHERE announcement_id = ANY(${ids}::uuid[])`)[0]!.n);
      if (n >= expected && publishMs === 0) publishMs = Date.now() - start;
      return n >= expected;
    });
    await settled(db, ids, expected);
    const totalMs = Date.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const spans = {} as Outcome['spans'];
    for (const f of s.fakes) {
      const ok = f.callsOf('post').filter((c) => c.outcome === 'ok');
      spans[f.platform] = { first: Math.min(...ok.map((c) => c.at)), last: Math.max(...ok.map((c) => c.at)), posts: ok.length };
    }
    await news.stop?.();
    await news.pacer.close();
    return { publishMs, totalMs, deliveries: expected, spans, start, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await queue.close();
    await deletePrefix(prefix);
    await db.close();
  }
}

async function poll(check: () => Promise<boolean>, ms = 600_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('benchmark did not finish in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every delivery of the announcements exists and none is queued (one statement: one consistent snapshot). */
async function settled(db: Database, ids: string[], expected: number): Promise<void> {
  await poll(async () => {
    const [row] = await db.prisma.$queryRaw<{ total: bigint; queued: bigint }[]>`
      SELECT count(*) AS total, count(*) FILTER (WHERE status = 'queued') AS queued FROM delivery WHERE announcement_id = ANY(${ids}::uuid[])`;
    return Number(row!.total) === expected && Number(row!.queued) === 0;
  });
}

async function partA(): Promise<void> {
  // The web community takes no part: the bench is about the chat platforms' limits.
  const channels = { discord: Math.round(TARGETS * 0.4), slack: Math.round(TARGETS * 0.4), teams: TARGETS - 2 * Math.round(TARGETS * 0.4), web: 0 };
  const fakes = (['discord', 'slack', 'teams'] as const).map((platform) => new FakeChatPlatform({ platform }));
  const out = await run({ fakes, channels, limits: unlimited(CONCURRENCY), announcements: 1 });
  const fanoutMs = out.totalMs - out.publishMs;
  console.log(`\n(a) pipeline ceiling: ${fmt(out.deliveries)} deliveries (${channels.discord} Discord, ${channels.slack} Slack, ${channels.teams} Teams), concurrency ${CONCURRENCY} per platform queue`);
  console.log(`    publish (deliveries created + ${fmt(out.deliveries)} jobs enqueued): ${secs(out.publishMs)}`);
  console.log(`    end to end: ${secs(out.totalMs)} -> ${fmt(out.deliveries / (out.totalMs / 1000))} deliveries/s (fan-out alone ${fmt(out.deliveries / (fanoutMs / 1000))}/s)`);
  console.log(`    CPU of this process: ${(out.cpuMs / out.deliveries).toFixed(2)} ms per delivery (${fmt(out.cpuMs)} ms), load ${loadavg()[0]!.toFixed(1)}`);
  for (const f of fakes) {
    if (f.messages.size === channels[f.platform]) continue;
    const titles = new Map<string, number>();
    for (const m of f.messages.values()) titles.set(m.text.split('\n')[0]!, (titles.get(m.text.split('\n')[0]!) ?? 0) + 1);
    console.log(`    !! ${f.platform}: ${f.messages.size} copies for ${channels[f.platform]} channels ${JSON.stringify([...titles])}`);
  }
}

async function partB(): Promise<void> {
  const limits = PLATFORM_LIMITS;
  const channels = { discord: 50, slack: 40, teams: 4, web: 0 };
  const latencyMs = 20;
  const teamsRules = [
    { max: 7, windowMs: 1000 },
    { max: 8, windowMs: 2000 },
    { max: 60, windowMs: 30_000 },
  ];
  const options: FakeChatPlatformOptions[] = [
    { platform: 'discord', globalLimits: [{ max: 50, windowMs: 1000 }], latencyMs },
    { platform: 'slack', channelLimits: [{ max: 1, windowMs: 1000 }], channelLimitOps: 'post', latencyMs },
    { platform: 'teams', channelLimits: teamsRules, channelLimitOps: 'all', latencyMs },
  ];
  const fakes = options.map((o) => new FakeChatPlatform(o));
  const out = await run({ fakes, channels, limits, announcements: ANNOUNCEMENTS });
  const n = ANNOUNCEMENTS;
  const minimum: Record<Platform, number> = {
    // 50 requests per sliding second across all channels.
    discord: minimumSpanMs(channels.discord * n, [{ max: 50, windowMs: 1000 }]),
    slack: minimumSpanMs(n, [{ max: 1, windowMs: 1000 }]),
    teams: minimumSpanMs(n, teamsRules),
    web: 0,
  };
  console.log(`\n(b) at the limits: ${n} announcements to ${channels.discord} Discord, ${channels.slack} Slack channels and ${channels.teams} Teams conversations (${fmt(out.deliveries)} posts), ${latencyMs} ms latency`);
  console.log('    platform | posts | first -> last post | theoretical minimum | over minimum | 429s after 1st s | 429s total');
  for (const f of fakes) {
    const span = out.spans[f.platform];
    const took = span.last - span.first;
    const hits = f.limitHits();
    const late = hits.filter((t) => t > span.first + 1000).length;
    const over = minimum[f.platform] === 0 ? 0 : ((took - minimum[f.platform]) / minimum[f.platform]) * 100;
    console.log(`    ${f.platform} | ${span.posts} | ${secs(took)} | ${secs(minimum[f.platform])} | ${over.toFixed(1)}% | ${late} | ${hits.length}`);
    if (f.messages.size !== span.posts || span.posts !== channels[f.platform] * n) {
      console.log(`    !! ${f.platform}: ${f.messages.size} messages, ${span.posts} posts, expected ${channels[f.platform] * n}`);
      const titles = new Map<string, number>();
      for (const m of f.messages.values()) titles.set(m.text.split('\n')[0]!, (titles.get(m.text.split('\n')[0]!) ?? 0) + 1);
      console.log('      ', JSON.stringify([...titles.entries()]));
    }
  }
  console.log(`    end to end (publish of ${n} announcements to the last delivery recorded): ${secs(out.totalMs)}`);
}

console.log(`fan-out benchmark · node ${process.version} · ${cpus().length} cores · load ${loadavg().map((l) => l.toFixed(1)).join(' ')} · ${new Date().toISOString()}`);
if (PART.includes('a')) await partA();
if (PART.includes('b')) await partB();
process.exit(0);
