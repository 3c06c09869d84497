import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETUP_CREATE_FORM } from '../../src/capabilities/meetups/commands.js';
import { rsvpValue } from '../../src/capabilities/meetups/domain/meetup.js';
import type { Database } from '../../src/infra/database/database.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';

/**
 * Bad input gets a clear answer in the member's own language (Dutch or English, whatever the organisation
 * speaks) and changes nothing: an end before the start, a start in the past, no places, an answer after
 * the deadline, dates that are no dates, through the command, the form and the buttons.
 */
describe('meet-ups: bad input', () => {
  let db: Database;
  let h: MeetupHarness;
  const clock = new FixedClock('2026-10-01T10:00:00.000Z');
  const slack = new FakeChatPlatform('slack');
  const dutch: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-nl' };
  const english: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-en' };
  const rows = async () => ({ meetups: await db.prisma.meetup.count(), rsvps: await db.prisma.meetupRsvp.count(), posts: await db.prisma.meetupPost.count() });

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    h = await createMeetupHarness({ repos: prismaRepositories(db.prisma), database: db, platforms: [slack], clock, defaultLocale: 'nl', start: false });
    await h.member({ roles: ['member', 'manager'], locale: 'nl', accounts: [dutch] });
    await h.member({ roles: ['member', 'manager'], locale: 'en', accounts: [english] });
  });

  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  const cases: [string, string, string, string][] = [
    ['an end before the start', 'Avond | 2026-10-24 19:30 | 18:00 | Zaal 1', 'Het einde moet na het begin liggen. Er is niets aangemaakt of gewijzigd.', 'The end must come after the start. Nothing was created or changed.'],
    ['a start in the past', 'Avond | 2026-09-30 19:30 | 21:30 | Zaal 1', 'Het begin ligt in het verleden. Kies een moment in de toekomst', 'The start lies in the past. Choose a moment in the future'],
    ['capacity 0', 'Avond | 2026-10-24 19:30 | 21:30 | Zaal 1 --capacity=0', 'Het aantal plaatsen moet een heel getal van minstens 1 zijn', 'The capacity must be a whole number of places of at least 1'],
    ['a start that is no date', 'Avond | morgen | 21:30 | Zaal 1', 'Ik kan het begin "morgen" niet lezen', 'I cannot read the start "morgen"'],
    ['a deadline after the start', 'Avond | 2026-10-24 19:30 | 21:30 | Zaal 1 --deadline=2026-10-25', 'De deadline om te antwoorden moet tussen nu en het begin liggen.', 'The deadline to answer must lie between now and the start.'],
    ['an unknown chapter', 'Avond | 2026-10-24 19:30 | 21:30 | Zaal 1 --chapter=Atlantis', 'Er is geen afdeling "Atlantis"', 'There is no chapter called "Atlantis"'],
  ];

  for (const [what, definition, nl, en] of cases) {
    it(`answers ${what} in the member's language and creates nothing`, async () => {
      const before = await rows();
      expect(replyText(await h.command(dutch, `event create ${definition}`))).toContain(nl);
      expect(replyText(await h.command(english, `event create ${definition}`))).toContain(en);
      expect(await rows()).toEqual(before);
    });
  }

  it('gives the form the same checks as the text form', async () => {
    const before = await rows();
    const reply = await h.submit(english, MEETUP_CREATE_FORM, { title: 'Avond', when: '2026-10-24 19:30 - 18:00', place: 'Zaal 1', description: '', settings: '' });
    expect(replyText(reply)).toContain('The end must come after the start.');
    expect(replyText(await h.submit(dutch, MEETUP_CREATE_FORM, { title: 'Avond', when: '2026-10-24 19:30 - 21:30', place: 'Zaal 1', description: '', settings: '--capacity=0' }))).toContain(
      'minstens 1',
    );
    expect(await rows()).toEqual(before);
  });

  it('refuses an answer after the RSVP deadline, in the member\'s language, and keeps the earlier answer', async () => {
    const created = replyText(await h.command(dutch, 'event create Afdelingsavond | 2026-10-24 19:30 | 21:30 | Zaal 1 --deadline="2026-10-20 12:00"'));
    const id = /`([0-9a-f]{8})`/.exec(created)![1]!;
    const meetup = await h.meetups.service.find(h.organization.id, id);
    expect(replyText(await h.press(english, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe')))).toContain('Noted: maybe');
    clock.advance(new Date('2026-10-20T10:00:00Z').getTime() - clock.now().getTime());
    const before = await rows();
    expect(replyText(await h.press(dutch, 'meetup.rsvp', rsvpValue(meetup.id, 'going')))).toContain('De deadline om te antwoorden is voorbij: antwoorden kan niet meer. Er is niets veranderd.');
    expect(replyText(await h.press(english, 'meetup.rsvp', rsvpValue(meetup.id, 'going')))).toContain('The deadline to answer has passed');
    expect(replyText(await h.command(english, `event rsvp ${id} no`))).toContain('The deadline to answer has passed');
    expect(await rows()).toEqual(before);
    expect((await db.prisma.meetupRsvp.findMany({ where: { meetupId: meetup.id } })).map((r) => r.answer)).toEqual(['maybe']);
  });

  it('answers a forged or stale button and a wrong answer word clearly', async () => {
    expect(replyText(await h.press(english, 'meetup.rsvp', 'not-a-value'))).toMatch(/expired|no longer/i);
    expect(replyText(await h.press(english, 'meetup.rsvp', rsvpValue('00000000-0000-4000-8000-000000000000', 'going')))).toContain('I could not find that meet-up');
    expect(replyText(await h.command(english, 'event rsvp 1234abcd perhaps'))).toContain('answer going, maybe or no');
    expect(replyText(await h.command(english, 'event change zz --capacity=5'))).toContain('I could not find that meet-up');
  });
});
