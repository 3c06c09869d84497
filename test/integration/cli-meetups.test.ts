import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaMeetupRepository } from '../../src/capabilities/meetups/repository/prisma-meetup.repository.js';
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
 * `kring events …` as a child process (the real launcher) against a fresh PostgreSQL database: create
 * (the same rules as in chat), list, show, attendees, CSV and XLSX export, cancel. Without REDIS_URL the
 * commands that reach the platforms need `--record-only`.
 */
describe('kring CLI (events)', () => {
  let db: Database;
  let repos: Directory;
  let dir: string;
  const kring = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: '' }, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-events-'));
    const org = await repos.organizations.ensure({ slug: 'fietsclub', name: 'Fietsclub', defaultLocale: 'en' });
    const workspace = await repos.workspaces.upsert({ organizationId: org.id, platform: 'discord', externalId: 'G1', name: 'Fietsclub' });
    await repos.channels.upsert({ workspaceId: workspace.id, externalId: 'C1', name: 'algemeen', purpose: 'general' });
    await repos.members.upsertMany(org.id, [{ memberNumber: '1001', name: '=Anne de Vries', email: null, status: 'active', roles: ['member'], chapterId: null }]);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates, lists, shows, exports and cancels a meet-up', async () => {
    const refused = await kring(['events', 'create', '--org', 'fietsclub', '--title', 'Avond', '--start', '2030-03-01 19:30', '--end', '18:00', '--place', 'Zaal 1', '--record-only']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('The end must come after the start. Nothing was created or changed. (MEETUP.END_BEFORE_START)');
    expect(await db.prisma.meetup.count()).toBe(0);

    const noQueue = await kring(['events', 'create', '--org', 'fietsclub', '--title', 'Avond', '--start', '2030-03-01 19:30', '--end', '21:30', '--place', 'Zaal 1']);
    expect(noQueue.code, noQueue.stderr).toBe(2);

    const created = await kring(['events', 'create', '--org', 'fietsclub', '--title', 'Voorjaarsavond', '--start', '2030-03-01 19:30', '--end', '21:30', '--place', 'Zaal 1', '--capacity', '20', '--record-only']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Created meet-up [0-9a-f]{8}: Voorjaarsavond, posted to 1 channel\(s\)\. Check-in code: [2-9A-Z]{6}\./);
    const meetup = (await db.prisma.meetup.findFirst())!;
    expect(meetup.startsAt.toISOString()).toBe('2030-03-01T18:30:00.000Z');
    const anne = (await repos.members.findByNumber(meetup.organizationId, '1001'))!;
    await new PrismaMeetupRepository(db.prisma).castRsvp({ meetupId: meetup.id, memberId: anne.id, answer: 'going', guests: 0, account: null, at: new Date() });

    const list = await kring(['events', 'list', '--org', 'fietsclub']);
    expect(list.stdout).toMatch(new RegExp(`${meetup.id.slice(0, 8)}\\s+scheduled\\s+2030-03-01 18:30 UTC\\s+1/20`));
    const show = await kring(['events', 'show', meetup.id.slice(0, 8), '--org', 'fietsclub']);
    expect(show.stdout).toContain(`check-in   ${meetup.checkInCode}`);
    const csv = await kring(['events', 'export', meetup.id.slice(0, 8), '--org', 'fietsclub']);
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^1001,'=Anne de Vries,,going,confirmed,0,/);
    const file = join(dir, 'list.xlsx');
    const xlsx = await kring(['events', 'export', meetup.id.slice(0, 8), '--org', 'fietsclub', '--format', 'xlsx', '--out', file, '--lang', 'nl']);
    expect(xlsx.code, xlsx.stderr).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.getWorksheet('Deelnemers')!.getRow(2).getCell(2).value).toBe("'=Anne de Vries");

    const cancelled = await kring(['events', 'cancel', meetup.id.slice(0, 8), '--org', 'fietsclub', '--record-only']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('Cancelled in the database only');
    expect((await db.prisma.meetup.findFirst())!.status).toBe('cancelled');
  }, 120_000);
});
