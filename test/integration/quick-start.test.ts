import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's quick start, as a user types it: `npm start` (node scripts/start.mjs, the compiled build)
 * on the embedded default, the one line that says where to click, the landing page, and then the CLI
 * steps while the server runs (on the embedded database the CLI uses the server's PGlite socket).
 */
const ROOT = join(import.meta.dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the README quick start', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('starts, says where to click, serves the landing page, and lets the CLI import members beside it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kring-quick-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', KRING_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json' };
    const server = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const deadline = Date.now() + 120_000;
    while (!lines().some((l) => String(l['msg']).startsWith('Kring is ready'))) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`Kring did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ready = String(lines().find((l) => String(l['msg']).startsWith('Kring is ready'))!['msg']);
    expect(ready).toMatch(/^Kring is ready: open http:\/\/127\.0\.0\.1:\d+\/ in your browser \(web community: http:\/\/127\.0\.0\.1:\d+\/web\/\)\. No chat app connected yet/);
    const port = lines().find((l) => l['msg'] === 'http server listening')!['port'] as number;
    const landing = await fetch(`http://127.0.0.1:${port}/`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('href="/web/"');

    const kring = (...args: string[]): Promise<Run> =>
      new Promise((resolve) => {
        execFile(process.execPath, ['bin/kring.mjs', ...args], { cwd: ROOT, env, timeout: 120_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const created = await kring('org', 'create', 'my-club', '--name', 'Mijn Club');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created organisation "my-club"');
    const imported = await kring('members', 'import', 'examples/members.csv', '--org', 'my-club');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/created\s+12/);
    const listed = await kring('members', 'list', '--org', 'my-club');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Anne de Vries');

    // The server sees what the CLI wrote (one database), and stops cleanly afterwards.
    const health = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(health.status).toBe(200);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'kring.socket.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'kring.pid'))).toBe(false);
  }, 300_000);
});
