import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { InboundEvent } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler, RecordingLogger, waitFor } from '../fakes/slack/doubles.js';
import { SlackRequestSender, loadSlackFixture } from '../fakes/slack/slack-requests.js';

/**
 * Slack sends no locale with commands, button presses or forms: the adapter asks users.info (include_locale)
 * once per person, keeps it, forgets it on user_change, and hands the router events with `locale` set, as
 * Discord and Teams do. Real Bolt behind our route, the fake's users.info.
 */
const SIGNING_SECRET = 'locale-signing-secret-3e9a1b77';

describe('Slack user locales (Bolt + fake Slack users.info)', () => {
  let fake: FakeSlackApi;
  let sut: SlackPlatform;
  let handler: RecordingInboundHandler;
  let server: Server;
  let slack: SlackRequestSender;

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
    handler = new RecordingInboundHandler((event) => (event.type === 'member-joined' ? undefined : { visibility: 'private', view: { fallback: 'ok', blocks: [] } }));
    sut = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      handler,
      logger: new RecordingLogger(),
      processedEvents: new InMemoryProcessedEventRepository(),
    });
    await sut.start();
    const app = express();
    for (const route of sut.routes) app.post(route.path, (req, res, next) => route.handle(req, res, next));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    slack = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake });
  });

  afterEach(async () => {
    await sut.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.stop();
  });

  /** Sends `/kring <text>` as `userId` and waits for the event the app received. */
  async function command(text: string, userId: string): Promise<InboundEvent> {
    const before = handler.events.length;
    const sent = await slack.slashCommand(text, { user_id: userId });
    expect(sent.status).toBe(200);
    return waitFor(() => handler.events[before], 5000, `event for /kring ${text}`);
  }

  const lookups = (userId: string) => fake.callsTo('users.info').filter((c) => c.params['user'] === userId);

  it('sets each person’s Slack locale on their commands and button presses, asking Slack once', async () => {
    const anna = await command('whoami', FAKE_SLACK.userId);
    const john = await command('whoami', FAKE_SLACK.otherUserId);
    const again = await command('help', FAKE_SLACK.userId);
    const pressed = await slack.blockAction({ actionId: 'poll.vote', value: 'opt-1', userId: FAKE_SLACK.userId });
    const press = await waitFor(() => handler.events.find((e) => e.type === 'action'), 5000, 'the button press');

    expect(pressed.status).toBe(200);
    expect([anna.locale, john.locale, again.locale, press.locale]).toEqual(['nl-NL', 'en-GB', 'nl-NL', 'nl-NL']);
    expect(lookups(FAKE_SLACK.userId)).toHaveLength(1);
    expect(lookups(FAKE_SLACK.otherUserId)).toHaveLength(1);
    expect(String(fake.callsTo('users.info')[0]!.params['include_locale'])).toBe('true');
  });

  it('asks again after a user_change event', async () => {
    await command('whoami', FAKE_SLACK.userId);
    const change = loadSlackFixture('event-team-join');
    change.event = { type: 'user_change', user: { id: FAKE_SLACK.userId, team_id: FAKE_SLACK.teamId, name: 'anna.devries' }, event_ts: '1712345700.000100' };
    fake.addUser({ id: FAKE_SLACK.userId, teamId: FAKE_SLACK.teamId, name: 'anna.devries', realName: 'Anna de Vries', locale: 'en-US' });

    const sent = await slack.send(JSON.stringify({ ...change, event_id: 'Ev0USERCHANGE1' }), 'application/json');
    const after = await command('whoami', FAKE_SLACK.userId);

    expect(sent.status).toBe(200);
    expect(after.locale).toBe('en-US');
    expect(lookups(FAKE_SLACK.userId)).toHaveLength(2);
  });

  it('goes on without a locale when Slack cannot tell, and does not ask again at once', async () => {
    fake.failNext({ type: 'rate-limited', retryAfterSeconds: 30 }, { method: 'users.info' });

    const first = await command('whoami', FAKE_SLACK.userId);
    const second = await command('whoami', FAKE_SLACK.userId);

    expect(first.locale).toBeUndefined();
    expect(second.locale).toBeUndefined();
    expect(lookups(FAKE_SLACK.userId)).toHaveLength(1);
  });

  it('asks nothing for messages (only answered events carry a locale)', async () => {
    await slack.event('event-message');
    await waitFor(() => handler.events.find((e) => e.type === 'message-seen'), 5000, 'the message');

    expect(fake.callsTo('users.info')).toEqual([]);
  });
});
