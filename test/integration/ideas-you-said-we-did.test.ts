import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdeasParts } from '../../src/capabilities/ideas/index.js';
import { IDEA_JOB, IDEA_QUEUE } from '../../src/capabilities/ideas/jobs/idea.jobs.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry, viewText } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * The monthly "you said, we did" on PostgreSQL, through the ideas' queue job and the chat router: the ideas
 * whose status moved in the month (in the organisation's time zone) become one news draft in the
 * organisation's language, which is not sent; the managers' channel is told; the job running again makes no
 * second draft; a manager drafts on demand with `/kring idea digest <month> draft` and sends the draft with
 * `/kring news publish <id>`, and only then does it reach the news channel.
 */
async function until<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const text = (reply: Reply | undefined) => (reply ? viewText(reply.view) : '');

describe('the monthly "you said, we did" news draft', () => {
  let db: Database;
  let queue: InProcessJobQueue;
  let app: ChatRouter;
  let ideas: IdeasParts;
  let now = new Date('2026-11-10T10:00:00Z');
  const clock = { now: () => now };
  const slack = new FakeChatPlatform('slack');
  let nl: Organization;
  let en: Organization;
  const members: Record<string, Member> = {};

  const setUp = async (slug: string, name: string, defaultLocale: 'nl' | 'en') => {
    const repos = prismaRepositories(db.prisma);
    const org = await repos.organizations.ensure({ slug, name, defaultLocale, timezone: 'Europe/Amsterdam' });
    const workspace = await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: `T-${slug}` });
    for (const purpose of ['ideas', 'managers', 'news'] as const) await repos.channels.upsert({ workspaceId: workspace.id, externalId: `C-${slug}-${purpose}`, name: purpose, purpose });
    for (const [n, roles] of [['anne', ['member']], ['bram', ['member']], ['mies', ['member', 'manager']]] as const) {
      const memberNumber = `${slug}-${n}`;
      await repos.members.upsertMany(org.id, [{ memberNumber, name: n, email: null, status: 'active', roles: [...roles], chapterId: null }]);
      const member = (await repos.members.findByNumber(org.id, memberNumber))!;
      const link = await repos.linkRequests.create({ organizationId: org.id, memberId: member.id, platform: 'slack', workspaceId: `T-${slug}`, platformUserId: `U-${slug}-${n}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
      await repos.linkRequests.confirm(link.id, new Date(), null);
      members[`${slug}-${n}`] = member;
    }
    return org;
  };

  const command = (org: Organization, words: string): Promise<Reply | undefined> => {
    const [first = '', second = '', ...rest] = words.split(' ');
    const event: CommandEvent = { type: 'command', platform: 'slack', workspaceId: `T-${org.slug}`, userId: `U-${org.slug}-mies`, channelId: `C-${org.slug}-managers`, path: [first, second], args: rest, options: {}, raw: null };
    return app.handle(event);
  };
  const drafts = (org: Organization) => db.prisma.announcement.findMany({ where: { organizationId: org.id }, orderBy: { createdAt: 'asc' } });
  const at = (iso: string) => (now = new Date(iso));
  const moved = async (org: Organization, text: string, when: string, status: 'under_consideration' | 'planned' | 'done' | 'declined', reason: string | null = null, upvoters: string[] = []) => {
    at(when);
    const idea = await ideas.service.submit({ organizationId: org.id, member: members[`${org.slug}-anne`]!, text });
    for (const u of upvoters) await ideas.service.upvote({ organizationId: org.id, ideaId: idea.id, member: members[`${org.slug}-${u}`]! });
    await ideas.service.setStatus(idea, status, reason);
    return idea;
  };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    queue = new InProcessJobQueue(silentLogger, 20);
    const ctx = testContext({ directory: prismaRepositories(db.prisma), database: db, queue, clock, platforms: platformRegistry([slack]) });
    nl = await setUp('fietsclub', 'De Fietsclub', 'nl');
    en = await setUp('cycling', 'The Cycling Club', 'en');
    const built = buildTestCapabilities(['membership', 'channels', 'news', 'ideas'], ctx, { defaultOrganizationSlug: nl.slug, capabilityOptions: { ideas: { schedule: false } } });
    app = built.router;
    ideas = built.built.parts.ideas;
    for (const part of built.built.all) await part.start?.();

    await moved(nl, 'Een fietsenstalling bij het clubhuis', '2026-11-03T10:00:00Z', 'planned', null, ['bram', 'mies']);
    await moved(nl, 'Een clubshirt', '2026-11-12T10:00:00Z', 'done', null, ['bram']);
    await moved(nl, 'Elke dag een rit', '2026-11-20T10:00:00Z', 'declined', 'Daar zijn te weinig vrijwilligers voor');
    // 00:30 on 1 November in Amsterdam: November, although it is still October in UTC.
    await moved(nl, 'Een avondrit op woensdag', '2026-10-31T23:30:00Z', 'under_consideration');
    // 00:30 on 1 December in Amsterdam: December, although it is still November in UTC.
    await moved(nl, 'Een winterrit', '2026-11-30T23:30:00Z', 'planned');
    await moved(en, 'A bike shed at the club house', '2026-11-05T10:00:00Z', 'planned', null, ['bram']);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await db?.close();
  });

  it('drafts the past month on the 1st, in the organisation’s language, sends nothing and tells the managers', async () => {
    at('2026-12-01T08:00:00Z'); // 09:00 in Amsterdam, when the schedule fires
    await queue.enqueue(IDEA_QUEUE, IDEA_JOB.youSaidWeDid, { organizationId: nl.id }, { jobId: 'ysyd-nl-1' });
    const [draft] = await until(async () => ((await drafts(nl)).length > 0 ? drafts(nl) : null), 'the Dutch draft');
    expect(draft!.status).toBe('draft');
    expect(draft!.title).toBe('Jullie zeiden, wij deden: november 2026');
    const lines = draft!.body.split('\n');
    expect(lines[0]).toBe('Dit gebeurde er deze maand met jullie ideeën:');
    // Most upvoted first; the declined one with its reason; the one of December not there.
    expect(lines[1]).toContain('- "Een fietsenstalling bij het clubhuis": Gepland (2 keer gesteund)');
    expect(lines[2]).toContain('- "Een clubshirt": Gedaan (1 keer gesteund)');
    expect(lines.slice(3).join('\n')).toContain('Daar zijn te weinig vrijwilligers voor');
    expect(draft!.body).toContain('Een avondrit op woensdag');
    expect(draft!.body).not.toContain('Een winterrit');
    expect(lines).toHaveLength(5);
    // Not sent anywhere: no delivery, nothing in the news channel.
    expect(await db.prisma.delivery.count({ where: { announcementId: draft!.id } })).toBe(0);
    expect(slack.messagesIn('C-fietsclub-news')).toEqual([]);
    const notice = await until(() => slack.messagesIn('C-fietsclub-managers').find((m) => m.text.includes(draft!.title)), 'the managers’ notice');
    expect(notice.text).toContain('/kring news publish');
    expect(notice.text).toContain('de ideeënbus');

    // The job again (a retry, a second schedule): still one draft, and one notice.
    await queue.enqueue(IDEA_QUEUE, IDEA_JOB.youSaidWeDid, { organizationId: nl.id }, { jobId: 'ysyd-nl-2' });
    const reply = await command(nl, 'idea digest 2026-11 draft');
    expect(text(reply)).toContain('Het "jullie zeiden, wij deden" van 2026-11 (4 ideeën) staat nu als conceptbericht klaar');
    // Wait for the ideas queue to be empty (the repeated job has run), not for a time.
    await until(async () => {
      const counts = (await queue.jobCounts())[IDEA_QUEUE];
      return !counts || counts.waiting + counts.active === 0;
    }, 'the ideas queue to finish');
    expect(await drafts(nl)).toHaveLength(1);
    expect(slack.messagesIn('C-fietsclub-managers').filter((m) => m.text.includes(draft!.title))).toHaveLength(1);
  });

  it('writes the draft in English for an English-speaking organisation, and says so when nothing moved', async () => {
    const reply = await command(en, 'idea digest 2026-11 draft');
    expect(text(reply)).toContain('The "you said, we did" of 2026-11 (1 ideas) is a news draft now');
    const [draft] = await drafts(en);
    expect(draft!.title).toBe('You said, we did: November 2026');
    expect(draft!.body).toBe('What happened to your ideas this month:\n- "A bike shed at the club house": Planned (1 upvote)');
    expect(text(await command(en, 'idea digest 2026-09 draft'))).toBe('No idea changed status in 2026-09: no draft.');
    expect(text(await command(en, 'idea digest september draft'))).toContain('Give the month as YYYY-MM');
    expect(await drafts(en)).toHaveLength(1);
  });

  it('sends the draft only when a manager publishes it', async () => {
    // Back to the real time: the fan-out paces deliveries against the platforms' limits in real time.
    now = new Date();
    const [draft] = await drafts(nl);
    const id = draft!.id.replace(/-/g, '').slice(0, 8);
    const reply = await command(nl, `news publish ${id}`);
    expect(text(reply)).toContain(`Nieuwsbericht \`${id}\` gaat nu naar 1 plek`);
    const posted = await until(() => slack.messagesIn('C-fietsclub-news').find((m) => m.text.includes('Jullie zeiden, wij deden: november 2026')), 'the news post');
    expect(posted.text).toContain('Een fietsenstalling bij het clubhuis');
    expect(text(await command(nl, `news publish ${id}`))).toContain('is geen concept');
  });
});
