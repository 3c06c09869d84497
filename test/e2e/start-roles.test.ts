import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infra/database/database.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';
import { TEST_KRING_SECRET } from '../support/secrets.js';

/**
 * `kring start --roles …` (issue 18) as an operator runs it (bin/kring.mjs, the build): a bad role and a split
 * set of roles without Redis stop with the configuration message naming KRING_ROLES and exit 78 before the
 * database is opened; with PostgreSQL and Redis, `--roles workers` starts a process that answers the probes
 * and serves nothing else (no admin API, no platform webhook), and stops on SIGTERM.
 */
const root = join(import.meta.dirname, '..', '..');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

function kring(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['bin/kring.mjs', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', KRING_DATA_DIR: '/nonexistent/kring-must-not-open', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

describe('kring start --roles', () => {
  it('names KRING_ROLES for an unknown role and for a split set without REDIS_URL, exit 78', async () => {
    const unknown = kring(['start', '--roles', 'http,web'], {});
    expect(await unknown.exited).toBe(78);
    expect(unknown.output()).toMatch(/KRING_ROLES must be "all" or a comma-separated list of http, workers, gateway, schedulers; not "web"/);
    const split = kring(['start', '--roles', 'http,workers'], {});
    expect(await split.exited).toBe(78);
    expect(split.output()).toMatch(/KRING_ROLES runs only http, workers, which needs REDIS_URL/);
    expect(split.output()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('starts a workers-only process that answers the probes and nothing else', async () => {
    const db: Database = await createPostgresTestDatabase();
    const prefix = `test-${randomUUID()}`;
    cleanups.push(async () => {
      await db.close();
      await deleteRedisPrefixes([prefix]);
    });
    const sut = kring(['start', '--roles', 'workers'], { NODE_ENV: 'test', KRING_SECRET: TEST_KRING_SECRET, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, KRING_ROLES: 'http' });
    try {
      const end = Date.now() + 120_000;
      let port: number | undefined;
      while (port === undefined) {
        const line = sut.output().split('\n').find((l) => l.includes('"http server listening"'));
        if (line) port = (JSON.parse(line) as { port: number }).port;
        else if (Date.now() > end || sut.child.exitCode !== null) throw new Error(`kring start did not listen:\n${sut.output()}`);
        else await new Promise((r) => setTimeout(r, 100));
      }
      const url = `http://127.0.0.1:${port}`;
      while ((await fetch(`${url}/readyz`).catch(() => undefined))?.status !== 200) {
        if (Date.now() > end) throw new Error(`not ready:\n${sut.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The flag won over KRING_ROLES=http.
      expect(sut.output()).toMatch(/"roles":\["workers"\]/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(404);
      expect((await fetch(`${url}/`)).status).toBe(404);
      sut.child.kill('SIGTERM');
      expect(await sut.exited).toBe(0);
    } finally {
      if (sut.child.exitCode === null) sut.child.kill('SIGKILL');
    }
  }, 180_000);
});
