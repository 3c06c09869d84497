import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { parseInboundEvent } from '../../src/chat/inbound.schema.js';
import type { HttpRoute } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler, RecordingLogger, waitFor } from '../fakes/slack/doubles.js';
import { SlackRequestSender, loadSlackFixture } from '../fakes/slack/slack-requests.js';

/**
 * Signed Slack requests whose bodies have shapes Slack would never send (wrong types, nulls where objects
 * belong, missing parts). The real Bolt app runs behind our route; each must be acknowledged (200), handed to
 * nobody, logged at debug, and never answered with a 500.
 */

const SIGNING_SECRET = 'malformed-signing-secret-4b2f9c1e';

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

const blockActions = () => loadSlackFixture('block-actions');
const viewSubmission = () => loadSlackFixture('view-submission');
const memberJoined = () => loadSlackFixture('event-member-joined-channel');
const messageEvent = () => loadSlackFixture('event-message');

/** Interactivity payloads (`payload=<json>`): each a real fixture with one part bent out of shape. */
const interactivity: [string, () => Record<string, unknown>][] = [
  ['block_actions with actions as a string', () => ({ ...blockActions(), actions: 'vote' })],
  ['block_actions with an empty actions list', () => ({ ...blockActions(), actions: [] })],
  ['block_actions with a null action', () => ({ ...blockActions(), actions: [null] })],
  ['block_actions with a numeric action_id', () => ({ ...blockActions(), actions: [{ action_id: 5, type: 'button' }] })],
  ['block_actions with channel null', () => ({ ...blockActions(), channel: null })],
  ['block_actions with user as a string', () => ({ ...blockActions(), user: 'U123' })],
  ['block_actions without user', () => ({ ...blockActions(), user: undefined })],
  ['block_actions with team as a string', () => ({ ...blockActions(), team: 'T1' })],
  ['block_actions with enterprise as a string', () => ({ ...blockActions(), enterprise: 'E1' })],
  ['block_actions with an event field', () => ({ ...blockActions(), event: 'x' })],
  ['view_submission with view as a string', () => ({ ...viewSubmission(), view: 'x' })],
  ['view_submission without view', () => ({ ...viewSubmission(), view: undefined })],
  ['view_submission with state values as a list', () => ({ ...viewSubmission(), view: { ...(viewSubmission().view as object), state: { values: [] } } })],
  ['view_submission with user null', () => ({ ...viewSubmission(), user: null })],
];

/** Events API bodies (JSON). */
const events: [string, () => Record<string, unknown>][] = [
  ['event as a string', () => ({ ...memberJoined(), event: 'member_joined_channel' })],
  ['event null', () => ({ ...memberJoined(), event: null })],
  ['event as a number', () => ({ ...memberJoined(), event: 7 })],
  ['event with item as a string', () => ({ ...memberJoined(), event: { type: 'reaction_added', user: 'U1', item: 'x', event_ts: '1.0' } })],
  ['event with channel null', () => ({ ...messageEvent(), event: { ...(messageEvent().event as object), channel: null } })],
  ['event with subteam as a string', () => ({ ...memberJoined(), event: { type: 'subteam_created', subteam: 'x' } })],
  ['event with user null', () => ({ ...memberJoined(), event: { ...(memberJoined().event as object), user: null } })],
  ['authorizations as a string', () => ({ ...memberJoined(), authorizations: 'x' })],
  ['authorizations with a null entry', () => ({ ...memberJoined(), authorizations: [null] })],
  ['team_id as a number', () => ({ ...memberJoined(), team_id: 42 })],
  ['event without type', () => ({ ...memberJoined(), event: { user: 'U1', channel: 'C1' } })],
  ['tokens_revoked with tokens as a string', () => ({ ...memberJoined(), event: { type: 'tokens_revoked', tokens: 'x' } })],
  ['app_uninstalled without team_id', () => ({ ...memberJoined(), team_id: undefined, event: { type: 'app_uninstalled' } })],
];

/** Slash-command form posts: every field is a string, but some carry keys Bolt reads as another kind. */
const commands: [string, Record<string, string>][] = [
  ['a command that also carries an event field', { event: 'x' }],
  ['a command without team_id', { team_id: '' }],
  ['a command without user_id', { user_id: '' }],
];

describe('Slack inbound with malformed but signed bodies (real Bolt)', () => {
  let fake: FakeSlackApi;
  let sut: SlackPlatform;
  let handler: RecordingInboundHandler;
  let logger: RecordingLogger;
  let server: Server;
  let slack: SlackRequestSender;

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
    handler = new RecordingInboundHandler(() => ({ visibility: 'private', view: { fallback: 'ok', blocks: [] } }));
    logger = new RecordingLogger();
    sut = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      handler,
      logger,
      processedEvents: new InMemoryProcessedEventRepository(),
    });
    await sut.start();
    const served = await serve(sut.routes);
    server = served.server;
    slack = new SlackRequestSender({ eventsUrl: `${served.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake });
  });

  afterEach(async () => {
    for (const event of handler.events) expect(parseInboundEvent(event)).toHaveProperty('event');
    await sut.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.stop();
  });

  /** No listener crash, no Bolt error, and the body was noted at debug level. */
  function expectIgnoredQuietly(): void {
    const loud = logger.lines.filter((l) => l.level === 'error' || l.level === 'warn');
    expect(loud.map((l) => `${l.level} ${l.msg}`)).toEqual([]);
    expect(logger.lines.some((l) => l.level === 'debug' && /unexpected shape/.test(l.msg))).toBe(true);
  }

  it.each(interactivity)('acks and ignores %s', async (_name, make) => {
    const body = new URLSearchParams({ payload: JSON.stringify({ ...make(), trigger_id: `t-${Math.random()}` }) }).toString();

    const res = await slack.send(body, 'application/x-www-form-urlencoded');

    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/error/i);
    expect(handler.events).toEqual([]);
    expectIgnoredQuietly();
  });

  it.each(events)('acks and ignores an event callback with %s', async (_name, make) => {
    const res = await slack.send(JSON.stringify({ ...make(), event_id: `Ev${Math.random().toString(36).slice(2)}` }), 'application/json');

    expect(res.status).toBe(200);
    expect(handler.events).toEqual([]);
    expectIgnoredQuietly();
  });

  it.each(commands)('acks and ignores %s', async (_name, fields) => {
    const res = await slack.slashCommand('whoami', fields);

    expect(res.status).toBe(200);
    expect(handler.events).toEqual([]);
    expectIgnoredQuietly();
  });

  it('still hands a well-formed command to the app after the malformed ones', async () => {
    await slack.send(new URLSearchParams({ payload: JSON.stringify({ ...blockActions(), channel: null }) }).toString(), 'application/x-www-form-urlencoded');

    const res = await slack.slashCommand('whoami');

    expect(res.status).toBe(200);
    await waitFor(() => fake.responsesTo(res.responseUrl)[0], 5000, 'reply on response_url');
    expect(handler.events).toMatchObject([{ type: 'command', path: ['whoami'] }]);
  });
});
