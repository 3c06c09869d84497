import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { ProcessedEventRepository } from '../../src/kernel/ports/directory.js';
import type { HttpRoute, InboundEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler, RecordingLogger, waitFor } from '../fakes/slack/doubles.js';
import { SlackRequestSender, loadSlackFixture, signSlackRequest } from '../fakes/slack/slack-requests.js';

/**
 * Slack's acknowledgement comes first: nothing before the HTTP answer waits for the database. The replay
 * bookkeeping (processed events) is written after the ack and awaited before the press is acted on, so a
 * repeat is still caught — by this process's memory at once (401), or by the durable record when it
 * reaches another Kring process sharing the database.
 */

const SIGNING_SECRET = 'e2e-ack-first-signing-secret-1c9d';

/** Processed events in memory, whose writes wait until the test releases them (a slow database). */
class HeldProcessedEvents implements ProcessedEventRepository {
  private readonly inner: ProcessedEventRepository;
  private readonly held: (() => void)[] = [];
  holding = true;
  constructor(inner: ProcessedEventRepository = new InMemoryProcessedEventRepository()) {
    this.inner = inner;
  }
  async markProcessed(key: string): Promise<boolean> {
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    return this.inner.markProcessed(key);
  }
  prune(before: Date): Promise<number> {
    return this.inner.prune(before);
  }
  get waiting(): number {
    return this.held.length;
  }
  release(): void {
    this.holding = false;
    this.held.splice(0).forEach((resolve) => resolve());
  }
}

/** Processed events whose database is gone. */
class BrokenProcessedEvents implements ProcessedEventRepository {
  async markProcessed(): Promise<boolean> {
    throw new Error('connection refused (127.0.0.1:5432)');
  }
  async prune(): Promise<number> {
    return 0;
  }
}

const confirm = (event: InboundEvent): Reply | undefined =>
  event.type === 'action' ? { visibility: 'private', view: { fallback: 'Je stem: Ja', blocks: [{ type: 'text', text: 'Je stem: **Ja**' }] } } : undefined;

async function serve(routes: readonly HttpRoute[]): Promise<{ server: Server; eventsUrl: string }> {
  const app = express();
  for (const route of routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
}

/** One signed block_actions body, to be sent as often as a test likes (a replay carries the same bytes). */
function signedPress(fake: FakeSlackApi, userId: string = FAKE_SLACK.userId) {
  const payload = loadSlackFixture<Record<string, unknown> & { actions: Record<string, unknown>[]; user: Record<string, unknown> }>('block-actions');
  const responseUrl = fake.createResponseUrl({ teamId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, userId });
  payload.trigger_id = `${Date.now()}.4242.${Math.random().toString(16).slice(2)}`;
  payload.response_url = responseUrl;
  payload.user = { ...payload.user, id: userId };
  payload.actions = [{ ...payload.actions[0], action_id: 'poll.vote', value: 'poll:0' }];
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = Math.floor(Date.now() / 1000);
  return { body, responseUrl, options: { timestampSeconds: ts, signature: signSlackRequest(SIGNING_SECRET, ts, body) } };
}

describe('Slack acknowledges first, and still handles a delivery once', () => {
  let fake: FakeSlackApi;
  const platforms: SlackPlatform[] = [];
  const servers: Server[] = [];

  const start = async (processedEvents: ProcessedEventRepository, handler: RecordingInboundHandler, logger = new RecordingLogger()) => {
    const sut = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, handler, logger, processedEvents });
    await sut.start();
    platforms.push(sut);
    const { server, eventsUrl } = await serve(sut.routes);
    servers.push(server);
    return { sut, slack: new SlackRequestSender({ eventsUrl, signingSecret: SIGNING_SECRET, fake }), logger };
  };

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
  });

  afterEach(async () => {
    for (const p of platforms.splice(0)) await p.stop();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await fake.stop();
  });

  it('answers a button press while its delivery record is still being written, and acts on it only once written', async () => {
    const processed = new HeldProcessedEvents();
    const handler = new RecordingInboundHandler(confirm);
    const { slack } = await start(processed, handler);
    const press = signedPress(fake);

    const answer = await slack.send(press.body, 'application/x-www-form-urlencoded', press.options);
    expect(answer.status).toBe(200);
    // Acknowledged, the record is on its way, and nothing was handed to the app yet.
    expect(processed.waiting).toBe(1);
    expect(handler.events).toHaveLength(0);

    processed.release();
    await waitFor(() => fake.responsesTo(press.responseUrl)[0], 5000, 'the confirmation');
    expect(handler.events.map((e) => e.type)).toEqual(['action']);
  });

  it('turns away a repeat seen by this process with 401 (also as a Slack retry with X-Slack-Retry-Num) and handles the press once', async () => {
    const handler = new RecordingInboundHandler(confirm);
    const { slack } = await start(new InMemoryProcessedEventRepository(), handler);
    const press = signedPress(fake);

    const first = await slack.send(press.body, 'application/x-www-form-urlencoded', press.options);
    const retry = await slack.send(press.body, 'application/x-www-form-urlencoded', { ...press.options, retryNum: 1 });
    const again = await slack.send(press.body, 'application/x-www-form-urlencoded', press.options);

    expect([first.status, retry.status, again.status]).toEqual([200, 401, 401]);
    await waitFor(() => fake.responsesTo(press.responseUrl)[0], 5000, 'the confirmation');
    expect(handler.events).toHaveLength(1);
    expect(fake.responsesTo(press.responseUrl)).toHaveLength(1);
  });

  it('acknowledges a repeat that reaches a second Kring process, which drops it after the durable check', async () => {
    const shared = new InMemoryProcessedEventRepository();
    const handler = new RecordingInboundHandler(confirm);
    const one = await start(shared, handler);
    const two = await start(shared, handler);
    const press = signedPress(fake);

    const first = await one.slack.send(press.body, 'application/x-www-form-urlencoded', press.options);
    await waitFor(() => fake.responsesTo(press.responseUrl)[0], 5000, 'the confirmation');
    const elsewhere = await two.slack.send(press.body, 'application/x-www-form-urlencoded', { ...press.options, retryNum: 1 });

    expect([first.status, elsewhere.status]).toEqual([200, 200]);
    await waitFor(() => two.logger.lines.some((l) => /repeated delivery dropped/.test(l.msg ?? '')) || undefined, 5000, 'the drop logged');
    expect(handler.events).toHaveLength(1);
    expect(fake.responsesTo(press.responseUrl)).toHaveLength(1);
  });

  it('still acknowledges and handles presses when the delivery record cannot be written, and logs it', async () => {
    const handler = new RecordingInboundHandler(confirm);
    const { slack, logger } = await start(new BrokenProcessedEvents(), handler);
    const press = signedPress(fake);

    const answer = await slack.send(press.body, 'application/x-www-form-urlencoded', press.options);
    expect(answer.status).toBe(200);
    await waitFor(() => fake.responsesTo(press.responseUrl)[0], 5000, 'the confirmation');
    expect(handler.events).toHaveLength(1);
    expect(logger.lines.some((l) => l.level === 'error' && /could not record a delivery/.test(l.msg ?? ''))).toBe(true);
    // This process's memory still turns the same press away.
    expect((await slack.send(press.body, 'application/x-www-form-urlencoded', press.options)).status).toBe(401);
  });

  it('acknowledges a burst of presses while the database is slow, and handles every one once it answers', async () => {
    const processed = new HeldProcessedEvents();
    const handler = new RecordingInboundHandler(confirm);
    const { slack } = await start(processed, handler);
    const presses = Array.from({ length: 200 }, (_, i) => signedPress(fake, `U0BURST${i}`));

    const answers = await Promise.all(presses.map((p) => slack.send(p.body, 'application/x-www-form-urlencoded', p.options)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(handler.events).toHaveLength(0);

    processed.release();
    await waitFor(() => presses.every((p) => fake.responsesTo(p.responseUrl).length === 1) || undefined, 15_000, 'every confirmation');
    expect(handler.events).toHaveLength(200);
  });
});
