/**
 * Poll votes under load: button presses at fixed, increasing rates (open loop: presses are sent on schedule
 * whether or not earlier ones were answered), through
 *  - `app`:   ChatRouter.handle directly (router, membership, PollService, PostgreSQL, queue), and
 *  - `slack`: the real Slack adapter over HTTP (signed `block_actions` to Bolt behind Express), when
 *             BENCH_SLACK is not `0`. The load generator, the fake Slack Web API and the `response_url`
 *             receiver run in a child process (bench/poll-votes.slack-driver.ts), so Kring's process only
 *             does Kring's work and its CPU time per vote is Kring's own.
 * The poll is posted on three fake platforms (Slack, Discord, Teams copies); the refresh worker edits them.
 *
 * Prints per rate: votes/s answered, p50/p99/max time to acknowledge (handle() resolving, or the HTTP answer
 * for Slack), errors, and message edits per poll copy per second.
 *
 * Needs PostgreSQL (KRING_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test) and, for the
 * BullMQ driver, Redis (KRING_TEST_REDIS_URL). Usage:
 *   npx tsx bench/poll-votes.bench.ts                 # BullMQ, rates 100,250,500,1000, 5 s each
 *   BENCH_QUEUE=in-process BENCH_RATES=500 BENCH_SECONDS=10 npx tsx bench/poll-votes.bench.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import express from 'express';
import pg from 'pg';
import { createSlackPlatform } from '../adapters/slack/index.js';
import { voteValue } from '../src/capabilities/polls/domain/poll.js';
import { openDatabase } from '../src/infra/database/database.js';
import type { ChatPlatform, InboundEvent } from '../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../src/kernel/ports/job-queue.js';
import { BullMqJobQueue } from '../src/infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../src/infra/queue/in-process.job-queue.js';
import { FakeChatPlatform } from '../test/fakes/fake-chat-platform.js';
import { FAKE_SLACK } from '../test/fakes/slack/fake-slack-api.js';
import { prismaRepositories, TEST_PG_ADMIN_URL } from '../test/support/database.js';
import { silentLogger } from '../test/support/logger.js';
import { createPollHarness, type Account } from '../test/support/poll-harness.js';
import { deleteRedisPrefixes } from '../test/support/redis.js';
import type { DriverReply, DriverRequest } from './poll-votes.slack-driver.js';

const RATES = (process.env['BENCH_RATES'] ?? '100,250,500,1000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const DRIVER = process.env['BENCH_QUEUE'] ?? 'bullmq';
const SLACK = process.env['BENCH_SLACK'] !== '0';
const MEMBERS = Number(process.env['BENCH_MEMBERS'] ?? 2000);
const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SIGNING_SECRET = 'bench-signing-secret';

interface PhaseResult {
  path: string;
  rate: number;
  sent: number;
  answered: number;
  errors: number;
  votesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Time until the vote was stored and answered (Slack: after the HTTP ack). */
  doneP50: number;
  doneP99: number;
  /** CPU time of this Node process per answered vote (user + system): capacity on an idle core is 1000 / this. */
  cpuMsPerVote: number;
  editsPerCopyPerSecond: number;
  /** Slack path: CPU time of the driver process (load generator, fake Slack API) per answered vote. */
  driverCpuMsPerVote?: number;
}

/** The Slack side (fake API, response_url receiver, load generator) in a child process; see the driver. */
class SlackDriver {
  private readonly waiting: { type: DriverReply['type']; resolve: (m: DriverReply) => void }[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: DriverReply) => {
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
  }

  static async start(): Promise<{ driver: SlackDriver; apiUrl: string }> {
    const child = fork(new URL('./poll-votes.slack-driver.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const driver = new SlackDriver(child);
    const ready = await driver.next('ready');
    return { driver, apiUrl: ready.apiUrl };
  }

  next<T extends DriverReply['type']>(type: T): Promise<Extract<DriverReply, { type: T }>> {
    return new Promise((resolve) => this.waiting.push({ type, resolve: resolve as (m: DriverReply) => void }));
  }

  async request<T extends DriverReply['type']>(m: DriverRequest, reply: T): Promise<Extract<DriverReply, { type: T }>> {
    const answer = this.next(reply);
    this.child.send(m);
    return answer;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' } satisfies DriverRequest);
    await exited;
  }
}

/** Absolute time in ms, comparable with the driver process's. */
const nowAbs = (): number => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  // A database of our own (pool of 10, as production's default).
  const name = `kring_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 10 });
  const repos = prismaRepositories(db.prisma);
  const prefix = `test-${randomUUID()}`;
  const queue: JobQueue = DRIVER === 'bullmq' ? new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger }) : new InProcessJobQueue(silentLogger);

  const fakes = [new FakeChatPlatform('discord'), new FakeChatPlatform('teams')];
  const slackSide = SLACK ? await SlackDriver.start() : undefined;
  let harness: Awaited<ReturnType<typeof createPollHarness>> | undefined;
  // When the router finished each action, by event id (Slack: trigger_id): Bolt acks the HTTP request
  // before the vote is handled, so the Slack path also reports the time until the vote was stored.
  const handledAt = new Map<string, number>();
  const handler = {
    handle: async (e: InboundEvent) => {
      const reply = await harness!.app.handle(e);
      if (e.type === 'action' && e.eventId) handledAt.set(e.eventId, nowAbs());
      return reply;
    },
  };
  const slack = slackSide
    ? createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackSide.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents })
    : undefined;
  if (!slack) fakes.push(new FakeChatPlatform('slack'));
  const platforms: ChatPlatform[] = [...(slack ? [slack] : []), ...fakes];
  const h = (harness = await createPollHarness({ repos, database: db, queue, platforms }));
  await slack?.start();
  let driver: SlackDriver | undefined;
  let server: ReturnType<typeof createServer> | undefined;
  if (slack && slackSide) {
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    server = createServer(app);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    driver = slackSide.driver;
    await driver.request({ type: 'connect', eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET }, 'connected');
  }

  // Members, each linked on Slack (bulk: linking is not what we measure).
  const ws = FAKE_SLACK.teamId;
  const numbers = Array.from({ length: MEMBERS }, (_, i) => `B${String(i).padStart(6, '0')}`);
  await repos.members.upsertMany(h.organization.id, numbers.map((memberNumber, i) => ({ memberNumber, name: `Lid ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })));
  const voters: Account[] = [];
  const rows = [];
  for (const [i, n] of numbers.entries()) {
    const m = (await repos.members.findByNumber(h.organization.id, n))!;
    voters.push({ platform: 'slack', workspaceId: ws, userId: `UB${i}` });
    rows.push({ organizationId: h.organization.id, memberId: m.id, platform: 'slack' as const, workspaceId: ws, platformUserId: `UB${i}` });
  }
  await db.prisma.platformIdentity.createMany({ data: rows });
  const { member: manager } = await h.member({ roles: ['member', 'manager'] });
  for (const [platform, workspace, channel] of [['discord', '900000000000000001', '910000000000000001'], ['teams', 'tenant-1', '19:general@thread.tacv2'], ['slack', ws, FAKE_SLACK.channelId]] as const) {
    const w = await repos.workspaces.upsert({ organizationId: h.organization.id, platform, externalId: workspace });
    await repos.channels.upsert({ workspaceId: w.id, externalId: channel, purpose: 'general' });
  }

  // Warm-up (JIT, connection pools, prepared plans): not reported.
  {
    const warm = await h.polls.service.create({ organizationId: h.organization.id, question: 'Warm-up', options: ['A', 'B'], targets: [] });
    for (let i = 0; i < 300; i += 50) {
      await Promise.all(voters.slice(i, i + 50).map((v, j) => h.press(v, voteValue(warm.id, j % 2))));
    }
    await h.polls.service.close(warm);
  }

  const results: PhaseResult[] = [];
  const paths = driver ? (['app', 'slack'] as const) : (['app'] as const);
  for (const path of paths) {
    for (const rate of RATES) {
      const poll = await h.polls.service.create({
        organizationId: h.organization.id,
        createdByMemberId: manager.id,
        question: `Bench ${path} ${rate}/s`,
        options: ['A', 'B', 'C', 'D'],
        targets: [
          { platform: 'slack', workspaceExternalId: ws, channelExternalId: FAKE_SLACK.channelId },
          { platform: 'discord', workspaceExternalId: '900000000000000001', channelExternalId: '910000000000000001' },
          { platform: 'teams', workspaceExternalId: 'tenant-1', channelExternalId: '19:general@thread.tacv2' },
        ],
      });
      for (let i = 0; i < 200; i++) {
        const posts = await h.polls.repo.listPosts(poll.id);
        if (posts.every((p) => p.messageId)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const posts = await h.polls.repo.listPosts(poll.id);
      const slackTs = posts.find((p) => p.platform === 'slack')?.messageId ?? undefined;
      const editsBefore = await countEdits(fakes, driver);

      const latencies: number[] = [];
      const done: number[] = [];
      let driverCpuMs: number | undefined;
      let errors = 0;
      let sent = 0;
      const total = rate * SECONDS;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      if (path === 'app') {
        const pending: Promise<void>[] = [];
        // Open loop: every 10 ms, send the presses due by now.
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
            while (sent < due) {
              const voter = voters[Math.floor(Math.random() * voters.length)]!;
              const value = voteValue(poll.id, Math.floor(Math.random() * 4));
              const t0 = performance.now();
              sent++;
              const p = h
                .press(voter, value)
                .then((r) => {
                  if (!r || !JSON.stringify(r).includes('Your vote')) throw new Error('no confirmation');
                  done.push(performance.now() - t0);
                })
                .then(
                  () => void latencies.push(performance.now() - t0),
                  () => void errors++,
                );
              pending.push(p);
            }
            if (sent >= total) {
              clearInterval(timer);
              resolve();
            }
          }, 10);
        });
        await Promise.all(pending);
      } else {
        // The driver process sends the presses (same open loop) and times the HTTP answers.
        const phase = await driver!.request(
          {
            type: 'phase',
            rate,
            seconds: SECONDS,
            userIds: voters.map((v) => v.userId),
            values: [0, 1, 2, 3].map((i) => voteValue(poll.id, i)),
            messageTs: slackTs!,
          },
          'phaseDone',
        );
        sent = phase.sent;
        driverCpuMs = phase.cpuMs;
        errors += phase.errors;
        latencies.push(...phase.latencies);
        for (let i = 0; i < 400 && phase.sentAt.some(([id]) => !handledAt.has(id)); i++) await new Promise((r) => setTimeout(r, 25));
        for (const [id, t0] of phase.sentAt) {
          const at = handledAt.get(id);
          if (at === undefined) errors++;
          else done.push(at - t0);
        }
      }
      const elapsed = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      // Let the last refresh window finish before counting edits.
      await new Promise((r) => setTimeout(r, h.polls.scheduler.refreshWindowMs + 1000));
      const edits = (await countEdits(fakes, driver)) - editsBefore;
      const sorted = latencies.sort((a, b) => a - b);
      const doneSorted = done.sort((a, b) => a - b);
      const result: PhaseResult = {
        path,
        rate,
        sent,
        answered: latencies.length,
        errors,
        votesPerSecond: latencies.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        doneP50: percentile(doneSorted, 50),
        doneP99: percentile(doneSorted, 99),
        cpuMsPerVote: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
        editsPerCopyPerSecond: edits / 3 / (elapsed + (h.polls.scheduler.refreshWindowMs + 1000) / 1000),
        ...(driverCpuMs === undefined ? {} : { driverCpuMsPerVote: driverCpuMs / Math.max(1, latencies.length) }),
      };
      results.push(result);
      console.log(
        `${path.padEnd(5)} ${String(rate).padStart(5)}/s offered: ${result.votesPerSecond.toFixed(0)} votes/s answered, ` +
          `ack p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(0)} ms, ` +
          `stored p50 ${result.doneP50.toFixed(1)} ms, p99 ${result.doneP99.toFixed(1)} ms, errors ${errors}, ` +
          `cpu ${result.cpuMsPerVote.toFixed(2)} ms/vote, ` +
          `edits/copy/s ${result.editsPerCopyPerSecond.toFixed(2)}`,
      );
      await h.polls.service.close(poll);
    }
  }

  console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, queue ${DRIVER}, ${MEMBERS} members, ${SECONDS} s per rate`);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  console.log('| path | offered votes/s | answered votes/s | ack p50 | ack p99 | ack max | stored p50 | stored p99 | errors | CPU per vote | edits per copy per s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.path} | ${r.rate} | ${r.votesPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(0)} ms | ${r.doneP50.toFixed(1)} ms | ${r.doneP99.toFixed(1)} ms | ${r.errors} | ${r.cpuMsPerVote.toFixed(2)} ms | ${r.editsPerCopyPerSecond.toFixed(2)} |`,
    );
  }

  for (const r of results) {
    if (r.driverCpuMsPerVote !== undefined) console.log(`slack driver process (load generator, fake Slack API) at ${r.rate}/s: ${r.driverCpuMsPerVote.toFixed(2)} ms CPU per vote`);
  }

  await h.stop();
  await slack?.stop();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await driver?.stop();
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  if (DRIVER === 'bullmq') {
    await deleteRedisPrefixes([prefix], REDIS_URL);
  }
}

/** Message edits so far: updates on the Discord/Teams fakes plus chat.update calls on the fake Slack. */
async function countEdits(fakes: FakeChatPlatform[], driver: SlackDriver | undefined): Promise<number> {
  const slackEdits = driver ? (await driver.request({ type: 'edits' }, 'edits')).count : 0;
  return fakes.reduce((n, f) => n + f.callsOf('update').length, 0) + slackEdits;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
