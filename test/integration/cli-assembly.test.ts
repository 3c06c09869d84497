import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import { createPostgresTestDatabase } from '../support/database.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `kring assembly create|list|snapshot|export|result` against PostgreSQL through the built CLI: the same
 * service as chat and the API, refusals as one line and exit code 2 (usage), the register as CSV (no cell starting
 * like a formula), the decision list as Markdown on stdout and as a PDF file.
 */
describe('kring CLI (assembly)', () => {
  let db: Database;
  let repos: Directory;
  let dir: string;
  const kring = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: '' }, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-assembly-'));
    const org = await repos.organizations.ensure({ slug: 'fietsclub', name: 'Fietsclub', defaultLocale: 'nl' });
    await repos.members.upsertMany(org.id, [
      { memberNumber: '1001', name: '=Anne de Vries', email: null, status: 'active', roles: ['member', 'board'], chapterId: null },
      { memberNumber: '1002', name: 'Bram', email: null, status: 'active', roles: ['member'], chapterId: null },
      { memberNumber: '1003', name: 'Cees', email: null, status: 'lapsed', roles: ['member'], chapterId: null },
    ]);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates an assembly, freezes the register with a weight, exports it and writes the decision list', async () => {
    const tooSoon = await kring(['assembly', 'create', '--org', 'fietsclub', '--title', 'ALV', '--at', '2027-03-12 20:00', '--early', '2027-01-01 09:00']);
    expect(tooSoon.code).toBe(2);
    expect(tooSoon.stderr).toContain('ASSEMBLY.EARLY_TOO_SOON');
    expect(tooSoon.stderr).not.toMatch(/\n\s+at /);

    const created = await kring(['assembly', 'create', '--org', 'fietsclub', '--title', 'ALV 2027', '--at', '2027-03-12 20:00', '--early', '2027-03-01 09:00', '--proxies', '2', '--quorum', '1/2']);
    expect(created.stderr).toBe('');
    const id = /Assembly ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(id, created.stdout).toBeDefined();
    expect((await kring(['assembly', 'list', '--org', 'fietsclub'])).stdout).toContain('ALV 2027');

    expect((await kring(['assembly', 'snapshot', id!.slice(0, 8), '--org', 'fietsclub', '--weight', '1003=2'])).stderr).toContain('ASSEMBLY.UNKNOWN_MEMBER');
    const frozen = await kring(['assembly', 'snapshot', id!.slice(0, 8), '--org', 'fietsclub', '--weight', '1002=3']);
    expect(frozen.stdout).toContain('Register frozen: 2 eligible members');
    expect((await kring(['assembly', 'snapshot', id!, '--org', 'fietsclub'])).stderr).toContain('ASSEMBLY.SNAPSHOT_TAKEN');

    const csv = await kring(['assembly', 'export', id!, '--org', 'fietsclub']);
    expect(csv.stdout.trim().split('\n')).toEqual(['member_number,name,status,roles,weight', `1001,"'=Anne de Vries",active,member board,1`, '1002,Bram,active,member,3']);

    const md = await kring(['assembly', 'result', id!, '--org', 'fietsclub']);
    expect(md.stdout).toContain('# Besluitenlijst');
    expect(md.stdout).toContain('2 stemgerechtigde leden');
    const pdfFile = join(dir, 'besluitenlijst.pdf');
    expect((await kring(['assembly', 'result', id!, '--org', 'fietsclub', '--lang', 'en', '--pdf', pdfFile])).stdout).toContain('Decision list written');
    expect((await readFile(pdfFile)).subarray(0, 5).toString()).toBe('%PDF-');

    expect((await kring(['assembly', 'result', 'ffffffff', '--org', 'fietsclub'])).stderr).toContain('ASSEMBLY.NOT_FOUND');
  }, 600_000);
});
