import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewView } from '../../src/capabilities/insights/commands.js';
import { InsightsService } from '../../src/capabilities/insights/domain/insights.service.js';
import { PrismaInsightsRepository } from '../../src/capabilities/insights/repository/prisma-insights.repository.js';
import { MEETUP_CHECKIN_FORM } from '../../src/capabilities/meetups/commands.js';
import { rsvpValue, type Meetup } from '../../src/capabilities/meetups/domain/meetup.js';
import { kringTranslator } from '../../src/capabilities.js';
import type { Database } from '../../src/infra/database/database.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeChatPlatform, viewText } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';
import { testSecretBox } from '../support/secrets.js';

/**
 * Check-in feeds insights on PostgreSQL: members check in with the code (typed, or through the button's
 * form); the insights overview then shows the turn-up (came / had a place) per chapter, walk-ins and
 * first-timers, and the ambassador score counts the meet-ups a member came to.
 */
describe('meet-up attendance in insights', () => {
  let db: Database;
  let h: MeetupHarness;
  const clock = new FixedClock('2026-10-01T10:00:00.000Z');
  const slack = new FakeChatPlatform('slack');
  const account = (userId: string): Account => ({ platform: 'slack', workspaceId: 'T1', userId });
  const manager = account('U-manager');
  const [anna, aart, bram, cees] = ['U-anna', 'U-aart', 'U-bram', 'U-cees'].map(account) as [Account, Account, Account, Account];
  const chapterIds = new Map<string, string>();

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    h = await createMeetupHarness({ repos: prismaRepositories(db.prisma), database: db, platforms: [slack], clock, scheduler: { maxDelayMs: 50 } });
    for (const c of await h.repos.chapters.ensureMany(h.organization.id, ['Utrecht', 'Arnhem'])) chapterIds.set(c.name, c.id);
    await h.member({ name: 'Manager', roles: ['member', 'manager'], accounts: [manager] });
    await h.member({ name: 'Anna', chapterId: chapterIds.get('Utrecht')!, accounts: [anna] });
    await h.member({ name: 'Aart', chapterId: chapterIds.get('Utrecht')!, accounts: [aart] });
    await h.member({ name: 'Bram', chapterId: chapterIds.get('Arnhem')!, accounts: [bram] });
    await h.member({ name: 'Cees', accounts: [cees] });
  });

  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  async function create(definition: string): Promise<Meetup> {
    const reply = replyText(await h.command(manager, `event create ${definition}`));
    const id = /`([0-9a-f]{8})`/.exec(reply)?.[1];
    expect(id, reply).toBeDefined();
    return h.meetups.service.find(h.organization.id, id!);
  }
  const at = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime());

  it('shows turn-up per chapter, walk-ins and first-timers, and counts meet-ups in the ambassador score', async () => {
    const first = await create('Afdelingsavond | 2026-10-10 19:30 | 21:30 | Zaal 1');
    const second = await create('Tweede avond | 2026-10-12 19:30 | 21:30 | Zaal 1');
    for (const who of [anna, aart, bram]) await h.press(who, 'meetup.rsvp', rsvpValue(first.id, 'going'));
    await h.press(anna, 'meetup.rsvp', rsvpValue(second.id, 'going'));

    // Too early: check-in opens half an hour before the start, and nothing is recorded.
    at('2026-10-10T16:00:00Z');
    expect(replyText(await h.command(anna, `event checkin ${first.checkInCode}`))).toContain('not open at any meet-up right now');
    at('2026-10-10T17:15:00Z');
    expect(replyText(await h.command(anna, `event checkin ${first.checkInCode.toLowerCase()}`))).toContain('Welcome at your first meet-up');
    expect(replyText(await h.command(anna, `event checkin ${first.checkInCode}`))).toContain('checked in at **Afdelingsavond** already');
    // The button opens the code form (pressing it from home does not count); the form checks in.
    const button = await h.press(bram, 'meetup.checkin', first.id);
    expect(button?.form?.formId).toBe(MEETUP_CHECKIN_FORM);
    expect(replyText(await h.submit(bram, MEETUP_CHECKIN_FORM, { code: 'WRONG1' }))).toContain('not open at any meet-up');
    expect(replyText(await h.submit(bram, MEETUP_CHECKIN_FORM, { code: first.checkInCode }))).toContain('Welcome at your first meet-up');
    // Cees comes without having answered (a walk-in); Aart had a place and stays home.
    expect(replyText(await h.command(cees, `event checkin ${first.checkInCode}`))).toContain('Welcome');
    at('2026-10-12T17:20:00Z');
    expect(replyText(await h.command(anna, `event checkin ${second.checkInCode}`))).toContain('Welcome at **Tweede avond**! You are checked in.');

    // The managers' list of the first evening says the same.
    const list = await h.meetups.service.attendees(first);
    expect(list.firstTimers).toBe(3);
    expect(list.byChapter.map((c) => [c.chapterName, c.confirmed, c.checkedIn, c.walkIns])).toEqual([
      ['Arnhem', 1, 1, 0],
      ['Utrecht', 2, 1, 0],
      [null, 0, 0, 1],
    ]);

    at('2026-10-12T21:00:00Z');
    const repo = new PrismaInsightsRepository(db.prisma, { secrets: testSecretBox });
    const insights = new InsightsService({ queries: repo, settings: repo, clock });
    const org = { id: h.organization.id, timezone: 'Europe/Amsterdam' };
    const overview = await insights.overview(org, { period: 'month' });
    expect(overview.meetups).toEqual({
      meetups: 2,
      confirmed: 4,
      turnedUp: 3,
      walkIns: 1,
      firstTimers: 3,
      rate: 75,
      byChapter: [
        { chapterId: chapterIds.get('Arnhem'), name: 'Arnhem', confirmed: 1, turnedUp: 1, firstTimers: 1, rate: 100 },
        { chapterId: chapterIds.get('Utrecht'), name: 'Utrecht', confirmed: 3, turnedUp: 2, firstTimers: 1, rate: 66.7 },
        { chapterId: null, name: null, confirmed: 0, turnedUp: 0, firstTimers: 1, rate: null },
      ],
    });
    // One chapter only.
    expect((await insights.overview(org, { period: 'month', chapterId: chapterIds.get('Utrecht')! })).meetups).toMatchObject({ meetups: 2, confirmed: 3, turnedUp: 2, rate: 66.7 });

    // What managers read in chat (and the weekly digest), in both languages.
    const chapterNames = new Map([...chapterIds].map(([name, id]) => [id, name]));
    const translator = kringTranslator();
    const en = viewText(overviewView(translator.for('en'), 'en', overview, { chapterNames }));
    expect(en).toContain('3 of 4 (75%) · 3 first-timer(s) · 2 meet-up(s)');
    expect(en).toContain('Utrecht: 2 of 3 (66.7%), 1 first-timer(s)');
    const nl = viewText(overviewView(translator.for('nl'), 'nl', overview, { chapterNames }));
    expect(nl).toContain('Opkomst bij bijeenkomsten per afdeling');
    expect(nl).toContain('Utrecht: 2 van 3 (66,7%), 1 voor het eerst');

    // The ambassador score: Anna and Bram help equally in threads; Anna came to two meet-ups, Bram to one.
    const rows = [anna, bram, aart].map((who, i) => ({
      organizationId: org.id, day: '2026-10-11', platform: 'slack' as const, workspaceId: 'T1', userId: who.userId, channelId: 'C-general', kind: 'reply' as const, count: i < 2 ? 5 : 1, chars: 100,
    }));
    await repo.writeActivity(rows);
    const { ambassadors } = await insights.dashboard(org, { period: 'month' });
    expect(ambassadors.map((a) => [a.name, a.parts.turningUp])).toEqual([
      ['Anna', { meetupsAttended: 2, points: 20 }],
      ['Bram', { meetupsAttended: 1, points: 10 }],
      ['Aart', { meetupsAttended: 0, points: 0 }],
    ]);
    expect(ambassadors[0]!.score - ambassadors[1]!.score).toBe(10);
  }, 60_000);
});
