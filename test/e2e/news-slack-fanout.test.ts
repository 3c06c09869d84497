import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { Database } from '../../src/infra/database/database.js';
import { PLATFORM_LIMITS } from '../../src/kernel/platform-limits.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler } from '../fakes/slack/doubles.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { createNewsHarness, createTestBullQueue, type NewsHarness } from '../integration/news-harness.js';

/**
 * The news fan-out through the real Slack adapter (WebClient) against the protocol fake of Slack's Web
 * API with its rate limits on (about 1 post/s per channel, short bursts), on PostgreSQL + BullMQ, with the
 * production limits: several announcements to the same channels arrive once each, marked with their
 * delivery id, through injected 429s and 5xx; a post Slack stored whose answer was lost is found by its
 * metadata, also when the look-up itself fails at first.
 */
let db: Database;
let fake: FakeSlackApi;
let slack: SlackPlatform;
let h: NewsHarness;
let closeQueue: () => Promise<void>;
let cleanup: () => Promise<void>;
const CHANNELS = 30;
/** Three announcements a second apart per channel, through retries: 11 s on a quiet machine, over 60 s at load 20. */
const BUSY_MACHINE_TIMEOUT_MS = 180_000;

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  fake = await FakeSlackApi.start({ rateLimits: true });
  const q = createTestBullQueue();
  closeQueue = () => q.queue.close();
  cleanup = q.cleanup;
  // The harness is created first for its organisation; Slack's platform joins the registry afterwards.
  const platforms: SlackPlatform[] = [];
  h = await createNewsHarness({ database: db, queue: q.queue, platforms, news: { limits: PLATFORM_LIMITS, retry: { attempts: 8, backoffMs: 100 }, inDoubtRetry: { firstMs: 100, maxMs: 400, giveUpAfterClaims: 20 }, statusWindowMs: 200 } });
  slack = createSlackPlatform({
    botToken: FAKE_SLACK.botToken,
    signingSecret: 'news-e2e-signing-secret',
    apiUrl: fake.apiUrl,
    handler: new RecordingInboundHandler(),
    logger: silentLogger,
    processedEvents: new InMemoryProcessedEventRepository(),
    organizationId: h.organization.id,
    workspaces: h.repos.workspaces,
  });
  platforms.push(slack);
  await slack.start();
  const ws = (await h.repos.workspaces.findByExternalId('slack', FAKE_SLACK.teamId))!;
  for (let i = 0; i < CHANNELS; i++) {
    const id = `C0NEWS${String(i).padStart(4, '0')}`;
    fake.addChannel({ id, teamId: FAKE_SLACK.teamId, name: `nieuws-${i}` });
    await h.repos.channels.upsert({ workspaceId: ws.id, externalId: id, name: `nieuws-${i}`, purpose: 'news' });
  }
});
afterAll(async () => {
  await h?.stop();
  await slack?.stop();
  await closeQueue?.();
  await fake?.stop();
  await cleanup?.();
  await db?.close();
});

describe('news fan-out through the Slack adapter', () => {
  it('posts each announcement once per channel, paced to Slack’s per-channel limit, through 429s and 5xx', async () => {
    fake.failNext({ type: 'rate-limited', retryAfterSeconds: 1 }, { times: 2, method: 'chat.postMessage' });
    fake.failNext({ type: 'http', status: 503 }, { times: 3, method: 'chat.postMessage' });
    const ids: string[] = [];
    for (const title of ['Ledenvergadering', 'Borrel', 'Vacature']) {
      ids.push((await h.news.service.create({ organizationId: h.organization.id, title, body: `Over de **${title.toLowerCase()}**.` })).announcement.id);
    }
    for (const id of ids) await h.settled(id, 150_000);

    const deliveries = (await Promise.all(ids.map((id) => h.news.repo.listDeliveries(id)))).flat();
    expect(deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
    for (let i = 0; i < CHANNELS; i++) {
      const stored = fake.storedMessages(`C0NEWS${String(i).padStart(4, '0')}`);
      // One copy per announcement, each carrying its delivery id in the metadata.
      const keys = stored.map((m) => (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key);
      expect(new Set(keys).size).toBe(3);
      expect(stored).toHaveLength(3);
    }
    // Kring's pacing kept within the fake's limits: the only 429s are the injected ones.
    const limited = fake.callsTo('chat.postMessage').filter((c) => c.status === 429);
    expect(limited.length).toBeLessThanOrEqual(2);
  }, BUSY_MACHINE_TIMEOUT_MS);

  it('keeps a delivery whose look-up fails in doubt, and records the copy Slack stored instead of failing or posting it again', async () => {
    const title = 'Vrijwilligers gezocht';
    // The post is stored but its answer is lost (503); the first two conversations.history look-ups fail too.
    fake.failNext({ type: 'lost' }, { method: 'chat.postMessage' });
    fake.failNext({ type: 'http', status: 503 }, { times: 2, method: 'conversations.history' });
    const { announcement } = await h.news.service.create({ organizationId: h.organization.id, title, body: 'Meld je aan.' });
    await h.settled(announcement.id, 60_000);

    const deliveries = await h.news.repo.listDeliveries(announcement.id);
    expect(deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
    const lost = fake.callsTo('chat.postMessage').find((c) => c.lost)!;
    expect(lost).toBeDefined();
    const channel = String(lost.params['channel']);
    const copies = fake.storedMessages(channel).filter((m) => m.text.includes(title) || JSON.stringify(m.blocks).includes(title));
    expect(copies).toHaveLength(1);
    expect(deliveries.find((d) => d.targetExternalId === channel)?.messageId).toBe(copies[0]!.ts);
    // Looked up three times (two 503s, then found), never posted again. (Only this channel's look-ups: another
    // test's deliveries still in doubt would add theirs.)
    expect(fake.callsTo('conversations.history').filter((c) => c.params['channel'] === channel && c.at >= lost.at).map((c) => c.status)).toEqual([503, 503, 200]);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel && c.at >= lost.at)).toHaveLength(1);
  });
});
