import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { ModerationParts } from '../../src/capabilities/moderation/index.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, MemberRole, Organization } from '../../src/kernel/community.js';
import type { CommandEvent, MessageReportedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * Moderation on PostgreSQL through the chat router, with the fake chat platform: who may see and act on
 * cases, what the moderators' channel shows, the reporter hidden from the reported member, the text kept
 * only while the case is open, the counsellor's private hand-over, the audit log and the outcome message.
 */
const WS = 'G-moderation';
const text = (reply: Reply | undefined): string => JSON.stringify(reply?.view ?? null);

describe('moderation through the chat router', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let router: ChatRouter;
  let moderation: ModerationParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  const discord = new FakeChatPlatform('discord');
  const people: Record<string, Member> = {};

  async function member(key: string, roles: MemberRole[], locale: 'nl' | 'en' | null = null): Promise<void> {
    const memberNumber = `${key}-${randomUUID().slice(0, 6)}`;
    await repos.members.upsertMany(organization.id, [{ memberNumber, name: key, email: null, status: 'active', roles, chapterId: null, locale }]);
    const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
    const request = await repos.linkRequests.create({ organizationId: organization.id, memberId: m.id, platform: 'discord', workspaceId: WS, platformUserId: `u-${key}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
    people[key] = m;
  }
  const base = (key: string) => ({ platform: 'discord' as const, workspaceId: WS, userId: `u-${key}`, channelId: 'C-general', raw: null });
  const command = (key: string, words: string, locale?: string): Promise<Reply | undefined> => {
    const [first = '', second = '', ...rest] = words.split(' ');
    const isGroup = first === 'case';
    const event: CommandEvent = { type: 'command', ...base(key), ...(locale ? { locale } : {}), path: isGroup ? [first, second] : [first], args: isGroup ? rest : [second, ...rest].filter(Boolean), options: {} };
    return router.handle(event);
  };
  const report = (reporter: string, author: string, messageId: string, what: string): Promise<Reply | undefined> => {
    const event: MessageReportedEvent = {
      type: 'message-reported',
      ...base(reporter),
      eventId: randomUUID(),
      message: { platform: 'discord', workspaceId: WS, channelId: 'C-general', messageId },
      authorId: `u-${author}`,
      text: what,
      link: `https://discord.com/channels/${WS}/C-general/${messageId}`,
    };
    return router.handle(event);
  };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    queue = new InProcessJobQueue(silentLogger);
    organization = await repos.organizations.ensure({ slug: `mod-${randomUUID().slice(0, 8)}`, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([discord]) });
    const built = buildTestCapabilities(['membership', 'access', 'moderation'], ctx, { defaultOrganizationSlug: organization.slug });
    router = built.router;
    moderation = built.built.parts.moderation;
    const ws = await repos.workspaces.upsert({ organizationId: organization.id, platform: 'discord', externalId: WS });
    await repos.channels.upsert({ workspaceId: ws.id, externalId: 'C-moderators', purpose: 'moderators' });
    await member('anna', ['member']);
    await member('bram', ['member']);
    await member('mo', ['member', 'moderator']);
    await member('mia', ['member', 'moderator']);
    await member('vera', ['member', 'counsellor']);
    await member('bestuur', ['member', 'board'], 'nl');
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await db?.close();
  });

  it('files a report as a case, posts a card without text or reporter to the moderators channel, and joins a second report', async () => {
    expect(text(await report('bram', 'anna', 'm-1', 'Jullie zijn allemaal dom'))).toMatch(/case 1/);
    const card = discord.messagesIn('C-moderators');
    expect(card).toHaveLength(1);
    const shown = JSON.stringify(card[0]);
    expect(shown).toContain('anna');
    expect(shown).not.toContain('Jullie zijn allemaal dom');
    expect(shown).not.toContain('bram');
    expect(text(await report('mia', 'anna', 'm-1', 'Jullie zijn allemaal dom'))).toMatch(/added to case 1/);
    expect(text(await command('mo', 'case show 1'))).toContain('Jullie zijn allemaal dom');
  });

  it('refuses cases to members who are not moderators, managers included, politely in their language', async () => {
    expect(text(await command('anna', 'cases'))).toMatch(/moderator/i);
    const dutch = text(await command('bestuur', 'cases', 'nl'));
    expect(dutch).toMatch(/moderator/i);
    expect(dutch).not.toContain('Jullie zijn allemaal dom');
    expect(text(await command('bestuur', 'case dismiss 1', 'nl'))).not.toMatch(/geseponeerd|dismissed/);
  });

  it('never lets a moderator handle a case about their own message (nor see who reported it)', async () => {
    await report('anna', 'mo', 'm-2', 'Mo schreef iets');
    const own = text(await command('mo', 'case show 2'));
    expect(own).toMatch(/your own message/);
    expect(own).not.toContain('anna');
    expect(text(await command('mo', 'case suspend 2 7'))).toMatch(/your own message/);
  });

  it('hands a case to the counsellor privately; the counsellor resolves it, the text is erased, the reporters hear the outcome, all of it logged', async () => {
    expect(text(await command('mo', 'case counsel 1'))).toMatch(/confidential counsellor/);
    expect(discord.callsOf('sendDirect').some((c) => c.user?.userId === 'u-vera' && JSON.stringify(c.view).includes('case 1'))).toBe(true);
    // The other moderator sees that the case exists, not the reports.
    const hidden = text(await command('mia', 'case show 1'));
    expect(hidden).toMatch(/only they see the reports/);
    expect(hidden).not.toContain('Jullie zijn allemaal dom');
    expect(text(await command('mia', 'case dismiss 1'))).toMatch(/with the confidential counsellor/);
    // Nor do the association's own systems through the admin API (no member acts there).
    expect((await moderation.service.show(organization.id, 1, { memberId: null, label: 'admin API' })).reports).toEqual([]);
    expect(text(await command('vera', 'case show 1'))).toContain('Jullie zijn allemaal dom');
    expect(text(await command('vera', 'case resolve 1'))).toMatch(/closed/);

    const reports = await db.prisma.moderationReport.findMany({ where: { case: { organizationId: organization.id, number: 1 } } });
    expect(reports.map((r) => [r.text, r.note, r.erasedAt !== null])).toEqual([
      [null, null, true],
      [null, null, true],
    ]);
    const outcomes = discord.callsOf('sendDirect').filter((c) => JSON.stringify(c.view).includes('resolved by the counsellor'));
    expect(outcomes.map((c) => c.user?.userId).sort()).toEqual(['u-bram', 'u-mia']);

    const log = await moderation.repo.auditOf(organization.id, 1);
    expect(log.map((a) => a.action)).toEqual(expect.arrayContaining(['reported', 'viewed', 'counsellor', 'resolved']));
    expect(log.filter((a) => a.action === 'reported').every((a) => a.actorMemberId === null)).toBe(true);
    expect(log.find((a) => a.action === 'counsellor')?.actorMemberId).toBe(people['mo']!.id);
    expect(text(await command('mo', 'case dismiss 1'))).toMatch(/closed already/);
  });

  it('suspends the author through the bus for the days given', async () => {
    await report('bram', 'anna', 'm-3', 'Nog een keer');
    const number = (await moderation.service.list(organization.id))[0]!.number;
    const reply = await command('mo', `case suspend ${number} 7`);
    expect(text(reply)).toMatch(/suspended until/);
    const row = await db.prisma.accessSuspension.findFirst({ where: { memberId: people['anna']!.id } });
    expect(row?.caseNumber).toBe(number);
    expect(Math.round((row!.until.getTime() - row!.createdAt.getTime()) / 86_400_000)).toBe(7);
    expect(text(await command('mo', `case suspend ${number} 7`))).toMatch(/closed already/);
  });
});
