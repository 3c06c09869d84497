import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Survey } from '../../src/capabilities/surveys/domain/survey.js';
import { PrismaSurveyRepository } from '../../src/capabilities/surveys/repository/prisma-survey.repository.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Member } from '../../src/kernel/community.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { testSecretBox } from '../support/secrets.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `kring surveys list|results|export|close` as a child process (the real launcher) against a fresh
 * PostgreSQL database seeded through the survey repository: a named and an anonymous survey with answers.
 */
describe('kring CLI (surveys)', () => {
  let db: Database;
  let dir: string;
  let named: Survey;
  let anonymous: Survey;
  let members: Member[];

  const kring = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: '' }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const repos = createPrismaDirectory(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-cli-surveys-'));
    const org = await repos.organizations.ensure({ slug: 'fietsclub', name: 'Fietsclub', defaultLocale: 'en' });
    await repos.members.upsertMany(org.id, Array.from({ length: 5 }, (_, i) => ({ memberNumber: `100${i}`, name: `Lid ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })));
    members = (await repos.members.list(org.id, { limit: 10 })).sort((a, b) => a.memberNumber.localeCompare(b.memberNumber));
    // The survey capability's secret box is the CLI's (KRING_SECRET from the test environment).
    const repo = new PrismaSurveyRepository(db.prisma as never, { secrets: testSecretBox });
    const seed = async (anon: boolean): Promise<Survey> => {
      const s = await repo.create({ organizationId: org.id, createdByMemberId: null, title: anon ? 'Anonieme peiling' : 'Ledenpeiling', anonymous: anon, audience: { base: { kind: 'all' }, sample: null }, minGroupSize: 5, opensAt: null, closesAt: null, createdAt: new Date() });
      await repo.addQuestion(s.id, { kind: 'scale', prompt: 'How satisfied are you?', options: [] });
      await repo.addQuestion(s.id, { kind: 'text', prompt: 'What should change?', options: [] });
      await repo.open(s.id, members.map((m) => m.id), new Date());
      for (const [i, m] of members.entries()) {
        await repo.recordAnswer({ surveyId: s.id, memberId: m.id, answer: { position: 0, choices: [], value: (i % 5) + 1, text: null }, questionCount: 2 });
        await repo.recordAnswer({ surveyId: s.id, memberId: m.id, answer: { position: 1, choices: [], value: null, text: i === 0 ? '=1+1 more coffee' : `wish ${i}` }, questionCount: 2 });
      }
      if (anon) await repo.releaseAnonymous(s.id, { minimum: 5, includeUnfinished: false });
      return (await repo.findById(s.id))!;
    };
    named = await seed(false);
    anonymous = await seed(true);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists surveys and shows the results by short id', async () => {
    const list = await kring(['surveys', 'list', '--org', 'fietsclub']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+QUESTIONS/);
    expect(list.stdout).toMatch(new RegExp(`${anonymous.id.replace(/-/g, '').slice(0, 8)}\\s+open\\s+2\\s+anonymous`));
    const results = await kring(['surveys', 'results', named.id.slice(0, 8), '--org', 'fietsclub']);
    expect(results.code, results.stderr).toBe(0);
    expect(results.stdout).toContain('average 3.0');
    expect(results.stdout).toContain('Lid 1: wish 1');
    const anon = await kring(['surveys', 'results', anonymous.id.slice(0, 8), '--org', 'fietsclub']);
    expect(anon.stdout).toContain('- wish 1');
    expect(anon.stdout).not.toContain('Lid ');
  }, 180_000);

  it('exports CSV formula-safe, without any member column for an anonymous survey, and closes', async () => {
    const out = join(dir, 'named.csv');
    const exported = await kring(['surveys', 'export', named.id.slice(0, 8), '--org', 'fietsclub', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('Member number,Name,Chapter,1. How satisfied are you?,2. What should change?');
    expect(csv).toContain("1000,Lid 0,,1,'=1+1 more coffee");
    const anon = await kring(['surveys', 'export', anonymous.id.slice(0, 8), '--org', 'fietsclub', '--lang', 'nl']);
    expect(anon.stdout.split('\r\n')[0]).toBe('Reactie,1. How satisfied are you?,2. What should change?');
    expect(anon.stdout).not.toContain('Lid ');
    expect(anon.stdout).not.toContain('100');
    expect(anon.stdout.split('\r\n').filter((l) => l !== '')).toHaveLength(6);
    const closed = await kring(['surveys', 'close', named.id.slice(0, 8), '--org', 'fietsclub', '--record-only']);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toContain('status     closed');
    const again = await kring(['surveys', 'close', named.id.slice(0, 8), '--org', 'fietsclub', '--record-only']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('is not open');
  }, 180_000);
});
