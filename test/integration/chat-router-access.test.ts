import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteValue, type Poll } from '../../src/capabilities/polls/domain/poll.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Organization } from '../../src/kernel/community.js';
import type { ActionEvent, CommandEvent } from '../../src/kernel/ports/chat-platform.js';
import type { BuiltCapabilities } from '../../src/capability.js';
import type { Capabilities } from '../../src/capabilities.js';
import type { IdentityRepository, PlatformAccount } from '../../src/kernel/ports/directory.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { replyText } from '../support/poll-harness.js';

/**
 * The chat router keeps who an account is (identity and member) for a few seconds and looks up concurrent
 * presses together. What the membership capability changes in this process must show at the very next
 * press: the cache listens to the membership events on the bus (lapsed, reactivated, updated, linked,
 * unlinked). Real PostgreSQL, the real membership and polls capabilities, the real router.
 */
describe('the chat router’s cached access (PostgreSQL)', () => {
  let db: Database;
  let router: ChatRouter;
  let built: BuiltCapabilities<Capabilities>;
  let organization: Organization;
  let poll: Poll;
  /** Sizes of the identity look-up batches the router sent. */
  const batches: number[] = [];
  const slug = `org-access-${Date.now().toString(36)}`;

  const account = (userId: string): PlatformAccount => ({ platform: 'slack', workspaceId: 'T-ACCESS', platformUserId: userId });
  const press = (userId: string, position = 0) => {
    const event: ActionEvent = { type: 'action', platform: 'slack', workspaceId: 'T-ACCESS', userId, channelId: 'C1', actionId: 'poll.vote', value: voteValue(poll.id, position), raw: null };
    return router.handle(event).then(replyText);
  };
  const command = (userId: string, words: string) => {
    const [first = '', second = '', ...rest] = words.split(' ');
    const event: CommandEvent = { type: 'command', platform: 'slack', workspaceId: 'T-ACCESS', userId, channelId: 'C1', path: [first, second], args: rest, options: {}, raw: null };
    return router.handle(event).then(replyText);
  };
  /** Links a new member's Slack account the way the bulk tests do (the link flow is tested elsewhere). */
  const newMember = async (userId: string, roles: ('member' | 'manager')[] = ['member']) => {
    const repos = prismaRepositories(db.prisma);
    await repos.members.upsertMany(organization.id, [{ memberNumber: userId, name: userId, email: null, status: 'active', roles, chapterId: null }]);
    const member = (await repos.members.findByNumber(organization.id, userId))!;
    await db.prisma.platformIdentity.create({ data: { organizationId: organization.id, memberId: member.id, ...account(userId) } });
    return member;
  };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const repos = prismaRepositories(db.prisma);
    const identities: IdentityRepository = repos.identities;
    // The Prisma directory, counting the batched look-ups on their way to it.
    const counted: IdentityRepository = {
      findByAccount: (a) => identities.findByAccount(a),
      listByMember: (id) => identities.listByMember(id),
      unlink: (a) => identities.unlink(a),
      findLinked: (accounts) => {
        batches.push(accounts.length);
        return identities.findLinked(accounts);
      },
    };
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Toegang', defaultLocale: 'en' });
    const ctx = testContext({
      directory: { ...repos, identities: counted },
      database: db,
      queue: new InProcessJobQueue(silentLogger, 10),
      platforms: platformRegistry([new FakeChatPlatform('slack')]),
    });
    ({ built, router } = buildTestCapabilities(['membership', 'polls'], ctx, { defaultOrganizationSlug: slug }));
    await repos.workspaces.upsert({ organizationId: organization.id, platform: 'slack', externalId: 'T-ACCESS' });
    poll = await built.parts.polls.service.create({ organizationId: organization.id, question: 'Cached?', options: ['Yes', 'No'], targets: [] });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('looks up the accounts of concurrent presses together, each once', async () => {
    const users = Array.from({ length: 300 }, (_, i) => `U-BATCH-${i}`);
    for (const u of users) await newMember(u);
    batches.length = 0;
    const replies = await Promise.all(users.map((u) => press(u)));
    expect(replies.every((r) => r.startsWith('Your vote:'))).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(300);
    expect(batches.length).toBeLessThanOrEqual(10);
    // A second round within the cache time needs no look-up at all.
    batches.length = 0;
    await Promise.all(users.map((u) => press(u, 1)));
    expect(batches).toEqual([]);
  }, 60_000);

  it('refuses a lapsed member at the very next press, and lets them vote again once reactivated', async () => {
    const member = await newMember('U-LAPSE');
    expect(await press('U-LAPSE')).toMatch(/^Your vote:/);
    await built.parts.membership.membership.setStatus(organization.id, member.id, 'lapsed');
    expect(await press('U-LAPSE')).toBe('Only active, verified members can vote. Questions? Contact the membership administration.');
    await built.parts.membership.membership.setStatus(organization.id, member.id, 'active');
    expect(await press('U-LAPSE')).toMatch(/^Your vote:/);
  });

  it('applies a new role at the next command', async () => {
    const member = await newMember('U-ROLE');
    expect(await command('U-ROLE', 'poll list')).toMatch(/^Only members with one of these roles/);
    await built.parts.membership.membership.setRoles(organization.id, member.id, ['member', 'manager']);
    expect(await command('U-ROLE', 'poll list')).not.toMatch(/^Only members with one of these roles/);
  });

  it('forgets an account at once when it is unlinked', async () => {
    await newMember('U-UNLINK');
    expect(await press('U-UNLINK')).toMatch(/^Your vote:/);
    await built.parts.membership.membership.unlink(account('U-UNLINK'));
    expect(await press('U-UNLINK')).toMatch(/first link your chat account/);
  });
});
