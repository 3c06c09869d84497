import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import { membersCsv } from '../factories/membership.factory.js';
import { createPostgresTestDatabase } from '../support/database.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');
const EXAMPLE = join(ROOT, 'examples', 'members.csv');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real `kring` CLI as a child process (the launcher, through tsx) against a fresh PostgreSQL
 * database: what an operator types, what they see, and what lands in the database.
 */
describe('kring CLI (members)', () => {
  let db: Database;
  let repos: Directory;
  let dir: string;

  const kring = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const orgId = async (slug: string): Promise<string> => (await repos.organizations.findBySlug(slug))!.id;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-'));
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates an organisation and imports the example file', async () => {
    const created = await kring('org', 'create', 'kring-utrecht', '--name', 'Kring Utrecht');
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('Created organisation "kring-utrecht"') });

    const run = await kring('members', 'import', EXAMPLE, '--org', 'kring-utrecht');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/created\s+12/);
    expect(run.stdout).toContain('partial import');

    const id = await orgId('kring-utrecht');
    expect(await repos.members.count(id)).toBe(12);
    expect(await repos.members.count(id, 'lapsed')).toBe(1);
    expect(await repos.members.count(id, 'left')).toBe(1);
    expect(await repos.members.findByNumber(id, '100001')).toMatchObject({ name: 'Anne de Vries', roles: ['member', 'board'], locale: 'nl' });
    expect(await repos.members.findByNumber(id, '100004')).toMatchObject({ name: 'Daan "DJ" Visser', roles: ['member', 'ambassador'] });
    expect(await repos.members.findByNumber(id, '100010')).toMatchObject({ name: 'Mulder, Joris' });
    expect((await repos.chapters.list(id)).map((c) => c.name)).toEqual(['Amsterdam', 'Antwerpen', 'Gent', 'Groningen', 'Rotterdam', 'Utrecht']);
  });

  it('re-imports without duplicating and lists the members', async () => {
    const run = await kring('members', 'import', EXAMPLE, '--org', 'kring-utrecht');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/unchanged\s+12/);
    expect(await repos.members.count(await orgId('kring-utrecht'))).toBe(12);

    const list = await kring('members', 'list', '--org', 'kring-utrecht', '--status', 'verlopen');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('100007');
    expect(list.stdout).toContain('Gijs Claes');
    expect(list.stdout).not.toContain('100001');
  });

  it('imports the good rows of a file with bad rows, lists the bad ones and exits with 1', async () => {
    const file = join(dir, 'bad-rows.csv');
    await writeFile(file, membersCsv([
      { lidnummer: '200001', naam: 'Goed Lid', email: 'goed@example.org' },
      { lidnummer: '200002', naam: 'Fout Adres', email: 'fout@' },
      { lidnummer: '200003', naam: 'Rare Status', status: 'misschien' },
      { lidnummer: '200001', naam: 'Dubbel' },
    ]));
    const run = await kring('members', 'import', file, '--org', 'kring-utrecht');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('line 3 (member 200002): email: "fout@" is not a valid e-mail address');
    expect(run.stdout).toContain('line 4 (member 200003): status: unknown status "misschien"');
    expect(run.stdout).toContain('line 5 (member 200001): memberNumber: member number 200001 also on line 2');
    const id = await orgId('kring-utrecht');
    expect(await repos.members.findByNumber(id, '200001')).toMatchObject({ name: 'Goed Lid' });
    expect(await repos.members.findByNumber(id, '200002')).toBeNull();
  });

  it('lapses absent members on --full, and refuses a file without required columns with exit 2', async () => {
    const file = join(dir, 'two.csv');
    await writeFile(file, membersCsv([
      { lidnummer: '100001', naam: 'Anne de Vries', email: 'anne.devries@example.org', afdeling: 'Utrecht', rollen: 'lid, bestuur' },
      { lidnummer: '100002', naam: 'Bram Jansen', email: 'bram.jansen@example.org', afdeling: 'Utrecht' },
    ]));
    const full = await kring('members', 'import', file, '--org', 'kring-utrecht', '--full');
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(/lapsed\s+9/);
    const id = await orgId('kring-utrecht');
    expect(await repos.members.count(id, 'active')).toBe(2);
    expect(await repos.members.count(id)).toBe(13);

    const broken = join(dir, 'broken.csv');
    await writeFile(broken, 'Nummer;Volledige naam van het lid\n1;Anne\n');
    const run = await kring('members', 'import', broken, '--org', 'kring-utrecht');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no member number and no name column');
    expect(run.stderr).toContain('"lidnummer"');
    expect(await repos.members.count(id)).toBe(13);
  });

  it('reads a Windows-1252 export without damaging stored names, and stops where it cannot tell the encoding', async () => {
    const utf8 = join(dir, 'utf8.csv');
    await writeFile(utf8, 'lidnummer;naam;afdeling\n300001;José Özil;Curaçao\n300002;Zoë Müller;Curaçao\n');
    expect((await kring('members', 'import', utf8, '--org', 'kring-utrecht')).code).toBe(0);
    const id = await orgId('kring-utrecht');

    // Excel on Windows: Windows-1252, ";" and CRLF. Detected without --encoding; the names stay whole.
    const excel = join(dir, 'excel-1252.csv');
    await writeFile(excel, iconv.encode('Lidnummer;Naam;Afdeling\r\n300001;José Özil;Curaçao\r\n300002;Zoë Müller-Lüdenscheidt;Curaçao\r\n', 'windows-1252'));
    const detected = await kring('members', 'import', excel, '--org', 'kring-utrecht');
    expect(detected.code).toBe(0);
    expect(detected.stdout).toContain('Encoding: windows-1252 (detected).');
    expect(await repos.members.findByNumber(id, '300001')).toMatchObject({ name: 'José Özil' });
    expect(await repos.members.findByNumber(id, '300002')).toMatchObject({ name: 'Zoë Müller-Lüdenscheidt' });
    expect((await repos.chapters.list(id)).map((c) => c.name)).toContain('Curaçao');

    // Bytes that are neither UTF-8 nor Windows-1252 (a DOS code page's "ü" and "É"): exit 2, --encoding named.
    const dos = join(dir, 'dos.csv');
    await writeFile(dos, Buffer.concat([Buffer.from('lidnummer;naam\n300002;M'), Buffer.from([0x81]), Buffer.from('ller '), Buffer.from([0x90]), Buffer.from('mile\n')]));
    const refused = await kring('members', 'import', dos, '--org', 'kring-utrecht');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--encoding');
    expect(refused.stderr).not.toContain('    at ');
    expect(await repos.members.findByNumber(id, '300002')).toMatchObject({ name: 'Zoë Müller-Lüdenscheidt' });

    // The operator names the encoding: --encoding still works.
    const latin = join(dir, 'latin.csv');
    await writeFile(latin, iconv.encode('lidnummer;naam\n300003;Renée Noël\n', 'latin1'));
    const given = await kring('members', 'import', latin, '--org', 'kring-utrecht', '--encoding', 'iso-8859-1');
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('Encoding: iso-8859-1 (as given with --encoding).');
    expect(await repos.members.findByNumber(id, '300003')).toMatchObject({ name: 'Renée Noël' });
    const names = (await repos.members.list(id, { limit: 1000 })).map((m) => m.name);
    expect(names.filter((n) => n.includes('\uFFFD'))).toEqual([]);
  });

  it('exits with 2 on usage errors and 0 on --help', async () => {
    const [unknownOrg, missingFile, badOption, help] = await Promise.all([
      kring('members', 'import', EXAMPLE, '--org', 'nope'),
      kring('members', 'import', join(dir, 'missing.csv'), '--org', 'kring-utrecht'),
      kring('members', 'list', '--org', 'kring-utrecht', '--limit', 'many'),
      kring('members', 'import', '--help'),
    ]);
    expect(unknownOrg).toMatchObject({ code: 2, stderr: expect.stringContaining('Organisation "nope" does not exist') });
    expect(missingFile).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
    expect(badOption).toMatchObject({ code: 2, stderr: expect.stringContaining('--limit must be a positive whole number') });
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('lidnummer / member_number') });
  });
});
