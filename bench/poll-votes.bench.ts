/**
 * Poll votes under load, side by side: Kring against a naive poll bot (bench/poll-votes.naive-bot.ts:
 * @slack/bolt + pg, ack, one `INSERT ... ON CONFLICT`, `respond()`), both behind the same fake Slack, in
 * one run, A/B interleaved (the order alternates per repetition), at fixed, increasing rates of signed
 * `block_actions` presses (open loop: presses are sent on schedule whether or not earlier ones were
 * answered).
 *
 * Four processes:
 *  - this one: sets up, orchestrates, prints; it never handles a press;
 *  - the driver (bench/poll-votes.slack-driver.ts): the fake Slack Web API and response_url receiver,
 *    and the load generator;
 *  - Kring, as it runs in production: `node dist/src/main.js`, built as `npm run build` builds it (tsc,
 *    then scripts/copy-assets.mjs; BENCH_RUNNER=tsx: `tsx src/main.ts` instead), configured through the
 *    environment like any install (PostgreSQL, Redis, single-workspace Slack pointed at the fake);
 *  - the naive bot, compiled to plain JavaScript by TypeScript (or through tsx with BENCH_RUNNER=tsx).
 * Each system under test has a database of its own and gets bench/poll-votes.probe.mjs preloaded, which
 * counts SQL round trips and reports CPU time and RSS over IPC; the bench also reads the CPU time of each
 * system's PostgreSQL backends from /proc.
 *
 * Kring's presses come from 2,000 members linked on Slack and present in the fake workspace (random member,
 * random option of a 4-option poll Kring posted with `/kring poll create`); the naive bot gets the same
 * presses. A warm-up has every member press once (both systems), so that Kring knows each member's Slack
 * locale (users.info, kept an hour) as it would for a workspace it serves. A vote counts as stored when its
 * confirmation reached the response_url (both systems confirm after the write). Per rate and repetition a
 * new poll; the two systems take turns, and the order alternates per repetition.
 *
 * Needs PostgreSQL (KRING_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test) and Redis
 * (KRING_TEST_REDIS_URL; the bench uses its database 12). Usage:
 *   npm run bench:polls                                   # rates 100,250,500,1000, 6 s each, 2 repetitions
 *   BENCH_RATES=500 BENCH_SECONDS=15 BENCH_REPS=1 npm run bench:polls
 *   BENCH_RUNNER=tsx npm run bench:polls                  # both systems through tsx instead of compiled
 *   BENCH_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:polls   # CPU profiles of both
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import ts from 'typescript';
import { openDatabase } from '../src/infra/database/database.js';
import { createPrismaDirectory } from '../src/infra/database/directory.js';
import { FAKE_SLACK } from '../test/fakes/slack/fake-slack-api.js';
import { TEST_PG_ADMIN_URL } from '../test/support/database.js';
import { deleteRedisPrefixes } from '../test/support/redis.js';
import type { DriverReply, DriverRequest, PhaseMeasurement } from './poll-votes.slack-driver.js';

const RATES = (process.env['BENCH_RATES'] ?? '100,250,500,1000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 6);
const REPS = Number(process.env['BENCH_REPS'] ?? 2);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 4);
const DRAIN_MS = Number(process.env['BENCH_DRAIN_MS'] ?? 15_000);
const RUNNER = process.env['BENCH_RUNNER'] === 'tsx' ? 'tsx' : 'build';
const MEMBERS = Number(process.env['BENCH_MEMBERS'] ?? 2000);
const REDIS_BASE = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SIGNING_SECRET = 'bench-signing-secret';
const MANAGER_USER_ID = 'UBMANAGER';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./poll-votes.probe.mjs', import.meta.url));

type SystemName = 'kring' | 'naive';

interface ProbeReport {
  cpuMs: number;
  queries: number;
  rssPeak: number;
  /** V8's committed heap when RSS peaked: the rest of the peak was outside the JavaScript heap. */
  heapAtPeak: number;
  rssMean: number;
  /** How long ready work waited for the event loop (p99, max). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** p99 from the HTTP server getting a POST to its response being written, inside the process. */
  answerP99Ms: number;
}

interface PhaseResult extends PhaseMeasurement {
  system: SystemName;
  rate: number;
  rep: number;
  probe: ProbeReport;
  /** CPU time of the system's PostgreSQL backends during the phase. */
  postgresCpuMs: number;
}

/** A child process that talks over IPC: request/answer by message type. */
class IpcChild<Req extends { type: string }, Rep extends { type: string }> {
  private readonly waiting: { type: string; resolve: (m: Rep) => void; reject: (e: Error) => void }[] = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: Rep) => {
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    child.once('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`child exited (${code}) while waiting for ${w.type}`));
    });
  }
  next<T extends Rep['type']>(type: T): Promise<Extract<Rep, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ type, resolve: resolve as (m: Rep) => void, reject });
    });
  }
  request<T extends Rep['type']>(m: Req, reply: T): Promise<Extract<Rep, { type: T }>> {
    const answer = this.next(reply);
    this.child.send(m);
    return answer;
  }
}

type ProbeMessage = { type: 'probe-reset' } | ({ type: 'probe' } & ProbeReport) | { type: 'ready' };

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

/** CPU ms of every PostgreSQL backend connected to `database`, by pid. */
async function backendCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      /* the backend ended meanwhile */
    }
  }
  return cpu;
}

const cpuDelta = (before: Map<number, number>, after: Map<number, number>): number =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

/** The commands that run Kring and the naive bot: compiled JavaScript (default) or TypeScript through tsx. */
function prepareRunners(): { kring: string[]; naive: string[] } {
  if (RUNNER === 'tsx') {
    return { kring: ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], naive: ['--import', 'tsx', path.join(ROOT, 'bench/poll-votes.naive-bot.ts')] };
  }
  // What `npm run build` does (tsc, then the assets), except that type errors do not stop the bench: tsc
  // still emits, and in a working tree another change's type error says nothing about the press path.
  console.log('building Kring (tsc -p tsconfig.build.json, scripts/copy-assets.mjs) ...');
  const compiled = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (compiled.status !== 0) console.log(`tsc reported type errors (measuring the emitted JavaScript anyway):\n${compiled.stdout.trim().split('\n').slice(0, 5).join('\n')}`);
  const assets = spawnSync(process.execPath, [path.join(ROOT, 'scripts/copy-assets.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (assets.status !== 0) throw new Error('scripts/copy-assets.mjs failed');
  // The naive bot compiled to plain JavaScript the same way (no bundling), next to node_modules so that
  // its imports resolve.
  const out = path.join(ROOT, 'node_modules/.cache/kring-bench');
  mkdirSync(out, { recursive: true });
  const source = readFileSync(path.join(ROOT, 'bench/poll-votes.naive-bot.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(path.join(out, 'poll-votes.naive-bot.mjs'), js);
  return { kring: [path.join(ROOT, 'dist/src/main.js')], naive: [path.join(out, 'poll-votes.naive-bot.mjs')] };
}

/** Starts a system under test with the probe preloaded; its output goes to a log file. */
function startSystem(name: SystemName, args: string[], env: Record<string, string>, logDir: string): IpcChild<{ type: string }, ProbeMessage> {
  const log = openSync(path.join(logDir, `${name}.log`), 'a');
  // BENCH_NODE_OPTIONS adds Node flags to both systems (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const extra = (process.env['BENCH_NODE_OPTIONS'] ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...extra, '--import', PROBE, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log, 'ipc'] });
  return new IpcChild(child);
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const databases = { kring: `kring_bench_${id}`, naive: `naive_bench_${id}` };
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  for (const name of Object.values(databases)) await admin.query(`CREATE DATABASE ${name}`);
  const urlOf = (database: string): string => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const redisUrl = new URL(REDIS_BASE);
  redisUrl.pathname = '/12';
  const redisPrefix = `bench-${randomUUID()}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'kring-bench-'));
  const children: ChildProcess[] = [];

  try {
    const runners = prepareRunners();
    const driver = new IpcChild<DriverRequest, DriverReply>(
      fork(fileURLToPath(new URL('./poll-votes.slack-driver.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    children.push(driver.child);
    const { apiUrl } = await driver.next('ready');

    // Kring, configured like any single-workspace Slack install.
    const kringPort = await freePort();
    const kring = startSystem(
      'kring',
      runners.kring,
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: String(kringPort),
        HOST: '127.0.0.1',
        DATABASE_URL: urlOf(databases.kring),
        REDIS_URL: redisUrl.toString(),
        REDIS_PREFIX: redisPrefix,
        KRING_DEFAULT_LOCALE: 'en',
        KRING_SECRET: randomBytes(32).toString('base64'),
        KRING_PUBLIC_URL: `http://127.0.0.1:${kringPort}`,
        SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: apiUrl,
      },
      logDir,
    );
    children.push(kring.child);
    await waitFor(() => {
      if (kring.child.exitCode !== null) throw new Error(`Kring exited (${kring.child.exitCode}); see ${logDir}/kring.log`);
      return readFileSync(path.join(logDir, 'kring.log'), 'utf8').includes('"platform connected"');
    }, 'Kring to start');

    const naivePort = await freePort();
    const naive = startSystem(
      'naive',
      runners.naive,
      { DATABASE_URL: urlOf(databases.naive), PORT: String(naivePort), SLACK_BOT_TOKEN: FAKE_SLACK.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl },
      logDir,
    );
    children.push(naive.child);
    await naive.next('ready');
    const systems = { kring, naive };

    // Members, each linked on Slack, plus a manager who creates the polls (bulk: linking is not measured).
    {
      const db = await openDatabase({ url: urlOf(databases.kring), dataDir: '', poolSize: 2 });
      const directory = createPrismaDirectory(db.prisma);
      const org = (await directory.organizations.findBySlug('default'))!;
      const numbers = Array.from({ length: MEMBERS }, (_, i) => `B${String(i).padStart(6, '0')}`);
      await directory.members.upsertMany(org.id, [
        ...numbers.map((memberNumber, i) => ({ memberNumber, name: `Lid ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })),
        { memberNumber: 'BMANAGER', name: 'Manager', email: null, status: 'active' as const, roles: ['member' as const, 'manager' as const], chapterId: null },
      ]);
      const rows = [];
      for (const [i, n] of [...numbers, 'BMANAGER'].entries()) {
        const m = (await directory.members.findByNumber(org.id, n))!;
        rows.push({ organizationId: org.id, memberId: m.id, platform: 'slack' as const, workspaceId: FAKE_SLACK.teamId, platformUserId: n === 'BMANAGER' ? MANAGER_USER_ID : `UB${i}` });
      }
      await db.prisma.platformIdentity.createMany({ data: rows });
      await db.close();
    }
    const userIds = Array.from({ length: MEMBERS }, (_, i) => `UB${i}`);
    await driver.request({ type: 'users', userIds: [...userIds, MANAGER_USER_ID], locale: 'en-GB' }, 'users');

    for (const [name, port] of [['kring', kringPort], ['naive', naivePort]] as const) {
      await driver.request({ type: 'connect', target: name, eventsUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET }, 'connected');
    }

    const command = async (text: string): Promise<string> => {
      const answer = await driver.request({ type: 'command', target: 'kring', text, userId: MANAGER_USER_ID }, 'command');
      if (answer.status !== 200) throw new Error(`/kring ${text}: HTTP ${answer.status}`);
      return answer.reply;
    };
    const createPoll = async (question: string) => {
      const reply = await command(`poll create ${question} | Ja | Nee | Misschien | Weet niet`);
      const shortId = /\b([0-9a-f]{8})\b/.exec(reply)?.[1];
      if (!shortId) throw new Error(`poll not created: ${reply}`);
      const poll = await driver.request({ type: 'latestPoll' }, 'latestPoll');
      if (!poll.pollId.startsWith(shortId)) throw new Error(`poll ${shortId} was not posted`);
      return { ...poll, shortId, values: [0, 1, 2, 3].map((i) => `${poll.pollId}:${i}`) };
    };

    const runPhase = async (system: SystemName, rate: number, seconds: number, poll: Awaited<ReturnType<typeof createPoll>>, rep: number, order: 'random' | 'each' = 'random'): Promise<PhaseResult> => {
      const probe = systems[system];
      await probe.request({ type: 'probe-reset' }, 'probe-reset');
      const pgBefore = await backendCpu(admin, databases[system]);
      const measured = await driver.request(
        {
          type: 'phase',
          target: system,
          rate,
          seconds,
          userIds,
          order,
          values: poll.values,
          labels: poll.labels,
          messageTs: poll.messageTs,
          confirmation: 'Your vote',
          drainMs: DRAIN_MS,
        },
        'phaseDone',
      );
      const report = await probe.request({ type: 'probe' }, 'probe');
      const pgAfter = await backendCpu(admin, databases[system]);
      return { ...measured, system, rate, rep, probe: report, postgresCpuMs: cpuDelta(pgBefore, pgAfter) };
    };

    // At rest, before any press: what each system holds, and spends per second doing nothing (timers,
    // queue workers), before the load adds to it.
    const atRest: Record<SystemName, { rss: number; cpuMsPerS: number }> = { kring: { rss: 0, cpuMsPerS: 0 }, naive: { rss: 0, cpuMsPerS: 0 } };
    for (const system of ['kring', 'naive'] as const) {
      await systems[system].request({ type: 'probe-reset' }, 'probe-reset');
      await new Promise((r) => setTimeout(r, 3000));
      const rest = await systems[system].request({ type: 'probe' }, 'probe');
      atRest[system] = { rss: rest.rssMean, cpuMsPerS: rest.cpuMs / 3 };
    }

    // Warm-up (JIT, connection pools): every member presses once, so Kring has each member's Slack locale
    // (one users.info per member per hour; a real workspace's members are mostly known) before the
    // measurement. Not reported.
    {
      const poll = await createPoll('Warm-up');
      for (const system of ['kring', 'naive'] as const) await runPhase(system, 250, Math.max(WARMUP_SECONDS, Math.ceil(MEMBERS / 250)), poll, 0, 'each');
      await command(`poll close ${poll.shortId}`);
    }

    const results: PhaseResult[] = [];
    for (let rep = 1; rep <= REPS; rep++) {
      for (const rate of RATES) {
        const poll = await createPoll(`Bench ${rate}/s, run ${rep}`);
        const order: SystemName[] = rep % 2 === 1 ? ['kring', 'naive'] : ['naive', 'kring'];
        for (const system of order) {
          const r = await runPhase(system, rate, SECONDS, poll, rep);
          results.push(r);
          console.log(
            `run ${rep} ${system.padEnd(5)} ${String(rate).padStart(5)}/s: acked ${r.acked}/${r.sent} (${r.ackErrors} failed${r.ackErrors > 0 ? `: ${JSON.stringify(r.ackFailures)}` : ''}), ` +
              `ack p50 ${percentile(r.ackMs, 50).toFixed(1)} p99 ${percentile(r.ackMs, 99).toFixed(1)} max ${(r.ackMs.at(-1) ?? NaN).toFixed(0)} ms, ` +
              `stored ${r.confirmed} (${r.otherReplies} other replies), stored p99 ${percentile(r.confirmMs, 99).toFixed(0)} ms, ` +
              `cpu ${(r.probe.cpuMs / Math.max(1, r.confirmed)).toFixed(2)} ms/vote (+ PostgreSQL ${(r.postgresCpuMs / Math.max(1, r.confirmed)).toFixed(2)}), ` +
              `sql ${(r.probe.queries / Math.max(1, r.confirmed)).toFixed(2)}/vote, rss peak ${(r.probe.rssPeak / 2 ** 20).toFixed(0)} MiB (V8 heap ${(r.probe.heapAtPeak / 2 ** 20).toFixed(0)}), ` +
              `event-loop delay p99 ${r.probe.loopDelayP99Ms.toFixed(0)} max ${r.probe.loopDelayMaxMs.toFixed(0)} ms, answer inside the process p99 ${r.probe.answerP99Ms.toFixed(0)} ms; ` +
              `driver: send lag p99 ${r.sendLagP99Ms.toFixed(0)} ms, event-loop delay p99 ${r.driverLoopDelayP99Ms.toFixed(0)} ms, ${(r.driverCpuMs / Math.max(1, r.sent)).toFixed(2)} ms CPU per press`,
          );
        }
        await command(`poll close ${poll.shortId}`);
      }
    }
    const edits = await driver.request({ type: 'edits' }, 'edits');
    printTable(results, edits.count);
    console.log(
      `At rest, before the first press: RSS Kring ${(atRest.kring.rss / 2 ** 20).toFixed(0)} MiB, naive bot ${(atRest.naive.rss / 2 ** 20).toFixed(0)} MiB; ` +
        `CPU Kring ${atRest.kring.cpuMsPerS.toFixed(1)} ms/s, naive bot ${atRest.naive.cpuMsPerS.toFixed(1)} ms/s`,
    );

    for (const [name, system] of Object.entries(systems)) {
      system.child.kill('SIGTERM');
      await new Promise((r) => (system.child.exitCode === null ? system.child.once('exit', r) : r(undefined)));
      void name;
    }
    await driver.request({ type: 'stop' }, 'ready').catch(() => undefined);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const name of Object.values(databases)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await deleteRedisPrefixes([redisPrefix, 'kring'], redisUrl.toString());
    console.log(`logs of both systems: ${logDir}`);
  }
}

/** Values of the repetitions: one number when they agree within 5 %, else the range. */
function range(values: number[], digits: number): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (!Number.isFinite(lo)) return '–';
  return hi - lo <= Math.abs(hi) * 0.05 ? hi.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

function printTable(results: PhaseResult[], edits: number): void {
  const cpu = os.cpus();
  console.log(
    `\nmachine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ` +
      `runner: ${RUNNER === 'tsx' ? 'tsx (TypeScript)' : 'compiled JavaScript (Kring: npm run build, dist/src/main.js)'}; ` +
      `${MEMBERS} members, ${SECONDS} s per rate, ${REPS} repetition(s), A/B interleaved`,
  );
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}; chat.update calls on the fake Slack (live tallies, all phases): ${edits}`);
  console.log(
    '\n| offered votes/s | acked votes/s Kring / naive | stored votes/s Kring / naive | ack p99 Kring / naive | ack p99 inside the process | CPU ms per vote Kring / naive (ratio) | + PostgreSQL backends | SQL round trips per vote Kring / naive | RSS peak Kring / naive (ratio) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ratio = (a: number[], b: number[]): string => range(a.map((x, i) => x / b[i]!), 2);
  for (const rate of RATES) {
    const of = (system: SystemName) => results.filter((r) => r.rate === rate && r.system === system).sort((a, b) => a.rep - b.rep);
    const k = of('kring');
    const n = of('naive');
    const acked = (r: PhaseResult) => r.acked / (SECONDS || 1);
    const stored = (r: PhaseResult) => r.confirmed / (r.spanMs / 1000);
    const p99 = (r: PhaseResult) => percentile(r.ackMs, 99);
    const cpuPer = (r: PhaseResult) => r.probe.cpuMs / Math.max(1, r.confirmed);
    const allCpuPer = (r: PhaseResult) => (r.probe.cpuMs + r.postgresCpuMs) / Math.max(1, r.confirmed);
    const sqlPer = (r: PhaseResult) => r.probe.queries / Math.max(1, r.confirmed);
    const rss = (r: PhaseResult) => r.probe.rssPeak / 2 ** 20;
    const ms = (v: number[]) => (Math.max(...v) >= 1000 ? `${range(v.map((x) => x / 1000), 2)} s` : `${range(v, 0)} ms`);
    console.log(
      `| ${rate} | ${range(k.map(acked), 0)} / ${range(n.map(acked), 0)} | ${range(k.map(stored), 0)} / ${range(n.map(stored), 0)} (${ratio(k.map(stored), n.map(stored))}) | ` +
        `${ms(k.map(p99))} / ${ms(n.map(p99))} | ${ms(k.map((r) => r.probe.answerP99Ms))} / ${ms(n.map((r) => r.probe.answerP99Ms))} | ` +
        `${range(k.map(cpuPer), 2)} / ${range(n.map(cpuPer), 2)} (${ratio(k.map(cpuPer), n.map(cpuPer))}) | ` +
        `${range(k.map(allCpuPer), 2)} / ${range(n.map(allCpuPer), 2)} (${ratio(k.map(allCpuPer), n.map(allCpuPer))}) | ` +
        `${range(k.map(sqlPer), 2)} / ${range(n.map(sqlPer), 2)} | ${range(k.map(rss), 0)} / ${range(n.map(rss), 0)} MiB (${ratio(k.map(rss), n.map(rss))}) |`,
    );
  }
  console.log('\nGoals (Kring against the naive bot in the same run):');
  for (const rate of RATES) {
    const k = results.filter((r) => r.rate === rate && r.system === 'kring');
    const n = results.filter((r) => r.rate === rate && r.system === 'naive');
    const worstP99 = Math.max(...k.map((r) => percentile(r.ackMs, 99)));
    const worstInside = Math.max(...k.map((r) => r.probe.answerP99Ms));
    const storedRatio = Math.min(...k.map((r, i) => r.confirmed / (r.spanMs / 1000) / (n[i]!.confirmed / (n[i]!.spanMs / 1000))));
    const cpuRatio = Math.max(...k.map((r, i) => r.probe.cpuMs / Math.max(1, r.confirmed) / (n[i]!.probe.cpuMs / Math.max(1, n[i]!.confirmed))));
    const sql = Math.max(...k.map((r) => r.probe.queries / Math.max(1, r.confirmed)));
    const rssRatio = Math.max(...k.map((r, i) => r.probe.rssPeak / n[i]!.probe.rssPeak));
    const ok = (b: boolean) => (b ? 'met' : 'NOT met');
    console.log(
      `  ${rate}/s: ack p99 ${worstP99.toFixed(0)} ms (${rate <= 500 ? `< 100 ms: ${ok(worstP99 < 100)}` : `< 3 s: ${ok(worstP99 < 3000)}`}; inside the process ${worstInside.toFixed(0)} ms); ` +
        `stored >= naive: ${ok(storedRatio >= 0.98)} (${storedRatio.toFixed(2)}); CPU <= 1.2x: ${ok(cpuRatio <= 1.2)} (${cpuRatio.toFixed(2)}); ` +
        `SQL <= 2 per vote: ${ok(sql <= 2)} (${sql.toFixed(2)}); RSS <= 1.2x: ${ok(rssRatio <= 1.2)} (${rssRatio.toFixed(2)})`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
