import { beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import type { Directory } from '../../../kernel/ports/directory.js';
import { busWith } from '../../../../test/support/bus.js';
import { MemberImportService } from './member-import.service.js';
import type { Member, Organization } from '../../../kernel/community.js';
import { ValidationError } from '../../../kernel/errors.js';
import { MemberSyncService, type MemberRecord } from './member-sync.service.js';

const record = (n: string, overrides: Partial<MemberRecord> = {}): MemberRecord => ({
  memberNumber: n,
  name: `Member ${n}`,
  email: `m${n}@example.org`,
  status: 'active',
  roles: ['member'],
  chapter: null,
  ...overrides,
});

describe(MemberSyncService.name, () => {
  let repos: Directory;
  let org: Organization;
  let lapsed: Member[];
  let sut: MemberSyncService;

  beforeEach(async () => {
    repos = createInMemoryRepositories();
    org = await repos.organizations.ensure({ slug: 'kring', name: 'Kring' });
    lapsed = [];
    const importer = new MemberImportService({ repos, bus: busWith({ 'member.lapsed': async ({ member }) => void lapsed.push(member) }).bus });
    sut = new MemberSyncService({ importer, members: repos.members });
  });

  it('creates then updates one member, with names that need CSV quoting', async () => {
    const tricky = 'Jan "de Vries", jr.; Utrecht';
    const first = await sut.upsert(org.id, record('1', { name: tricky, chapter: 'Gent, Oost', roles: ['board', 'sounding_board'] }));
    expect(first.created).toBe(true);
    expect(first.member).toMatchObject({ name: tricky, roles: ['member', 'board', 'sounding_board'] });
    const chapter = await repos.chapters.findById(org.id, first.member.chapterId!);
    expect(chapter?.name).toBe('Gent, Oost');
    const second = await sut.upsert(org.id, record('1', { name: 'Jan' }));
    expect(second).toMatchObject({ created: false, member: { name: 'Jan', chapterId: null } });
  });

  it('publishes member.lapsed when an upsert takes an active member\'s access away', async () => {
    await sut.upsert(org.id, record('1'));
    await sut.upsert(org.id, record('1', { status: 'left' }));
    expect(lapsed.map((m) => m.memberNumber)).toEqual(['1']);
  });

  it('keeps the stored language when an upsert leaves it out', async () => {
    await sut.upsert(org.id, record('1', { locale: 'en' }));
    expect((await sut.upsert(org.id, record('1', { name: 'Renamed' }))).member.locale).toBe('en');
  });

  it('syncs a full list: creates, updates, and lapses the active members not listed', async () => {
    await sut.sync(org.id, [record('1'), record('2'), record('3')]);
    const report = await sut.sync(org.id, [record('1', { name: 'Changed' }), record('2'), record('4')]);
    expect(report).toEqual({ dryRun: false, received: 3, created: 1, updated: 1, unchanged: 1, lapsed: 1 });
    expect((await repos.members.findByNumber(org.id, '3'))?.status).toBe('lapsed');
    expect(lapsed.map((m) => m.memberNumber)).toEqual(['3']);
  });

  it('changes nothing in a dry run', async () => {
    await sut.sync(org.id, [record('1'), record('2')]);
    const report = await sut.sync(org.id, [record('1')], { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, lapsed: 1, unchanged: 1 });
    expect((await repos.members.findByNumber(org.id, '2'))?.status).toBe('active');
  });

  it('keeps stored languages of members without one when others in the list give one', async () => {
    await sut.sync(org.id, [record('1', { locale: 'en' }), record('2', { locale: 'en' })]);
    await sut.sync(org.id, [record('1', { locale: 'nl' }), record('2')]);
    expect((await repos.members.findByNumber(org.id, '1'))?.locale).toBe('nl');
    expect((await repos.members.findByNumber(org.id, '2'))?.locale).toBe('en');
  });

  it('turns a row the importer rejects into a validation error with the record\'s index', async () => {
    const error = await sut.sync(org.id, [record('1'), record('2', { email: 'not-an-email' })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'members.1.email', message: expect.stringContaining('not a valid e-mail') }]);
  });
});
