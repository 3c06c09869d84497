import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, Organization } from '../../src/kernel/community.js';
import { ConflictError, KringError, NotFoundError } from '../../src/kernel/errors.js';
import type { MemberUpsert } from '../../src/kernel/ports/directory.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { memberUpsert, memberUpserts, platformAccount } from '../factories/membership.factory.js';

/**
 * The repository contract: one suite, run against every implementation (Prisma on PostgreSQL, Prisma on
 * PGlite, in memory). Expectations never branch on the implementation.
 *
 * One setup per file (a fresh database); tests stay independent by creating their own organisation
 * (unique slug), accounts and keys.
 */

export interface RepositoriesContext {
  sut: MembershipRepositories;
  teardown(): Promise<void>;
}

export interface RepositoriesHarness {
  name: string;
  setup(): Promise<RepositoriesContext>;
}

export function repositoriesContract(harness: RepositoriesHarness): void {
  describe(`Repositories (${harness.name})`, () => {
    let ctx: RepositoriesContext;
    let sut: MembershipRepositories;

    beforeAll(async () => {
      ctx = await harness.setup();
      sut = ctx.sut;
    });
    afterAll(async () => {
      await ctx?.teardown();
    });

    const newOrg = (name = 'Vereniging'): Promise<Organization> =>
      sut.organizations.ensure({ slug: `org-${randomUUID().slice(0, 13)}`, name });

    /** Upserts members and returns them, by member number. */
    async function seed(orgId: string, rows: MemberUpsert[]): Promise<Map<string, Member>> {
      await sut.members.upsertMany(orgId, rows);
      const all = await sut.members.list(orgId, { limit: 1000 });
      return new Map(all.map((m) => [m.memberNumber, m]));
    }

    /** A member with an open link request for a fresh chat account. */
    async function pendingLink(at = new Date('2026-11-25T10:00:00Z')) {
      const org = await newOrg();
      const members = await seed(org.id, [memberUpsert({ memberNumber: '1' }), memberUpsert({ memberNumber: '2' })]);
      const account = platformAccount();
      const request = await sut.linkRequests.create({
        organizationId: org.id,
        memberId: members.get('1')!.id,
        ...account,
        codeHash: 'a'.repeat(64),
        expiresAt: new Date(at.getTime() + 15 * 60_000),
        createdAt: at,
      });
      return { org, members, account, request };
    }

    describe('organizations', () => {
      it('creates an organisation with defaults and finds it by slug and id', async () => {
        const org = await newOrg('Kring Utrecht');
        expect(org).toMatchObject({ name: 'Kring Utrecht', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
        expect(org.createdAt).toBeInstanceOf(Date);
        expect(await sut.organizations.findBySlug(org.slug)).toEqual(org);
        expect(await sut.organizations.findById(org.id)).toEqual(org);
      });

      it('returns the existing organisation unchanged when ensured again', async () => {
        const org = await newOrg('First name');
        const again = await sut.organizations.ensure({ slug: org.slug, name: 'Other name', defaultLocale: 'en' });
        expect(again).toEqual(org);
      });

      it('stores an explicit locale and time zone', async () => {
        const org = await sut.organizations.ensure({ slug: `en-${randomUUID().slice(0, 8)}`, name: 'E', defaultLocale: 'en', timezone: 'Europe/Brussels' });
        expect(org).toMatchObject({ defaultLocale: 'en', timezone: 'Europe/Brussels' });
      });

      it('answers null for unknown or malformed ids and slugs', async () => {
        expect(await sut.organizations.findById(randomUUID())).toBeNull();
        expect(await sut.organizations.findById('not-a-uuid')).toBeNull();
        expect(await sut.organizations.findBySlug('no-such-org')).toBeNull();
      });

      it('lists organisations ordered by slug', async () => {
        const a = await sut.organizations.ensure({ slug: `list-a-${randomUUID().slice(0, 8)}`, name: 'A' });
        const b = await sut.organizations.ensure({ slug: `list-b-${randomUUID().slice(0, 8)}`, name: 'B' });
        const slugs = (await sut.organizations.list()).map((o) => o.slug);
        expect(slugs).toContain(a.slug);
        expect(slugs).toContain(b.slug);
        expect(slugs).toEqual([...slugs].sort());
      });
    });

    describe('chapters', () => {
      it('creates missing chapters, returns existing ones and ignores repeated names', async () => {
        const org = await newOrg();
        const first = await sut.chapters.ensureMany(org.id, ['Utrecht', 'Gent']);
        const second = await sut.chapters.ensureMany(org.id, ['Gent', 'Zwolle', 'Zwolle']);
        expect(second.map((c) => c.name).sort()).toEqual(['Gent', 'Zwolle']);
        expect(second.find((c) => c.name === 'Gent')!.id).toBe(first.find((c) => c.name === 'Gent')!.id);
        expect((await sut.chapters.list(org.id)).map((c) => c.name)).toEqual(['Gent', 'Utrecht', 'Zwolle']);
        expect(await sut.chapters.ensureMany(org.id, [])).toEqual([]);
      });

      it('finds a chapter only within its organisation', async () => {
        const [a, b] = [await newOrg(), await newOrg()];
        const [chapter] = await sut.chapters.ensureMany(a.id, ['Utrecht']);
        expect(await sut.chapters.findById(a.id, chapter!.id)).toEqual(chapter);
        expect(await sut.chapters.findById(b.id, chapter!.id)).toBeNull();
        expect(await sut.chapters.list(b.id)).toEqual([]);
      });

      it('renames a chapter within its organisation and refuses a name in use', async () => {
        const [a, b] = [await newOrg(), await newOrg()];
        const [utrecht, gent] = await sut.chapters.ensureMany(a.id, ['Utrecht', 'Gent']);
        expect(await sut.chapters.rename(a.id, utrecht!.id, 'Utrecht-Noord')).toEqual({ ...utrecht, name: 'Utrecht-Noord' });
        await expect(sut.chapters.rename(a.id, gent!.id, 'Utrecht-Noord')).rejects.toBeInstanceOf(ConflictError);
        expect(await sut.chapters.rename(b.id, gent!.id, 'Elders')).toBeNull();
        expect(await sut.chapters.rename(a.id, randomUUID(), 'Nergens')).toBeNull();
        expect((await sut.chapters.list(a.id)).map((c) => c.name)).toEqual(['Gent', 'Utrecht-Noord']);
      });
    });

    describe('members', () => {
      it('counts created, updated and unchanged members on upsert', async () => {
        const org = await newOrg();
        const rows = memberUpserts(3);
        expect(await sut.members.upsertMany(org.id, rows)).toEqual({ created: 3, updated: 0, unchanged: 0, deactivatedIds: [], reactivatedIds: [], updatedIds: [] });
        expect(await sut.members.upsertMany(org.id, rows)).toEqual({ created: 0, updated: 0, unchanged: 3, deactivatedIds: [], reactivatedIds: [], updatedIds: [] });
        const changed = [{ ...rows[0]!, name: 'Renamed' }, rows[1]!, memberUpsert({ memberNumber: 'NEW-1' })];
        const renamed = (await sut.members.findByNumber(org.id, rows[0]!.memberNumber))!;
        expect(await sut.members.upsertMany(org.id, changed)).toEqual({ created: 1, updated: 1, unchanged: 1, deactivatedIds: [], reactivatedIds: [], updatedIds: [renamed.id] });
        expect((await sut.members.findByNumber(org.id, rows[0]!.memberNumber))!.name).toBe('Renamed');
        expect(await sut.members.count(org.id)).toBe(4);
      });

      it('stores every field and sets timestamps', async () => {
        const org = await newOrg();
        const [chapter] = await sut.chapters.ensureMany(org.id, ['Utrecht']);
        await sut.members.upsertMany(org.id, [
          { memberNumber: '42', name: 'Anne de Vries', email: 'anne@example.org', status: 'lapsed', roles: ['board', 'member'], chapterId: chapter!.id, locale: 'en' },
        ]);
        const m = await sut.members.findByNumber(org.id, '42');
        expect(m).toMatchObject({
          organizationId: org.id, memberNumber: '42', name: 'Anne de Vries', email: 'anne@example.org', status: 'lapsed',
          roles: ['member', 'board'], chapterId: chapter!.id, locale: 'en',
        });
        expect(m!.createdAt).toBeInstanceOf(Date);
        expect(m!.updatedAt).toBeInstanceOf(Date);
        expect(await sut.members.findById(org.id, m!.id)).toEqual(m);
      });

      it('treats roles in another order as unchanged and always keeps the member role', async () => {
        const org = await newOrg();
        await sut.members.upsertMany(org.id, [memberUpsert({ memberNumber: '1', roles: ['board', 'manager'] })]);
        expect((await sut.members.findByNumber(org.id, '1'))!.roles).toEqual(['member', 'manager', 'board']);
        const again = await sut.members.upsertMany(org.id, [memberUpsert({ memberNumber: '1', roles: ['manager', 'member', 'board'] })]);
        expect(again.unchanged).toBe(1);
      });

      it('keeps the stored locale when the upsert leaves it out, and clears it on null', async () => {
        const org = await newOrg();
        await sut.members.upsertMany(org.id, [memberUpsert({ memberNumber: '1', locale: 'en' })]);
        const { locale: _omit, ...withoutLocale } = memberUpsert({ memberNumber: '1' });
        expect(await sut.members.upsertMany(org.id, [withoutLocale])).toMatchObject({ unchanged: 1 });
        expect((await sut.members.findByNumber(org.id, '1'))!.locale).toBe('en');
        expect(await sut.members.upsertMany(org.id, [memberUpsert({ memberNumber: '1', locale: null })])).toMatchObject({ updated: 1 });
        expect((await sut.members.findByNumber(org.id, '1'))!.locale).toBeNull();
      });

      it('keeps the last of repeated member numbers in one call and never duplicates', async () => {
        const org = await newOrg();
        const summary = await sut.members.upsertMany(org.id, [memberUpsert({ memberNumber: '7', name: 'First' }), memberUpsert({ memberNumber: '7', name: 'Last' })]);
        expect(summary).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
        expect(await sut.members.count(org.id)).toBe(1);
        expect((await sut.members.findByNumber(org.id, '7'))!.name).toBe('Last');
      });

      it('upserts more rows than one statement chunk in one call', async () => {
        const org = await newOrg();
        const rows = memberUpserts(1234);
        expect(await sut.members.upsertMany(org.id, rows)).toMatchObject({ created: 1234, updated: 0, unchanged: 0 });
        const changed = rows.map((r, i) => (i % 2 === 0 ? { ...r, email: `changed${i}@example.org` } : r));
        expect(await sut.members.upsertMany(org.id, changed)).toMatchObject({ created: 0, updated: 617, unchanged: 617 });
        expect(await sut.members.count(org.id)).toBe(1234);
      });

      it('reports the members an upsert moved from active to lapsed or left', async () => {
        const org = await newOrg();
        const members = await seed(org.id, [
          memberUpsert({ memberNumber: '1' }), memberUpsert({ memberNumber: '2' }), memberUpsert({ memberNumber: '3', status: 'lapsed' }),
        ]);
        const summary = await sut.members.upsertMany(org.id, [
          memberUpsert({ memberNumber: '1', status: 'lapsed' }),
          memberUpsert({ memberNumber: '2' }),
          memberUpsert({ memberNumber: '3', status: 'left' }),
          memberUpsert({ memberNumber: '4', status: 'left' }),
        ]);
        expect(summary).toMatchObject({ created: 1, updated: 2, unchanged: 1, deactivatedIds: [members.get('1')!.id], reactivatedIds: [] });
        expect([...summary.updatedIds].sort()).toEqual([members.get('1')!.id, members.get('3')!.id].sort());
      });

      it('reports the members an upsert moved from lapsed or left back to active', async () => {
        const org = await newOrg();
        const members = await seed(org.id, [
          memberUpsert({ memberNumber: '1', status: 'lapsed' }), memberUpsert({ memberNumber: '2', status: 'left' }), memberUpsert({ memberNumber: '3' }),
        ]);
        const summary = await sut.members.upsertMany(org.id, [
          memberUpsert({ memberNumber: '1' }),
          memberUpsert({ memberNumber: '2', status: 'lapsed' }),
          memberUpsert({ memberNumber: '3', name: 'Nieuwe naam' }),
        ]);
        expect(summary).toMatchObject({ created: 0, updated: 3, unchanged: 0, deactivatedIds: [], reactivatedIds: [members.get('1')!.id] });
        expect([...summary.updatedIds].sort()).toEqual(['1', '2', '3'].map((n) => members.get(n)!.id).sort());
      });

      it('finds the organisation\'s members among many ids, leaving out unknown and foreign ones', async () => {
        const org = await newOrg();
        const other = await newOrg();
        const mine = await seed(org.id, [memberUpsert({ memberNumber: '1' }), memberUpsert({ memberNumber: '2' })]);
        const theirs = await seed(other.id, [memberUpsert({ memberNumber: '3' })]);
        const found = await sut.members.findByIds(org.id, [mine.get('2')!.id, theirs.get('3')!.id, randomUUID(), 'not-a-uuid', mine.get('1')!.id]);
        expect(found.map((m) => m.memberNumber).sort()).toEqual(['1', '2']);
        expect(await sut.members.findByIds(org.id, [])).toEqual([]);
      });

      it('finds members by e-mail case-insensitively, several per address, without wildcards', async () => {
        const org = await newOrg();
        await seed(org.id, [
          memberUpsert({ memberNumber: '1', email: 'Family.Jansen@Example.org' }),
          memberUpsert({ memberNumber: '2', email: 'family.jansen@example.org' }),
          memberUpsert({ memberNumber: '3', email: 'familyxjansen@example.org' }),
        ]);
        const found = await sut.members.findByEmail(org.id, 'FAMILY.JANSEN@example.ORG');
        expect(found.map((m) => m.memberNumber)).toEqual(['1', '2']);
        expect(await sut.members.findByEmail(org.id, 'family_jansen@example.org')).toEqual([]);
      });

      it('pages through members by member number (keyset)', async () => {
        const org = await newOrg();
        await sut.members.upsertMany(org.id, memberUpserts(25).reverse());
        const seen: string[] = [];
        let after: string | undefined;
        const pageSizes: number[] = [];
        for (;;) {
          const page = await sut.members.list(org.id, { limit: 10, ...(after === undefined ? {} : { after }) });
          pageSizes.push(page.length);
          seen.push(...page.map((m) => m.memberNumber));
          if (page.length < 10) break;
          after = page[page.length - 1]!.memberNumber;
        }
        expect(pageSizes).toEqual([10, 10, 5]);
        expect(seen).toEqual(memberUpserts(25).map((m) => m.memberNumber));
      });

      it('filters the list and the count by status', async () => {
        const org = await newOrg();
        await seed(org.id, [
          memberUpsert({ memberNumber: '1' }), memberUpsert({ memberNumber: '2', status: 'lapsed' }), memberUpsert({ memberNumber: '3', status: 'left' }),
          memberUpsert({ memberNumber: '4', status: 'lapsed' }),
        ]);
        expect((await sut.members.list(org.id, { limit: 10, status: 'lapsed' })).map((m) => m.memberNumber)).toEqual(['2', '4']);
        expect(await sut.members.count(org.id, 'lapsed')).toBe(2);
        expect(await sut.members.count(org.id, 'active')).toBe(1);
        expect(await sut.members.count(org.id)).toBe(4);
      });

      it('lapses active members absent from the kept set, and only them', async () => {
        const [org, other] = [await newOrg(), await newOrg()];
        await seed(org.id, [
          memberUpsert({ memberNumber: '1' }), memberUpsert({ memberNumber: '2' }), memberUpsert({ memberNumber: '3', status: 'left' }),
          memberUpsert({ memberNumber: '4' }),
        ]);
        await seed(other.id, [memberUpsert({ memberNumber: '2' })]);
        const lapsed = await sut.members.lapseAllExcept(org.id, new Set(['1', '4']));
        expect(lapsed.map((m) => [m.memberNumber, m.status])).toEqual([['2', 'lapsed']]);
        expect((await sut.members.findByNumber(org.id, '3'))!.status).toBe('left');
        expect((await sut.members.findByNumber(org.id, '1'))!.status).toBe('active');
        expect((await sut.members.findByNumber(other.id, '2'))!.status).toBe('active');
        expect(await sut.members.lapseAllExcept(org.id, new Set(['1', '4']))).toEqual([]);
      });

      it('changes status and roles of one member', async () => {
        const org = await newOrg();
        const m = (await seed(org.id, [memberUpsert({ memberNumber: '1' })])).get('1')!;
        expect(await sut.members.setStatus(org.id, m.id, 'left')).toMatchObject({ id: m.id, status: 'left' });
        expect(await sut.members.setRoles(org.id, m.id, ['manager'])).toMatchObject({ id: m.id, roles: ['member', 'manager'] });
        expect(await sut.members.setStatus(org.id, randomUUID(), 'left')).toBeNull();
        expect(await sut.members.setRoles(org.id, 'not-a-uuid', ['board'])).toBeNull();
      });

      it('never shows one organisation the members of another', async () => {
        const [a, b] = [await newOrg(), await newOrg()];
        const m = (await seed(a.id, [memberUpsert({ memberNumber: '1', email: 'shared@example.org' })])).get('1')!;
        expect(await sut.members.findById(b.id, m.id)).toBeNull();
        expect(await sut.members.findByNumber(b.id, '1')).toBeNull();
        expect(await sut.members.findByEmail(b.id, 'shared@example.org')).toEqual([]);
        expect(await sut.members.list(b.id, { limit: 10 })).toEqual([]);
        expect(await sut.members.count(b.id)).toBe(0);
        expect(await sut.members.setStatus(b.id, m.id, 'left')).toBeNull();
        expect(await sut.members.setRoles(b.id, m.id, ['board'])).toBeNull();
        // The same member number in B is another member.
        const summary = await sut.members.upsertMany(b.id, [memberUpsert({ memberNumber: '1' })]);
        expect(summary.created).toBe(1);
        expect((await sut.members.findByNumber(a.id, '1'))!.id).toBe(m.id);
      });
    });

    describe('link requests and identities', () => {
      it('creates a request with the given id, no attempts and not consumed', async () => {
        const { request, account } = await pendingLink();
        expect(request).toMatchObject({ attempts: 0, consumedAt: null, ...account });
        const id = randomUUID();
        const own = await sut.linkRequests.create({ ...request, id, createdAt: new Date('2026-11-25T10:01:00Z') });
        expect(own.id).toBe(id);
      });

      it('returns the newest open request of the account', async () => {
        const { request, account } = await pendingLink(new Date('2026-11-25T10:00:00Z'));
        const { id: _id, attempts: _a, consumedAt: _c, ...fields } = request;
        const newer = await sut.linkRequests.create({ ...fields, createdAt: new Date('2026-11-25T10:05:00Z') });
        expect((await sut.linkRequests.findLatestOpen(account))!.id).toBe(newer.id);
        await sut.linkRequests.consume(newer.id, new Date('2026-11-25T10:06:00Z'));
        expect((await sut.linkRequests.findLatestOpen(account))!.id).toBe(request.id);
        await sut.linkRequests.consume(request.id, new Date('2026-11-25T10:06:00Z'));
        await sut.linkRequests.consume(request.id, new Date('2026-11-25T10:07:00Z'));
        expect(await sut.linkRequests.findLatestOpen(account)).toBeNull();
        expect(await sut.linkRequests.findLatestOpen(platformAccount())).toBeNull();
        // The newest request, consumed or not.
        expect((await sut.linkRequests.findLatest(account))!.id).toBe(newer.id);
        expect(await sut.linkRequests.findLatest(platformAccount())).toBeNull();
      });

      it('counts the requests of an account since a moment', async () => {
        const { request, account } = await pendingLink(new Date('2026-11-25T10:00:00Z'));
        const { id: _id, attempts: _a, consumedAt: _c, ...fields } = request;
        await sut.linkRequests.create({ ...fields, createdAt: new Date('2026-11-25T10:30:00Z') });
        expect(await sut.linkRequests.countSince(account, new Date('2026-11-25T09:00:00Z'))).toBe(2);
        expect(await sut.linkRequests.countSince(account, new Date('2026-11-25T10:00:00Z'))).toBe(2);
        expect(await sut.linkRequests.countSince(account, new Date('2026-11-25T10:00:00.001Z'))).toBe(1);
        expect(await sut.linkRequests.countSince(platformAccount(), new Date(0))).toBe(0);
      });

      it('counts concurrent failed attempts atomically', async () => {
        const { request, account } = await pendingLink();
        const counts = await Promise.all(Array.from({ length: 5 }, () => sut.linkRequests.recordFailedAttempt(request.id)));
        expect([...counts].sort()).toEqual([1, 2, 3, 4, 5]);
        expect((await sut.linkRequests.findLatestOpen(account))!.attempts).toBe(5);
        await expect(sut.linkRequests.recordFailedAttempt(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
      });

      it('confirms a request once: links the account and consumes the request', async () => {
        const { request, account, members } = await pendingLink();
        const at = new Date('2026-11-25T10:03:00Z');
        const identity = await sut.linkRequests.confirm(request.id, at, 'Anne');
        expect(identity).toMatchObject({ ...account, memberId: members.get('1')!.id, organizationId: request.organizationId, displayName: 'Anne', linkedAt: at });
        expect(await sut.identities.findByAccount(account)).toEqual(identity);
        expect(await sut.identities.listByMember(members.get('1')!.id)).toEqual([identity]);
        expect(await sut.linkRequests.findLatestOpen(account)).toBeNull();
        expect(await sut.linkRequests.confirm(request.id, at, 'Anne')).toBeNull();
        expect(await sut.linkRequests.confirm(randomUUID(), at, null)).toBeNull();
      });

      it('lets exactly one of concurrent confirms of one request win', async () => {
        const { request, account } = await pendingLink();
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => sut.linkRequests.confirm(request.id, new Date('2026-11-25T10:03:00Z'), `try ${i}`)),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        const identity = await sut.identities.findByAccount(account);
        expect(identity!.displayName).toBe(results.find((r) => r !== null)!.displayName);
      });

      it('replaces the existing link of an account', async () => {
        const { request, account, members, org } = await pendingLink();
        await sut.linkRequests.confirm(request.id, new Date('2026-11-25T10:03:00Z'), null);
        const second = await sut.linkRequests.create({
          organizationId: org.id, memberId: members.get('2')!.id, ...account, codeHash: 'b'.repeat(64),
          expiresAt: new Date('2026-11-25T11:00:00Z'), createdAt: new Date('2026-11-25T10:10:00Z'),
        });
        const relinked = await sut.linkRequests.confirm(second.id, new Date('2026-11-25T10:11:00Z'), 'Piet');
        expect(relinked).toMatchObject({ memberId: members.get('2')!.id, displayName: 'Piet' });
        expect((await sut.identities.findByAccount(account))!.memberId).toBe(members.get('2')!.id);
        expect(await sut.identities.listByMember(members.get('1')!.id)).toEqual([]);
      });

      it('lists every linked account of a member and unlinks one', async () => {
        const { request, members, org, account } = await pendingLink();
        await sut.linkRequests.confirm(request.id, new Date('2026-11-25T10:03:00Z'), null);
        const slack = platformAccount({ platform: 'slack' });
        const other = await sut.linkRequests.create({
          organizationId: org.id, memberId: members.get('1')!.id, ...slack, codeHash: 'c'.repeat(64),
          expiresAt: new Date('2026-11-25T11:00:00Z'), createdAt: new Date('2026-11-25T10:05:00Z'),
        });
        await sut.linkRequests.confirm(other.id, new Date('2026-11-25T10:06:00Z'), null);
        const linked = await sut.identities.listByMember(members.get('1')!.id);
        expect(linked.map((i) => i.platform)).toEqual([account.platform, 'slack']);
        const removed = await sut.identities.unlink(slack);
        expect(removed).toMatchObject({ ...slack, memberId: members.get('1')!.id });
        expect(await sut.identities.unlink(slack)).toBeNull();
        expect(await sut.identities.findByAccount(slack)).toBeNull();
        expect(await sut.identities.listByMember(members.get('1')!.id)).toHaveLength(1);
        expect(await sut.identities.listByMember('not-a-uuid')).toEqual([]);
      });

      it('finds many accounts with their members at once, in the order asked, null where not linked', async () => {
        const { request, members, account } = await pendingLink();
        const identity = (await sut.linkRequests.confirm(request.id, new Date('2026-11-25T10:03:00Z'), 'Anne'))!;
        const stranger = platformAccount();
        const found = await sut.identities.findLinked([stranger, account, stranger, account]);
        expect(found).toEqual([null, { identity, member: members.get('1') }, null, { identity, member: members.get('1') }]);
        expect(await sut.identities.findLinked([])).toEqual([]);
        // The member as stored now: a status change shows in the next look-up.
        await sut.members.setStatus(identity.organizationId, identity.memberId, 'lapsed');
        expect((await sut.identities.findLinked([account]))[0]!.member.status).toBe('lapsed');
      });
    });

    describe('workspaces and channels', () => {
      const externalId = (): string => `T${randomUUID().slice(0, 10)}`;

      it('connects a workspace, renames it in place and keeps the name when not given', async () => {
        const org = await newOrg();
        const ext = externalId();
        const ws = await sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext, name: 'Kring' });
        expect(ws).toMatchObject({ organizationId: org.id, platform: 'slack', externalId: ext, name: 'Kring' });
        const renamed = await sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext, name: 'Kring NL' });
        expect(renamed).toEqual({ ...ws, name: 'Kring NL' });
        expect(await sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext })).toEqual(renamed);
        expect(await sut.workspaces.findByExternalId('slack', ext)).toEqual(renamed);
        expect(await sut.workspaces.findByExternalId('discord', ext)).toBeNull();
        expect(await sut.workspaces.list(org.id)).toEqual([renamed]);
      });

      it('refuses to move a workspace to another organisation', async () => {
        const [a, b] = [await newOrg(), await newOrg()];
        const ext = externalId();
        await sut.workspaces.upsert({ organizationId: a.id, platform: 'discord', externalId: ext });
        await expect(sut.workspaces.upsert({ organizationId: b.id, platform: 'discord', externalId: ext })).rejects.toBeInstanceOf(ConflictError);
        expect(await sut.workspaces.list(b.id)).toEqual([]);
      });

      it('connects a new workspace once when its first events arrive together', async () => {
        const org = await newOrg();
        const ext = externalId();
        const results = await Promise.all(
          Array.from({ length: 8 }, () => sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext })),
        );
        expect(new Set(results.map((w) => w.id)).size).toBe(1);
        expect(await sut.workspaces.list(org.id)).toHaveLength(1);
      });

      it('stores, returns and deletes the installation blob', async () => {
        const org = await newOrg();
        const ext = externalId();
        expect(await sut.workspaces.getInstallation('slack', ext)).toBeNull();
        const installation = { team: { id: ext }, bot: { token: 'xoxb-test', scopes: ['chat:write'] } };
        await sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext, installation });
        expect(await sut.workspaces.getInstallation('slack', ext)).toEqual(installation);
        await sut.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: ext, name: 'x' });
        expect(await sut.workspaces.getInstallation('slack', ext)).toEqual(installation);
        await sut.workspaces.deleteInstallation('slack', ext);
        expect(await sut.workspaces.getInstallation('slack', ext)).toBeNull();
        expect(await sut.workspaces.findByExternalId('slack', ext)).not.toBeNull();
      });

      it('connects channels with a purpose and lists them per organisation and purpose', async () => {
        const org = await newOrg();
        const [chapter] = await sut.chapters.ensureMany(org.id, ['Utrecht']);
        const ext = externalId();
        const ws = await sut.workspaces.upsert({ organizationId: org.id, platform: 'discord', externalId: ext });
        const general = await sut.channels.upsert({ workspaceId: ws.id, externalId: 'C1', name: 'algemeen' });
        expect(general).toMatchObject({
          organizationId: org.id, workspaceId: ws.id, platform: 'discord', workspaceExternalId: ext,
          externalId: 'C1', name: 'algemeen', purpose: 'general', chapterId: null,
        });
        const news = await sut.channels.upsert({ workspaceId: ws.id, externalId: 'C2', purpose: 'news' });
        const local = await sut.channels.upsert({ workspaceId: ws.id, externalId: 'C1', purpose: 'chapter', chapterId: chapter!.id });
        expect(local).toEqual({ ...general, purpose: 'chapter', chapterId: chapter!.id });
        expect(await sut.channels.list(org.id)).toEqual([local, news]);
        expect(await sut.channels.list(org.id, 'news')).toEqual([news]);
        expect(await sut.channels.findByExternalId(ws.id, 'C2')).toEqual(news);
        expect(await sut.channels.findByExternalId(ws.id, 'C9')).toBeNull();
        expect(await sut.channels.list((await newOrg()).id)).toEqual([]);
      });

      it('refuses a channel of an unknown workspace', async () => {
        const error = await sut.channels.upsert({ workspaceId: randomUUID(), externalId: 'C1' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KringError);
        expect((error as KringError).code).toBe('WORKSPACE.NOT_FOUND');
      });
    });

    describe('processed events', () => {
      it('marks a key processed once', async () => {
        const key = `slack:${randomUUID()}`;
        expect(await sut.processedEvents.markProcessed(key)).toBe(true);
        expect(await sut.processedEvents.markProcessed(key)).toBe(false);
      });

      it('records many keys marked at once, each exactly once', async () => {
        const keys = Array.from({ length: 300 }, () => `slack:trigger:${randomUUID()}`);
        const marks = await Promise.all([...keys, ...keys.slice(0, 50)].map((k) => sut.processedEvents.markProcessed(k)));
        expect(marks.filter(Boolean)).toHaveLength(300);
        expect(marks.slice(300).some(Boolean)).toBe(false);
      });

      it('lets exactly one of concurrent marks of a key win', async () => {
        const key = `discord:${randomUUID()}`;
        const results = await Promise.all(Array.from({ length: 5 }, () => sut.processedEvents.markProcessed(key)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('prunes keys older than a moment', async () => {
        const key = `teams:${randomUUID()}`;
        await sut.processedEvents.markProcessed(key);
        expect(await sut.processedEvents.prune(new Date(Date.now() - 3_600_000))).toBe(0);
        expect(await sut.processedEvents.markProcessed(key)).toBe(false);
        expect(await sut.processedEvents.prune(new Date(Date.now() + 3_600_000))).toBeGreaterThanOrEqual(1);
        expect(await sut.processedEvents.markProcessed(key)).toBe(true);
      });
    });

    describe('conversation references', () => {
      it('saves, overwrites and finds a reference as JSON', async () => {
        const workspace = `tenant-${randomUUID()}`;
        expect(await sut.conversationReferences.find('teams', workspace, 'channel:1')).toBeNull();
        await sut.conversationReferences.save('teams', workspace, 'channel:1', { conversation: { id: '19:a' }, serviceUrl: 'https://x' });
        await sut.conversationReferences.save('teams', workspace, 'channel:1', { conversation: { id: '19:b' }, serviceUrl: 'https://x' });
        await sut.conversationReferences.save('teams', workspace, 'user:1', { user: { id: '29:u' } });
        expect(await sut.conversationReferences.find('teams', workspace, 'channel:1')).toEqual({ conversation: { id: '19:b' }, serviceUrl: 'https://x' });
        expect(await sut.conversationReferences.find('teams', workspace, 'user:1')).toEqual({ user: { id: '29:u' } });
        expect(await sut.conversationReferences.find('slack', workspace, 'user:1')).toBeNull();
      });
    });
  });
}

