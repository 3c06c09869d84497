/**
 * Start-up bench: starts the real Kring process the ways a user does and measures what they wait for.
 *
 * - `npm start` (node scripts/start.mjs: the compiled build, dist/bundle/) on the embedded default, first
 *   start (fresh data directory: PGlite creates its database, every migration runs) and warm restarts: time
 *   from spawning the process to the first 200 from /healthz, the CPU time it used until then, the time to
 *   the first 200 from /readyz, and the idle RSS 5 s later.
 * - The same with PostgreSQL (DATABASE_URL, in-process queue) and with PostgreSQL + Redis.
 * - `kring --help` through the launcher (bin/kring.mjs).
 * Side by side: what a user ran before, `tsx src/main.ts` and `tsx src/cli/kring.ts --help`; ratios printed.
 *
 * Goals (issue 17): embedded to /healthz < 3 s, `--help` < 0.5 s, idle RSS < 300 MiB embedded and
 * < 200 MiB with PostgreSQL. Runs: RUNS=5 (default 3). Not a test: figures go to docs/BENCHMARKS.md.
 * Run it alone, at normal priority, in a clean clone (a tree others edit rebuilds dist/ on every start),
 * and record the load average it prints:
 *
 *   flock /tmp/kring-bench.lock npm run bench:startup
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env['RUNS'] ?? 3);
/** SCENARIOS=restart,postgres runs only those (first, restart, postgres, redis); BEFORE=0 skips the tsx rows. */
const SCENARIOS = (process.env['SCENARIOS'] ?? 'first,restart,postgres,redis').split(',');
const BEFORE = process.env['BEFORE'] !== '0';
const PG_ADMIN = process.env['KRING_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/14';
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** What `npm start` runs (package.json), without npm itself in between. */
const NPM_START = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.replace(/^node\s+/, '').split(/\s+/);

interface Measured {
  healthzMs: number;
  /** Until /readyz answered 200 (database and queue answer, every platform started). */
  readyzMs: number;
  /** CPU time used until /healthz answered. */
  cpuMs: number;
  idleRssMiB: number;
}

let nextPort = 3900 + Math.floor(Math.random() * 50);

/** A process and its descendants (tsx runs the program in a child process). */
async function processTree(pid: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** Resident memory of the process tree, MiB. */
async function rssMiB(pid: number): Promise<number> {
  let kb = 0;
  for (const p of await processTree(pid)) kb += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${p}/status`, 'utf8').catch(() => ''))?.[1] ?? 0);
  return kb / 1024;
}

/**
 * CPU time the process tree used so far (user + system), ms: on a machine shared with other work the wall
 * time to /healthz waits for the other work too, the CPU time is what Kring itself needed.
 */
async function cpuMs(pid: number): Promise<number> {
  let ticks = 0;
  for (const p of await processTree(pid)) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the command name); 100 ticks/s.
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks * 10;
}

/** Starts `args` with `env`, waits for /healthz, waits idle, reads RSS, stops it with SIGTERM. */
async function startOnce(args: string[], env: Record<string, string>): Promise<Measured> {
  const port = nextPort++;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let healthzMs = 0;
  let cpu = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        healthzMs = performance.now() - started;
        cpu = await cpuMs(child.pid!);
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000) throw new Error(`no /healthz after 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  let readyzMs = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res?.ok) {
      readyzMs = performance.now() - started;
      break;
    }
    if (performance.now() - started > 120_000) throw new Error(`no /readyz after 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // Idle: start-up work done (workers started, first queries run).
  await new Promise((r) => setTimeout(r, 5000));
  const idleRssMiB = await rssMiB(child.pid!);
  child.kill('SIGTERM');
  await exited;
  return { healthzMs, readyzMs, cpuMs: cpu, idleRssMiB };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: string[][] = [];

async function scenario(name: string, newEnv: () => Promise<{ env: Record<string, string>; done: () => Promise<void> }>, options: { fresh?: boolean } = {}) {
  const commands: [string, string[]][] = [['npm start (compiled)', NPM_START]];
  if (BEFORE) commands.push(['before: tsx src/main.ts', [TSX, 'src/main.ts']]);
  for (const [label, args] of commands) {
    const results: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { env, done } = await newEnv();
      try {
        if (!options.fresh) await startOnce([...args], env); // warm the data directory / database first
        results.push(await startOnce([...args], env));
      } finally {
        await done();
      }
    }
    const h = median(results.map((r) => r.healthzMs));
    const cpu = median(results.map((r) => r.cpuMs));
    const ready = median(results.map((r) => r.readyzMs));
    const rss = median(results.map((r) => r.idleRssMiB));
    rows.push([name, label, fmt(h), fmt(cpu), fmt(ready), `${Math.round(rss)} MiB`, `${results.map((r) => (r.healthzMs / 1000).toFixed(1)).join(' / ')} s`]);
    process.stderr.write(`${name} · ${label}: ${fmt(h)} (CPU ${fmt(cpu)}; /readyz ${fmt(ready)}), ${Math.round(rss)} MiB; load ${loadavg()[0]!.toFixed(1)}\n`);
  }
}

const embedded = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kring-bench-start-'));
  return { env: { KRING_DATA_DIR: dir }, done: () => rm(dir, { recursive: true, force: true }) };
};

const postgres = (withRedis: boolean) => async () => {
  const name = `kring_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'kring-bench-start-'));
  const env: Record<string, string> = { DATABASE_URL: url.toString(), KRING_DATA_DIR: dir, ...(withRedis ? { REDIS_URL: REDIS, REDIS_PREFIX: `bench-${name}` } : {}) };
  return {
    env,
    done: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await rm(dir, { recursive: true, force: true });
      if (withRedis) await deleteRedisKeys(REDIS, `bench-${name}`);
    },
  };
};

/** Removes the keys a run left under its prefix (BullMQ queues, pacing, rate limits). */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function timeCommand(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' }, encoding: 'utf8' });
  if (run.status !== 0 || !run.stdout.includes('Usage: kring')) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return performance.now() - started;
}

// The compiled build, as `npm ci` leaves it (postinstall), so no run pays for building.
const { buildIfNeeded } = (await import(join(ROOT, 'scripts', 'build.mjs'))) as { buildIfNeeded: () => Promise<boolean> };
await buildIfNeeded();

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
process.stderr.write(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; load ${load}\n`);

if (SCENARIOS.includes('first')) await scenario('embedded (PGlite), first start', embedded, { fresh: true });
if (SCENARIOS.includes('restart')) await scenario('embedded (PGlite), restart', embedded);
if (SCENARIOS.includes('postgres')) await scenario('PostgreSQL', postgres(false));
if (SCENARIOS.includes('redis')) await scenario('PostgreSQL + Redis', postgres(true));

const help: number[] = [];
const helpBefore: number[] = [];
for (let i = 0; i < Math.max(5, RUNS); i++) {
  help.push(timeCommand(['bin/kring.mjs', '--help']));
  if (BEFORE) helpBefore.push(timeCommand([TSX, 'src/cli/kring.ts', '--help']));
}

const ratio = (before: string | undefined, after: string | undefined) => (before && after ? `${(parseFloat(before) / parseFloat(after)).toFixed(1)}×` : '');
process.stdout.write(`\nStart-up (${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.versions.node}; load average at start ${load}; median of ${RUNS})\n\n`);
process.stdout.write(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
process.stdout.write('| scenario | command | to /healthz | CPU time to /healthz | to /readyz | idle RSS | runs (to /healthz) |\n|---|---|---|---|---|---|---|\n');
for (let i = 0; i < rows.length; i += BEFORE ? 2 : 1) {
  const now = rows[i]!;
  process.stdout.write(`| ${now.join(' | ')} |\n`);
  if (!BEFORE) continue;
  const before = rows[i + 1]!;
  process.stdout.write(`| ${before.join(' | ')} |\n`);
  process.stdout.write(`| ${now[0]} | ratio | ${ratio(before[2], now[2])} faster | ${ratio(before[3], now[3])} less | ${ratio(before[4], now[4])} faster | ${ratio(before[5], now[5])} less | |\n`);
}
process.stdout.write(`\n| command | median | runs |\n|---|---|---|\n`);
process.stdout.write(`| kring --help (bin/kring.mjs) | ${fmt(median(help))} | ${help.map((m) => (m / 1000).toFixed(2)).join(' / ')} s |\n`);
if (BEFORE) {
  process.stdout.write(`| before: tsx src/cli/kring.ts --help | ${fmt(median(helpBefore))} | ${helpBefore.map((m) => (m / 1000).toFixed(2)).join(' / ')} s |\n`);
  process.stdout.write(`| ratio | ${(median(helpBefore) / median(help)).toFixed(1)}× faster | |\n`);
}
