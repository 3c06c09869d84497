/**
 * Fan-out throughput with 1, 2 and 4 worker processes (issue 18), on PostgreSQL and Redis (BullMQ).
 *
 * One announcement to TARGETS channels (a third each on Discord, Slack and Teams), published from this
 * process, delivered by W worker processes (test/integration/news-fanout.worker.ts: the news capability's
 * queue workers, production lock settings) into the platform fakes of test/fakes/fake-chat-platform.ts,
 * served over HTTP from this process, without limits or latency: what Kring itself costs per delivery.
 * Per run: wall time from publish to the last delivery recorded, deliveries/s, and per delivery the CPU
 * of the workers, of Redis (INFO cpu) and of PostgreSQL (every postgres process, /proc), Redis commands
 * and PostgreSQL transactions. Those per-delivery costs are what docs/SCALING.md's estimate of what one
 * Redis and one PostgreSQL carry is computed from.
 *
 *   npx tsx bench/fanout-workers.bench.ts       (WORKERS=1,2,4, TARGETS=3000, CONCURRENCY=16 per platform queue)
 *
 * The machine may be shared: PostgreSQL and Redis CPU include whatever else used them meanwhile (the load
 * average is printed beside each run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FakeChatPlatform, serveFakeChatPlatforms } from '../test/fakes/fake-chat-platform.js';
import { createPostgresTestDatabase } from '../test/support/database.js';
import { createNewsHarness, createTestBullQueue, REDIS_URL } from '../test/integration/news-harness.js';
import type { Platform } from '../src/kernel/types.js';
import { unlimited } from '../src/kernel/platform-limits.js';

const WORKERS = (process.env['WORKERS'] ?? '1,2,4').split(',').map(Number);
const TARGETS = Number(process.env['TARGETS'] ?? 3000);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 16);
const PLATFORMS: Platform[] = ['discord', 'slack', 'teams'];
const TICK_MS = 1000 / 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s on Linux.

/** CPU milliseconds (user + system) a process used so far. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU milliseconds of every postgres process alive now (connections come and go: compare deltas loosely). */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += processCpuMs(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function redisStats(redis: Redis): Promise<{ cpuMs: number; commands: number }> {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { cpuMs: (field('used_cpu_sys') + field('used_cpu_user')) * 1000, commands: field('total_commands_processed') };
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../test/integration/news-fanout.worker.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

interface Run {
  workers: number;
  wallMs: number;
  perSecond: number;
  workerCpuMs: number;
  redisCpuMs: number;
  redisCommands: number;
  pgCpuMs: number;
  pgTransactions: number;
  load: number;
}

async function run(workers: number): Promise<Run> {
  const db = await createPostgresTestDatabase();
  const fakes = PLATFORMS.map((platform) => new FakeChatPlatform({ platform }));
  const served = await serveFakeChatPlatforms(fakes);
  const q = createTestBullQueue();
  const h = await createNewsHarness({ database: db, queue: q.queue, platforms: [], news: { noWorkers: true, limits: unlimited(CONCURRENCY) } });
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  try {
    for (const platform of PLATFORMS) await h.connectChannels(platform, `${platform}-w`, `${platform}-`, Math.ceil(TARGETS / 3));
    const total = 3 * Math.ceil(TARGETS / 3);
    const env = {
      KRING_WORKER_DATABASE_URL: db.url,
      KRING_WORKER_REDIS_URL: REDIS_URL,
      KRING_WORKER_PREFIX: q.prefix,
      KRING_WORKER_FAKES_URL: served.url,
      KRING_WORKER_CONCURRENCY: String(CONCURRENCY),
    };
    for (let i = 0; i < workers; i++) children.push(await startWorker(env));
    // Warm-up: JIT, connections, Lua scripts in every worker.
    const warm = await h.news.service.create({ organizationId: h.organization.id, title: 'Warm-up', body: 'x' });
    await h.news.service.publish(warm.announcement.id);
    await h.settled(warm.announcement.id, 600_000);

    const sentCount = async (id: string) =>
      Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM delivery WHERE announcement_id = ${id}::uuid AND status::text = 'sent'`)[0]!.n);
    const xacts = async () => Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`)[0]!.n);
    const cpu0 = children.reduce((sum, c) => sum + processCpuMs(c.pid!), 0);
    const redis0 = await redisStats(redis);
    const pg0 = postgresCpuMs();
    const x0 = await xacts();
    const start = Date.now();
    const { announcement } = await h.news.service.create({ organizationId: h.organization.id, title: 'Nieuws', body: 'Benchmarktekst met **opmaak**.' });
    await h.news.service.publish(announcement.id);
    while ((await sentCount(announcement.id)) < total) await new Promise((r) => setTimeout(r, 50));
    const wallMs = Date.now() - start;
    const redis1 = await redisStats(redis);
    return {
      workers,
      wallMs,
      perSecond: total / (wallMs / 1000),
      workerCpuMs: (children.reduce((sum, c) => sum + processCpuMs(c.pid!), 0) - cpu0) / total,
      redisCpuMs: (redis1.cpuMs - redis0.cpuMs) / total,
      redisCommands: (redis1.commands - redis0.commands) / total,
      pgCpuMs: (postgresCpuMs() - pg0) / total,
      pgTransactions: ((await xacts()) - x0) / total,
      load: loadavg()[0]!,
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    redis.disconnect();
    await h.stop();
    await q.queue.close();
    await served.close();
    await q.cleanup();
    await db.close();
  }
}

console.log(`fan-out with worker processes · node ${process.version} · ${cpus().length} cores · load ${loadavg().map((l) => l.toFixed(1)).join(' ')} · ${new Date().toISOString()}`);
console.log(`${TARGETS} deliveries (Discord, Slack, Teams a third each), fakes without limits or latency, concurrency ${CONCURRENCY} per platform queue per worker`);
const runs: Run[] = [];
for (const w of WORKERS) {
  const r = await run(w);
  runs.push(r);
  console.log(
    `  ${w} worker(s): ${(r.wallMs / 1000).toFixed(2)} s, ${r.perSecond.toFixed(0)} deliveries/s (x${(r.perSecond / runs[0]!.perSecond).toFixed(2)} of 1 worker) · per delivery: workers ${r.workerCpuMs.toFixed(2)} ms CPU, ` +
      `Redis ${r.redisCpuMs.toFixed(3)} ms CPU / ${r.redisCommands.toFixed(1)} commands, PostgreSQL ${r.pgCpuMs.toFixed(2)} ms CPU / ${r.pgTransactions.toFixed(1)} transactions · load ${r.load.toFixed(1)}`,
  );
}
process.exit(0);
