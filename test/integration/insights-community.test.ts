import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightsParts } from '../../src/capabilities/insights/index.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import type { EventBus } from '../../src/kernel/events.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { FixedClock } from '../factories/membership.factory.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * Insights' community figures (issue 13): the introduction rounds and their follow-up answers, and the
 * onboarding funnel (linked, agreed to the house rules, profile, first message, first introduction), fed by
 * the events connect, access and membership publish on the bus, read as the dashboard reads them.
 */
describe('insights: introduction rounds and the onboarding funnel', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let other: Organization;
  let insights: InsightsParts;
  let bus: EventBus;
  const queue = new InProcessJobQueue(silentLogger, 5);
  const clock = new FixedClock('2026-11-20T10:00:00.000Z');
  const m: Record<'ann' | 'bas' | 'cor' | 'dirk' | 'eva', Member> = {} as never;

  const identity = (member: Member, at: Date): PlatformIdentity => ({
    id: randomUUID(),
    organizationId: member.organizationId,
    memberId: member.id,
    platform: 'slack',
    workspaceId: 'T1',
    platformUserId: `U${member.memberNumber}`,
    displayName: null,
    linkedAt: at,
  });
  const daysAgo = (n: number) => new Date(clock.now().getTime() - n * 86_400_000);

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    const slug = `org-${randomUUID().slice(0, 8)}`;
    org = await repos.organizations.ensure({ slug, name: 'De Wandelclub', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    other = await repos.organizations.ensure({ slug: `${slug}-x`, name: 'De Zwemclub', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    for (const [key, o] of [['ann', org], ['bas', org], ['cor', org], ['dirk', org], ['eva', other]] as const) {
      const memberNumber = `N${randomUUID().slice(0, 6)}`;
      await repos.members.upsertMany(o.id, [{ memberNumber, name: key, email: null, status: 'active', roles: ['member'], chapterId: null, locale: 'nl' }]);
      m[key] = (await repos.members.findByNumber(o.id, memberNumber))!;
    }
    const ctx = testContext({ directory: repos, database: db, queue, clock, platforms: platformRegistry([]) });
    bus = ctx.bus;
    insights = buildTestCapabilities(['insights'], ctx, { defaultOrganizationSlug: slug, capabilityOptions: { insights: { schedule: false } } }).built.parts.insights;
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  const dashboard = async () => (await insights.insights.dashboard(org, { period: 'month' })).community;

  it('counts each round and its answers, and the steps of the members who linked in the period', async () => {
    // Ann, Bas and Cor link in this month; Dirk linked long ago; Eva belongs to another association.
    for (const key of ['ann', 'bas', 'cor'] as const) await bus.publish('member.linked', { member: m[key], identity: identity(m[key], daysAgo(10)) });
    await bus.publish('member.linked', { member: m.dirk, identity: identity(m.dirk, daysAgo(200)) });
    await bus.publish('member.linked', { member: m.eva, identity: identity(m.eva, daysAgo(5)) });
    // A second account linked later does not move the first step.
    await bus.publish('member.linked', { member: m.ann, identity: identity(m.ann, daysAgo(2)) });

    await bus.publish('member.rules-agreed', { member: m.ann, version: 1, agreedAt: daysAgo(10) });
    await bus.publish('member.rules-agreed', { member: m.bas, version: 1, agreedAt: daysAgo(9) });
    await bus.publish('member.rules-agreed', { member: m.dirk, version: 1, agreedAt: daysAgo(9) });
    await bus.publish('connect.profile-saved', {
      member: m.ann,
      firstTime: true,
      shared: false,
      profile: { intro: 'Hallo', interests: [], helpsWith: [], introductionsEveryWeeks: 4, findable: true },
      at: daysAgo(9),
    });
    // Ann wrote a message (the rollups attribute activity to the member's id).
    await db.prisma.activityDaily.create({ data: { organizationId: org.id, day: new Date('2026-11-15'), platform: 'slack', channelKey: 'slack:C1', memberKey: m.ann.id, kind: 'message', count: 2 } });

    const roundId = randomUUID();
    await bus.publish('connect.round-completed', {
      organizationId: org.id,
      programId: randomUUID(),
      roundId,
      label: 'Wandelen',
      number: 3,
      ranAt: daysAgo(7),
      members: 3,
      groups: 1,
      memberIds: [m.ann.id, m.cor.id, m.dirk.id],
    });
    await bus.publish('connect.followup-answered', { organizationId: org.id, roundId, memberId: m.ann.id, met: true, at: daysAgo(1), totals: { metGroups: 1, yes: 1, no: 0 } });
    await bus.publish('connect.followup-answered', { organizationId: org.id, roundId, memberId: m.cor.id, met: false, at: daysAgo(1), totals: { metGroups: 1, yes: 1, no: 1 } });
    // Another association's follow-up cannot touch this round.
    await bus.publish('connect.followup-answered', { organizationId: other.id, roundId, memberId: m.eva.id, met: true, at: daysAgo(1), totals: { metGroups: 9, yes: 9, no: 9 } });

    const community = await dashboard();
    expect(community.rounds).toEqual([{ roundId, label: 'Wandelen', number: 3, ranAt: daysAgo(7), members: 3, groups: 1, metGroups: 1, answersYes: 1, answersNo: 1 }]);
    expect(community.funnel).toEqual({ linked: 3, agreed: 2, profile: 1, messaged: 1, introduced: 2 });
    expect((await insights.insights.dashboard(other, { period: 'month' })).community).toEqual({
      rounds: [],
      funnel: { linked: 1, agreed: 0, profile: 0, messaged: 0, introduced: 0 },
      totals: { asked: 0, helped: 0, escalated: 0, peerIntroductions: 0 },
    });

    // A member's own copy of their data names their steps.
    const file = await insights.privacy.exportData(m.ann, org.name);
    expect(file?.onboarding.map((s) => s.milestone)).toEqual(['linked', 'agreed', 'profile', 'introduced']);
  });

  it('forgets the steps of a member who opts out of insights, and records none after', async () => {
    await insights.privacy.setOptOut(m.cor.id, true);
    await bus.publish('connect.profile-saved', {
      member: m.cor,
      firstTime: true,
      shared: false,
      profile: { intro: '', interests: [], helpsWith: [], introductionsEveryWeeks: null, findable: false },
      at: daysAgo(1),
    });
    expect(await db.prisma.insightsMemberMilestone.count({ where: { memberId: m.cor.id } })).toBe(0);
    expect((await dashboard()).funnel).toEqual({ linked: 2, agreed: 2, profile: 1, messaged: 1, introduced: 1 });
    // Counts of the round stay: they name nobody.
    expect((await dashboard()).rounds[0]).toMatchObject({ members: 3, answersNo: 1 });
  });

  it('erases a forgotten member\'s steps with them', async () => {
    await insights.privacy.forget(m.ann);
    expect(await db.prisma.insightsMemberMilestone.count({ where: { memberId: m.ann.id } })).toBe(0);
    expect((await dashboard()).funnel).toMatchObject({ linked: 1, agreed: 1, profile: 0 });
  });
});
