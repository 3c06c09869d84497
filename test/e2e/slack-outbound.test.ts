import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { View } from '../../src/kernel/ports/chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import {
  InMemoryProcessedEventRepository,
  InMemoryWorkspaceRepository,
  RecordingInboundHandler,
  RecordingLogger,
} from '../fakes/slack/doubles.js';

/**
 * Slack outbound beyond the shared contract: what exactly reaches Slack (metadata, DMs), that failures are
 * surfaced at once for the queue instead of being retried inside the client, and the fake's real limits.
 */

const view: View = { fallback: 'Nieuws', blocks: [{ type: 'heading', text: 'Nieuws' }, { type: 'text', text: 'De **ALV** is verplaatst' }] };
const channel = { workspaceId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId };

describe('Slack outbound (WebClient against the fake Slack)', () => {
  let fake: FakeSlackApi;
  let sut: SlackPlatform;
  let workspaces: InMemoryWorkspaceRepository;

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
    workspaces = new InMemoryWorkspaceRepository();
    sut = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: 'outbound-signing-secret',
      apiUrl: fake.apiUrl,
      handler: new RecordingInboundHandler(),
      logger: new RecordingLogger(),
      processedEvents: new InMemoryProcessedEventRepository(),
      organizationId: 'org-1',
      workspaces,
    });
    await sut.start();
  });

  afterEach(async () => {
    await sut.stop();
    await fake.stop();
  });

  it('connects the token’s workspace to the organisation on start', async () => {
    expect(await workspaces.findByExternalId('slack', FAKE_SLACK.teamId)).toMatchObject({ organizationId: 'org-1', name: FAKE_SLACK.teamName });
  });

  it('marks a post with its idempotency key in the message metadata', async () => {
    await sut.post(channel, view, { idempotencyKey: 'delivery-42' });

    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.token).toBe(FAKE_SLACK.botToken);
    expect(call.params.metadata).toEqual({ event_type: 'kring_post', event_payload: { key: 'delivery-42' } });
    expect(call.params.text).toBe('Nieuws');
    expect(fake.storedMessages(FAKE_SLACK.channelId)[0]!.metadata).toEqual({ event_type: 'kring_post', event_payload: { key: 'delivery-42' } });
  });

  it('opens the DM before sending a direct message', async () => {
    const ref = await sut.sendDirect({ workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }, view);

    expect(fake.calls.slice(-2).map((c) => c.method)).toEqual(['conversations.open', 'chat.postMessage']);
    expect(ref.channelId).toMatch(/^D/);
    expect(fake.directMessages(FAKE_SLACK.userId)[0]!.text).toContain('ALV');
  });

  it('reports NOT_FOUND for an unknown user and for updating a deleted message', async () => {
    await expect(sut.sendDirect({ workspaceId: FAKE_SLACK.teamId, userId: 'U0NOBODY01' }, view)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const ref = await sut.post(channel, view);
    await sut.delete(ref);
    await expect(sut.update(ref, view)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports PERMISSION_DENIED where the bot is not a member', async () => {
    fake.addChannel({ id: 'C0NOTJOIN1', teamId: FAKE_SLACK.teamId, name: 'random', botIsMember: false });
    await expect(sut.post({ ...channel, channelId: 'C0NOTJOIN1' }, view)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('does not retry a 5xx or wait out a 429 inside the client: the queue decides', async () => {
    fake.failNext({ type: 'http', status: 500 });
    await expect(sut.post(channel, view)).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);

    fake.failNext({ type: 'rate-limited', retryAfterSeconds: 30 });
    const started = Date.now();
    await expect(sut.post(channel, view)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it("meets the fake's real per-channel limit after a short burst", async () => {
    fake.enableRateLimits({ postMessagePerSecond: 1, postMessageBurst: 3 });

    const results = await Promise.allSettled([1, 2, 3, 4].map(() => sut.post(channel, view)));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(rejected.reason.retryAfterMs).toBeGreaterThanOrEqual(1000);
    // Another channel has its own budget.
    await expect(sut.post({ ...channel, channelId: FAKE_SLACK.privateChannelId }, view)).resolves.toMatchObject({ channelId: FAKE_SLACK.privateChannelId });
  });

  it('finds its own earlier post by idempotency key, and nothing for an unknown key', async () => {
    fake.addMessage(FAKE_SLACK.channelId, { user: FAKE_SLACK.userId, text: 'een lid schrijft iets' });
    const posted = await sut.post(channel, view, { idempotencyKey: 'delivery-7' });
    await sut.post(channel, view, { idempotencyKey: 'delivery-8' });
    fake.addMessage(FAKE_SLACK.channelId, { user: 'U0OTHERAPP', text: 'other app', metadata: { event_type: 'other_post', event_payload: { key: 'delivery-7' } } });

    await expect(sut.findPosted(channel, 'delivery-7')).resolves.toEqual(posted);
    await expect(sut.findPosted(channel, 'delivery-9')).resolves.toBeNull();
    const call = fake.callsTo('conversations.history')[0]!;
    expect(call.params).toMatchObject({ channel: FAKE_SLACK.channelId, include_all_metadata: 'true', limit: '200' });
  });

  it('does not find a post that was deleted since', async () => {
    const posted = await sut.post(channel, view, { idempotencyKey: 'delivery-10' });
    await sut.delete(posted);
    await expect(sut.findPosted(channel, 'delivery-10')).resolves.toBeNull();
  });

  it('passes the idempotency key of a direct message on as metadata', async () => {
    await sut.sendDirect({ workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }, view, { idempotencyKey: 'dm-1' });
    expect(fake.callsTo('chat.postMessage')[0]!.params.metadata).toEqual({ event_type: 'kring_post', event_payload: { key: 'dm-1' } });
  });

  it('reports a revoked token as PERMISSION_DENIED', async () => {
    fake.failNext({ type: 'error', error: 'token_revoked' });
    await expect(sut.post(channel, view)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
