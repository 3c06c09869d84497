/**
 * Insights benchmark, two parts, on PostgreSQL (a fresh database):
 *
 * 1. Ingestion: message-seen events (70% messages, 20% replies, 10% questions; terms on) handed to
 *    ChatRouter.handle, the call every adapter's inbound path ends in, with EVENTS_CONCURRENCY calls in
 *    flight, until they are all written into the rollups (final flush included). Prints events/s, the
 *    peak RSS and heap while ingesting, and checks that the rollups count every event.
 * 2. `/kring insights`: one year of rollups for a 10,000-member organisation (generated in SQL), then the
 *    command through ChatRouter.handle as a manager runs it; prints p50/p95/max per period.
 *
 *   npm run bench:ingest       (EVENTS=300000 MEMBERS=10000 RUNS=60 to change the sizes; PROFILE=1 for
 *                               per-query timings; ROWS_PER_WRITE, BUFFERED_EVENTS to try buffer settings)
 *
 * Needs the PostgreSQL of ../shared/MACHINE.md (KRING_TEST_PG_URL to point elsewhere).
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { messageInsights } from '../src/kernel/message-terms.js';
import type { Database } from '../src/infra/database/database.js';
import type { InboundEvent } from '../src/kernel/ports/chat-platform.js';
import { InProcessJobQueue } from '../src/infra/queue/in-process.job-queue.js';
import { buildTestCapabilities, testContext } from '../test/support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../test/support/database.js';
import { silentLogger } from '../test/support/logger.js';

const EVENTS = Number(process.env['EVENTS'] ?? 200_000);
const MEMBERS = Number(process.env['MEMBERS'] ?? 10_000);
const RUNS = Number(process.env['RUNS'] ?? 60);
const CONCURRENCY = Number(process.env['EVENTS_CONCURRENCY'] ?? 64);
const CHANNELS = 20;
const WORKSPACE = 'TBENCH';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

export async function seed(db: Database): Promise<{ organizationId: string; managerUserId: string }> {
  const p = db.prisma;
  const org = await p.organization.create({ data: { slug: 'bench', name: 'Benchvereniging', timezone: 'Europe/Amsterdam' } });
  const chapters = await Promise.all(['Noord', 'Oost', 'Zuid', 'West'].map((name) => p.chapter.create({ data: { organizationId: org.id, name } })));
  const ws = await p.workspace.create({ data: { organizationId: org.id, platform: 'slack', externalId: WORKSPACE } });
  await p.channel.createMany({
    data: Array.from({ length: CHANNELS }, (_, i) => ({
      organizationId: org.id,
      workspaceId: ws.id,
      externalId: `C${i}`,
      name: `kanaal-${i}`,
      purpose: i === 0 ? ('managers' as const) : ('general' as const),
      chapterId: i < 4 ? chapters[i]!.id : null,
    })),
  });
  // Members and their Slack accounts in SQL: 10,000 rows each, linked over the past year.
  await p.$executeRaw`
    INSERT INTO member (id, organization_id, member_number, name, email, roles, chapter_id)
    SELECT gen_random_uuid(), ${org.id}::uuid, 'L' || n, 'Lid ' || n, 'lid' || n || '@example.org',
           CASE WHEN n = 1 THEN ARRAY['member', 'manager']::"MemberRole"[] ELSE ARRAY['member']::"MemberRole"[] END,
           (ARRAY[${chapters[0]!.id}::uuid, ${chapters[1]!.id}::uuid, ${chapters[2]!.id}::uuid, ${chapters[3]!.id}::uuid, NULL])[1 + n % 5]
    FROM generate_series(1, ${MEMBERS}::int) n`;
  await p.$executeRaw`
    INSERT INTO platform_identity (id, organization_id, member_id, platform, workspace_id, platform_user_id, linked_at)
    SELECT gen_random_uuid(), m.organization_id, m.id, 'slack', ${WORKSPACE}, 'U' || substr(m.member_number, 2),
           now() - ((hashtext(m.member_number) & 1023) % 365) * interval '1 day'
    FROM member m WHERE m.organization_id = ${org.id}::uuid`;
  return { organizationId: org.id, managerUserId: 'U1' };
}

function build(db: Database) {
  const repos = prismaRepositories(db.prisma);
  const queue = new InProcessJobQueue(silentLogger);
  const ctx = testContext({ directory: repos, database: db, queue, platforms: { get: () => undefined, all: () => [] } });
  const { built, router: app } = buildTestCapabilities(['membership', 'insights'], ctx, {
    defaultOrganizationSlug: 'bench',
    capabilityOptions: {
      insights: {
        schedule: false,
        // ROWS_PER_WRITE / BUFFERED_EVENTS: try other ingestion buffer settings than the defaults.
        ingestor: {
          ...(process.env['ROWS_PER_WRITE'] ? { maxRowsPerWrite: Number(process.env['ROWS_PER_WRITE']) } : {}),
          ...(process.env['BUFFERED_EVENTS'] ? { maxBufferedEvents: Number(process.env['BUFFERED_EVENTS']) } : {}),
        },
      },
    },
  });
  return { app, install: built.parts.insights, queue };
}

const SENTENCES = [
  'Wie gaat er zaterdag mee op de fietstocht langs de kust?',
  'De ledenvergadering is verplaatst naar dinsdag.',
  'Is de contributie voor volgend jaar al bekend?',
  'Mooie route vandaag, volgende keer weer de dijk op!',
];
// Adapters extract terms once per message; the same few sentences keep that cost out of the figure.
const EXTRACTED = SENTENCES.map((s) => ({ length: s.length, ...messageInsights(s, 'nl') }));

/** A cheap deterministic scramble, so members, channels and hours do not move in lockstep. */
function mix(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

function event(i: number, now: number): InboundEvent {
  const member = 1 + (mix(i, 1) % MEMBERS);
  const kind = i % 10;
  const text = EXTRACTED[i % EXTRACTED.length]!;
  return {
    type: 'message-seen',
    platform: 'slack',
    workspaceId: WORKSPACE,
    userId: `U${member}`,
    channelId: `C${mix(i, 2) % CHANNELS}`,
    messageId: `${i}`,
    // Spread over the last two days, so day boundaries and many distinct rows are part of the load.
    at: new Date(now - (mix(i, 3) % 48) * 3_600_000),
    raw: {},
    length: text.length,
    terms: text.terms,
    ...(kind < 2 ? { threadId: `${i - 10}` } : {}),
    ...(kind === 9 ? { question: true } : {}),
  };
}

async function ingestion(db: Database, organizationId: string): Promise<void> {
  const { app, install, queue } = build(db);
  await install.insights.setTopics(organizationId, true);
  await install.start?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const rssBefore = process.memoryUsage().rss;
  const now = Date.now();
  let next = 0;
  const started = performance.now();
  const checkpoints: string[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const i = next++;
        await app.handle(event(i, now));
        if (i > 0 && i % Math.floor(EVENTS / 4) === 0) checkpoints.push(`${fmt(i)}: ${mib(process.memoryUsage().rss)}`);
      }
    }),
  );
  const handled = performance.now();
  await install.ingestor.flush();
  const done = performance.now();
  clearInterval(sampler);
  const [{ total }] = await db.prisma.$queryRaw<[{ total: number }]>`SELECT COALESCE(sum(count), 0)::int AS total FROM activity_daily WHERE organization_id = ${organizationId}::uuid`;
  const rows = await db.prisma.activityDaily.count();
  console.log(`Ingestion: ${fmt(EVENTS)} message-seen events through ChatRouter.handle, ${CONCURRENCY} in flight, ${fmt(MEMBERS)} members`);
  console.log(`  handled in ${((handled - started) / 1000).toFixed(2)} s, written (last flush included) in ${((done - started) / 1000).toFixed(2)} s`);
  console.log(`  => ${fmt(EVENTS / ((done - started) / 1000))} events/s end to end into activity_daily`);
  console.log(`  rollups: ${fmt(total)} events counted in ${fmt(rows)} rows (${total === EVENTS ? 'exact' : 'MISMATCH'})`);
  console.log(`  memory: RSS ${mib(rssBefore)} before, peak ${mib(peakRss)} (peak heap ${mib(peakHeap)}); RSS after n events: ${checkpoints.join(', ')}`);
  await install.stop?.();
  await queue.close();
}

export async function yearOfData(db: Database, organizationId: string): Promise<void> {
  const started = performance.now();
  // Engagement per member: half never write, 30% rarely, 15% weekly, 5% almost daily. One row per
  // (member, active day, channel, kind), plus anonymous totals per channel and day.
  await db.prisma.$executeRaw`SELECT setseed(0.42)`;
  await db.prisma.$executeRaw`
    INSERT INTO activity_daily (organization_id, day, platform, channel_key, chapter_id, member_key, kind, count, chars)
    SELECT ${organizationId}::uuid, d.day, 'slack', 'slack:C' || (abs(hashtext(m.id::text || d.day::text)) % ${CHANNELS}::int),
           m.chapter_id, m.id::text, k.kind, 1 + (random() * 4)::int, 40 + (random() * 400)::int
    FROM member m
    CROSS JOIN LATERAL (SELECT CASE WHEN abs(hashtext(m.id::text)) % 100 < 50 THEN 0.0
                                    WHEN abs(hashtext(m.id::text)) % 100 < 80 THEN 0.03
                                    WHEN abs(hashtext(m.id::text)) % 100 < 95 THEN 0.15 ELSE 0.5 END AS p) e
    CROSS JOIN generate_series(current_date - 364, current_date, interval '1 day') AS d(day)
    CROSS JOIN (VALUES ('message'), ('reply'), ('vote')) AS k(kind)
    WHERE m.organization_id = ${organizationId}::uuid AND random() < e.p * CASE k.kind WHEN 'message' THEN 1 WHEN 'reply' THEN 0.5 ELSE 0.1 END
    ON CONFLICT DO NOTHING`;
  await db.prisma.$executeRaw`
    INSERT INTO activity_daily (organization_id, day, platform, channel_key, member_key, kind, count, chars)
    SELECT ${organizationId}::uuid, d.day, 'slack', 'slack:C' || c, '', 'message', 5 + (random() * 30)::int, 2000
    FROM generate_series(current_date - 364, current_date, interval '1 day') AS d(day), generate_series(0, ${CHANNELS - 1}::int) c
    ON CONFLICT DO NOTHING`;
  await db.prisma.$executeRaw`
    INSERT INTO topic_weekly (organization_id, week, channel_key, term, count)
    SELECT ${organizationId}::uuid, date_trunc('week', current_date)::date - 7 * w, 'slack:C' || c, 'term' || t, 1 + (random() * 40)::int
    FROM generate_series(0, 52) w, generate_series(0, ${CHANNELS - 1}::int) c, generate_series(1, 150) t
    WHERE random() < 0.5 ON CONFLICT DO NOTHING`;
  await db.prisma.$executeRaw`
    INSERT INTO thread_state (organization_id, platform, channel_key, thread_key, started_at, first_reply_at, replies)
    SELECT ${organizationId}::uuid, 'slack', 'slack:C' || (n % ${CHANNELS}::int), 'q' || n, s, CASE WHEN random() < 0.7 THEN s + random() * interval '30 hours' END, (random() * 5)::int
    FROM generate_series(1, 40000) n, LATERAL (SELECT now() - random() * interval '365 days' AS s) x`;
  await db.prisma.$executeRawUnsafe('ANALYZE');
  const [counts] = await db.prisma.$queryRaw<[{ rows: number; topics: number; threads: number }]>`
    SELECT (SELECT count(*) FROM activity_daily)::int AS rows, (SELECT count(*) FROM topic_weekly)::int AS topics, (SELECT count(*) FROM thread_state)::int AS threads`;
  console.log(
    `One year of data generated in ${((performance.now() - started) / 1000).toFixed(1)} s: ${fmt(counts.rows)} activity rows, ` +
      `${fmt(counts.topics)} topic rows, ${fmt(counts.threads)} threads`,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function insightsCommand(db: Database, organizationId: string, managerUserId: string): Promise<void> {
  const { app, install, queue } = build(db);
  await install.insights.setTopics(organizationId, true);
  const command = (args: string[]): InboundEvent => ({ type: 'command', platform: 'slack', workspaceId: WORKSPACE, userId: managerUserId, channelId: 'C0', path: ['insights'], args, options: {}, raw: {} });
  await app.handle(command([])); // warm-up: connections, prepared plans
  console.log(`/kring insights through ChatRouter.handle (manager, one year of data, ${fmt(MEMBERS)} members), ${RUNS} runs each:`);
  for (const period of ['week', 'month', 'quarter', 'year']) {
    const times: number[] = [];
    const runs = period === 'year' ? Math.max(10, Math.round(RUNS / 3)) : RUNS;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const reply = await app.handle(command([period]));
      times.push(performance.now() - t);
      if (i === 0 && !reply?.view.blocks.some((b) => b.type === 'fields')) throw new Error(`no overview for ${period}: ${JSON.stringify(reply)}`);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${period.padEnd(8)} p50 ${percentile(times, 50).toFixed(0).padStart(4)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(4)} ms   max ${times.at(-1)!.toFixed(0).padStart(4)} ms`);
  }
  if (process.env['PROFILE']) {
    // Per-query timings of one `year` overview and one dashboard load (the queries run in parallel).
    const repo = install.repository as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const timings: string[] = [];
    for (const name of ['totalsByKind', 'activeMembers', 'byChannel', 'byChapter', 'unanswered', 'polls', 'topics', 'daily', 'activePer', 'cohorts', 'memberStats']) {
      const original = repo[name]!.bind(repo);
      repo[name] = async (...a: unknown[]) => {
        const t = performance.now();
        try {
          return await original(...a);
        } finally {
          timings.push(`${name} ${(performance.now() - t).toFixed(0)} ms`);
        }
      };
    }
    await app.handle(command(['year']));
    console.log(`  profile (year): ${timings.splice(0).join(', ')}`);
    await install.insights.dashboard({ id: organizationId, timezone: 'Europe/Amsterdam' }, { period: 'month' });
    console.log(`  profile (dashboard, month): ${timings.splice(0).join(', ')}`);
  }
  const dash: number[] = [];
  const org = { id: organizationId, timezone: 'Europe/Amsterdam' };
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await install.insights.dashboard(org, { period: 'month' });
    dash.push(performance.now() - t);
  }
  dash.sort((a, b) => a - b);
  console.log(`  dashboard data (month, all charts): p50 ${percentile(dash, 50).toFixed(0)} ms, max ${dash.at(-1)!.toFixed(0)} ms`);
  await queue.close();
}

async function main(): Promise<void> {
  console.log(`Insights benchmark: node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString().slice(0, 10)}`);
  const db = await createPostgresTestDatabase();
  try {
    const { organizationId, managerUserId } = await seed(db);
    await ingestion(db, organizationId);
    await db.prisma.$executeRaw`TRUNCATE activity_daily, topic_weekly, thread_state`;
    await yearOfData(db, organizationId);
    await insightsCommand(db, organizationId, managerUserId);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
