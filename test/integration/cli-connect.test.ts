import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { createPostgresTestDatabase } from '../support/database.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');

/** `kring interests …` and `kring intros status` as child processes (the real launcher) on a fresh PostgreSQL database. */
describe('kring CLI (interests)', () => {
  let db: Database;
  let dir: string;
  const kring = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: '' }, timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-connect-'));
    await createPrismaDirectory(db.prisma).organizations.ensure({ slug: 'fietsclub', name: 'Fietsclub', defaultLocale: 'nl' });
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('adds, lists and removes interests with the chat\'s rules, and shows the rounds', async () => {
    const added = await kring(['interests', 'add', '--org', 'fietsclub', 'Oude', 'fietsen']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added "Oude fietsen"');
    const again = await kring(['interests', 'add', '--org', 'fietsclub', 'oude', 'FIETSEN']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('CONNECT.INTEREST_EXISTS');
    const listed = await kring(['interests', 'list', '--org', 'fietsclub', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([{ id: expect.any(String), name: 'Oude fietsen' }]);
    const removed = await kring(['interests', 'remove', '--org', 'fietsclub', 'oude', 'fietsen']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await db.prisma.connectInterest.count()).toBe(0);
    const status = await kring(['intros', 'status', '--org', 'fietsclub']);
    expect(status.stdout).toContain('No introduction rounds run in "fietsclub"');
  }, 240_000);
});
