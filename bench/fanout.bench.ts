/**
 * News fan-out benchmark, on PostgreSQL and Redis (BullMQ, a fresh key prefix per run).
 *
 * (a) Pipeline ceiling: one announcement to TARGETS channels (40% Discord, 40% Slack, 20% Teams) with the
 *     in-memory platform fakes of test/fakes/fake-chat-platform.ts, without limits or latency, no pacing:
 *     deliveries/s from "publish" to the last delivery recorded.
 * (b) At the platforms' limits (issue 22): one announcement to N channels on each platform at once
 *     (SIZES, default 100 and 1,000), through Kring's real adapters (Slack WebClient, discord.js REST,
 *     botbuilder) against the protocol fakes of test/fakes in a child process (bench/fanout.fakes-driver.ts),
 *     which enforce the platforms' published limits in sliding windows and answer after 20–60 ms. Then an
 *     edit and a retraction of it (Slack's Tier 3 makes 1,000 edits take 20 minutes: EDITS_AT_1000=1 to
 *     include them). Side by side, in the same run, what a user would otherwise write with the same
 *     official clients and their default rate-limit handling: a sequential loop and one Promise.all. Per
 *     platform: wall time against the theoretical minimum (the platform's published limits on a virtual
 *     clock, plus one slowest round trip), and the 429s the fakes answered.
 * (c) Faults: the same through 5% HTTP 5xx on posts, half of them after the platform stored the message:
 *     copies per channel (lost, duplicated) per platform.
 * (d) kill -9: a worker process (test/integration/news-fanout.worker.ts, production lock settings) is
 *     killed mid fan-out and another started: how soon delivery resumes, and lost/duplicated copies.
 *
 *   npx tsx bench/fanout.bench.ts          (PART=abcd, SIZES=100,1000, TARGETS=10000, CONCURRENCY=128)
 *
 * Needs the PostgreSQL and Redis of ../shared/MACHINE.md (KRING_TEST_PG_URL, KRING_TEST_REDIS_URL).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { webApi } from '@slack/bolt';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import { MsalServiceClientCredentialsFactory } from 'botframework-connector';
import { REST, Routes } from 'discord.js';
import pg from 'pg';
import { createDiscordPlatform } from '../adapters/discord/index.js';
import { createSlackPlatform } from '../adapters/slack/index.js';
import { createTeamsPlatform } from '../adapters/teams/index.js';
import { referenceKeys } from '../adapters/teams/activity.js';
import { cardMessage } from '../adapters/teams/outbound.js';
import { renderMessage } from '../adapters/slack/render.js';
import { renderView as renderDiscord } from '../adapters/discord/render.js';
import type { NewsParts } from '../src/capabilities/news/index.js';
import { PrismaNewsRepository } from '../src/capabilities/news/repository/prisma-news.repository.js';
import { openDatabase, type Database } from '../src/infra/database/database.js';
import { BullMqJobQueue } from '../src/infra/queue/bullmq.job-queue.js';
import { pacerFor } from '../src/infra/queue/open-queue.js';
import { minimumSchedule } from '../src/infra/queue/pacer.js';
import type { ChatPlatform, View } from '../src/kernel/ports/chat-platform.js';
import { PLATFORM_LIMITS, paceRequest, unlimited, type PacedOperation, type PlatformLimits } from '../src/kernel/platform-limits.js';
import type { Platform } from '../src/kernel/types.js';
import { buildTestCapabilities, testContext } from '../test/support/capabilities.js';
import { prismaRepositories } from '../test/support/database.js';
import { FakeChatPlatform, platformRegistry, serveFakeChatPlatforms } from '../test/fakes/fake-chat-platform.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler } from '../test/fakes/slack/doubles.js';
import { InMemoryConversationReferenceRepository } from '../test/fakes/teams/teams-test-bed.js';
import { silentLogger } from '../test/support/logger.js';
import { deletePrefix, REDIS_URL } from '../test/integration/news-harness.js';
import type { DriverReply, DriverRequest, PlatformReport, SeenRequest } from './fanout.fakes-driver.js';

const PART = process.env['PART'] ?? 'abcd';
const SIZES = (process.env['SIZES'] ?? '100,1000').split(',').map(Number);
const TARGETS = Number(process.env['TARGETS'] ?? 10_000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 128);
const EDITS_AT_1000 = process.env['EDITS_AT_1000'] === '1';
const NAIVE = process.env['NAIVE'] !== '0';
const ALONE = process.env['ALONE'] !== '0';
/** The fakes' latency bounds (bench/fanout.fakes-driver.ts draws each call's latency between them). */
const LATENCY_MAX_MS = Number(process.env['LATENCY_MAX_MS'] ?? 60);
const PG_ADMIN = process.env['KRING_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const CHAT_PLATFORMS = ['slack', 'discord', 'teams'] as const;
type ChatPlatformName = (typeof CHAT_PLATFORMS)[number];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh, migrated database with a pool large enough for the workers (dropped by `close`). */
async function freshDatabase(): Promise<Database & { url: string }> {
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
    url: url.toString(),
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Polls `check` (every 250 ms: completion times are read from the rows' own timestamps, so polling more often
 * would only take CPU from Kring in the same process).
 */
async function poll(check: () => Promise<boolean>, ms = 1_800_000, every = 250): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('benchmark did not finish in time');
    await sleep(every);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The platforms' side: a driver process per scenario (fresh limit windows)

type SetupReply = Extract<DriverReply, { type: 'setup' }>;
type ReportReply = Extract<DriverReply, { type: 'report' }>;

class Driver {
  private readonly waiting: ((m: DriverReply) => void)[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: DriverReply) => this.waiting.shift()?.(m));
  }

  static async start(channels: number, teams: { appId: string; appPassword: string }): Promise<{ driver: Driver; setup: SetupReply }> {
    const child = fork(new URL('./fanout.fakes-driver.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const driver = new Driver(child);
    await driver.next();
    const setup = (await driver.request({ type: 'setup', channels, teamsAppId: teams.appId, teamsAppPassword: teams.appPassword })) as SetupReply;
    return { driver, setup };
  }

  private next(): Promise<DriverReply> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  request(m: DriverRequest): Promise<DriverReply> {
    const answer = this.next();
    this.child.send(m);
    return answer;
  }

  report(marker: string): Promise<ReportReply> {
    return this.request({ type: 'report', marker }) as Promise<ReportReply>;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' } satisfies DriverRequest);
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Kring, as src/main.ts builds news, with the real adapters pointed at a driver's fakes

interface KringRun {
  news: NewsParts;
  organizationId: string;
  stop(): Promise<void>;
}

async function startKring(
  db: Database,
  setup: SetupReply,
  teamsApp: { appId: string; appPassword: string },
  limits: Readonly<Record<Platform, PlatformLimits>>,
  connected: readonly ChatPlatformName[] = CHAT_PLATFORMS,
): Promise<KringRun> {
  const repos = prismaRepositories(db.prisma);
  const slug = 'bench';
  const org = await repos.organizations.ensure({ slug, name: 'Benchvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
  // Every run posts to exactly its driver's channels (the fakes reuse channel and workspace ids).
  await db.prisma.channel.deleteMany({ where: { organizationId: org.id } });
  const workspaces: Record<ChatPlatformName, string> = { slack: setup.slack.teamId, discord: setup.discord.guildId, teams: setup.teams.tenantId };
  for (const platform of connected) {
    const ws = await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: workspaces[platform] });
    await db.prisma.channel.createMany({
      data: setup[platform].channels.map((externalId) => ({ organizationId: org.id, workspaceId: ws.id, externalId, name: externalId, purpose: 'news' as const })),
      skipDuplicates: true,
    });
  }
  const references = new InMemoryConversationReferenceRepository();
  for (const id of setup.teams.channels) {
    await references.save('teams', setup.teams.tenantId, referenceKeys.conversation(id), teamsReference(setup, teamsApp.appId, id));
  }
  const handler = new RecordingInboundHandler();
  const slack = createSlackPlatform({
    botToken: setup.slack.botToken,
    signingSecret: 'bench-signing-secret-not-used-4f1c',
    apiUrl: setup.slack.apiUrl,
    handler,
    logger: silentLogger,
    processedEvents: new InMemoryProcessedEventRepository(),
    organizationId: org.id,
    workspaces: repos.workspaces,
  });
  const discord = createDiscordPlatform({ token: setup.discord.token, applicationId: setup.discord.applicationId, apiUrl: setup.discord.apiUrl, handler, logger: silentLogger });
  const teams = createTeamsPlatform({ ...setup.teams.settings, tenantId: setup.teams.tenantId, handler, logger: silentLogger, conversationReferences: references });
  await slack.start();
  await teams.start();
  const platforms: ChatPlatform[] = [slack, discord, teams].map((p) => (TRACE ? traced(p) : p));
  const queue = new BullMqJobQueue({ url: REDIS_URL, prefix: `bench-${randomUUID()}`, logger: silentLogger });
  const pacer = pacerFor(queue);
  const ctx = testContext({ directory: repos, database: db, queue: TRACE ? timed(queue, 'queue') : queue, pacer: TRACE ? timed(pacer, 'pacer') : pacer, platforms: platformRegistry(platforms) });
  const repo = TRACE ? timed(new PrismaNewsRepository(db.prisma), 'repo') : undefined;
  const news = buildTestCapabilities(['news'], ctx, { defaultOrganizationSlug: slug, capabilityOptions: { news: { limits, retry: { attempts: 8, backoffMs: 500 }, ...(repo ? { repo } : {}) } } }).built.parts.news;
  await news.start?.();
  return {
    news,
    organizationId: org.id,
    async stop() {
      await news.stop?.();
      await news.pacer.close();
      await queue.close();
      await deletePrefix(queue.prefix);
      await slack.stop();
      await teams.stop();
    },
  };
}

/** TRACE=1: when each platform call started and ended, client side (for finding where time goes). */
const TRACE = process.env['TRACE'] === '1';
const traceLog: { platform: string; op: string; start: number; end: number }[] = [];
function traced(p: ChatPlatform): ChatPlatform {
  return new Proxy(p, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || !['post', 'update', 'delete', 'findPosted'].includes(String(prop))) return value;
      return async (...args: unknown[]) => {
        const start = Date.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          traceLog.push({ platform: p.platform, op: String(prop), start, end: Date.now() });
        }
      };
    },
  });
}

/** PROFILE=1: a CPU profile of Kring's process during each measured fan-out, into test-artifacts/. */
const PROFILE = process.env['PROFILE'] === '1';
async function startProfile(): Promise<(name: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile, mkdir } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    await mkdir('test-artifacts', { recursive: true });
    await writeFile(`test-artifacts/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  };
}

/** TRACE=1: the first and last call of each method of an object (start and end), for the start-up timeline. */
const timeline = new Map<string, { first: number; firstEnd: number; last: number; calls: number }>();
function timed<T extends object>(target: T, name: string): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const start = Date.now();
        const result = (value as (...a: unknown[]) => unknown).apply(t, args);
        const done = () => {
          const key = `${name}.${String(prop)}`;
          const entry = timeline.get(key) ?? { first: start, firstEnd: Date.now(), last: Date.now(), calls: 0 };
          entry.calls++;
          entry.last = Date.now();
          timeline.set(key, entry);
        };
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      };
    },
  });
}

function printTrace(since: number): void {
  if (!TRACE) return;
  for (const [key, e] of [...timeline].sort((a, b) => a[1].first - b[1].first)) {
    if (e.last < since) continue;
    console.log(`    timeline ${key}: ${e.calls} calls, first ${e.first - since}..${e.firstEnd - since} ms, last ended ${e.last - since} ms`);
  }
  timeline.clear();
  for (const platform of CHAT_PLATFORMS) {
    const calls = traceLog.filter((c) => c.platform === platform && c.start >= since);
    if (calls.length === 0) continue;
    const starts = calls.map((c) => c.start - since).sort((a, b) => a - b);
    const took = calls.map((c) => c.end - c.start).sort((a, b) => a - b);
    const q = (xs: number[], f: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * f))]!;
    console.log(`    trace ${platform}: ${calls.length} calls, started at ${q(starts, 0)} / ${q(starts, 0.5)} / ${q(starts, 1)} ms, took p50 ${q(took, 0.5)} p90 ${q(took, 0.9)} max ${q(took, 1)} ms`);
  }
  traceLog.length = 0;
}

function teamsReference(setup: SetupReply, appId: string, conversationId: string) {
  return {
    channelId: 'msteams',
    serviceUrl: setup.teams.serviceUrl,
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: setup.teams.tenantId },
    bot: { id: `28:${appId}`, name: 'Kring' },
  };
}

/** Per platform: when the last delivery of the announcement was recorded `sent` (epoch ms), once all are. */
async function deliveredAt(db: Database, announcementId: string, expected: number): Promise<Record<ChatPlatformName, number>> {
  let last: Record<ChatPlatformName, number> | undefined;
  await poll(async () => {
    const rows = await db.prisma.$queryRaw<{ platform: ChatPlatformName; sent: bigint; queued: bigint; last: Date | null }[]>`
      SELECT platform, count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'queued') AS queued, max(sent_at) AS last
      FROM delivery WHERE announcement_id = ${announcementId}::uuid GROUP BY platform`;
    const total = rows.reduce((n, r) => n + Number(r.sent) + Number(r.queued), 0);
    if (total < expected || rows.some((r) => Number(r.queued) > 0)) return false;
    last = Object.fromEntries(rows.map((r) => [r.platform, r.last?.getTime() ?? 0])) as Record<ChatPlatformName, number>;
    return true;
  });
  return last!;
}

/** Per platform: when every copy of the announcement reached `version` / was retracted (max updated_at). */
async function copiesDoneAt(db: Database, announcementId: string, what: { version: number } | 'retracted'): Promise<Record<ChatPlatformName, number>> {
  let last: Record<ChatPlatformName, number> | undefined;
  await poll(async () => {
    const rows = await db.prisma.$queryRaw<{ platform: ChatPlatformName; pending: bigint; last: Date | null }[]>`
      SELECT platform,
        count(*) FILTER (WHERE ${what === 'retracted'} AND status <> 'retracted' OR ${what !== 'retracted'} AND status = 'sent' AND version < ${what === 'retracted' ? 0 : what.version}) AS pending,
        max(updated_at) AS last
      FROM delivery WHERE announcement_id = ${announcementId}::uuid GROUP BY platform`;
    if (rows.some((r) => Number(r.pending) > 0)) return false;
    last = Object.fromEntries(rows.map((r) => [r.platform, r.last?.getTime() ?? 0])) as Record<ChatPlatformName, number>;
    return true;
  });
  return last!;
}

// ---------------------------------------------------------------------------------------------------------
// The theoretical minimum: the platform's published limits on a virtual clock

/** Last slot of `n` requests of `op` to n distinct channels of one workspace, plus the slowest round trip. */
function minimumMs(platform: ChatPlatformName, op: PacedOperation, n: number): number {
  const requests = Array.from({ length: n }, (_, i) =>
    paceRequest(PLATFORM_LIMITS, { platform, workspaceExternalId: 'ws', kind: 'channel', targetExternalId: `c${i}` }, op, String(i)),
  ).filter((r) => r !== undefined);
  const slots = requests.length === 0 ? [0] : minimumSchedule(requests);
  return Math.max(...slots) + LATENCY_MAX_MS;
}

/** The goal of issue 22: within 1.10x the minimum plus 0.25 s. */
const goalMs = (minimum: number) => 1.1 * minimum + 250;

interface Row {
  what: string;
  platform: ChatPlatformName;
  n: number;
  wallMs: number;
  minimumMs: number;
  limited: number;
  limitedLate: number;
  note?: string | undefined;
}
const rows: Row[] = [];
const cpuNotes: string[] = [];

function limitHits(requests: SeenRequest[], start: number): { total: number; late: number } {
  const hits = requests.filter((r) => r.enforced);
  return { total: hits.length, late: hits.filter((r) => r.at > start + 1000).length };
}

function copiesNote(report: PlatformReport, expected: 'one' | 'none'): string | undefined {
  const wrong = report.copies.filter((c) => (expected === 'one' ? c.marked !== 1 : c.visible !== 0));
  return wrong.length === 0 ? undefined : `!! ${wrong.length} channels without ${expected === 'one' ? 'exactly one copy' : 'their copy deleted'}`;
}

function printRow(r: Row): void {
  const ratio = r.wallMs / r.minimumMs;
  const verdict = r.what.startsWith('Kring') ? (r.wallMs <= goalMs(r.minimumMs) ? 'goal met' : `goal missed by ${secs(r.wallMs - goalMs(r.minimumMs))}`) : '';
  console.log(
    `    ${r.what.padEnd(22)} | ${r.platform.padEnd(7)} | ${String(r.n).padStart(5)} | ${secs(r.wallMs).padStart(9)} | ${secs(r.minimumMs).padStart(9)} | ${ratio.toFixed(2).padStart(6)}x | ${String(r.limited).padStart(5)} | ${String(r.limitedLate).padStart(5)} | ${verdict}${r.note ? ` ${r.note}` : ''}`,
  );
}

const ROW_HEADER = '    run                    | platform|     N |      wall |   minimum | wall/min |  429s | >1st s | goal (1.10 x min + 0.25 s)';

// ---------------------------------------------------------------------------------------------------------
// (b) Kring at the limits: post, edit, retract

const TEAMS_APP_PASSWORD = 'bench-teams-password-not-real';

/** Kring posts one announcement to n channels on each of `platforms` (then edits and retracts it, when all three). */
async function kringAtLimits(db: Database, n: number, platforms: readonly ChatPlatformName[] = CHAT_PLATFORMS): Promise<void> {
  const together = platforms.length === CHAT_PLATFORMS.length;
  const teamsApp = { appId: randomUUID(), appPassword: TEAMS_APP_PASSWORD };
  const { driver, setup } = await Driver.start(n, teamsApp);
  const kring = await startKring(db, setup, teamsApp, PLATFORM_LIMITS, platforms);
  try {
    const marker = `Ledenvergadering ${randomBytes(3).toString('hex')}`;
    const profiler = PROFILE ? await startProfile() : undefined;
    const cpu0 = process.cpuUsage();
    const start = Date.now();
    const { announcement } = await kring.news.service.create({ organizationId: kring.organizationId, title: marker, body: 'Kom allemaal naar de **ledenvergadering** in Utrecht.' });
    const total = platforms.length * n;
    const done = await deliveredAt(db, announcement.id, total);
    const cpu = process.cpuUsage(cpu0);
    await profiler?.(`fanout-kring-${n}-${platforms.join('-')}`);
    cpuNotes.push(`Kring, ${total} posts (${platforms.join(', ')}): ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms CPU per delivery in Kring's process, load ${loadavg()[0]!.toFixed(1)}`);
    printTrace(start);
    const posted = await driver.report(marker);
    for (const platform of platforms) {
      const requests = posted[platform].requests.filter((r) => r.op === 'post');
      const hits = limitHits(requests, start);
      const firstArrival = Math.min(...requests.map((r) => r.at));
      rows.push({
        what: together ? 'Kring: post, 3 at once' : 'Kring: post, alone',
        platform,
        n,
        wallMs: done[platform] - start,
        minimumMs: minimumMs(platform, 'post', n),
        limited: hits.total,
        limitedLate: hits.late,
        note: [`posts arrived ${secs(firstArrival - start)}–${secs(Math.max(...requests.map((r) => r.at)) - start)}`, copiesNote(posted[platform], 'one')].filter(Boolean).join(', '),
      });
    }

    if (process.env['EDITS'] === '0' || !together) return;
    // Edits and retractions, on their own limits; the windows of the posts are left to empty first.
    const slackToo = n < 1000 || EDITS_AT_1000;
    if (!slackToo) console.log(`    (Slack edits and retractions of ${n} copies skipped: Tier 3 makes them take ${secs(minimumMs('slack', 'update', n))} each; EDITS_AT_1000=1)`);
    if (!slackToo) await retractSlackQuietly(db, announcement.id);
    await sleep(2500);
    const edited = `${marker} (gewijzigd)`;
    const editStart = Date.now();
    await kring.news.service.edit(kring.organizationId, announcement.id, { title: edited, body: 'Nu in **Zwolle**.', linkUrl: null, imageUrl: null });
    const editDone = await copiesDoneAt(db, announcement.id, { version: 2 });
    const afterEdit = await driver.report(edited);
    for (const platform of slackToo ? CHAT_PLATFORMS : (['discord', 'teams'] as const)) {
      const requests = afterEdit[platform].requests.filter((r) => r.op === 'update' && r.at >= editStart);
      const hits = limitHits(requests, editStart);
      rows.push({ what: 'Kring: edit', platform, n, wallMs: editDone[platform] - editStart, minimumMs: minimumMs(platform, 'update', n), limited: hits.total, limitedLate: hits.late, note: copiesNote(afterEdit[platform], 'one') });
    }
    await sleep(2500);
    const retractStart = Date.now();
    await kring.news.service.retract(kring.organizationId, announcement.id);
    const retractDone = await copiesDoneAt(db, announcement.id, 'retracted');
    const afterRetract = await driver.report(edited);
    for (const platform of slackToo ? CHAT_PLATFORMS : (['discord', 'teams'] as const)) {
      const requests = afterRetract[platform].requests.filter((r) => r.op === 'delete' && r.at >= retractStart);
      const hits = limitHits(requests, retractStart);
      rows.push({ what: 'Kring: retract', platform, n, wallMs: retractDone[platform] - retractStart, minimumMs: minimumMs(platform, 'delete', n), limited: hits.total, limitedLate: hits.late, note: copiesNote(afterRetract[platform], 'none') });
    }
  } finally {
    await kring.stop();
    await driver.stop();
  }
}

/** Takes Slack's deliveries out of the edit and retraction (marked retracted without deleting the copies). */
async function retractSlackQuietly(db: Database, announcementId: string): Promise<void> {
  await db.prisma.$executeRaw`UPDATE delivery SET status = 'retracted' WHERE announcement_id = ${announcementId}::uuid AND platform = 'slack'`;
}

// ---------------------------------------------------------------------------------------------------------
// (b) What a user would otherwise run: the official clients with their default rate-limit handling

const NAIVE_VIEW: View = {
  fallback: 'Ledenvergadering',
  blocks: [
    { type: 'heading', text: 'Ledenvergadering' },
    { type: 'text', text: 'Kom allemaal naar de **ledenvergadering** in Utrecht.' },
  ],
};

/** One post per channel, per platform, with the clients as a user would set them up against the fakes. */
function naiveClients(setup: SetupReply, teamsApp: { appId: string; appPassword: string }): Record<ChatPlatformName, (channel: string) => Promise<void>> {
  // @slack/web-api: waits out 429s itself (Retry-After) and retries; at most 100 requests in flight.
  const slack = new webApi.WebClient(setup.slack.botToken, { slackApiUrl: setup.slack.apiUrl, logger: quietSlackLogger });
  const slackMessage = renderMessage(NAIVE_VIEW);
  // @discordjs/rest: per-route buckets and the global 50/s from the headers, 429s retried.
  const discord = new REST({ api: setup.discord.apiUrl }).setToken(setup.discord.token);
  const discordBody = renderDiscord(NAIVE_VIEW).body;
  // botbuilder: CloudAdapter with its HTTP pipeline's default retry policy (429 Retry-After, 5xx).
  const teams = new CloudAdapter(teamsAuthentication(setup, teamsApp));
  const teamsActivity = cardMessage(NAIVE_VIEW);
  return {
    slack: async (channel) => void (await slack.chat.postMessage({ channel, ...slackMessage })),
    discord: async (channel) => void (await discord.post(Routes.channelMessages(channel), { body: discordBody })),
    teams: (channel) =>
      teams.continueConversationAsync(teamsApp.appId, teamsReference(setup, teamsApp.appId, channel) as Partial<ConversationReference>, async (context) => {
        delete (context.activity as { id?: string }).id;
        await context.sendActivity(teamsActivity);
      }),
  };
}

const quietSlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as never,
  setName: () => undefined,
};

/** botbuilder's own authentication, its outbound tokens from the fake identity (as the Teams adapter does). */
function teamsAuthentication(setup: SetupReply, app: { appId: string; appPassword: string }): ConfigurationBotFrameworkAuthentication {
  const s = setup.teams.settings;
  const endpoint = new URL(s.tokenEndpoint);
  const authority = `https://${endpoint.host}/${setup.teams.tenantId}`;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: app.appId,
      clientSecret: app.appPassword,
      authority,
      knownAuthorities: [endpoint.host],
      authorityMetadata: JSON.stringify({
        token_endpoint: s.tokenEndpoint,
        authorization_endpoint: `${endpoint.origin}/${setup.teams.tenantId}/oauth2/v2.0/authorize`,
        issuer: `${endpoint.origin}/${setup.teams.tenantId}/v2.0`,
        jwks_uri: `${endpoint.origin}/${setup.teams.tenantId}/discovery/v2.0/keys`,
      }),
    },
  });
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: app.appId,
      MicrosoftAppPassword: app.appPassword,
      MicrosoftAppTenantId: setup.teams.tenantId,
      MicrosoftAppType: 'MultiTenant',
      ToBotFromChannelOpenIdMetadataUrl: s.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: s.tokenIssuer,
      ToChannelFromBotLoginUrl: s.loginUrl,
      ToChannelFromBotOAuthScope: s.oauthScope,
    } as never,
    new MsalServiceClientCredentialsFactory(app.appId, msal as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]),
  );
}

async function naive(n: number, mode: 'sequential' | 'Promise.all'): Promise<void> {
  const teamsApp = { appId: randomUUID(), appPassword: TEAMS_APP_PASSWORD };
  const { driver, setup } = await Driver.start(n, teamsApp);
  try {
    const clients = naiveClients(setup, teamsApp);
    const start = Date.now();
    const finished: Partial<Record<ChatPlatformName, { at: number; failed: number }>> = {};
    await Promise.all(
      CHAT_PLATFORMS.map(async (platform) => {
        const post = clients[platform];
        let failed = 0;
        if (mode === 'sequential') {
          for (const channel of setup[platform].channels) await post(channel).catch(() => void failed++);
        } else {
          await Promise.all(setup[platform].channels.map((channel) => post(channel).catch(() => void failed++)));
        }
        finished[platform] = { at: Date.now(), failed };
      }),
    );
    const report = await driver.report('Ledenvergadering');
    for (const platform of CHAT_PLATFORMS) {
      const hits = limitHits(report[platform].requests, start);
      const f = finished[platform]!;
      const note = [f.failed > 0 ? `!! ${f.failed} posts failed` : undefined, copiesNote(report[platform], 'one')].filter(Boolean).join(', ');
      rows.push({ what: `naive ${mode}`, platform, n, wallMs: f.at - start, minimumMs: minimumMs(platform, 'post', n), limited: hits.total, limitedLate: hits.late, ...(note ? { note } : {}) });
    }
  } finally {
    await driver.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// (c) Faults: 5% 5xx on posts, half after storing

async function faults(db: Database, n: number): Promise<void> {
  const teamsApp = { appId: randomUUID(), appPassword: TEAMS_APP_PASSWORD };
  const { driver, setup } = await Driver.start(n, teamsApp);
  const kring = await startKring(db, setup, teamsApp, PLATFORM_LIMITS);
  try {
    await driver.request({ type: 'faults', serverError: 0.05, afterStore: 0.5, seed: 22 });
    const marker = `Storing ${randomBytes(3).toString('hex')}`;
    const start = Date.now();
    const { announcement } = await kring.news.service.create({ organizationId: kring.organizationId, title: marker, body: 'Met **fouten** onderweg.' });
    const done = await deliveredAt(db, announcement.id, 3 * n);
    const report = await driver.report(marker);
    const deliveries = await kring.news.repo.listDeliveries(announcement.id);
    console.log(`\n(c) faults: ${n} channels per platform, 5% of posts answered 5xx, half of them after the platform stored the message`);
    console.log('    platform | 5xx before storing | 5xx after storing | channels without a copy | channels with 2+ copies | extra copies | delivered | wall');
    for (const platform of CHAT_PLATFORMS) {
      const posts = report[platform].requests.filter((r) => r.op === 'post');
      const lost = posts.filter((r) => r.lost).length;
      const before = posts.filter((r) => r.status >= 500 && !r.lost).length;
      const missing = report[platform].copies.filter((c) => c.marked === 0).length;
      const doubled = report[platform].copies.filter((c) => c.marked > 1);
      const extra = doubled.reduce((sum, c) => sum + c.marked - 1, 0);
      const sent = deliveries.filter((d) => d.platform === platform && d.status === 'sent').length;
      console.log(`    ${platform} | ${before} | ${lost} | ${missing} | ${doubled.length} | ${extra} | ${sent}/${n} | ${secs(done[platform] - start)}`);
    }
  } finally {
    await kring.stop();
    await driver.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// (d) kill -9 mid fan-out, production lock settings

async function killed(db: Database & { url: string }): Promise<void> {
  const PER_PLATFORM = 300;
  const latency = () => 20 + Math.random() * 40;
  const fakes = CHAT_PLATFORMS.map((platform) => new FakeChatPlatform({ platform, latencyMs: latency }));
  const served = await serveFakeChatPlatforms(fakes);
  const prefix = `bench-${randomUUID()}`;
  const queue = new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
  const repos = prismaRepositories(db.prisma);
  const org = await repos.organizations.ensure({ slug: 'default', name: 'Benchvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
  const ctx = testContext({ directory: repos, database: db, queue, pacer: pacerFor(queue), platforms: platformRegistry([]) });
  const news = buildTestCapabilities(['news'], ctx, { defaultOrganizationSlug: 'default', capabilityOptions: { news: { noWorkers: true } } }).built.parts.news;
  const workers: ChildProcess[] = [];
  try {
    for (const platform of CHAT_PLATFORMS) {
      const ws = await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: `${platform}-kill` });
      await db.prisma.channel.createMany({ data: Array.from({ length: PER_PLATFORM }, (_, i) => ({ organizationId: org.id, workspaceId: ws.id, externalId: `${platform}-k${i}`, purpose: 'news' as const })) });
    }
    const { announcement } = await news.service.create({ organizationId: org.id, title: 'Noodoproep', body: 'Iedereen lezen' });
    await news.service.publish(announcement.id);
    const env = {
      KRING_WORKER_DATABASE_URL: db.url,
      KRING_WORKER_REDIS_URL: REDIS_URL,
      KRING_WORKER_PREFIX: prefix,
      KRING_WORKER_FAKES_URL: served.url,
      KRING_WORKER_CONCURRENCY: '4',
    };
    const count = async (status: string) =>
      Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM delivery WHERE announcement_id = ${announcement.id}::uuid AND status::text = ${status}`)[0]!.n);
    const first = await startWorker(env);
    workers.push(first);
    await poll(async () => (await count('sent')) >= 150, 60_000, 20);
    first.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => first.once('exit', r));
    // In flight at the kill: claimed (attempt counted) but not recorded.
    const inFlight = await db.prisma.$queryRaw<{ id: string }[]>`SELECT id FROM delivery WHERE announcement_id = ${announcement.id}::uuid AND status = 'queued' AND attempts > 0`;
    const sentAtKill = await count('sent');
    const second = await startWorker(env);
    workers.push(second);
    const restartedAt = Date.now();
    let resumedAt = 0;
    await poll(async () => {
      if (resumedAt === 0 && (await count('sent')) > sentAtKill) resumedAt = Date.now();
      return (await count('queued')) === 0;
    }, 120_000, 20);
    const ids = inFlight.map((r) => r.id);
    const [stalled] = await db.prisma.$queryRaw<{ last: Date | null }[]>`SELECT max(sent_at) AS last FROM delivery WHERE id = ANY(${ids}::uuid[])`;
    const allDone = Date.now();
    console.log(`\n(d) kill -9 mid fan-out: ${3 * PER_PLATFORM} deliveries, worker killed at ${sentAtKill} sent with ${ids.length} in flight; production lock settings; new worker started ${secs(restartedAt - killedAt)} after the kill`);
    console.log(`    delivery resumed ${secs(resumedAt - restartedAt)} after the restart; the jobs in flight at the kill were delivered ${stalled?.last ? secs(stalled.last.getTime() - killedAt) : 'n/a'} after the kill; all delivered ${secs(allDone - killedAt)} after the kill`);
    for (const fake of fakes) {
      const copies = fake.channels().map((c) => fake.visibleIn(c).length);
      const missing = PER_PLATFORM - copies.filter((c) => c > 0).length;
      const extra = copies.reduce((sum, c) => sum + Math.max(0, c - 1), 0);
      console.log(`    ${fake.platform}: ${missing} channels without a copy, ${extra} extra copies (lost answers: ${fake.callsOf('post').filter((c) => c.lost).length})`);
    }
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await news.pacer.close();
    await queue.close();
    await served.close();
    await deletePrefix(prefix);
  }
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../test/integration/news-fanout.worker.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
  return child;
}

// ---------------------------------------------------------------------------------------------------------
// (a) Pipeline ceiling

async function partA(db: Database): Promise<void> {
  const channels = { discord: Math.round(TARGETS * 0.4), slack: Math.round(TARGETS * 0.4), teams: TARGETS - 2 * Math.round(TARGETS * 0.4) };
  const fakes = CHAT_PLATFORMS.map((platform) => new FakeChatPlatform({ platform }));
  const repos = prismaRepositories(db.prisma);
  const org = await repos.organizations.ensure({ slug: 'ceiling', name: 'Benchvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
  for (const platform of CHAT_PLATFORMS) {
    const ws = await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: `${platform}-ceiling` });
    await db.prisma.channel.createMany({ data: Array.from({ length: channels[platform] }, (_, i) => ({ organizationId: org.id, workspaceId: ws.id, externalId: `${platform}-${i}`, purpose: 'news' as const })) });
  }
  const queue = new BullMqJobQueue({ url: REDIS_URL, prefix: `bench-${randomUUID()}`, logger: silentLogger });
  const ctx = testContext({ directory: repos, database: db, queue, pacer: pacerFor(queue), platforms: platformRegistry(fakes) });
  const news = buildTestCapabilities(['news'], ctx, { defaultOrganizationSlug: org.slug, capabilityOptions: { news: { limits: unlimited(CONCURRENCY), retry: { attempts: 8, backoffMs: 200 } } } }).built.parts.news;
  await news.start?.();
  try {
    const warm = await news.service.create({ organizationId: org.id, title: 'Warm-up', body: 'x' });
    await deliveredAt(db, warm.announcement.id, TARGETS);
    const start = Date.now();
    const cpu0 = process.cpuUsage();
    const { announcement } = await news.service.create({ organizationId: org.id, title: 'Nieuws', body: 'Benchmarktekst met **opmaak** en een [link](https://example.org).' });
    await deliveredAt(db, announcement.id, TARGETS);
    const totalMs = Date.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(`\n(a) pipeline ceiling: ${fmt(TARGETS)} deliveries (${channels.discord} Discord, ${channels.slack} Slack, ${channels.teams} Teams), concurrency ${CONCURRENCY} per platform queue`);
    console.log(`    end to end: ${secs(totalMs)} -> ${fmt(TARGETS / (totalMs / 1000))} deliveries/s; CPU of this process ${(cpuMs / TARGETS).toFixed(2)} ms per delivery, load ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await news.stop?.();
    await news.pacer.close();
    await queue.close();
    await deletePrefix(queue.prefix);
  }
}

// ---------------------------------------------------------------------------------------------------------

/** One small announcement through every part first: JIT, connections, prepared statements, Lua scripts. */
async function warmUp(db: Database): Promise<void> {
  const teamsApp = { appId: randomUUID(), appPassword: TEAMS_APP_PASSWORD };
  const { driver, setup } = await Driver.start(20, teamsApp);
  const kring = await startKring(db, setup, teamsApp, PLATFORM_LIMITS);
  try {
    const { announcement } = await kring.news.service.create({ organizationId: kring.organizationId, title: 'Warm-up', body: 'x' });
    await deliveredAt(db, announcement.id, 60);
    if (NAIVE) {
      const clients = naiveClients(setup, teamsApp);
      for (const platform of CHAT_PLATFORMS) await clients[platform](setup[platform].channels[0]!);
    }
  } finally {
    await kring.stop();
    await driver.stop();
  }
}

console.log(`fan-out benchmark · node ${process.version} · ${cpus().length} cores · load ${loadavg().map((l) => l.toFixed(1)).join(' ')} · ${new Date().toISOString()}`);
const db = await freshDatabase();
try {
  if (PART.includes('a')) await partA(db);
  if (PART.includes('b')) {
    await warmUp(db);
    for (const n of SIZES) {
      await kringAtLimits(db, n);
      // One platform at a time too: on two cores the three platforms' SDKs compete for Kring's one thread.
      if (ALONE) for (const platform of CHAT_PLATFORMS) await kringAtLimits(db, n, [platform]);
      if (NAIVE) {
        await naive(n, 'sequential');
        await naive(n, 'Promise.all');
      }
    }
    console.log(`\n(b) one announcement to N channels on each platform at once, real adapters and clients, fakes enforcing the published limits, ${process.env['LATENCY_MIN_MS'] ?? 20}–${LATENCY_MAX_MS} ms latency; minimum = published limits on a virtual clock + ${LATENCY_MAX_MS} ms`);
    console.log(ROW_HEADER);
    for (const r of rows) printRow(r);
    for (const note of cpuNotes) console.log(`    ${note}`);
  }
  if (PART.includes('c')) for (const n of SIZES) await faults(db, n);
  if (PART.includes('d')) await killed(db);
} finally {
  await db.close();
}
process.exit(0);
