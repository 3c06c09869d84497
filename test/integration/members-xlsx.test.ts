import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
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

/** An export as member administrations write it: a title-less first sheet, a header row, typed cells. */
async function workbook(path: string, rows: (string | number | ExcelJS.CellHyperlinkValue | null)[][], extraSheet = true): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Leden');
  for (const row of rows) sheet.addRow(row);
  // Only the first sheet is read.
  if (extraSheet) book.addWorksheet('Afdelingen').addRow(['Lidnummer', 'Naam']).commit();
  await book.xlsx.writeFile(path);
}

/**
 * `kring members import <file>.xlsx`: the real CLI as a child process against a fresh PostgreSQL database,
 * with workbooks written by exceljs as an export would be. Same headers, checks and report as CSV.
 */
describe('kring members import (Excel .xlsx)', () => {
  let db: Database;
  let repos: Directory;
  let dir: string;

  const kring = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-xlsx-'));
    const created = await kring('org', 'create', 'fietsclub', '--name', 'De Fietsclub');
    expect(created.code, created.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('imports the first worksheet with the CSV headers, and reports bad rows by their sheet row number', async () => {
    const file = join(dir, 'export.xlsx');
    await workbook(file, [
      ['Lidnummer', 'Voornaam', 'Tussenvoegsel', 'Achternaam', 'E-mailadres', 'Afdeling', 'Status', 'Rollen'],
      [100001, 'Anne', 'de', 'Vries', { text: 'anne@example.org', hyperlink: 'mailto:anne@example.org' }, 'Utrecht', 'actief', 'lid, bestuur'],
      [100002, 'Bram', null, 'Jansen', 'bram@example.org', 'Utrecht', 'actief', 'lid'],
      [],
      [100003, 'Chantal', null, 'Bakker', 'geen-adres', 'Zwolle', 'actief', 'lid'],
      [100004, 'Daan', null, 'Visser', 'daan@example.org', 'Zwolle', 'verlopen', 'lid'],
    ]);
    const run = await kring('members', 'import', file, '--org', 'fietsclub');
    expect(run.code, run.stderr).toBe(1); // done, one row skipped
    expect(run.stdout).toMatch(/created\s+3/);
    expect(run.stdout).toMatch(/rows with errors\s+1/);
    expect(run.stdout).toContain('"Leden"');
    // The fifth row of the sheet holds the bad address.
    expect(run.stdout).toMatch(/line 5\b.*e-?mail/i);

    const org = (await repos.organizations.findBySlug('fietsclub'))!;
    const anne = await repos.members.findByNumber(org.id, '100001');
    expect(anne).toMatchObject({ name: 'Anne de Vries', email: 'anne@example.org', status: 'active', roles: ['member', 'board'] });
    expect((await repos.members.findByNumber(org.id, '100004'))?.status).toBe('lapsed');
    expect(await repos.members.findByNumber(org.id, '100003')).toBeNull();
  }, 120_000);

  it('checks an Excel file without writing (--dry-run), the same as a CSV', async () => {
    const file = join(dir, 'dry.xlsx');
    await workbook(file, [['Lidnummer', 'Naam'], ['200001', 'Eva Smit']], false);
    const run = await kring('members', 'import', file, '--org', 'fietsclub', '--dry-run', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, rows: 1, created: 1 });
    const org = (await repos.organizations.findBySlug('fietsclub'))!;
    expect(await repos.members.findByNumber(org.id, '200001')).toBeNull();
  }, 120_000);

  it('refuses a workbook whose header lacks the member number, and a file that is no workbook, changing nothing', async () => {
    const file = join(dir, 'headers.xlsx');
    await workbook(file, [['Naam', 'E-mail'], ['Fleur', 'fleur@example.org']]);
    const missing = await kring('members', 'import', file, '--org', 'fietsclub');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/lidnummer|member.?number/i);

    const broken = join(dir, 'broken.xlsx');
    await writeFile(broken, 'Lidnummer;Naam\n1;Iemand\n');
    const unreadable = await kring('members', 'import', broken, '--org', 'fietsclub');
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('Excel');
    expect(unreadable.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    const org = (await repos.organizations.findBySlug('fietsclub'))!;
    expect(await repos.members.count(org.id)).toBe(3);
  }, 120_000);
});
