import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { privateText } from '../../src/chat/views.js';
import type { InboundEvent, MessageReportedEvent } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { loadSlackFixture, SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { TEST_TENANT, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';
import { InMemoryProcessedEventRepository } from '../fakes/slack/doubles.js';
import { silentLogger } from '../support/logger.js';

/**
 * Reporting a message on Slack (message shortcut) and Teams (message action), through the real Bolt and
 * botbuilder adapters and their protocol fakes: each arrives as one `message-reported` event with the
 * message's text as delivered, the author and a link, and the reporter's confirmation goes back the way
 * the platform expects it (Slack: the shortcut's response_url, ephemeral; Teams: the invoke's task message).
 */
const SIGNING_SECRET = 'e2e-report-signing-secret';

describe('reporting a message on Slack and Teams', () => {
  const seen: InboundEvent[] = [];
  const handler = {
    handle: async (event: InboundEvent) => {
      seen.push(event);
      return event.type === 'message-reported' ? privateText('Thank you: case 7') : undefined;
    },
  };
  let fake: FakeSlackApi;
  let slack: SlackPlatform;
  let server: Server;
  let sender: SlackRequestSender;
  let teams: TeamsTestBed;

  beforeAll(async () => {
    fake = await FakeSlackApi.start();
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, handler, logger: silentLogger, processedEvents: new InMemoryProcessedEventRepository() });
    await slack.start();
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake });
    teams = new TeamsTestBed({ handler });
    await teams.start();
  }, 60_000);

  afterAll(async () => {
    await slack?.stop();
    await teams?.stop();
    await fake?.stop();
    if (server) await new Promise((r) => server.close(r));
  });

  it('turns the Slack message shortcut into a report and answers the reporter privately', async () => {
    const payload = loadSlackFixture<Record<string, unknown>>('message-action');
    const responseUrl = fake.createResponseUrl({ teamId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, userId: FAKE_SLACK.otherUserId });
    payload['response_url'] = responseUrl;
    const res = await sender.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const deadline = Date.now() + 15_000;
    while (fake.responsesTo(responseUrl).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const event = seen.find((e): e is MessageReportedEvent => e.type === 'message-reported' && e.platform === 'slack');
    expect(event).toMatchObject({
      workspaceId: FAKE_SLACK.teamId,
      userId: FAKE_SLACK.otherUserId,
      channelId: FAKE_SLACK.channelId,
      message: { platform: 'slack', workspaceId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, messageId: '1741685900.000100' },
      authorId: FAKE_SLACK.userId,
      text: 'Jullie zijn allemaal <dom>, @U0MEMBER02',
      link: `https://kring-test.slack.com/archives/${FAKE_SLACK.channelId}/p1741685900000100`,
    });
    // The message's text travels in the event, never in `raw` (which is logged when debugging).
    expect(JSON.stringify(event!.raw)).not.toContain('dom');
    const answer = fake.responsesTo(responseUrl)[0]!;
    expect(JSON.stringify(answer.body)).toContain('Thank you: case 7');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('turns the Teams message action into a report with the note, and answers in the dialog', async () => {
    const res = await teams.send(teams.fixture('invoke-report-message'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ task: { type: 'message', value: 'Thank you: case 7' } });
    const event = seen.find((e): e is MessageReportedEvent => e.type === 'message-reported' && e.platform === 'teams');
    expect(event).toMatchObject({
      workspaceId: TEST_TENANT,
      message: { platform: 'teams', workspaceId: TEST_TENANT, channelId: '19:d8f4a1c2b3e54f6a9b0c1d2e3f4a5b6c@thread.tacv2', messageId: '1741685900001' },
      authorId: '0d2c4b6a-8e1f-4a3c-9b5d-7e6f8a9b0c1d',
      text: 'Jullie zijn allemaal dom',
      note: 'Dit is al de derde keer',
    });
    expect(event!.link).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\//);
  });

  it('answers a Teams report of an unexpected shape with 400, without calling Kring', async () => {
    const before = seen.length;
    const broken = teams.fixture('invoke-report-message');
    (broken['value'] as Record<string, unknown>)['messagePayload'] = { body: 'not an object' };
    const res = await teams.send(broken);
    expect(res.status).toBe(400);
    expect(seen.length).toBe(before);
  });
});
