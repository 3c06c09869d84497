import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { rsvpValue, type Meetup } from '../../src/capabilities/meetups/domain/meetup.js';
import type { Database } from '../../src/infra/database/database.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { cardText, TEST_CHANNEL, TEST_TENANT, TEST_USER, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';
import { until } from '../support/until.js';

/**
 * One meet-up, three platforms, one list: the real Slack (Bolt), Discord (discord.js) and Teams
 * (botbuilder) adapters against their protocol fakes, Kring's router and meet-ups on PostgreSQL, and a test
 * clock. A manager creates a meet-up with two places on Slack (`--everywhere`); three members answer going
 * from Slack, Discord and Teams: two get a place, the third waits. The Slack member cancels; the Teams
 * member moves up and gets a direct message on Teams. The reminders go out when the test clock reaches a
 * day and an hour before, to those with a place. The member's private calendar feed parses with ical.js
 * and shows the right UTC instants either side of the end of summer time (24 and 26 October 2026).
 */
const SIGNING_SECRET = 'e2e-meetup-signing-secret-7c1d';

describe('a meet-up across Slack, Discord and Teams', () => {
  let db: Database;
  let h: MeetupHarness;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  let teams: TeamsTestBed;
  let calendarServer: Server;
  let calendarUrl: string;
  const platforms: ChatPlatform[] = [];
  // Summer time still: 20 October 2026, 12:00 in Amsterdam.
  const clock = new FixedClock('2026-10-20T10:00:00.000Z');
  const handler: InboundHandler = { handle: (event: InboundEvent) => h.app.handle(event) };
  const jan: Account = { platform: 'teams', workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const repos = prismaRepositories(db.prisma);
    slackFake = await FakeSlackApi.start();
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents });
    discordFake = await FakeDiscord.start();
    discord = createDiscordPlatform({ token: discordFake.token, applicationId: discordFake.applicationId, apiUrl: discordFake.apiUrl, handler, logger: silentLogger });
    teams = new TeamsTestBed({ handler, conversationReferences: repos.conversationReferences });
    await teams.start();
    platforms.push(slack, discord, teams.sut);

    h = await createMeetupHarness({
      repos,
      database: db,
      queue: new InProcessJobQueue(silentLogger, 100),
      platforms,
      clock,
      // Timed jobs wake every 100 ms of real time and follow the test clock.
      scheduler: { refreshWindowMs: 300, skewMarginMs: 20, maxDelayMs: 100 },
    });
    await slack.start();
    await discord.start();
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(app);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });
    await teams.installInChannel(TEST_CHANNEL);
    // The calendar URLs on an HTTP server, as the shared server mounts them.
    const calendarApp = express();
    h.meetups.mount!(calendarApp);
    calendarServer = createServer(calendarApp);
    await new Promise<void>((r) => calendarServer.listen(0, '127.0.0.1', r));
    calendarUrl = `http://127.0.0.1:${(calendarServer.address() as AddressInfo).port}`;

    for (const [platform, workspace, channel] of [
      ['slack', FAKE_SLACK.teamId, FAKE_SLACK.channelId],
      ['discord', discordFake.guildId, discordFake.state.generalChannelId],
      ['teams', TEST_TENANT, TEST_CHANNEL],
    ] as const) {
      const ws = await repos.workspaces.upsert({ organizationId: h.organization.id, platform, externalId: workspace });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: channel, purpose: 'general' });
    }
    // The manager on Slack; Anna on Slack; Bram on Discord; Jan on Teams.
    await h.member({ roles: ['member', 'manager'], accounts: [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }] });
    await h.member({ name: 'Anna', accounts: [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId }] });
    await h.member({ name: 'Bram', locale: 'nl', accounts: [{ platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id }] });
    await h.member({ name: 'Jan', locale: 'en', accounts: [jan] });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await discord?.stop();
    await slack?.stop();
    await teams?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await new Promise((r) => calendarServer?.close(r));
    await db?.close();
  });

  /** The Teams invoke of a button on the Teams copy. */
  async function teamsPress(messageId: string, value: string) {
    const invoke = teams.fixture('invoke-action-execute');
    invoke['replyToId'] = messageId;
    invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${TEST_CHANNEL};messageid=${messageId}` };
    invoke['value'] = { action: { type: 'Action.Execute', title: 'Going', verb: 'meetup.rsvp', data: { value } }, trigger: 'manual' };
    return teams.send(invoke);
  }
  const teamsDms = () => teams.connector.personalConversationsOf(TEST_USER.aadObjectId).flatMap((c) => teams.connector.activities(c.id)).map((a) => cardText(a));
  const discordDms = () => discordFake.directMessages(discordFake.state.anna.id).map((m) => m.text);

  it('fills two places from three platforms, moves the waitlisted member up with a DM, and reminds on the test clock', async () => {
    // 1. The manager creates the meet-up on Slack, in the text form.
    const created = await sender.slashCommand('event create Chapter evening | 2026-10-24 19:30 | 21:30 | Stadhuisplein 1, Utrecht --capacity=2 --everywhere');
    expect(created.status).toBe(200);
    const answer = await until(() => slackFake.responsesTo(created.responseUrl)[0], 'the slash command reply');
    const shortId = /`([0-9a-f]{8})`/.exec(JSON.stringify(answer))?.[1];
    expect(shortId, JSON.stringify(answer)).toBeDefined();
    const meetup: Meetup = await h.meetups.service.find(h.organization.id, shortId!);
    expect(meetup.startsAt.toISOString()).toBe('2026-10-24T17:30:00.000Z');

    // 2. One copy per platform.
    const posts = await until(async () => {
      const p = await h.meetups.repo.listPosts(meetup.id);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'three posted copies');
    const byPlatform = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));

    // 3. Going from Slack (Anna), Discord (Bram), Teams (Jan), in that order.
    const slackGoing = await sender.blockAction({ actionId: 'meetup.rsvp', value: rsvpValue(meetup.id, 'going'), messageTs: byPlatform['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(slackGoing.status).toBe(200);
    expect(JSON.stringify(await until(() => slackFake.responsesTo(slackGoing.responseUrl)[0], 'the Slack confirmation'))).toContain('You are going to');
    const press = discordFake.pressButton({ messageId: byPlatform['discord']!, customId: `meetup.rsvp|${rsvpValue(meetup.id, 'going')}`, user: discordFake.state.anna });
    // Bram speaks Dutch (his member record says so): so does every answer to him.
    await until(() => JSON.stringify(press.callbacks).includes('Je komt naar **Chapter evening**') || JSON.stringify(press.webhookCalls).includes('Je komt naar'), 'the Discord confirmation');
    const teamsGoing = await teamsPress(byPlatform['teams']!, rsvpValue(meetup.id, 'going'));
    expect(teamsGoing.status).toBe(200);
    expect(JSON.stringify(teamsGoing.body)).toContain('You are number 1 on the waitlist');

    // 4. Two places taken, one waiting; every copy shows it.
    expect(await h.meetups.repo.headcount(meetup.id)).toMatchObject({ confirmedPlaces: 2, confirmedMembers: 2, waitlisted: 1 });
    const counted = '2 of 2 places taken (full) · 1 on the waitlist';
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === byPlatform['slack'] && m.text.includes(counted)), 'the Slack copy updated');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === byPlatform['discord'] && m.text.includes(counted)), 'the Discord copy updated');
    await until(() => teams.connector.activities(TEST_CHANNEL).some((a) => a.id === byPlatform['teams'] && cardText(a).includes(counted)), 'the Teams copy updated');

    // 5. Anna (Slack) cannot come after all: Jan moves up and hears it on Teams.
    const cancel = await sender.blockAction({ actionId: 'meetup.rsvp', value: rsvpValue(meetup.id, 'not_going'), messageTs: byPlatform['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(cancel.responseUrl)[0], 'the Slack answer'))).toContain('your place goes to the next person on the waitlist');
    await until(() => teamsDms().some((t) => t.includes('a place opened up at') && t.includes('Chapter evening')), 'the promotion DM on Teams');
    expect(await h.meetups.repo.headcount(meetup.id)).toMatchObject({ confirmedPlaces: 2, waitlisted: 0, notGoing: 1 });

    // 6. Reminders: nothing before the moment; at a day before and an hour before, to Bram and Jan only.
    clock.advance(new Date('2026-10-23T17:29:00Z').getTime() - clock.now().getTime());
    await new Promise((r) => setTimeout(r, 500));
    expect(discordDms().filter((t) => t.includes('Herinnering'))).toEqual([]);
    clock.advance(60_000);
    await until(() => discordDms().some((t) => t.includes('Herinnering: **Chapter evening** is morgen')), 'the day-before reminder on Discord (in Dutch)');
    await until(() => teamsDms().some((t) => t.includes('is tomorrow')), 'the day-before reminder on Teams');
    clock.advance(new Date('2026-10-24T16:29:00Z').getTime() - clock.now().getTime());
    await new Promise((r) => setTimeout(r, 500));
    expect(discordDms().filter((t) => t.includes('begint over een uur'))).toEqual([]);
    clock.advance(60_000);
    await until(() => discordDms().some((t) => t.includes('begint over een uur')), 'the hour-before reminder on Discord');
    await until(() => teamsDms().some((t) => t.includes('starts in an hour')), 'the hour-before reminder on Teams');
    expect(slackFake.directMessages(FAKE_SLACK.otherUserId).map((m) => m.text).filter((t) => t.includes('Reminder'))).toEqual([]);
    expect(discordDms().filter((t) => t.includes('Herinnering'))).toHaveLength(2);
    const sent = await h.meetups.repo.listReminders(meetup.id);
    expect(sent.map((r) => [r.offsetMinutes, r.sentAt?.toISOString()])).toEqual([
      [1440, '2026-10-23T17:30:00.000Z'],
      [60, '2026-10-24T16:30:00.000Z'],
    ]);
  }, 90_000);

  it('opens the meet-up form as a Discord modal the API accepts, and creates the meet-up from it', async () => {
    const manager = (await h.repos.members.list(h.organization.id, { limit: 100 })).find((m) => m.roles.includes('manager'))!;
    await h.link(manager, { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.bram.id });
    const command = discordFake.slashCommand({ path: ['event', 'create'], user: discordFake.state.bram, channelId: discordFake.state.generalChannelId });
    await discordFake.waitForInteraction(command, (i) => i.callbacks.some((c) => c.status > 0));
    // 9: a modal, which the fake checks against Discord's limits (204 = accepted).
    expect(command.callbacks.map((c) => [c.type, c.status])).toEqual([[9, 204]]);
    const modal = discordFake.modalOf(command)!;
    expect(modal.custom_id).toBe('meetup.create');
    expect(modal.components.map((row) => row.components[0]!.custom_id)).toEqual(['title', 'when', 'place', 'description', 'settings']);
    const submitted = discordFake.submitModal({
      modal,
      user: discordFake.state.bram,
      channelId: discordFake.state.generalChannelId,
      values: { title: 'Modal evening', when: '2026-11-05 19:30 - 21:30', place: 'Zaal 4', description: '', settings: '--capacity=12' },
    });
    // The modal's submission carries the client's language (Dutch here): the reply names the new meet-up's id.
    await until(() => /`[0-9a-f]{8}`/.test(JSON.stringify(submitted.callbacks)), 'the creation reply');
    const created = (await h.meetups.service.list(h.organization.id, { limit: 50 })).find((m) => m.title === 'Modal evening')!;
    expect([created.capacity, created.startsAt.toISOString()]).toEqual([12, '2026-11-05T18:30:00.000Z']);
  }, 30_000);

  it('serves a calendar feed that ical.js reads with the right UTC instants either side of the DST change', async () => {
    // A second meet-up on Monday 26 October, after the clocks went back (CET, UTC+1).
    const monday = await h.meetups.service.create({
      organizationId: h.organization.id,
      title: 'Monday evening',
      startsAt: new Date('2026-10-26T18:30:00.000Z'),
      endsAt: new Date('2026-10-26T20:30:00.000Z'),
      timeZone: 'Europe/Amsterdam',
      place: 'https://meet.example.org/kring',
    });
    await h.press(jan, 'meetup.rsvp', rsvpValue(monday.id, 'going'));
    const reply = replyText(await h.command(jan, 'event calendar'));
    const path = /http:\/\/localhost:3000(\/meetups\/feed\/[0-9A-Za-z]{32}\.ics)/.exec(reply)?.[1];
    expect(path, reply).toBeDefined();
    const res = await fetch(`${calendarUrl}${path}`);
    expect(res.status).toBe(200);
    const events = new ICAL.Component(ICAL.parse(await res.text())).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toJSDate().toISOString(), e.endDate.toJSDate().toISOString()])).toEqual([
      ['Chapter evening', '2026-10-24T17:30:00.000Z', '2026-10-24T19:30:00.000Z'],
      ['Monday evening', '2026-10-26T18:30:00.000Z', '2026-10-26T20:30:00.000Z'],
    ]);
    // 19:30 on both evenings, on the Amsterdam wall clock.
    const amsterdam = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit' });
    expect(events.map((e) => amsterdam.format(e.startDate.toJSDate()))).toEqual(['19:30', '19:30']);
  }, 30_000);

  /** The short id in a creation reply. */
  async function createOnSlack(text: string): Promise<Meetup> {
    const created = await sender.slashCommand(`event create ${text}`);
    expect(created.status).toBe(200);
    const answer = JSON.stringify(await until(() => slackFake.responsesTo(created.responseUrl)[0], 'the slash command reply'));
    const shortId = /`([0-9a-f]{8})`/.exec(answer)?.[1];
    expect(shortId, answer).toBeDefined();
    return h.meetups.service.find(h.organization.id, shortId!);
  }
  async function slackCommand(text: string): Promise<string> {
    const sent = await sender.slashCommand(text);
    expect(sent.status).toBe(200);
    return JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], `the reply to ${text}`));
  }
  /** Every copy of the meet-up, as the platforms hold it now: [platform, text]. */
  function copies(posts: { platform: string; messageId: string | null }[]): [string, string][] {
    return posts.map((p) => {
      if (p.platform === 'slack') return ['slack', slackFake.received(FAKE_SLACK.channelId).filter((m) => m.messageId === p.messageId).at(-1)?.text ?? ''];
      if (p.platform === 'discord') return ['discord', discordFake.messages(discordFake.state.generalChannelId).filter((m) => m.messageId === p.messageId).at(-1)?.text ?? ''];
      const card = teams.connector.activities(TEST_CHANNEL).filter((a) => a.id === p.messageId).at(-1);
      return ['teams', card ? cardText(card) : ''];
    });
  }
  const slackDms = () => slackFake.directMessages(FAKE_SLACK.otherUserId).map((m) => m.text);
  async function icsEvents(path: string) {
    const res = await fetch(`${calendarUrl}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    return new ICAL.Component(ICAL.parse(await res.text())).getAllSubcomponents('vevent').map((v) => ({ event: new ICAL.Event(v), status: v.getFirstPropertyValue('status') }));
  }

  it('moves a meet-up on every copy and tells everyone on their platform; cancelling does too; the .ics download follows', async () => {
    const meetup = await createOnSlack('Board evening | 2026-11-12 19:30 | 21:30 | Stadhuisplein 1, Utrecht --everywhere');
    const posts = await until(async () => {
      const p = await h.meetups.repo.listPosts(meetup.id);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'three posted copies');
    const byPlatform = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));
    await sender.blockAction({ actionId: 'meetup.rsvp', value: rsvpValue(meetup.id, 'going'), messageTs: byPlatform['slack']!, userId: FAKE_SLACK.otherUserId });
    discordFake.pressButton({ messageId: byPlatform['discord']!, customId: `meetup.rsvp|${rsvpValue(meetup.id, 'maybe')}`, user: discordFake.state.anna });
    expect((await teamsPress(byPlatform['teams']!, rsvpValue(meetup.id, 'going'))).status).toBe(200);
    await until(async () => (await h.meetups.repo.headcount(meetup.id)).maybe === 1 && (await h.meetups.repo.headcount(meetup.id)).confirmedMembers === 2, 'three answers');
    // The copy links the .ics download; before the change it has the first time (CET: UTC+1).
    await until(() => copies(posts).every(([, text]) => text.includes('2 going · 1 maybe')), 'the live count on every copy');
    const ics = new URL(h.meetups.icsUrl(meetup)).pathname;
    expect(copies(posts).find(([p]) => p === 'discord')![1]).toContain(ics);
    expect((await icsEvents(ics!)).map(({ event }) => [event.startDate.toJSDate().toISOString(), event.location, event.sequence])).toEqual([['2026-11-12T18:30:00.000Z', 'Stadhuisplein 1, Utrecht', meetup.version]]);

    // The manager moves it half an hour and to another room.
    expect(await slackCommand(`event change ${meetup.id.slice(0, 8)} --start="2026-11-12 20:00" --end=22:00 --place="Zaal 3, Stadskantoor"`)).toMatch(/3 (members are told|leden krijgen bericht)/);
    await until(() => copies(posts).every(([, text]) => text.includes('Zaal 3, Stadskantoor') && text.includes('20:00') && !text.includes('Stadhuisplein')), 'every copy moved');
    await until(() => slackDms().some((t) => t.includes('Board evening') && t.includes('has changed') && t.includes('Zaal 3')), 'the change DM on Slack');
    await until(() => discordDms().some((t) => t.includes('**Board evening** is gewijzigd') && t.includes('Zaal 3')), 'the change DM on Discord (in Dutch)');
    await until(() => teamsDms().some((t) => t.includes('Board evening') && t.includes('has changed') && t.includes('Zaal 3')), 'the change DM on Teams');
    expect((await icsEvents(ics!)).map(({ event }) => [event.startDate.toJSDate().toISOString(), event.endDate.toJSDate().toISOString(), event.location, event.sequence])).toEqual([
      // A higher SEQUENCE: calendar apps replace the entry.
      ['2026-11-12T19:00:00.000Z', '2026-11-12T21:00:00.000Z', 'Zaal 3, Stadskantoor', meetup.version + 1],
    ]);
    // The reminders moved with it.
    expect((await h.meetups.repo.listReminders(meetup.id)).map((r) => r.dueAt.toISOString())).toEqual(['2026-11-11T19:00:00.000Z', '2026-11-12T18:00:00.000Z']);

    // Cancelled: every copy says so without buttons, and the three are told.
    expect(await slackCommand(`event cancel ${meetup.id.slice(0, 8)}`)).toMatch(/3 (members are told|leden krijgen bericht)/);
    await until(() => copies(posts).every(([, text]) => text.includes('This meet-up is cancelled')), 'every copy cancelled');
    expect(slackFake.received(FAKE_SLACK.channelId).find((m) => m.messageId === byPlatform['slack'])!.actionIds).toEqual([]);
    await until(() => slackDms().some((t) => t.includes('Board evening') && t.includes('is cancelled')), 'the cancel DM on Slack');
    await until(() => discordDms().some((t) => t.includes('**Board evening**') && t.includes('gaat niet door')), 'the cancel DM on Discord');
    await until(() => teamsDms().some((t) => t.includes('Board evening') && t.includes('is cancelled')), 'the cancel DM on Teams');
    expect((await icsEvents(ics!)).map(({ status }) => status)).toEqual(['CANCELLED']);
    // Answers are refused now, and nothing changes.
    const late = await teamsPress(byPlatform['teams']!, rsvpValue(meetup.id, 'not_going'));
    expect(JSON.stringify(late.body)).toContain('This meet-up is cancelled.');
    expect(await h.meetups.repo.headcount(meetup.id)).toMatchObject({ confirmedMembers: 2, maybe: 1, notGoing: 0 });
  }, 90_000);

  it('gives the right UTC instants either side of the start of summer time, and a feed link that is unguessable and revocable', async () => {
    // Created in chat in wall-clock time: Saturday 27 March 2027 is still CET (UTC+1), Monday 29 March is CEST (UTC+2).
    const saturday = await createOnSlack('Spring evening | 2027-03-27 19:30 | 21:30 | Zaal 1');
    const monday = await createOnSlack('Summer-time evening | 2027-03-29 19:30 | 21:30 | Zaal 1');
    expect([saturday.startsAt.toISOString(), monday.startsAt.toISOString()]).toEqual(['2027-03-27T18:30:00.000Z', '2027-03-29T17:30:00.000Z']);
    for (const m of [saturday, monday]) await h.press(jan, 'meetup.rsvp', rsvpValue(m.id, 'going'));

    // The .ics download of each.
    for (const [m, start, end] of [
      [saturday, '2027-03-27T18:30:00.000Z', '2027-03-27T20:30:00.000Z'],
      [monday, '2027-03-29T17:30:00.000Z', '2027-03-29T19:30:00.000Z'],
    ] as const) {
      const [one] = await icsEvents(new URL(h.meetups.icsUrl(m)).pathname);
      expect([one!.event.summary, one!.event.startDate.toJSDate().toISOString(), one!.event.endDate.toJSDate().toISOString()]).toEqual([m.title, start, end]);
    }

    // The private feed: a new link replaces the old one, `stop` switches it off.
    const feedPath = (text: string) => /http:\/\/localhost:3000(\/meetups\/feed\/[0-9A-Za-z]{32}\.ics)/.exec(text)?.[1];
    const first = feedPath(replyText(await h.command(jan, 'event calendar')))!;
    const spring = (await icsEvents(first)).map(({ event }) => event).filter((e) => e.summary.includes('evening') && e.startDate.toJSDate().getFullYear() === 2027);
    expect(spring.map((e) => [e.summary, e.startDate.toJSDate().toISOString()])).toEqual([
      ['Spring evening', '2027-03-27T18:30:00.000Z'],
      ['Summer-time evening', '2027-03-29T17:30:00.000Z'],
    ]);
    const amsterdam = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit' });
    expect(spring.map((e) => amsterdam.format(e.startDate.toJSDate()))).toEqual(['19:30', '19:30']);

    const second = feedPath(replyText(await h.command(jan, 'event calendar')))!;
    expect(second).not.toBe(first);
    expect((await fetch(`${calendarUrl}${first}`)).status).toBe(404);
    expect((await fetch(`${calendarUrl}${second}`)).status).toBe(200);
    // Only the hash is stored: the token is nowhere in the database.
    const token = /feed\/(\w+)\.ics/.exec(second)![1]!;
    expect(JSON.stringify(await db.prisma.$queryRawUnsafe('SELECT * FROM meetup_calendar_feed'))).not.toContain(token);
    // A guessed link, and a well-formed but unknown one, are refused alike.
    expect((await fetch(`${calendarUrl}/meetups/feed/${'A'.repeat(32)}.ics`)).status).toBe(404);
    expect(replyText(await h.command(jan, 'event calendar stop'))).toContain('no longer works');
    expect((await fetch(`${calendarUrl}${second}`)).status).toBe(404);
  }, 60_000);
});
