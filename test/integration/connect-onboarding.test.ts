import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { EventBus } from '../../src/kernel/events.js';
import type { CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * The welcome of new members (issue 13, onboarding) on PostgreSQL: when a member links (`member.linked`),
 * one direct message in their language with the profile, the association's interests, introductions and
 * their buddy (an ambassador who offered, in turn), and a message to the buddy; never twice; only
 * ambassadors can offer to be a buddy.
 */
describe('connect: welcoming new members', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  let bus: EventBus;
  const slack = new FakeChatPlatform('slack');
  const discord = new FakeChatPlatform('discord');
  const queue = new InProcessJobQueue(silentLogger, 5);
  const slug = `org-${randomUUID().slice(0, 8)}`;
  let seq = 0;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Tennisclub De Baan', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack, discord]) });
    bus = ctx.bus;
    const built = buildTestCapabilities(['connect'], ctx, { defaultOrganizationSlug: slug });
    router = built.router;
    connect = built.built.parts.connect;
    await connect.start?.();
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  /** A member linked on a platform (the link itself as the membership capability stores it). */
  async function member(name: string, roles: Member['roles'], platform: 'slack' | 'discord', locale: 'nl' | 'en' = 'nl') {
    const memberNumber = String(9000 + ++seq);
    const userId = `${platform === 'slack' ? 'U' : '1'}${memberNumber}`;
    const workspaceId = platform === 'slack' ? 'T1' : 'G1';
    await repos.members.upsertMany(org.id, [{ memberNumber, name, email: null, status: 'active', roles, chapterId: null, locale }]);
    const m = (await repos.members.findByNumber(org.id, memberNumber))!;
    await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: workspaceId });
    const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform, workspaceId, platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
    return { member: m, userId };
  }
  const linked = async (m: Member) => {
    const identities = await repos.identities.listByMember(m.id);
    await bus.publish('member.linked', { member: m, identity: identities.at(-1)! });
  };
  /** The welcome goes through the queue (a second after the link): wait for it. */
  async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
    // By the clock, not by a count of polls: on a busy machine each 25 ms poll takes longer.
    const end = Date.now() + 45_000;
    while (Date.now() < end) {
      const v = probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const command = (userId: string, path: string[], args: string[] = []) =>
    router.handle({ type: 'command', platform: 'slack', workspaceId: 'T1', userId, channelId: 'D1', raw: null, path, args, options: {} } satisfies CommandEvent);
  const text = (r: Reply | undefined) => JSON.stringify(r ?? null);
  const dmsTo = (platform: FakeChatPlatform, userId: string) => platform.calls.filter((c) => c.op === 'sendDirect' && c.user?.userId === userId).map((c) => JSON.stringify(c.view));

  it('welcomes a new member once, names a buddy in turn and tells the buddy', async () => {
    await connect.profiles.addInterest(org.id, 'Dubbelspel');
    const plain = await member('Piet Gewoon', ['member'], 'slack');
    const ambassadors = [await member('Anouk Ambassadeur', ['member', 'ambassador'], 'slack'), await member('Arjen Ambassadeur', ['member', 'ambassador'], 'discord', 'en')];

    // Only ambassadors offer to be a buddy; a bad setting is explained.
    expect(text(await command(plain.userId, ['intros', 'buddy'], ['on']))).toContain('Buddy’s zijn ambassadeurs');
    expect(text(await command(ambassadors[0]!.userId, ['intros', 'buddy'], ['misschien']))).toContain('/kring intros buddy on');
    expect(text(await command(ambassadors[0]!.userId, ['intros', 'buddy'], ['on']))).toContain('Nieuwe leden kunnen jou nu als buddy krijgen');
    await connect.onboarding.setBuddy(ambassadors[1]!.member, true);

    // Two newcomers: each gets a welcome naming a different buddy, and each buddy hears of their newcomer.
    const first = await member('Nina Nieuw', ['member'], 'slack');
    const second = await member('Noah New', ['member'], 'slack', 'en');
    await linked(first.member);
    await linked(second.member);
    const welcomeNina = await until(() => dmsTo(slack, first.userId)[0], 'Nina’s welcome');
    const welcomeNoah = await until(() => dmsTo(slack, second.userId)[0], 'Noah’s welcome');
    await until(() => (dmsTo(slack, ambassadors[0]!.userId).length + dmsTo(discord, ambassadors[1]!.userId).length === 2 ? true : undefined), 'both buddies told');
    expect(welcomeNina).toContain('Welkom bij Tennisclub De Baan!');
    expect(welcomeNina).toContain('Dubbelspel');
    expect(welcomeNoah).toContain('Welcome to Tennisclub De Baan!');
    const buddyOf = (welcome: string) => ambassadors.find((a) => welcome.includes(a.member.name));
    expect(buddyOf(welcomeNina!)).toBeDefined();
    expect(buddyOf(welcomeNoah!)).toBeDefined();
    expect(buddyOf(welcomeNina!)).not.toBe(buddyOf(welcomeNoah!));
    // The buddy on the same Slack is a mention; the one on Discord is named with their platform.
    expect(`${welcomeNina}${welcomeNoah}`).toContain(`mention:${ambassadors[0]!.userId}`);
    expect(`${welcomeNina}${welcomeNoah}`).toMatch(/Arjen Ambassadeur \((op|on) Discord\)/);
    expect(dmsTo(slack, ambassadors[0]!.userId).join()).toMatch(/net lid geworden/);
    expect(dmsTo(discord, ambassadors[1]!.userId).join()).toMatch(/just joined/);

    // Linking a second account later welcomes nobody again (the next member's welcome shows the queue ran).
    const before = slack.calls.length + discord.calls.length;
    await linked(first.member);

    // With no buddy on offer the welcome has no buddy line.
    await connect.onboarding.setBuddy(ambassadors[0]!.member, false);
    await connect.onboarding.setBuddy(ambassadors[1]!.member, false);
    const third = await member('Olga Onbekend', ['member'], 'slack');
    await linked(third.member);
    const welcomeOlga = await until(() => dmsTo(slack, third.userId)[0], 'Olga’s welcome');
    expect(welcomeOlga).toContain('Welkom');
    expect(welcomeOlga).not.toContain('buddy');
    expect(slack.calls.length + discord.calls.length).toBe(before + 1);
    expect(dmsTo(slack, first.userId)).toHaveLength(1);
    expect(await db.prisma.connectOnboarding.count()).toBe(3);
  }, 60_000);

  it('shares a profile with the association\'s own systems only when the member says so', async () => {
    const piet = await member('Piet Deelt', ['member'], 'slack');
    expect(text(await command(piet.userId, ['privacy', 'share']))).toContain('Je profiel blijft in Kring');
    expect(text(await command(piet.userId, ['privacy', 'share'], ['misschien']))).toContain('/kring privacy share on');
    expect(await db.prisma.connectProfile.count({ where: { memberId: piet.member.id, shareWithApi: true } })).toBe(0);
    expect(text(await command(piet.userId, ['privacy', 'share'], ['on']))).toContain('mogen je profiel nu lezen');
    expect((await connect.profiles.sharedProfiles(org.id)).map((p) => p.member.name)).toEqual(['Piet Deelt']);
    expect(text(await command(piet.userId, ['privacy', 'share'], ['off']))).toContain('lezen je profiel niet meer');
    expect(await connect.profiles.sharedProfiles(org.id)).toEqual([]);
  });
});
