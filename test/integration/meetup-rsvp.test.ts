import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rsvpValue, type Meetup } from '../../src/capabilities/meetups/domain/meetup.js';
import { MEETUP_CHECKIN_FORM, MEETUP_CREATE_FORM } from '../../src/capabilities/meetups/commands.js';
import type { Database } from '../../src/infra/database/database.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeChatPlatform, viewText } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';
import { until } from '../support/until.js';

/**
 * Meet-ups on PostgreSQL through the real router and the in-process queue, with fake platforms that keep
 * what they were sent: places and the waitlist, moving up with a direct message, the last answer counting
 * across platforms, guests, reminders on a test clock, changes and cancelling told to attendees,
 * check-in, and the private calendar feed on the HTTP server.
 */

describe('meet-ups on PostgreSQL', () => {
  let db: Database;
  let h: MeetupHarness;
  const clock = new FixedClock('2026-10-01T10:00:00.000Z');
  const slack = new FakeChatPlatform('slack');
  const discord = new FakeChatPlatform('discord');
  let server: Server;
  let baseUrl: string;
  const acct = (platform: Account['platform'], userId: string): Account => ({ platform, workspaceId: platform === 'slack' ? 'T1' : 'G1', userId });
  const managerAccount = acct('slack', 'U-manager');

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    h = await createMeetupHarness({
      repos: prismaRepositories(db.prisma),
      database: db,
      platforms: [slack, discord],
      clock,
      scheduler: { refreshWindowMs: 100, skewMarginMs: 10, maxDelayMs: 50 },
      record: ['meetup.created', 'meetup.rsvp-changed', 'meetup.attended'],
    });
    await h.member({ roles: ['member', 'manager'], accounts: [managerAccount] });
    const app = express();
    h.meetups.mount!(app);
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await h?.stop();
    await new Promise((r) => server?.close(r));
    await db?.close();
  });

  /** A meet-up posted in the Slack channel C-general, created through the chat command. */
  async function create(definition: string): Promise<Meetup> {
    const reply = await h.command(managerAccount, `event create ${definition}`);
    const id = /`([0-9a-f]{8})`/.exec(replyText(reply))?.[1];
    expect(id, replyText(reply)).toBeDefined();
    return h.meetups.service.find(h.organization.id, id!);
  }

  const dmsTo = (platform: FakeChatPlatform, userId: string) => platform.visibleIn(`dm-${userId}`).map((m) => m.text);

  it('fills the places, waitlists the rest, and moves the first on the waitlist up with a direct message when someone cancels', async () => {
    const meetup = await create('Chapter evening | 2026-10-24 19:30 | 21:30 | Stadhuisplein 1, Utrecht --capacity=2');
    const [a, b, c] = [acct('slack', 'U-a'), acct('discord', 'D-b'), acct('slack', 'U-c')];
    for (const account of [a, b, c]) await h.member({ accounts: [account] });

    expect(replyText(await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'going')))).toContain('You are going to **Chapter evening**');
    expect(replyText(await h.press(b, 'meetup.rsvp', rsvpValue(meetup.id, 'going')))).toContain('You are going');
    expect(replyText(await h.press(c, 'meetup.rsvp', rsvpValue(meetup.id, 'going')))).toContain('You are number 1 on the waitlist');
    expect(await h.meetups.repo.headcount(meetup.id)).toMatchObject({ confirmedPlaces: 2, waitlisted: 1 });

    // The copy in the channel shows the count (coalesced refresh).
    const post = (await h.meetups.repo.listPosts(meetup.id))[0]!;
    await until(() => slack.message(post.messageId!)?.text.includes('2 of 2 places taken (full) · 1 on the waitlist'), 'the copy to show the count');

    expect(replyText(await h.press(b, 'meetup.rsvp', rsvpValue(meetup.id, 'not_going')))).toContain('your place goes to the next person on the waitlist');
    expect((await h.meetups.repo.findRsvp(meetup.id, (await memberOf(c)).id))?.seat).toBe('confirmed');
    await until(() => dmsTo(slack, 'U-c').some((t) => t.includes('a place opened up at **Chapter evening**')), 'the promotion DM on Slack');
    const changes = h.heard['meetup.rsvp-changed']!.filter((e) => e.meetupId === meetup.id);
    expect(changes.map((e) => [e.answer, e.seat, e.promoted])).toEqual([
      ['going', 'confirmed', false],
      ['going', 'confirmed', false],
      ['going', 'waitlisted', false],
      ['not_going', null, false],
      ['going', 'confirmed', true],
    ]);
  });

  async function memberOf(account: Account) {
    const identity = await h.repos.identities.findByAccount({ platform: account.platform, workspaceId: account.workspaceId, platformUserId: account.userId });
    return (await h.repos.members.findById(h.organization.id, identity!.memberId))!;
  }

  it('keeps one answer per member across platforms: the last one counts, a repeat changes nothing', async () => {
    const meetup = await create('Volunteers day | 2026-10-25 10:00 | 16:00 | Zaal 2');
    const onSlack = acct('slack', 'U-both');
    const onDiscord = acct('discord', 'D-both');
    await h.member({ accounts: [onSlack, onDiscord] });
    await h.press(onSlack, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    expect(replyText(await h.press(onDiscord, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe')))).toContain('Noted: maybe');
    expect(replyText(await h.press(onDiscord, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe')))).toContain('nothing changed');
    const rows = await db.prisma.meetupRsvp.findMany({ where: { meetupId: meetup.id } });
    expect(rows.map((r) => [r.answer, r.seat, r.platform, r.platformUserId])).toEqual([['maybe', null, 'discord', 'D-both']]);
  });

  it('counts guests as places and refuses more guests than allowed or than fit', async () => {
    const meetup = await create('Patients café | 2026-10-26 14:00 | 16:00 | Bibliotheek --capacity=3 --guests=2');
    const [a, b] = [acct('slack', 'U-g1'), acct('slack', 'U-g2')];
    for (const account of [a, b]) await h.member({ accounts: [account] });
    expect(replyText(await h.command(a, `event rsvp ${meetup.id.slice(0, 8)} going 3`))).toContain('at most 2 guests');
    expect(replyText(await h.command(a, `event rsvp ${meetup.id.slice(0, 8)} going 1`))).toContain('with 1 guest');
    await h.press(b, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    expect(replyText(await h.command(a, `event rsvp ${meetup.id.slice(0, 8)} going 2`))).toContain('There is no room for that many guests: 0 more place(s) are free');
    expect(await h.meetups.repo.headcount(meetup.id)).toMatchObject({ confirmedPlaces: 3, confirmedMembers: 2 });
  });

  it('sends the reminders a day and an hour before on the test clock, only to those with a place', async () => {
    const meetup = await create('Reminder evening | 2026-10-03 19:30 | 21:00 | Stadhuisplein 1 --capacity=1');
    const [going, waiting, maybe] = [acct('slack', 'U-r1'), acct('slack', 'U-r2'), acct('slack', 'U-r3')];
    for (const account of [going, waiting, maybe]) await h.member({ accounts: [account] });
    await h.press(going, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    await h.press(waiting, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    await h.press(maybe, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe'));

    // Wake-ups run every 50 ms of real time; the day-before reminder is due 2026-10-02 17:30Z.
    const dayBefore = new Date('2026-10-02T17:30:00Z').getTime();
    clock.advance(dayBefore - 60_000 - clock.now().getTime());
    await new Promise((r) => setTimeout(r, 300));
    expect(dmsTo(slack, 'U-r1')).toEqual([]);
    clock.advance(60_000);
    await until(() => dmsTo(slack, 'U-r1').some((t) => t.includes('Reminder: **Reminder evening** is tomorrow')), 'the day-before reminder');
    const reminders = await h.meetups.repo.listReminders(meetup.id);
    expect(reminders.map((r) => [r.offsetMinutes, r.sentAt?.toISOString() ?? null])).toEqual([
      [1440, '2026-10-02T17:30:00.000Z'],
      [60, null],
    ]);
    clock.advance(23 * 3600_000);
    await until(() => dmsTo(slack, 'U-r1').some((t) => t.includes('starts in an hour')), 'the hour-before reminder');
    expect(dmsTo(slack, 'U-r2')).toEqual([]);
    expect(dmsTo(slack, 'U-r3')).toEqual([]);
    expect(dmsTo(slack, 'U-r1')).toHaveLength(2);
  });

  it('tells everyone who answered when the time changes, updates the copy, and re-times the reminders', async () => {
    const meetup = await create('Board evening | 2026-11-10 19:30 | 21:00 | Zaal 1');
    const [going, maybe, notGoing] = [acct('discord', 'D-c1'), acct('discord', 'D-c2'), acct('discord', 'D-c3')];
    for (const account of [going, maybe, notGoing]) await h.member({ accounts: [account] });
    await h.press(going, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    await h.press(maybe, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe'));
    await h.press(notGoing, 'meetup.rsvp', rsvpValue(meetup.id, 'not_going'));
    const reply = await h.command(managerAccount, `event change ${meetup.id.slice(0, 8)} --start="2026-11-12 20:00" --place="Zaal 3, Utrecht"`);
    expect(replyText(reply)).toContain('2 members are told');
    await until(() => dmsTo(discord, 'D-c1').some((t) => t.includes('It is now on Thu, 12 Nov 2026 20:00–21:30')), 'the change DM to the member going');
    await until(() => dmsTo(discord, 'D-c2').some((t) => t.includes('Zaal 3, Utrecht')), 'the change DM to the maybe');
    expect(dmsTo(discord, 'D-c3')).toEqual([]);
    const post = (await h.meetups.repo.listPosts(meetup.id))[0]!;
    await until(() => slack.message(post.messageId!)?.text.includes('Zaal 3, Utrecht'), 'the copy to show the new place');
    expect((await h.meetups.repo.listReminders(meetup.id)).map((r) => r.dueAt.toISOString())).toEqual(['2026-11-11T19:00:00.000Z', '2026-11-12T18:00:00.000Z']);
  });

  it('tells attendees when it is cancelled, removes the buttons, and takes no answers after that', async () => {
    const meetup = await create('Cancelled evening | 2026-11-20 19:30 | 21:00 | Zaal 1');
    const a = acct('slack', 'U-x1');
    await h.member({ accounts: [a] });
    await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    expect(replyText(await h.command(managerAccount, `event cancel ${meetup.id.slice(0, 8)}`))).toContain('1 member is told');
    await until(() => dmsTo(slack, 'U-x1').some((t) => t.includes('Cancelled evening') && t.includes('is cancelled')), 'the cancel DM');
    const post = (await h.meetups.repo.listPosts(meetup.id))[0]!;
    await until(() => slack.message(post.messageId!)?.view.blocks.every((b) => b.type !== 'buttons') && slack.message(post.messageId!)?.text.includes('This meet-up is cancelled.'), 'the copy to say cancelled');
    expect(replyText(await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'maybe')))).toContain('This meet-up is cancelled.');
    expect((await h.meetups.repo.findRsvp(meetup.id, (await memberOf(a)).id))?.answer).toBe('going');
    expect(replyText(await h.command(managerAccount, `event cancel ${meetup.id.slice(0, 8)}`))).toContain('cancelled already');
  });

  it('checks members in with the code during the meet-up (first-timers noted), once', async () => {
    const meetup = await create('Check-in evening | 2026-12-01 19:30 | 21:30 | Zaal 1');
    const [a, b] = [acct('slack', 'U-k1'), acct('slack', 'U-k2')];
    for (const account of [a, b]) await h.member({ accounts: [account] });
    await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    expect(replyText(await h.command(a, `event checkin ${meetup.checkInCode}`))).toContain('not open at any meet-up right now');
    clock.advance(new Date('2026-12-01T18:10:00Z').getTime() - clock.now().getTime());
    expect(replyText(await h.command(a, 'event checkin ZZZZZZ'))).toContain('not open at any meet-up');
    expect(replyText(await h.command(a, `event checkin ${meetup.checkInCode.toLowerCase()}`))).toContain('Welcome at your first meet-up');
    expect(replyText(await h.command(a, `event checkin ${meetup.checkInCode}`))).toContain('checked in at **Check-in evening** already');
    // The button opens the code form; the form checks in too.
    const opened = await h.press(b, 'meetup.checkin', meetup.id);
    expect(opened?.form?.formId).toBe(MEETUP_CHECKIN_FORM);
    expect(replyText(await h.submit(b, MEETUP_CHECKIN_FORM, { code: meetup.checkInCode }))).toContain('Welcome at your first meet-up');
    const attended = h.heard['meetup.attended']!.filter((e) => e.meetupId === meetup.id);
    expect(attended.map((e) => e.firstTime)).toEqual([true, true]);
    const list = await h.meetups.service.attendees(meetup);
    expect(list.byChapter).toEqual([{ chapterId: null, chapterName: null, confirmed: 1, checkedIn: 1, walkIns: 1 }]);
    expect(list.firstTimers).toBe(2);
    expect(list.rows.map((r) => [r.answer, r.checkedInAt !== null])).toEqual([['going', true], [null, true]]);
  });

  it('gives each member a private calendar feed of the meet-ups they have a place at, revocable', async () => {
    const meetup = await create('Feed evening | 2026-12-24 19:30 | 21:30 | Zaal 1');
    const other = await create('Not mine | 2026-12-26 19:30 | 21:30 | Zaal 2');
    const a = acct('slack', 'U-f1');
    await h.member({ accounts: [a] });
    await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'going'));
    await h.press(a, 'meetup.rsvp', rsvpValue(other.id, 'maybe'));
    const issued = replyText(await h.command(a, 'event calendar'));
    const url = /http:\/\/localhost:3000(\/meetups\/feed\/[0-9A-Za-z]{32}\.ics)/.exec(issued)?.[1];
    expect(url, issued).toBeDefined();
    const res = await fetch(`${baseUrl}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const events = new ICAL.Component(ICAL.parse(await res.text())).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toJSDate().toISOString()])).toEqual([['Feed evening', '2026-12-24T18:30:00.000Z']]);
    // The token is stored only as its hash.
    const stored = await db.prisma.meetupCalendarFeed.findMany({ where: { revokedAt: null } });
    expect(stored.some((f) => url!.includes(f.tokenHash))).toBe(false);

    expect(replyText(await h.command(a, 'event calendar stop'))).toContain('no longer works');
    expect((await fetch(`${baseUrl}${url}`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/meetups/feed/${'A'.repeat(32)}.ics`)).status).toBe(404);
    // The meet-up's own .ics, by its unguessable URL only.
    const ics = await fetch(h.meetups.icsUrl(meetup).replace('http://localhost:3000', baseUrl));
    expect(ics.status).toBe(200);
    expect(await ics.text()).toContain('SUMMARY:Feed evening');
    expect((await fetch(`${baseUrl}/meetups/ics/${meetup.id}/${'b'.repeat(24)}.ics`)).status).toBe(404);
  });

  it('opens the meet-up form without arguments, and creates the meet-up from the submitted form', async () => {
    const opened = await h.command(managerAccount, 'event create');
    expect(opened?.form?.formId).toBe(MEETUP_CREATE_FORM);
    expect(opened?.form?.fields.map((f) => [f.name, f.required])).toEqual([['title', true], ['when', true], ['place', true], ['description', false], ['settings', false]]);
    // Adapters that cannot open forms show the text form's explanation instead.
    expect(replyText(opened)).toContain('/kring event create Chapter evening |');
    const reply = await h.submit(managerAccount, MEETUP_CREATE_FORM, { title: 'Form evening', when: '2026-12-30 19:30 - 21:30', place: 'https://meet.example.org/abc', description: 'Online this time', settings: '--capacity=40 --guests=1' });
    const id = /`([0-9a-f]{8})`/.exec(replyText(reply))?.[1];
    const meetup = await h.meetups.service.find(h.organization.id, id!);
    expect(meetup).toMatchObject({ title: 'Form evening', description: 'Online this time', capacity: 40, guestsPerMember: 1, place: { kind: 'online', text: 'https://meet.example.org/abc' } });
    expect(meetup.startsAt.toISOString()).toBe('2026-12-30T18:30:00.000Z');
  });

  it('shows managers the list with names, chapters and guests', async () => {
    const meetup = await create('List evening | 2026-12-28 19:30 | 21:30 | Zaal 1 --guests=1');
    const chapter = (await h.repos.chapters.ensureMany(h.organization.id, ['Utrecht']))[0]!;
    const a = acct('slack', 'U-l1');
    await h.member({ name: 'Anna de Vries', chapterId: chapter.id, accounts: [a] });
    await h.press(a, 'meetup.rsvp', rsvpValue(meetup.id, 'going', 1));
    const text = JSON.stringify(await h.command(managerAccount, `event attendees ${meetup.id.slice(0, 8)}`));
    expect(text).toContain('Anna de Vries');
    expect(text).toContain(', Utrecht) +1');
    expect(viewText((await h.command(a, `event attendees ${meetup.id.slice(0, 8)}`))!.view)).toContain('Only members with one of these roles');
  });
  it('sends the reminders the manager chose (--remind=2d,30m), and none with --remind=none', async () => {
    const meetup = await create('Winter evening | 2027-01-15 19:30 | 21:00 | Zaal 2 --remind=2d,30m');
    const quiet = await create('Quiet evening | 2027-01-15 19:30 | 21:00 | Zaal 3 --remind=none');
    const member = acct('slack', 'U-w1');
    await h.member({ accounts: [member] });
    for (const m of [meetup, quiet]) await h.press(member, 'meetup.rsvp', rsvpValue(m.id, 'going'));
    // 19:30 in Amsterdam in winter is 18:30Z.
    expect((await h.meetups.repo.listReminders(meetup.id)).map((r) => [r.offsetMinutes, r.dueAt.toISOString()])).toEqual([
      [2880, '2027-01-13T18:30:00.000Z'],
      [30, '2027-01-15T18:00:00.000Z'],
    ]);
    expect(await h.meetups.repo.listReminders(quiet.id)).toEqual([]);
    clock.advance(new Date('2027-01-13T18:29:00Z').getTime() - clock.now().getTime());
    await new Promise((r) => setTimeout(r, 300));
    expect(dmsTo(slack, 'U-w1')).toEqual([]);
    clock.advance(60_000);
    await until(() => dmsTo(slack, 'U-w1').some((t) => t.includes('Reminder: **Winter evening** is in 2 days')), 'the two-days-before reminder');
    clock.advance(new Date('2027-01-15T18:00:00Z').getTime() - clock.now().getTime());
    await until(() => dmsTo(slack, 'U-w1').some((t) => t.includes('starts in 30 minutes')), 'the half-hour-before reminder');
    await new Promise((r) => setTimeout(r, 300));
    // Two reminders, both about the winter evening; the quiet one sends none.
    expect(dmsTo(slack, 'U-w1').filter((t) => t.includes('Reminder'))).toHaveLength(2);
    expect(dmsTo(slack, 'U-w1').some((t) => t.includes('Quiet evening'))).toBe(false);
  });
});
