import { describe, expect, it } from 'vitest';
import { MEMBER_ROLE_KEY, graceEnds, inAudience, planAccess, standingOf, type AccessGrant, type AccessPlace } from './access.js';

const DAY = 24 * 60 * 60_000;
const now = new Date('2026-12-02T12:00:00.000Z');
const place = (id: string, platform: AccessPlace['platform'], audience: AccessPlace['audience'] = { kind: 'all' }): AccessPlace => ({
  id,
  organizationId: 'o',
  platform,
  workspaceId: platform === 'slack' ? 'T1' : 'G1',
  kind: platform === 'discord' ? 'role' : 'channel',
  externalId: `x-${id}`,
  name: null,
  audience,
  createdAt: now,
});
const slackAccount = { platform: 'slack' as const, workspaceId: 'T1', platformUserId: 'U1' };
const discordAccount = { platform: 'discord' as const, workspaceId: 'G1', platformUserId: '42' };
const grant = (account: typeof slackAccount | typeof discordAccount, placeKey: string): AccessGrant => ({ ...account, placeKey, organizationId: 'o', memberId: 'm', grantedAt: now });

describe('standingOf', () => {
  it('keeps access during the grace period and ends it after', () => {
    const lapse = { lapsedAt: new Date(now.getTime() - 2 * DAY) };
    expect(standingOf({ status: 'lapsed' }, lapse, null, 3, now)).toBe('grace');
    expect(standingOf({ status: 'lapsed' }, lapse, null, 2, now)).toBe('ended');
    expect(graceEnds(lapse, 3)).toEqual(new Date(now.getTime() + DAY));
  });

  it('counts a suspension before membership, until its time is up', () => {
    const suspension = { until: new Date(now.getTime() + DAY), endedAt: null };
    expect(standingOf({ status: 'active' }, null, suspension, 0, now)).toBe('suspended');
    expect(standingOf({ status: 'active' }, null, { ...suspension, until: now }, 0, now)).toBe('member');
  });
});

describe('inAudience', () => {
  it('lets in by role or chapter, never both at once', () => {
    expect(inAudience({ kind: 'roles', roles: ['board'] }, { roles: ['member', 'board'], chapterId: null })).toBe(true);
    expect(inAudience({ kind: 'roles', roles: ['board'] }, { roles: ['member'], chapterId: null })).toBe(false);
    expect(inAudience({ kind: 'chapters', chapterIds: ['c1'] }, { roles: ['member'], chapterId: 'c1' })).toBe(true);
    expect(inAudience({ kind: 'chapters', chapterIds: ['c1'] }, { roles: ['member'], chapterId: null })).toBe(false);
  });
});

describe('planAccess', () => {
  const places = [place('p1', 'slack'), place('p2', 'discord'), place('p3', 'slack', { kind: 'roles', roles: ['board'] })];
  const identities = [slackAccount, discordAccount];

  it('grants a member the places of their workspaces their audience allows, and the member role where there is one', () => {
    const plan = planAccess({ standing: 'member', member: { roles: ['member'], chapterId: null }, identities, places, grants: [], hasMemberRole: (p) => p === 'discord' });
    expect(plan.grant.map((c) => [c.account.platform, c.place === MEMBER_ROLE_KEY ? c.place : c.place.id])).toEqual([
      ['slack', 'p1'],
      ['discord', MEMBER_ROLE_KEY],
      ['discord', 'p2'],
    ]);
    expect(plan.revoke).toEqual([]);
  });

  it('takes away a place the member no longer qualifies for, and grants nothing twice', () => {
    const plan = planAccess({ standing: 'member', member: { roles: ['member'], chapterId: null }, identities: [slackAccount], places, grants: [grant(slackAccount, 'p1'), grant(slackAccount, 'p3')], hasMemberRole: () => false });
    expect(plan.grant).toEqual([]);
    expect(plan.revoke.map((c) => (c.place === MEMBER_ROLE_KEY ? c.place : c.place.id))).toEqual(['p3']);
  });

  it('closes everything on every linked account when the membership ended or the member is suspended, recorded or not', () => {
    for (const standing of ['ended', 'suspended'] as const) {
      const plan = planAccess({ standing, member: { roles: ['member', 'board'], chapterId: null }, identities, places, grants: [grant(slackAccount, 'p1')], hasMemberRole: (p) => p === 'discord' });
      expect(plan.grant).toEqual([]);
      expect(plan.revoke.map((c) => `${c.account.platform}:${c.place === MEMBER_ROLE_KEY ? c.place : c.place.id}`).sort()).toEqual(['discord:member-role', 'discord:p2', 'slack:p1', 'slack:p3']);
    }
  });

  it('revokes what an account that is no longer linked was given', () => {
    const plan = planAccess({ standing: 'member', member: { roles: ['member'], chapterId: null }, identities: [], places, grants: [grant(discordAccount, 'p2')], hasMemberRole: () => false });
    expect(plan.revoke).toEqual([{ account: discordAccount, place: places[1] }]);
  });
});
