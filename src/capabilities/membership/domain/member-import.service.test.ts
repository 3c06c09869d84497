import { beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import { generatedMemberRows, membersCsv, platformAccount } from '../../../../test/factories/membership.factory.js';
import type { MembershipRepositories } from '../ports.js';
import { busWith } from '../../../../test/support/bus.js';
import { isMembershipError } from './membership.errors.js';
import type { Member, Organization, PlatformIdentity } from '../../../kernel/community.js';
import { MemberImportService, type ImportOptions, type ImportProgress } from './member-import.service.js';

async function* chunks(text: string, size = 16 * 1024): AsyncGenerator<Uint8Array> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const EXPORT = membersCsv(
  [
    { lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org', afdeling: 'Utrecht', rollen: 'lid, bestuur' },
    { lidnummer: '1002', naam: 'Bram Jansen', email: 'bram@example.org', afdeling: 'Utrecht' },
    { lidnummer: '1003', naam: 'Chantal Bakker', email: 'geen-email', afdeling: 'Gent' },
    { lidnummer: '1004', naam: 'Daan Visser', email: 'daan@example.org', afdeling: 'Gent', status: 'verlopen' },
    { lidnummer: '1002', naam: 'Bram Jansen (dubbel)' },
  ],
  { bom: true },
);

describe(MemberImportService.name, () => {
  let repos: MembershipRepositories;
  let org: Organization;
  let lapsedEvents: [Member, PlatformIdentity[]][];
  let sut: MemberImportService;

  const run = (csv: string, options: Partial<ImportOptions> = {}) => sut.importCsv(chunks(csv), { organizationId: org.id, ...options });
  const numbers = async (status?: Member['status']) =>
    (await repos.members.list(org.id, { limit: 1000, ...(status ? { status } : {}) })).map((m) => m.memberNumber);

  beforeEach(async () => {
    repos = createInMemoryRepositories();
    org = await repos.organizations.ensure({ slug: 'kring', name: 'Kring' });
    lapsedEvents = [];
    sut = new MemberImportService({ repos, bus: busWith({ 'member.lapsed': async ({ member, identities }) => void lapsedEvents.push([member, identities]) }).bus });
  });

  it('imports the good rows, creates chapters and reports the bad rows', async () => {
    const report = await run(EXPORT);
    expect(report).toMatchObject({ mode: 'partial', dryRun: false, rows: 5, created: 3, updated: 0, unchanged: 0, lapsed: 0, errorCount: 2, delimiter: ';' });
    expect(report.errors).toEqual([
      { line: 4, memberNumber: '1003', field: 'email', code: 'invalid', message: '"geen-email" is not a valid e-mail address' },
      { line: 6, memberNumber: '1002', field: 'memberNumber', code: 'duplicate', message: 'member number 1002 also on line 3; the first row is used' },
    ]);
    expect(await numbers()).toEqual(['1001', '1002', '1004']);
    const anne = await repos.members.findByNumber(org.id, '1001');
    const chapters = await repos.chapters.list(org.id);
    expect(chapters.map((c) => c.name)).toEqual(['Gent', 'Utrecht']);
    expect(anne).toMatchObject({ name: 'Anne de Vries', email: 'anne@example.org', roles: ['member', 'board'], status: 'active', chapterId: chapters[1]!.id });
    expect((await repos.members.findByNumber(org.id, '1004'))!.status).toBe('lapsed');
  });

  it('is idempotent: a re-import changes nothing and duplicates nothing', async () => {
    await run(EXPORT);
    const again = await run(EXPORT);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await repos.members.count(org.id)).toBe(3);
    expect(await repos.chapters.list(org.id)).toHaveLength(2);
  });

  it('updates members in place when the export changed', async () => {
    await run(EXPORT);
    const before = await repos.members.findByNumber(org.id, '1002');
    const report = await run(membersCsv([{ lidnummer: '1002', naam: 'Bram Jansen', email: 'bram@nieuw.example.org', afdeling: 'Zwolle' }]));
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const after = await repos.members.findByNumber(org.id, '1002');
    expect(after).toMatchObject({ id: before!.id, email: 'bram@nieuw.example.org' });
  });

  it('leaves absent members alone in a partial import', async () => {
    await run(EXPORT);
    const report = await run(membersCsv([{ lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org', afdeling: 'Utrecht', rollen: 'lid, bestuur' }]));
    expect(report.lapsed).toBe(0);
    expect(await numbers('active')).toEqual(['1001', '1002']);
  });

  it('lapses active members absent from a full import, never deletes them, and announces them', async () => {
    await run(EXPORT);
    const account = platformAccount();
    const bram = await repos.members.findByNumber(org.id, '1002');
    const request = await repos.linkRequests.create({
      organizationId: org.id, memberId: bram!.id, ...account, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date(),
    });
    const identity = await repos.linkRequests.confirm(request.id, new Date(), null);
    const report = await run(membersCsv([{ lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org', afdeling: 'Utrecht', rollen: 'lid, bestuur' }]), { mode: 'full' });
    expect(report).toMatchObject({ mode: 'full', unchanged: 1, lapsed: 1 });
    expect(await numbers('active')).toEqual(['1001']);
    expect(await numbers()).toEqual(['1001', '1002', '1004']);
    expect(lapsedEvents.map(([m, ids]) => [m.memberNumber, m.status, ids])).toEqual([['1002', 'lapsed', [identity]]]);
  });

  it('does not lapse a member whose row had an error in a full import', async () => {
    await run(EXPORT);
    const report = await run(
      membersCsv([
        { lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org' },
        { lidnummer: '1002', naam: 'Bram Jansen', email: 'bram@' },
      ]),
      { mode: 'full' },
    );
    expect(report).toMatchObject({ lapsed: 0, errorCount: 1 });
    expect(await numbers('active')).toEqual(['1001', '1002']);
  });

  it('refuses a full import without a single valid row', async () => {
    await run(EXPORT);
    const error = await run(membersCsv([{ lidnummer: '1001', naam: '' }]), { mode: 'full' }).catch((e: unknown) => e);
    expect(isMembershipError(error, 'MEMBERSHIP.FULL_IMPORT_EMPTY')).toBe(true);
    expect(await numbers('active')).toEqual(['1001', '1002']);
  });

  it('announces members whose status in the export went from active to lapsed', async () => {
    await run(EXPORT);
    await run(membersCsv([{ lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org', afdeling: 'Utrecht', rollen: 'lid, bestuur', status: 'geschorst' }]));
    expect(lapsedEvents.map(([m]) => m.memberNumber)).toEqual(['1001']);
  });

  it('counts what it would do in a dry run without writing anything', async () => {
    await run(EXPORT);
    const changed = membersCsv([
      { lidnummer: '1001', naam: 'Anne de Vries', email: 'anne@example.org', afdeling: 'Utrecht', rollen: 'bestuur' },
      { lidnummer: '1002', naam: 'Bram Jansen', email: 'bram@example.org', afdeling: 'Nieuw' },
      { lidnummer: '2000', naam: 'Nieuw Lid' },
    ]);
    const report = await run(changed, { mode: 'full', dryRun: true });
    expect(report).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: 1, lapsed: 0 });
    const real = await run(changed, { mode: 'full' });
    expect(real).toMatchObject({ created: 1, updated: 1, unchanged: 1, lapsed: 0 });
  });

  it('writes nothing in a dry run', async () => {
    const report = await run(EXPORT, { dryRun: true, mode: 'full' });
    expect(report).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(await repos.members.count(org.id)).toBe(0);
    expect(await repos.chapters.list(org.id)).toEqual([]);
  });

  it('refuses a file without the required columns and imports nothing', async () => {
    const error = await run('naam;email\nAnne;anne@example.org\n').catch((e: unknown) => e);
    expect(isMembershipError(error, 'MEMBERSHIP.CSV_MISSING_COLUMNS')).toBe(true);
    expect(await repos.members.count(org.id)).toBe(0);
  });

  it('refuses an unknown organisation', async () => {
    const error = await sut.importCsv(chunks(EXPORT), { organizationId: 'nope' }).catch((e: unknown) => e);
    expect(isMembershipError(error, 'MEMBERSHIP.ORGANIZATION_NOT_FOUND')).toBe(true);
  });

  it('imports 10,000 rows in batches, reporting progress, and re-imports them unchanged', async () => {
    const csv = membersCsv([...generatedMemberRows(10_000)]);
    const progress: ImportProgress[] = [];
    const first = await run(csv, { onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ rows: 10_000, created: 10_000, updated: 0, unchanged: 0, errorCount: 0 });
    expect(progress).toHaveLength(21);
    expect(progress[0]).toEqual({ rowsRead: 500, rowsImported: 500 });
    expect(progress.at(-1)).toEqual({ rowsRead: 10_000, rowsImported: 10_000 });
    expect(await repos.members.count(org.id)).toBe(10_000);
    expect(await repos.members.count(org.id, 'lapsed')).toBe(200);
    expect(await repos.chapters.list(org.id)).toHaveLength(8);

    const second = await run(membersCsv([...generatedMemberRows(10_000, 1)]), { mode: 'full' });
    expect(second).toMatchObject({ rows: 10_000, created: 0, updated: 950, unchanged: 9050, lapsed: 0 });
    expect(await repos.members.count(org.id)).toBe(10_000);
  });
});
