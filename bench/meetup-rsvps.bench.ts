/**
 * Meet-up RSVPs under load, side by side with what an association runs today for the same question: a
 * three-option poll ("Going / Maybe / Can't"). Both through `ChatRouter.handle` (router, organisation and
 * access, the capability's service, PostgreSQL, refresh scheduling on the queue), in one process, on one
 * database, by the same members, at fixed, increasing rates (open loop: presses are started on schedule
 * whether or not earlier ones were answered; latency counts from the scheduled moment).
 *
 * A meet-up answer does more than a vote: it takes the meet-up's row lock, reads the places taken, decides
 * the seat, writes, and moves the waitlist up when a place opens (with a direct message). The poll vote is
 * one `INSERT … ON CONFLICT`. The ratio says what the exact capacity costs.
 *
 * Prints per rate and path: answered/s, ack p50/p99/max, errors, CPU of this process per answer, and the
 * ratio meet-up / poll of the p99; then checks the meet-up list is capacity-respecting.
 *
 * Needs PostgreSQL (KRING_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test) and, for the
 * BullMQ driver, Redis (KRING_TEST_REDIS_URL). Usage:
 *   npx tsx bench/meetup-rsvps.bench.ts                           # BullMQ, rates 100,250,500, 5 s each
 *   BENCH_QUEUE=in-process BENCH_RATES=250 BENCH_SECONDS=10 npx tsx bench/meetup-rsvps.bench.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { rsvpValue, type MeetupAnswer } from '../src/capabilities/meetups/domain/meetup.js';
import { voteValue } from '../src/capabilities/polls/domain/poll.js';
import { openDatabase } from '../src/infra/database/database.js';
import { BullMqJobQueue } from '../src/infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../src/infra/queue/in-process.job-queue.js';
import type { ActionEvent } from '../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../src/kernel/ports/job-queue.js';
import { FakeChatPlatform, platformRegistry } from '../test/fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../test/support/capabilities.js';
import { prismaRepositories, TEST_PG_ADMIN_URL } from '../test/support/database.js';
import { silentLogger } from '../test/support/logger.js';
import { deleteRedisPrefixes } from '../test/support/redis.js';

const RATES = (process.env['BENCH_RATES'] ?? '100,250,500').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const DRIVER = process.env['BENCH_QUEUE'] ?? 'bullmq';
const MEMBERS = Number(process.env['BENCH_MEMBERS'] ?? 2000);
const CAPACITY = Number(process.env['BENCH_CAPACITY'] ?? 300);
const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const WORKSPACE = 'T-BENCH';

type Path = 'meetup' | 'poll';

interface PhaseResult {
  path: Path;
  rate: number;
  sent: number;
  answered: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerAnswer: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Deterministic choices (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const name = `kring_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // A pool of 10, as production's default.
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 10 });
  const repos = prismaRepositories(db.prisma);
  const prefix = `test-${randomUUID()}`;
  const queue: JobQueue = DRIVER === 'bullmq' ? new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger }) : new InProcessJobQueue(silentLogger);
  const fakes = [new FakeChatPlatform('slack'), new FakeChatPlatform('discord'), new FakeChatPlatform('teams')];

  try {
    const org = await repos.organizations.ensure({ slug: 'bench', name: 'Bench', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(fakes), logger: silentLogger });
    const { built, router } = buildTestCapabilities(['polls', 'meetups'], ctx, { defaultOrganizationSlug: org.slug });
    await built.parts.polls.start?.();
    await built.parts.meetups.start?.();

    // Members, each linked on Slack (bulk: linking is not what we measure).
    const numbers = Array.from({ length: MEMBERS }, (_, i) => `B${String(i).padStart(6, '0')}`);
    await repos.members.upsertMany(org.id, numbers.map((memberNumber, i) => ({ memberNumber, name: `Lid ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })));
    const rows = [];
    for (const [i, n] of numbers.entries()) {
      const m = (await repos.members.findByNumber(org.id, n))!;
      rows.push({ organizationId: org.id, memberId: m.id, platform: 'slack' as const, workspaceId: WORKSPACE, platformUserId: `UB${i}` });
    }
    await db.prisma.platformIdentity.createMany({ data: rows });
    await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: WORKSPACE });
    const targets = [
      { platform: 'slack' as const, workspaceExternalId: WORKSPACE, channelExternalId: 'C-general' },
      { platform: 'discord' as const, workspaceExternalId: 'G-bench', channelExternalId: 'D-general' },
      { platform: 'teams' as const, workspaceExternalId: 'tenant-bench', channelExternalId: '19:general@thread.tacv2' },
    ];

    const press = (i: number, actionId: string, value: string): Promise<unknown> => {
      const event: ActionEvent = { type: 'action', platform: 'slack', workspaceId: WORKSPACE, userId: `UB${i}`, channelId: 'C-general', actionId, value, eventId: randomUUID(), raw: null };
      return router.handle(event);
    };
    const next = random(2026);
    const meetupAnswer = (): { answer: MeetupAnswer; guests: number } => {
      const r = next();
      return r < 0.6 ? { answer: 'going', guests: 0 } : r < 0.7 ? { answer: 'going', guests: 1 } : r < 0.85 ? { answer: 'maybe', guests: 0 } : { answer: 'not_going', guests: 0 };
    };
    const start = new Date(Date.now() + 30 * 24 * 3600_000);
    const newMeetup = (title: string) =>
      built.parts.meetups.service.create({
        organizationId: org.id, title, startsAt: start, endsAt: new Date(start.getTime() + 2 * 3600_000), timeZone: 'Europe/Amsterdam',
        place: 'Jaarbeurs, Utrecht', capacity: CAPACITY, guestsPerMember: 1, targets,
      });
    const newPoll = (question: string) => built.parts.polls.service.create({ organizationId: org.id, question, options: ['Going', 'Maybe', "Can't"], targets });

    /** One open-loop phase on one path; latency from the scheduled moment to the reply. */
    const phase = async (path: Path, rate: number, seconds: number): Promise<PhaseResult> => {
      const target = path === 'meetup' ? (await newMeetup(`Bench ${rate}/s`)).id : (await newPoll(`Bench ${rate}/s`)).id;
      const total = Math.round(rate * seconds);
      const latencies: number[] = [];
      let errors = 0;
      const inflight: Promise<void>[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now() + 20;
      for (let k = 0; k < total; k++) {
        const due = t0 + (k * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const member = Math.floor(next() * MEMBERS);
        const work =
          path === 'meetup'
            ? (() => {
                const a = meetupAnswer();
                return press(member, 'meetup.rsvp', rsvpValue(target, a.answer, a.guests));
              })()
            : press(member, 'poll.vote', voteValue(target, Math.floor(next() * 3)));
        inflight.push(
          work.then(
            (reply) => {
              latencies.push(performance.now() - due);
              // A refusal the member is told about (no room for guests) is an answer; an unexpected error is not.
              if (JSON.stringify(reply).includes('Something went wrong')) errors++;
            },
            () => void errors++,
          ),
        );
      }
      await Promise.all(inflight);
      const elapsed = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      latencies.sort((a, b) => a - b);
      const answered = latencies.length - errors;
      return {
        path, rate, sent: total, answered, errors, perSecond: (answered * 1000) / elapsed,
        p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, cpuMsPerAnswer: (cpu.user + cpu.system) / 1000 / Math.max(1, answered),
      };
    };

    // Warm-up (JIT, pools, prepared plans): not reported.
    await phase('meetup', 100, 2);
    await phase('poll', 100, 2);

    const results: PhaseResult[] = [];
    for (const [i, rate] of RATES.entries()) {
      // Alternate which path goes first, so neither always meets a warmer machine.
      for (const path of (i % 2 === 0 ? ['meetup', 'poll'] : ['poll', 'meetup']) as Path[]) {
        const r = await phase(path, rate, SECONDS);
        results.push(r);
        console.log(`${path.padEnd(6)} ${String(rate).padStart(4)}/s: answered ${r.answered}/${r.sent} (${r.errors} errors), ack p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(0)} ms, cpu ${r.cpuMsPerAnswer.toFixed(2)} ms/answer`);
      }
    }

    // The meet-ups' lists stayed exact: never more confirmed places than the capacity.
    const over = await db.prisma.$queryRaw<{ id: string; places: number }[]>`
      SELECT m.id::text AS id, coalesce(sum(1 + r.guests) FILTER (WHERE r.seat = 'confirmed'), 0)::int AS places
        FROM meetup m LEFT JOIN meetup_rsvp r ON r.meetup_id = m.id GROUP BY m.id HAVING coalesce(sum(1 + r.guests) FILTER (WHERE r.seat = 'confirmed'), 0) > ${CAPACITY}`;

    console.log('');
    console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; queue ${DRIVER}; ${MEMBERS} members; capacity ${CAPACITY}; ${new Date().toISOString()}`);
    console.log('');
    console.log('| offered/s | path | answered/s | ack p50 | ack p99 | ack max | errors | CPU per answer | p99 meet-up ÷ poll |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const rate of RATES) {
      const m = results.find((r) => r.rate === rate && r.path === 'meetup')!;
      const p = results.find((r) => r.rate === rate && r.path === 'poll')!;
      for (const r of [m, p]) {
        console.log(
          `| ${rate} | ${r.path === 'meetup' ? 'meet-up RSVP' : 'poll vote'} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(0)} ms | ${r.errors} | ${r.cpuMsPerAnswer.toFixed(2)} ms | ${r === m ? `${(m.p99 / p.p99).toFixed(2)}×` : ''} |`,
        );
      }
    }
    console.log('');
    console.log(over.length === 0 ? 'Capacity held on every meet-up.' : `CAPACITY EXCEEDED on ${over.length} meet-up(s): ${JSON.stringify(over)}`);
    if (over.length > 0) process.exitCode = 1;
  } finally {
    await queue.close();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (DRIVER === 'bullmq') await deleteRedisPrefixes([prefix], REDIS_URL);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
