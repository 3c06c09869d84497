import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { AccessPlace, AccessPlaceKind, CommandEvent, Reply, UserRef } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/** The fake platform with members-only places (what the Slack and Discord adapters implement), recording each grant and revoke. */
class PlacesPlatform extends FakeChatPlatform {
  readonly accessPlaceKinds: readonly AccessPlaceKind[];
  readonly changes: string[] = [];
  constructor(platform: 'slack' | 'discord', kinds: readonly AccessPlaceKind[]) {
    super(platform);
    this.accessPlaceKinds = kinds;
  }
  async grantChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    this.changes.push(`grant ${place.kind} ${place.id} ${user.userId}`);
  }
  async revokeChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    this.changes.push(`revoke ${place.kind} ${place.id} ${user.userId}`);
  }
}

/**
 * Interests that open doors (issue 13): a manager gives an interest a Slack channel (typed in it) and a
 * Discord role; a member who picks the interest in their profile is let in on each platform they are on
 * there, and taken out when they drop it. A place a platform cannot open is refused politely.
 */
describe('connect: interest places', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  const slack = new PlacesPlatform('slack', ['channel']);
  const discord = new PlacesPlatform('discord', ['role']);
  const queue = new InProcessJobQueue(silentLogger, 5);
  const slug = `org-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Natuurclub', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack, discord]) });
    const built = buildTestCapabilities(['connect'], ctx, { defaultOrganizationSlug: slug });
    router = built.router;
    connect = built.built.parts.connect;
  }, 60_000);
  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  async function link(m: Member, platform: 'slack' | 'discord', workspaceId: string, userId: string) {
    await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: workspaceId });
    const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform, workspaceId, platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
  }
  async function member(number: string, name: string, roles: Member['roles']) {
    await repos.members.upsertMany(org.id, [{ memberNumber: number, name, email: null, status: 'active', roles, chapterId: null, locale: 'nl' }]);
    return (await repos.members.findByNumber(org.id, number))!;
  }
  const command = (platform: 'slack' | 'discord', workspaceId: string, userId: string, channelId: string, path: string[], args: string[]) =>
    router.handle({ type: 'command', platform, workspaceId, userId, channelId, raw: null, path, args, options: {} } satisfies CommandEvent);
  const text = (r: Reply | undefined) => JSON.stringify(r ?? null);

  it('lets members who pick an interest into its channel and role, and out again when they drop it', async () => {
    const manager = await member('M1', 'Mila Manager', ['member', 'manager']);
    await link(manager, 'slack', 'T1', 'UMILA');
    await link(manager, 'discord', 'G1', '900000000000000001');
    const vogels = await connect.profiles.addInterest(org.id, 'Vogels kijken');
    const planten = await connect.profiles.addInterest(org.id, 'Planten');

    // A Slack channel by typing in it; a Discord role by naming it. A channel on Discord is refused.
    expect(text(await command('slack', 'T1', 'UMILA', 'CVOGELS', ['interests', 'place'], ['Vogels', 'kijken']))).toContain('voor dit kanaal uitgenodigd');
    expect(text(await command('discord', 'G1', '900000000000000001', '800000000000000001', ['interests', 'place'], ['Vogels', 'kijken', '<@&700000000000000001>']))).toContain('krijgen nu deze rol');
    expect(text(await command('discord', 'G1', '900000000000000001', '800000000000000001', ['interests', 'place'], ['Planten']))).toContain('noem op Discord een rol');
    expect(text(await command('slack', 'T1', 'UMILA', 'CVOGELS', ['interests', 'place'], ['Paddenstoelen']))).toContain('staat niet op de lijst');

    // Eva is on Slack and Discord: picking the interest lets her in on both; dropping it takes her out.
    const eva = await member('E1', 'Eva', ['member']);
    await link(eva, 'slack', 'T1', 'UEVA');
    await link(eva, 'discord', 'G1', '900000000000000002');
    const save = (interests: string) => connect.profiles.save(eva, { intro: '', interests, helpsWith: '', cadence: 'off', reach: 'hidden' }, ['slack', 'discord']);
    await save(`${vogels.id},${planten.id}`);
    expect(slack.changes).toEqual(['grant channel CVOGELS UEVA']);
    expect(discord.changes).toEqual(['grant role 700000000000000001 900000000000000002']);
    // Saving again with the same interests changes nothing; dropping it takes her out.
    await save(`${vogels.id},${planten.id}`);
    expect(slack.changes).toHaveLength(1);
    await save(planten.id);
    expect(slack.changes).toEqual(['grant channel CVOGELS UEVA', 'revoke channel CVOGELS UEVA']);
    expect(discord.changes.at(-1)).toBe('revoke role 700000000000000001 900000000000000002');
    // A member may not set places.
    expect(text(await command('slack', 'T1', 'UEVA', 'CVOGELS', ['interests', 'place'], ['Planten']))).not.toContain('uitgenodigd');
  });
});
