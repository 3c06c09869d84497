import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/kernel/community.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { FakeChatPlatform, platformRegistry, viewText } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * Interest-driven meet-ups with the real connect capability (issue 13) on PostgreSQL: members save their
 * profile through connect's ProfileService (which stores the interests and publishes
 * `connect.profile-saved`); meet-ups, built from the same list on the same bus, suggest a meet-up to the
 * manager once three members of one chapter share an interest.
 */
describe('meet-up suggestions from connect profiles', () => {
  let db: Database;
  const queue = new InProcessJobQueue(silentLogger, 5);
  const slack = new FakeChatPlatform('slack');

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  it('tells the manager when the third member of a chapter saves the same interest', async () => {
    const repos = prismaRepositories(db.prisma);
    const slug = `org-${randomUUID().slice(0, 8)}`;
    const org = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack]) });
    const { built } = buildTestCapabilities(['meetups', 'connect'], ctx, { defaultOrganizationSlug: slug });
    await built.parts.meetups.start?.();
    const [utrecht] = await repos.chapters.ensureMany(org.id, ['Utrecht']);
    const ws = await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: 'T1' });
    let seq = 0;
    const member = async (roles: Member['roles'], userId?: string): Promise<Member> => {
      const memberNumber = String(7000 + ++seq);
      await repos.members.upsertMany(org.id, [{ memberNumber, name: `Lid ${seq}`, email: null, status: 'active', roles, chapterId: utrecht!.id, locale: null }]);
      const m = (await repos.members.findByNumber(org.id, memberNumber))!;
      if (userId) {
        const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform: 'slack', workspaceId: ws.externalId, platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
        await repos.linkRequests.confirm(request.id, new Date(), null);
      }
      return m;
    };
    await member(['member', 'manager'], 'U-manager');
    await built.parts.meetups.suggestions.setThreshold(org.id, 3);
    const { profiles } = built.parts.connect;
    const fietsen = await profiles.addInterest(org.id, 'Fietsen');
    for (let i = 0; i < 2; i++) await profiles.save(await member(['member']), { interests: fietsen.id }, ['slack']);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.callsOf('sendDirect')).toEqual([]);
    await profiles.save(await member(['member']), { interests: fietsen.id }, ['slack']);
    const end = Date.now() + 10_000;
    while (slack.callsOf('sendDirect').length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    const dms = slack.callsOf('sendDirect');
    expect(dms.map((c) => [c.user?.userId, viewText(c.view)])).toEqual([['U-manager', expect.stringContaining('3 members of **Utrecht** share an interest in **Fietsen**')]]);
  }, 60_000);
});
