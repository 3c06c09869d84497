import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL } from '../support/database.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';

/**
 * Starts the real Kring as a child process the way `npm start` does (scripts/start.mjs: the compiled build
 * in dist/, which the integration project's global set-up brings up to date once per run), and checks what an operator
 * sees: health and readiness, the storage it chose, config errors, graceful shutdown on SIGTERM.
 */
const root = join(import.meta.dirname, '..', '..');

interface Started {
  child: ChildProcess;
  port: number;
  lines: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

async function startKringProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const listening = lines().find((l) => l['msg'] === 'http server listening');
      if (listening) {
        clearInterval(timer);
        resolve(listening['port'] as number);
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`kring exited with ${code}: ${err}${out}`));
    });
    // A first start on embedded PGlite creates its data directory (initdb in WebAssembly), which took 32 s on
    // its own at load 11 on the 2-core machine: a deadline against a hang, not a speed check.
    setTimeout(() => reject(new Error(`kring did not start: ${err}${out}`)), 150_000).unref();
  });
  return { child, port, lines, exited };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('kring process', () => {
  it('starts on embedded PGlite with no configuration, answers health checks and stops on SIGTERM', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kring-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const sut = await startKringProcess({ KRING_DATA_DIR: dataDir });
    const health = await fetch(`http://127.0.0.1:${sut.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${sut.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', queue: 'ok' } });
    const msgs = sut.lines().map((l) => l['msg']);
    expect(msgs).toContain('using embedded PGlite database');
    expect(msgs.some((m) => String(m).includes('SINGLE-PROCESS MODE'))).toBe(true);
    sut.child.kill('SIGTERM');
    expect(await sut.exited).toBe(0);
    expect(sut.lines().map((l) => l['msg'])).toContain('stopped');
  });

  it('uses PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set', async () => {
    const name = `kring_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${name}`;
    // Kring uses its default key prefix here, so keep it in a Redis database of its own and empty it after.
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.pathname = '/13';
    cleanups.push(() => deleteRedisPrefixes(['kring'], redisUrl.toString()));
    const sut = await startKringProcess({
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl.toString(),
      KRING_ORG: 'my-club',
      KRING_ORG_NAME: 'Mijn Club',
    });
    const ready = await fetch(`http://127.0.0.1:${sut.port}/readyz`);
    expect(ready.status).toBe(200);
    const msgs = sut.lines().map((l) => String(l['msg']));
    expect(msgs).not.toContain('using embedded PGlite database');
    expect(msgs.some((m) => m.includes('SINGLE-PROCESS MODE'))).toBe(false);
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const { rows } = await c.query('SELECT slug, name FROM organization');
    const migrations = await c.query('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
    await c.end();
    expect(rows).toEqual([{ slug: 'my-club', name: 'Mijn Club' }]);
    expect(migrations.rows.length).toBeGreaterThanOrEqual(2);
    sut.child.kill('SIGTERM');
    expect(await sut.exited).toBe(0);
  });

  it('stops cleanly when SIGTERM arrives in the middle of start-up', async () => {
    const name = `kring_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: url.toString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // The organisation exists, the HTTP server and the capabilities' workers are not up yet.
      if (!signalled && out.includes('"msg":"organisation ready"')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(signalled).toBe(true);
    expect(code).toBe(0);
    expect(out).toContain('"msg":"stopped"');
  });

  it('refuses to start on a bad environment, naming every bad key', async () => {
    // `src/main.ts` run directly (as `npm run dev` does, through tsx): its own entry-point check starts the server.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', PORT: 'eighty', DATABASE_URL: 'mysql://nope', SLACK_BOT_TOKEN: 'xoxb-secret-token' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(err).toContain('PORT');
    expect(err).toContain('DATABASE_URL');
    expect(err).toContain('SLACK_SIGNING_SECRET');
    expect(err).not.toContain('xoxb-secret-token');
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });
});
