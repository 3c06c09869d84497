import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { InsightsParts } from '../../src/capabilities/insights/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { ActionEvent, CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * Ask for help (issue 13) on PostgreSQL through the chat router: `/kring ask <topic> <question>` shows a
 * preview and sends nothing until the asker says so; the question goes to at most N members who offered
 * help on the topic, rotating over them; the first "I'll help" introduces helper and asker, a later one
 * hears someone is on it, a stranger's press records nothing; an unanswered question reaches the managers
 * after the set hours (test clock); the counts reach the insights dashboard. Bad input changes nothing.
 */
describe('connect: ask for help', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  let insights: InsightsParts;
  const slack = new FakeChatPlatform('slack');
  const queue = new InProcessJobQueue(silentLogger, 5);
  const clock = new FixedClock('2026-11-10T09:00:00.000Z');
  const slug = `org-${randomUUID().slice(0, 8)}`;
  let seq = 0;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Buurtvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, clock, platforms: platformRegistry([slack]) });
    const built = buildTestCapabilities(['connect', 'insights'], ctx, {
      defaultOrganizationSlug: slug,
      capabilityOptions: { connect: { scheduler: { maxDelayMs: 100 } }, insights: { schedule: false } },
    });
    router = built.router;
    connect = built.built.parts.connect;
    insights = built.built.parts.insights;
    await connect.start?.();
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  async function member(name: string, roles: Member['roles'] = ['member'], locale: 'nl' | 'en' = 'nl') {
    const memberNumber = String(8000 + ++seq);
    const userId = `U${memberNumber}`;
    await repos.members.upsertMany(org.id, [{ memberNumber, name, email: null, status: 'active', roles, chapterId: null, locale }]);
    const m = (await repos.members.findByNumber(org.id, memberNumber))!;
    await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: 'T1' });
    const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform: 'slack', workspaceId: 'T1', platformUserId: userId, codeHash: 'x', expiresAt: new Date(clock.now().getTime() + 60_000), createdAt: clock.now() });
    await repos.linkRequests.confirm(request.id, clock.now(), null);
    return { member: m, userId };
  }
  const base = (userId: string) => ({ platform: 'slack' as const, workspaceId: 'T1', userId, channelId: 'D1', raw: null });
  const command = (userId: string, path: string[], args: string[] = []) => router.handle({ type: 'command', ...base(userId), path, args, options: {} } satisfies CommandEvent);
  const ask = (userId: string, text: string) => command(userId, ['ask'], text.split(' '));
  const press = (userId: string, actionId: string, value?: string) => router.handle({ type: 'action', ...base(userId), actionId, ...(value === undefined ? {} : { value }), eventId: randomUUID() } satisfies ActionEvent);
  const text = (r: Reply | undefined) => JSON.stringify(r ?? null);
  const dmsTo = (userId: string) => slack.calls.filter((c) => c.op === 'sendDirect' && c.user?.userId === userId).map((c) => JSON.stringify(c.view));
  /** The ask id a preview's send button carries. */
  const draftId = (reply: Reply | undefined) => {
    const id = /"actionId":"connect\.ask\.send"[^}]*"value":"([0-9a-f-]{36})"/.exec(text(reply))?.[1];
    expect(id, text(reply)).toBeDefined();
    return id!;
  };
  async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 400; i++) {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('sends a question only after the asker said so, to a few helpers in turn, and introduces the first who says yes', async () => {
    const manager = await member('Mila Manager', ['member', 'manager']);
    const asker = await member('Sara Vraagt');
    const stranger = await member('Stijn Vreemd');
    const helpers = [await member('Hans Helper'), await member('Hanna Helper'), await member('Henk Helper'), await member('Hilde Helper', ['member'], 'en')];
    await connect.profiles.addInterest(org.id, 'Tuinieren');
    await connect.profiles.addInterest(org.id, 'Belasting aangifte');
    const [garden, tax] = await Promise.all([connect.profiles.interestByName(org.id, 'Tuinieren'), connect.profiles.interestByName(org.id, 'Belasting aangifte')]);
    for (const h of helpers) {
      await connect.repo.saveProfile(org.id, h.member.id, { intro: '', interestIds: [], helpsWithIds: [garden.id, tax.id], introsEveryWeeks: null, reach: 'name' }, clock.now());
    }

    // Bad input changes nothing: an unknown topic, no question, a question over the limit.
    expect(text(await ask(asker.userId, 'Koken wat eet ik vandaag'))).toContain('Begin met een onderwerp van de lijst');
    expect(text(await ask(asker.userId, 'Tuinieren'))).toContain('Begin met een onderwerp van de lijst');
    expect(text(await ask(asker.userId, `Tuinieren ${'langevraag '.repeat(60)}`))).toContain('er passen er hoogstens 500');
    expect(await db.prisma.connectAsk.count()).toBe(0);

    // A two-word topic, then the question; a preview, nothing sent yet.
    const preview = await ask(asker.userId, 'Belasting aangifte Wie helpt mij met de aangifte?');
    expect(text(preview)).toContain('hoogstens 3 leden');
    const first = draftId(preview);
    expect(slack.calls.filter((c) => c.op === 'sendDirect')).toEqual([]);
    // Someone else cannot send the asker's question.
    expect(text(await press(stranger.userId, 'connect.ask.send', first))).toContain('Deze vraag is niet voor jou');

    expect(text(await press(asker.userId, 'connect.ask.send', first))).toContain('Verstuurd naar 3 leden');
    const reached = helpers.filter((h) => dmsTo(h.userId).length === 1);
    expect(reached).toHaveLength(3);
    expect(dmsTo(reached[0]!.userId)[0]).toContain('Wie helpt mij met de aangifte?');
    expect(dmsTo(reached[0]!.userId)[0]).toContain('Sara Vraagt');
    // Pressing send again sends nothing more.
    expect(text(await press(asker.userId, 'connect.ask.send', first))).toContain('Deze vraag is niet voor jou');

    // The next question on the topic goes to the helper who had none first (rotation).
    const left = helpers.find((h) => !reached.includes(h))!;
    const second = draftId(await ask(asker.userId, 'Belasting aangifte Mag ik de hypotheekrente aftrekken?'));
    expect(text(await press(asker.userId, 'connect.ask.send', second))).toContain('Verstuurd naar 3 leden');
    expect(dmsTo(left.userId).join()).toContain('hypotheekrente');
    // Each helper reads it in their own language (Hilde got one of the two: 3 of 4 each time, in turn).
    expect(dmsTo(helpers[3]!.userId).join()).toContain('asks for help with **Belasting aangifte**');

    // A stranger's "I'll help" records nothing; the first helper is introduced, a second hears it is taken.
    expect(text(await press(stranger.userId, 'connect.ask.help', first))).toContain('Deze vraag is niet voor jou');
    expect(text(await press(reached[0]!.userId, 'connect.ask.help', first))).toContain('Sara Vraagt');
    expect(dmsTo(asker.userId).at(-1)).toContain(reached[0]!.member.name);
    expect(dmsTo(asker.userId).at(-1)).toContain(`mention:${reached[0]!.userId}`);
    expect(text(await press(reached[1]!.userId, 'connect.ask.help', first))).toContain('Iemand anders helpt al');
    expect((await db.prisma.connectAsk.findUniqueOrThrow({ where: { id: first } })).helperId).toBe(reached[0]!.member.id);

    // Nobody takes on the second question: after 48 hours it goes to the managers, and the asker hears so.
    clock.advance(48 * 3_600_000 + 60_000);
    const toManager = await until(() => dmsTo(manager.userId).find((d) => d.includes('hypotheekrente')), 'the question at the manager');
    expect(toManager).toContain('binnen 48 uur');
    await until(() => dmsTo(asker.userId).find((d) => d.includes('communitymanagers')), 'the asker told');
    await until(async () => ((await db.prisma.connectAsk.findUniqueOrThrow({ where: { id: second } })).status === 'escalated' ? true : undefined), 'the question escalated');
    // Too late to help now.
    expect(text(await press(left.userId, 'connect.ask.help', second))).toMatch(/Deze vraag is niet voor jou|This question is not yours/);

    // A topic nobody offered help on goes to the managers at once; a cancelled draft goes nowhere.
    await connect.profiles.addInterest(org.id, 'Schaken');
    const lonely = draftId(await ask(asker.userId, 'Schaken Wie speelt er mee?'));
    expect(text(await press(asker.userId, 'connect.ask.send', lonely))).toContain('naar de communitymanagers gegaan');
    expect(dmsTo(manager.userId).join()).toContain('Wie speelt er mee?');
    const dropped = draftId(await ask(asker.userId, 'Tuinieren Wanneer snoei ik rozen?'));
    expect(text(await press(asker.userId, 'connect.ask.cancel', dropped))).toContain('ingetrokken');
    expect(text(await press(asker.userId, 'connect.ask.send', dropped))).toContain('Deze vraag is niet voor jou');
    expect(slack.calls.some((c) => JSON.stringify(c.view).includes('rozen'))).toBe(false);

    // The counts on the insights dashboard: three questions sent, one taken on, two to the managers.
    const { community } = await insights.insights.dashboard(org, { period: 'month' });
    expect(community.totals).toEqual({ asked: 2, helped: 1, escalated: 2, peerIntroductions: 0 });

    // Forgetting the asker erases their questions.
    await insights.privacy.forget(asker.member);
    expect(await db.prisma.connectAsk.count({ where: { askerId: asker.member.id } })).toBe(0);
  }, 120_000);
});
