import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { parseInboundEvent } from '../../src/chat/inbound.schema.js';
import type { HttpRoute, InboundEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import {
  InMemoryProcessedEventRepository,
  RecordingInboundHandler,
  RecordingLogger,
  waitFor,
} from '../fakes/slack/doubles.js';
import { SlackRequestSender, loadSlackFixture, signSlackRequest } from '../fakes/slack/slack-requests.js';

/**
 * Slack inbound, end to end: real Bolt behind our routes on a real Express 5 server, signed requests as Slack
 * sends them, replies landing on the fake's response_url.
 */

const SIGNING_SECRET = 'e2e-signing-secret-8f14e45fceea167a';
const now = () => Math.floor(Date.now() / 1000);

/** Answers like the app would: a private text for commands, replacing the message for actions. */
function appLikeReply(event: InboundEvent): Reply | undefined {
  if (event.type === 'command') {
    if (event.path[0] === 'boom') throw new Error('database exploded at /srv/kring/secret/path.ts:12');
    return { visibility: 'private', view: { fallback: 'Code verstuurd', blocks: [{ type: 'text', text: 'Check je **mail** voor de code' }] } };
  }
  if (event.type === 'action') {
    return { visibility: 'private', replaceOriginal: true, view: { fallback: 'Gestemd', blocks: [{ type: 'text', text: 'Bedankt voor je stem' }] } };
  }
  if (event.type === 'member-joined') {
    return { visibility: 'private', view: { fallback: 'Welkom', blocks: [{ type: 'text', text: 'Welkom in het kanaal' }] } };
  }
  return undefined;
}

async function serve(routes: readonly HttpRoute[]): Promise<{ server: Server; baseUrl: string }> {
  const app = express();
  for (const route of routes) {
    if (route.method === 'GET') app.get(route.path, (req, res, next) => route.handle(req, res, next));
    else app.post(route.path, (req, res, next) => route.handle(req, res, next));
  }
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('Slack inbound (Bolt + Express 5 + fake Slack)', () => {
  let fake: FakeSlackApi;
  let sut: SlackPlatform;
  let handler: RecordingInboundHandler;
  let logger: RecordingLogger;
  let server: Server;
  let slack: SlackRequestSender;
  let eventsUrl: string;
  let clockOffsetMs: number;

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
    handler = new RecordingInboundHandler(appLikeReply);
    logger = new RecordingLogger();
    clockOffsetMs = 0;
    sut = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      handler,
      logger,
      processedEvents: new InMemoryProcessedEventRepository(),
      clock: { now: () => new Date(Date.now() + clockOffsetMs) },
    });
    await sut.start();
    const served = await serve(sut.routes);
    server = served.server;
    eventsUrl = `${served.baseUrl}/slack/events`;
    slack = new SlackRequestSender({ eventsUrl, signingSecret: SIGNING_SECRET, fake });
  });

  afterEach(async () => {
    // Whatever the adapter handed over must pass the app's own inbound check.
    for (const event of handler.events) expect(parseInboundEvent(event)).toHaveProperty('event');
    await sut.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.stop();
  });

  it('acks a slash command at once, hands the command to the app and sends its reply as ephemeral', async () => {
    const sent = await slack.slashCommand('link 12345');

    expect(sent.status).toBe(200);
    expect(sent.text).toBe('');
    const response = await waitFor(() => fake.responsesTo(sent.responseUrl)[0], 5000, 'reply on response_url');
    expect(response.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(response.body.blocks)).toContain('mail');
    expect(fake.ephemerals.some((e) => e.user === FAKE_SLACK.userId && JSON.stringify(e.blocks).includes('mail'))).toBe(true);
    expect(handler.events).toHaveLength(1);
    expect(handler.events[0]).toMatchObject({
      type: 'command',
      platform: 'slack',
      workspaceId: FAKE_SLACK.teamId,
      userId: FAKE_SLACK.userId,
      channelId: FAKE_SLACK.channelId,
      path: ['link'],
      args: ['12345'],
      eventId: sent.triggerId,
    });
    // Slack sends none with the command: the adapter asked users.info (see slack-locale.test.ts).
    expect(handler.events[0]!.locale).toBe('nl-NL');
  });

  it('turns a button press into an action and replaces the message it was on', async () => {
    const posted = await sut.post({ workspaceId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId }, {
      fallback: 'Stem',
      blocks: [{ type: 'buttons', buttons: [{ actionId: 'vote.yes', label: 'Ja', value: 'opt-1' }] }],
    });

    const sent = await slack.blockAction({ actionId: 'vote.yes', value: 'opt-1', messageTs: posted.messageId });

    expect(sent.status).toBe(200);
    await waitFor(() => fake.responsesTo(sent.responseUrl)[0], 5000, 'reply on response_url');
    expect(handler.events[0]).toMatchObject({
      type: 'action',
      actionId: 'vote.yes',
      value: 'opt-1',
      userId: FAKE_SLACK.userId,
      message: { platform: 'slack', workspaceId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, messageId: posted.messageId },
    });
    const [message] = fake.received(FAKE_SLACK.channelId);
    expect(message!.text).toContain('Bedankt voor je stem');
    expect(message!.actionIds).toEqual([]);
  });

  it('rejects a forged, a wrongly signed and an unsigned request with 401 without calling the app', async () => {
    const forged = await slack.slashCommand('whoami', {}, { signature: `v0=${'0'.repeat(64)}` });
    const otherSecret = await slack.slashCommand('whoami', {}, { signingSecret: 'not-the-secret' });
    const unsigned = await slack.slashCommand('whoami', {}, { signature: null });

    expect([forged.status, otherSecret.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(handler.events).toHaveLength(0);
    expect(logger.lines.filter((l) => l.msg === 'slack: request rejected').map((l) => l.obj.reason)).toEqual([
      'signature-mismatch',
      'signature-mismatch',
      'missing-headers',
    ]);
  });

  it('rejects a correctly signed request timestamped 6 minutes in the past or in the future', async () => {
    const past = await slack.slashCommand('whoami', {}, { timestampSeconds: now() - 6 * 60 });
    const future = await slack.slashCommand('whoami', {}, { timestampSeconds: now() + 6 * 60 });
    const withinWindow = await slack.slashCommand('whoami', {}, { timestampSeconds: now() - 4 * 60 });

    expect(past.status).toBe(401);
    expect(future.status).toBe(401);
    expect(withinWindow.status).toBe(200);
    await waitFor(() => handler.events.length === 1 || undefined);
    expect(logger.lines.filter((l) => l.obj.reason === 'stale-timestamp')).toHaveLength(2);
  });

  it('judges the timestamp by the injected clock', async () => {
    clockOffsetMs = -365 * 24 * 3600 * 1000;
    const signedNow = await slack.slashCommand('whoami');
    const signedThen = await slack.slashCommand('whoami', {}, { timestampSeconds: now() - 365 * 24 * 3600 });

    expect(signedNow.status).toBe(401);
    expect(signedThen.status).toBe(200);
  });

  it('answers 400 to a signed but malformed body', async () => {
    const badPayload = await slack.send('payload=%7Bnot-json', 'application/x-www-form-urlencoded');
    const badJson = await slack.send('{"type":"event_callback",', 'application/json');
    const notAnObject = await slack.send('[1,2,3]', 'application/json');
    const wrongType = await slack.send('hello', 'text/plain');

    expect([badPayload.status, badJson.status, notAnObject.status, wrongType.status]).toEqual([400, 400, 400, 400]);
    expect(handler.events).toHaveLength(0);
  });

  it("processes an event once when Slack retries it (same event_id, X-Slack-Retry-Num)", async () => {
    const first = await slack.event('event-message', { eventId: 'Ev0RETRY0001' });
    const retry = await slack.event('event-message', { eventId: 'Ev0RETRY0001', retryNum: 1 });
    const second = await slack.event('event-message', { eventId: 'Ev0RETRY0002' });

    expect([first.status, retry.status, second.status]).toEqual([200, 200, 200]);
    await waitFor(() => handler.events.length === 2 || undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.events.map((e) => e.eventId)).toEqual(['Ev0RETRY0001', 'Ev0RETRY0002']);
    expect(handler.events[0]).toMatchObject({ type: 'message-seen', channelId: FAKE_SLACK.channelId, length: 31, question: true });
    expect(JSON.stringify(handler.events)).not.toContain('wie komt er');
  });

  it('refuses a replayed slash command (same signed request twice) with 401', async () => {
    const fields = loadSlackFixture<Record<string, string>>('slash-command');
    const body = new URLSearchParams({ ...fields, text: 'whoami', response_url: fake.createResponseUrl() }).toString();
    const ts = now();
    const signature = signSlackRequest(SIGNING_SECRET, ts, body);

    const first = await slack.send(body, 'application/x-www-form-urlencoded', { timestampSeconds: ts, signature });
    const replay = await slack.send(body, 'application/x-www-form-urlencoded', { timestampSeconds: ts, signature });

    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    await waitFor(() => handler.events.length === 1 || undefined);
  });

  it('gives the member no stack trace when the app throws, logs it, and keeps serving', async () => {
    const boom = await slack.slashCommand('boom');

    expect(boom.status).toBe(200);
    expect(boom.text).toBe('');
    await waitFor(() => logger.lines.find((l) => l.level === 'error'), 5000, 'error log');
    expect(fake.responsesTo(boom.responseUrl)).toHaveLength(0);

    const after = await slack.slashCommand('whoami');
    expect(after.status).toBe(200);
    await waitFor(() => fake.responsesTo(after.responseUrl)[0], 5000, 'reply after the failure');
    const everythingTheMemberSaw = JSON.stringify([...fake.responses, ...fake.ephemerals]) + boom.text;
    expect(everythingTheMemberSaw).not.toContain('exploded');
    expect(everythingTheMemberSaw).not.toContain('/srv/kring');
  });

  it('passes member_joined_channel to the app and delivers its private reply as an ephemeral message', async () => {
    const sent = await slack.event('event-member-joined-channel');

    expect(sent.status).toBe(200);
    await waitFor(() => fake.callsTo('chat.postEphemeral')[0], 5000, 'chat.postEphemeral');
    expect(handler.events[0]).toMatchObject({ type: 'member-joined', userId: FAKE_SLACK.userId, channelId: FAKE_SLACK.channelId });
    expect(fake.ephemerals[0]).toMatchObject({ channel: FAKE_SLACK.channelId, user: FAKE_SLACK.userId, via: 'chat.postEphemeral' });
  });

  it('ignores messages from bots, edits, and the bot joining a channel itself', async () => {
    await slack.event('event-member-joined-channel', { event: { user: FAKE_SLACK.botUserId } });
    await slack.event('event-message-bot');
    await slack.event('event-message-changed');
    await slack.event('event-message-app-bot');
    await slack.event('event-member-left-channel');

    await waitFor(() => handler.events.find((e) => e.type === 'member-left'), 5000, 'member-left');
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.events.map((e) => e.type)).toEqual(['member-left']);
  });

  it("passes reaction_added to the app once per event_id, without the emoji, and ignores the bot's own reactions", async () => {
    await slack.event('event-reaction-added', { event: { user: FAKE_SLACK.botUserId } });
    await slack.event('event-reaction-added', { eventId: 'Ev0REACT0001' });
    await slack.event('event-reaction-added', { eventId: 'Ev0REACT0001', retryNum: 1 });

    await waitFor(() => handler.events.find((e) => e.type === 'reaction-added'), 5000, 'reaction-added');
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.events).toHaveLength(1);
    expect(handler.events[0]).toMatchObject({ type: 'reaction-added', eventId: 'Ev0REACT0001', userId: 'U0MEMBER02', messageAuthorId: 'U0MEMBER01', messageId: '1712345800.123456' });
    expect(JSON.stringify(handler.events)).not.toContain('tada');
  });

  it("answers Slack's URL verification and SSL check", async () => {
    const challenge = await slack.send(JSON.stringify(loadSlackFixture('url-verification')), 'application/json');
    const sslCheck = await slack.send('ssl_check=1&token=x', 'application/x-www-form-urlencoded');

    expect(challenge.status).toBe(200);
    expect(JSON.parse(challenge.text)).toEqual({ challenge: loadSlackFixture('url-verification').challenge });
    expect(sslCheck.status).toBe(200);
  });

  it('accepts a content type with a charset parameter', async () => {
    const fields = loadSlackFixture<Record<string, string>>('slash-command');
    const body = new URLSearchParams({ ...fields, text: 'help', trigger_id: 'charset.1', response_url: fake.createResponseUrl() }).toString();

    const res = await slack.send(body, 'application/x-www-form-urlencoded; charset=utf-8');

    expect(res.status).toBe(200);
    await waitFor(() => handler.events[0], 5000, 'command');
  });

  it('answers 503 after stop() so Slack retries later', async () => {
    await sut.stop();
    const res = await slack.event('event-message');
    expect(res.status).toBe(503);
  });

  it('never logs the signing secret or the bot token', async () => {
    await slack.slashCommand('whoami', {}, { signature: `v0=${'1'.repeat(64)}` });
    await slack.slashCommand('boom');
    await waitFor(() => logger.lines.find((l) => l.level === 'error'));
    expect(logger.dump()).not.toContain(SIGNING_SECRET);
    expect(logger.dump()).not.toContain(FAKE_SLACK.botToken);
  });
});
