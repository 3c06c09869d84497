import { beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import { FixedClock, OutboxMailer, memberUpsert, platformAccount } from '../../../../test/factories/membership.factory.js';
import type { MemberUpsert, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { MembershipRepositories } from '../ports.js';
import { membershipMails } from '../views.js';
import { kringTranslator } from '../../../capabilities.js';
import type { KringEventListeners } from '../../../kernel/events.js';
import { busWith } from '../../../../test/support/bus.js';
import { ValidationError } from '../../../kernel/errors.js';
import { isMembershipError, type MembershipErrorCode } from './membership.errors.js';
import type { Member, Organization, PlatformIdentity } from '../../../kernel/community.js';
import { MembershipService } from './membership.service.js';

/** Awaits `promise` and returns the MembershipError code it rejected with. */
async function codeOf(promise: Promise<unknown>): Promise<MembershipErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isMembershipError(error) ? error.code : 'other';
  }
}

describe(MembershipService.name, () => {
  let repos: MembershipRepositories;
  let clock: FixedClock;
  let mailer: OutboxMailer;
  let events: { linked: [Member, PlatformIdentity][]; unlinked: [Member, PlatformIdentity][]; lapsed: [Member, PlatformIdentity[]][] };
  let eventErrors: unknown[];
  let org: Organization;
  let sut: MembershipService;

  const listeners = (): KringEventListeners => ({
    'member.linked': async ({ member, identity }) => void events.linked.push([member, identity]),
    'member.unlinked': async ({ member, identity }) => void events.unlinked.push([member, identity]),
    'member.lapsed': async ({ member, identities }) => void events.lapsed.push([member, identities]),
  });
  const mails = membershipMails(kringTranslator());

  /** The service with a bus that records its events (and the errors of failing listeners). */
  function build(overrides: { events?: KringEventListeners } = {}): MembershipService {
    const { bus, errors } = busWith(overrides.events ?? listeners());
    eventErrors = errors;
    return new MembershipService({ repos, mailer, mails, clock, bus });
  }

  async function addMembers(...rows: Partial<MemberUpsert>[]): Promise<void> {
    await repos.members.upsertMany(org.id, rows.map((r) => memberUpsert(r)));
  }

  async function link(account: PlatformAccount, identifier = '1001'): Promise<{ member: Member; identity: PlatformIdentity }> {
    await sut.requestLink({ organizationId: org.id, account, identifier, locale: 'nl' });
    return sut.confirmLink({ account, code: mailer.lastCode(), displayName: 'Anne' });
  }

  beforeEach(async () => {
    clock = new FixedClock();
    repos = createInMemoryRepositories({ clock });
    mailer = new OutboxMailer();
    events = { linked: [], unlinked: [], lapsed: [] };
    eventErrors = [];
    org = await repos.organizations.ensure({ slug: 'kring-utrecht', name: 'Kring Utrecht' });
    await addMembers(
      { memberNumber: '1001', name: 'Anne de Vries', email: 'anne.devries@example.org' },
      { memberNumber: '1002', name: 'Bram Jansen', email: 'jansen@example.org' },
      { memberNumber: '1003', name: 'Chantal Jansen', email: 'Jansen@Example.org' },
      { memberNumber: '1004', name: 'Daan Visser', email: 'daan@example.org', status: 'lapsed' },
      { memberNumber: '1005', name: 'Emma Smit', email: null },
      { memberNumber: '1006', name: 'Fleur Bakker', email: 'fleur@example.org', roles: ['member', 'manager'] },
      { memberNumber: '1007', name: 'Gijs Meijer', email: 'gijs@example.org', roles: ['board'] },
    );
    sut = build();
  });

  describe('access', () => {
    it('grants nothing to an account that is not linked', async () => {
      expect(await sut.access(platformAccount())).toEqual({ member: null, identity: null, isMember: false, isManager: false, isModerator: false });
    });

    it('recognises a linked active member who is not a manager', async () => {
      const account = platformAccount();
      await link(account);
      const access = await sut.access(account);
      expect(access).toMatchObject({ isMember: true, isManager: false });
      expect(access.member!.memberNumber).toBe('1001');
      expect(access.identity).toMatchObject(account);
    });

    it('recognises managers by the manager and board roles', async () => {
      const manager = platformAccount();
      const board = platformAccount();
      await link(manager, '1006');
      await link(board, '1007');
      expect(await sut.access(manager)).toMatchObject({ isMember: true, isManager: true });
      expect(await sut.access(board)).toMatchObject({ isMember: true, isManager: true });
    });

    it('denies member and manager rights once the member has lapsed', async () => {
      const account = platformAccount();
      const { member } = await link(account, '1007');
      await repos.members.setStatus(org.id, member.id, 'lapsed');
      expect(await sut.access(account)).toMatchObject({ isMember: false, isManager: false });
    });
  });

  describe('requestLink', () => {
    it('e-mails a 6-digit code in Dutch and answers with the masked address and expiry', async () => {
      const account = platformAccount();
      const result = await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      expect(result).toEqual({ sentTo: 'a***@example.org', expiresAt: new Date('2026-11-25T10:15:00.000Z') });
      expect(mailer.sent).toHaveLength(1);
      const mail = mailer.sent[0]!;
      expect(mail.to).toBe('anne.devries@example.org');
      expect(mail.subject).toContain('Kring Utrecht');
      expect(mail.subject).not.toMatch(/\d{6}/);
      expect(mail.text).toContain('Hoi Anne de Vries');
      expect(mail.text).toContain('15 minuten');
      expect(mailer.lastCode()).toMatch(/^\d{6}$/);
    });

    it('writes the e-mail in English when asked', async () => {
      await sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: '1001', locale: 'en' });
      expect(mailer.sent[0]!.text).toContain('Hi Anne de Vries');
      expect(mailer.sent[0]!.text).toContain('valid for 15 minutes');
    });

    it('stores only a hash of the code', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const stored = await repos.linkRequests.findLatestOpen(account);
      expect(stored!.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored!.codeHash).not.toContain(mailer.lastCode());
    });

    it('finds the member by e-mail address in any case', async () => {
      const result = await sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: ' ANNE.deVries@example.org ', locale: 'nl' });
      expect(result.sentTo).toBe('a***@example.org');
    });

    it('asks for the member number when several members share the e-mail address', async () => {
      const request = sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: 'jansen@example.org', locale: 'nl' });
      expect(await codeOf(request)).toBe('MEMBERSHIP.AMBIGUOUS_EMAIL');
    });

    it('rejects unknown members, also those of another organisation', async () => {
      const other = await repos.organizations.ensure({ slug: 'other', name: 'Other' });
      await repos.members.upsertMany(other.id, [memberUpsert({ memberNumber: '9999', email: 'x@example.org' })]);
      for (const identifier of ['9999', 'x@example.org', 'nobody@example.org']) {
        expect(await codeOf(sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier, locale: 'nl' }))).toBe('MEMBERSHIP.MEMBER_NOT_FOUND');
      }
      expect(mailer.sent).toEqual([]);
    });

    it('rejects a member who is not active', async () => {
      expect(await codeOf(sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: '1004', locale: 'nl' }))).toBe('MEMBERSHIP.NOT_ACTIVE');
    });

    it('rejects a member without e-mail address', async () => {
      expect(await codeOf(sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: '1005', locale: 'nl' }))).toBe('MEMBERSHIP.NO_EMAIL');
    });

    it('rejects linking an account to the member it is linked to already', async () => {
      const account = platformAccount();
      await link(account);
      expect(await codeOf(sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' }))).toBe('MEMBERSHIP.ALREADY_LINKED');
    });

    it('limits the codes an account may ask per hour', async () => {
      const account = platformAccount();
      for (let i = 0; i < 5; i++) {
        await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
        clock.advance(60_000);
      }
      const sixth = sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      expect(await codeOf(sixth)).toBe('MEMBERSHIP.TOO_MANY_CODES');
      expect(mailer.sent).toHaveLength(5);
      clock.advance(56 * 60_000);
      await expect(sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' })).resolves.toBeDefined();
    });

    it('withdraws the code when the e-mail cannot be sent', async () => {
      const account = platformAccount();
      mailer.failNext = true;
      const error = await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' }).catch((e: unknown) => e);
      expect(isMembershipError(error, 'MEMBERSHIP.MAIL_FAILED')).toBe(true);
      expect(await repos.linkRequests.findLatestOpen(account)).toBeNull();
    });

    it('rejects malformed input with a validation error', async () => {
      const bad = sut.requestLink({ organizationId: org.id, account: platformAccount(), identifier: '   ', locale: 'nl' });
      await expect(bad).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('confirmLink', () => {
    it('links the account with the right code and announces it', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      clock.advance(60_000);
      const { member, identity } = await sut.confirmLink({ account, code: mailer.lastCode(), displayName: 'Anne' });
      expect(member.memberNumber).toBe('1001');
      expect(identity).toMatchObject({ ...account, memberId: member.id, displayName: 'Anne', linkedAt: clock.now() });
      expect(events.linked).toEqual([[member, identity]]);
      expect(await repos.linkRequests.findLatestOpen(account)).toBeNull();
    });

    it('accepts the code with spaces or a dash in it', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const code = mailer.lastCode();
      await expect(sut.confirmLink({ account, code: `${code.slice(0, 3)} ${code.slice(3)}`, displayName: null })).resolves.toBeDefined();
    });

    it('rejects a code after it expired', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      clock.advance(15 * 60_000);
      expect(await codeOf(sut.confirmLink({ account, code: mailer.lastCode(), displayName: null }))).toBe('MEMBERSHIP.CODE_EXPIRED');
      expect((await sut.access(account)).isMember).toBe(false);
    });

    it('accepts a code just before it expires', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      clock.advance(15 * 60_000 - 1);
      await expect(sut.confirmLink({ account, code: mailer.lastCode(), displayName: null })).resolves.toBeDefined();
    });

    it('counts down the attempts left on wrong codes', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const wrong = mailer.lastCode() === '000000' ? '111111' : '000000';
      const error = await sut.confirmLink({ account, code: wrong, displayName: null }).catch((e: unknown) => e);
      expect(isMembershipError(error, 'MEMBERSHIP.CODE_INVALID')).toBe(true);
      expect((error as { params: unknown }).params).toEqual({ attemptsLeft: 4 });
    });

    it('locks the request after 5 wrong codes, after which even the right code fails', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const right = mailer.lastCode();
      const wrong = right === '000000' ? '111111' : '000000';
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push(await codeOf(sut.confirmLink({ account, code: wrong, displayName: null })));
      expect(codes).toEqual([...Array(4).fill('MEMBERSHIP.CODE_INVALID'), 'MEMBERSHIP.TOO_MANY_ATTEMPTS']);
      // Locked, and said so: the right code now is not "no code waiting" (issue 21, item 11).
      expect(await codeOf(sut.confirmLink({ account, code: right, displayName: null }))).toBe('MEMBERSHIP.CODE_LOCKED');
      expect(await codeOf(sut.confirmLink({ account, code: wrong, displayName: null }))).toBe('MEMBERSHIP.CODE_LOCKED');
      expect((await sut.access(account)).isMember).toBe(false);
      // A new code works again.
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      await expect(sut.confirmLink({ account, code: mailer.lastCode(), displayName: null })).resolves.toBeDefined();
    });

    it('does not count a code that is not 6 digits as an attempt', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const error = await sut.confirmLink({ account, code: '12ab', displayName: null }).catch((e: unknown) => e);
      expect((error as { code: string; params: unknown }).params).toEqual({ attemptsLeft: 5 });
      expect((await repos.linkRequests.findLatestOpen(account))!.attempts).toBe(0);
    });

    it('makes an older code useless once a new one is asked', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const first = mailer.lastCode();
      clock.advance(60_000);
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const second = mailer.lastCode();
      if (first !== second) {
        expect(await codeOf(sut.confirmLink({ account, code: first, displayName: null }))).toBe('MEMBERSHIP.CODE_INVALID');
      }
      await expect(sut.confirmLink({ account, code: second, displayName: null })).resolves.toBeDefined();
    });

    it('says there is nothing to confirm when no code was asked', async () => {
      expect(await codeOf(sut.confirmLink({ account: platformAccount(), code: '123456', displayName: null }))).toBe('MEMBERSHIP.NO_PENDING_LINK');
    });

    it('refuses when the member lapsed after asking the code', async () => {
      const account = platformAccount();
      await sut.requestLink({ organizationId: org.id, account, identifier: '1001', locale: 'nl' });
      const member = await repos.members.findByNumber(org.id, '1001');
      await repos.members.setStatus(org.id, member!.id, 'lapsed');
      expect(await codeOf(sut.confirmLink({ account, code: mailer.lastCode(), displayName: null }))).toBe('MEMBERSHIP.NOT_ACTIVE');
      expect(await repos.identities.findByAccount(account)).toBeNull();
    });

    it('moves an account linked to another member to the newly verified one', async () => {
      const account = platformAccount();
      await link(account, '1001');
      const { member } = await link(account, '1006');
      expect((await sut.access(account)).member!.id).toBe(member.id);
    });

    it('still links when a listener fails, and hands the error over', async () => {
      sut = build({ events: { 'member.linked': async () => Promise.reject(new Error('Discord is down')) } });
      const account = platformAccount();
      await expect(link(account)).resolves.toBeDefined();
      expect((await sut.access(account)).isMember).toBe(true);
      expect(eventErrors).toEqual([new Error('Discord is down')]);
    });
  });

  describe('unlink', () => {
    it('removes the link and announces it', async () => {
      const account = platformAccount();
      const { member, identity } = await link(account);
      const result = await sut.unlink(account);
      expect(result).toEqual({ member, identity });
      expect(events.unlinked).toEqual([[member, identity]]);
      expect((await sut.access(account)).isMember).toBe(false);
    });

    it('refuses an account that is not linked', async () => {
      expect(await codeOf(sut.unlink(platformAccount()))).toBe('MEMBERSHIP.NOT_LINKED');
    });
  });

  describe('profile', () => {
    it('shows the member, chapter, linked accounts and organisation', async () => {
      const [chapter] = await repos.chapters.ensureMany(org.id, ['Utrecht']);
      await addMembers({ memberNumber: '1001', name: 'Anne de Vries', email: 'anne.devries@example.org', chapterId: chapter!.id });
      const discord = platformAccount();
      const slack = platformAccount({ platform: 'slack' });
      await link(discord);
      await link(slack);
      const profile = await sut.profile(discord);
      expect(profile.member.memberNumber).toBe('1001');
      expect(profile.chapter).toEqual(chapter);
      expect(profile.organization).toEqual(org);
      expect(profile.identities.map((i) => i.platform).sort()).toEqual(['discord', 'slack']);
    });

    it('refuses an account that is not linked', async () => {
      expect(await codeOf(sut.profile(platformAccount()))).toBe('MEMBERSHIP.NOT_LINKED');
    });
  });

  describe('setStatus and setRoles', () => {
    it('announces a member who lapses, with the linked accounts', async () => {
      const account = platformAccount();
      const { member, identity } = await link(account);
      const lapsed = await sut.setStatus(org.id, member.id, 'lapsed');
      expect(lapsed.status).toBe('lapsed');
      expect(events.lapsed).toEqual([[lapsed, [identity]]]);
      await sut.setStatus(org.id, member.id, 'left');
      expect(events.lapsed).toHaveLength(1);
    });

    it('replaces roles and always keeps the member role', async () => {
      const member = await repos.members.findByNumber(org.id, '1001');
      expect((await sut.setRoles(org.id, member!.id, ['board', 'ambassador'])).roles).toEqual(['member', 'board', 'ambassador']);
    });

    it('reports an unknown member', async () => {
      expect(await codeOf(sut.setStatus(org.id, '00000000-0000-4000-8000-000000000000', 'left'))).toBe('MEMBERSHIP.MEMBER_NOT_FOUND');
      expect(await codeOf(sut.setRoles(org.id, 'nope', ['board']))).toBe('MEMBERSHIP.MEMBER_NOT_FOUND');
    });
  });
});
