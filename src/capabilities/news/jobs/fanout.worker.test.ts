import { kringTranslator } from '../../../capabilities.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNewsViews } from '../views.js';
import { DeliveryService } from '../domain/delivery.service.js';
import { ReportService } from '../domain/report.service.js';
import { busWith } from '../../../../test/support/bus.js';
import { NewsService } from '../domain/news.service.js';
import { systemClock } from '../../../kernel/clock.js';
import type { Platform } from '../../../kernel/types.js';
import { FakeChatPlatform } from '../../../../test/fakes/fake-chat-platform.js';
import { InMemoryNewsRepository } from '../../../../test/fakes/in-memory-news.repository.js';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import { silentLogger } from '../../../../test/support/logger.js';
import { AnnouncementWorker } from './announcement.worker.js';
import { unlimited } from '../../../kernel/platform-limits.js';
import { InMemoryPacer } from '../../../infra/queue/pacer.js';
import { FanoutDispatcher } from './fanout.dispatcher.js';
import { FanoutWorker } from './fanout.worker.js';
import { InProcessJobQueue } from '../../../infra/queue/in-process.job-queue.js';

/** The platforms this file fakes. */
type ChatPlatformName = Exclude<Platform, 'web'>;

describe(FanoutWorker.name, () => {
  let queue: InProcessJobQueue;
  let news: InMemoryNewsRepository;
  let service: NewsService;
  let sut: FanoutWorker;
  let fakes: Record<ChatPlatformName, FakeChatPlatform>;
  let orgId: string;
  let published: string[];

  beforeEach(async () => {
    const repos = createInMemoryRepositories();
    news = new InMemoryNewsRepository(repos);
    queue = new InProcessJobQueue(silentLogger, 5);
    const pacer = new InMemoryPacer();
    const limits = unlimited(8);
    const dispatcher = new FanoutDispatcher({ queue, pacer, limits, clock: systemClock, retry: { attempts: 4, backoffMs: 5 }, statusWindowMs: 50 });
    service = new NewsService({ news, channels: repos.channels, dispatcher, clock: systemClock });
    fakes = { discord: new FakeChatPlatform('discord'), slack: new FakeChatPlatform('slack'), teams: new FakeChatPlatform('teams') };
    // Reads `fakes` on every call, so a test can swap in a differently configured fake.
    const platforms = { get: (name: Platform) => (name === 'web' ? undefined : fakes[name]), all: () => Object.values(fakes) };
    const views = createNewsViews(kringTranslator());
    const inDoubtRetry = { firstMs: 5, maxMs: 20, giveUpAfterClaims: 8 };
    const deliveries = new DeliveryService({ news, dispatcher, platforms, pacer, limits, views, clock: systemClock, logger: silentLogger, inDoubtRetry });
    sut = new FanoutWorker({ queue, deliveries, limits });
    sut.start();
    published = [];
    const { bus } = busWith({ 'announcement.published': async ({ announcementId }) => void published.push(announcementId) });
    const reports = new ReportService({ service, news, platforms, views, bus, logger: silentLogger });
    new AnnouncementWorker({ queue, service, reports }).start();
    orgId = (await repos.organizations.ensure({ slug: 'v', name: 'Vereniging' })).id;
    for (const platform of ['discord', 'slack', 'teams'] as const) {
      const ws = await repos.workspaces.upsert({ organizationId: orgId, platform, externalId: `${platform}-ws` });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: `${platform}-news`, purpose: 'news' });
    }
  });
  afterEach(async () => {
    await sut.stop();
    await queue.close();
  });

  const publish = async () => (await service.create({ organizationId: orgId, title: 'Nieuws', body: 'Tekst' })).announcement.id;
  const settle = async (id: string) => {
    for (let i = 0; i < 1000; i++) {
      if ((await news.listDeliveries(id, 'queued')).length === 0 && (await news.listDeliveries(id)).length > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('not settled');
  };

  it('marks the announcement published once everything is delivered, and tells the listeners once', async () => {
    const id = await publish();
    await settle(id);
    for (let i = 0; i < 100 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 150));
    expect(published).toEqual([id]);
    expect((await news.get(id))!.status).toBe('published');
  });

  it('recognises a post whose answer was lost: Slack by its metadata, Discord by its nonce', async () => {
    fakes.slack.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    fakes.discord.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    const id = await publish();
    await settle(id);
    expect(fakes.slack.visibleIn('slack-news')).toHaveLength(1);
    expect(fakes.slack.callsOf('findPosted')).toHaveLength(1);
    expect(fakes.slack.callsOf('post')).toHaveLength(1);
    expect(fakes.discord.visibleIn('discord-news')).toHaveLength(1);
    expect(fakes.discord.callsOf('post')).toHaveLength(2);
    const sent = await news.listDeliveries(id, 'sent');
    expect(sent.map((d) => d.messageId).sort()).toEqual([...fakes.discord.messages.keys(), ...fakes.slack.messages.keys(), ...fakes.teams.messages.keys()].sort());
  });

  it('posts again on Teams when the answer was lost: it has no way to recognise the first copy', async () => {
    fakes.teams.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    const id = await publish();
    await settle(id);
    expect(fakes.teams.visibleIn('teams-news')).toHaveLength(2);
  });

  it('does not take a rate-limited attempt for one that may have posted', async () => {
    fakes.slack.failNext({ code: 'RATE_LIMITED', op: 'post', retryAfterMs: 20 });
    const id = await publish();
    await settle(id);
    expect(fakes.slack.callsOf('findPosted')).toHaveLength(0);
    expect(fakes.slack.visibleIn('slack-news')).toHaveLength(1);
  });

  it('keeps a delivery in doubt while its look-up fails, and finds the copy instead of failing it or posting again', async () => {
    fakes.slack.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    // 5xx and timeouts of conversations.history (the Slack adapter maps both to TRANSIENT), more of them
    // than the job has attempts: failed look-ups use none.
    for (let i = 0; i < 5; i++) fakes.slack.failNext({ code: 'TRANSIENT', op: 'findPosted' });
    const id = await publish();
    await settle(id);
    expect(fakes.slack.callsOf('findPosted').map((c) => c.outcome)).toEqual(['TRANSIENT', 'TRANSIENT', 'TRANSIENT', 'TRANSIENT', 'TRANSIENT', 'ok']);
    expect(fakes.slack.callsOf('post')).toHaveLength(1);
    expect(fakes.slack.visibleIn('slack-news')).toHaveLength(1);
    const slack = (await news.listDeliveries(id)).find((d) => d.platform === 'slack');
    expect(slack).toMatchObject({ status: 'sent', messageId: [...fakes.slack.messages.keys()][0] });
  });

  it('takes a rate-limited look-up for "not checked yet", not for "not posted"', async () => {
    fakes.slack.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    fakes.slack.failNext({ code: 'RATE_LIMITED', op: 'findPosted', retryAfterMs: 20 });
    const id = await publish();
    await settle(id);
    expect(fakes.slack.callsOf('findPosted').map((c) => c.outcome)).toEqual(['RATE_LIMITED', 'ok']);
    expect(fakes.slack.callsOf('post')).toHaveLength(1);
    expect(fakes.slack.visibleIn('slack-news')).toHaveLength(1);
    expect(await news.listDeliveries(id, 'sent')).toHaveLength(3);
  });

  it('reports a delivery failed only after looking for the copy its last attempt may have posted', async () => {
    for (let i = 0; i < 4; i++) fakes.slack.failNext({ code: 'TRANSIENT', op: 'post' });
    const id = await publish();
    await settle(id);
    const failed = await news.listDeliveries(id, 'failed');
    expect(failed.map((d) => d.failureReason)).toEqual([expect.stringMatching(/^TRANSIENT: .*the copy is not there\)$/)]);
    expect(fakes.slack.callsOf('post')).toHaveLength(4);
    // Attempts 2 to 4 looked first, and one more look after the last.
    expect(fakes.slack.callsOf('findPosted')).toHaveLength(4);
  });

  it('records the copy the last attempt posted although its answer was lost', async () => {
    for (let i = 0; i < 3; i++) fakes.slack.failNext({ code: 'TRANSIENT', op: 'post' });
    fakes.slack.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    const id = await publish();
    await settle(id);
    expect(await news.listDeliveries(id, 'failed')).toEqual([]);
    expect(fakes.slack.visibleIn('slack-news')).toHaveLength(1);
    expect((await news.listDeliveries(id)).find((d) => d.platform === 'slack')).toMatchObject({ status: 'sent', messageId: [...fakes.slack.messages.keys()][0] });
  });

  it('fails a delivery whose look-up is refused for good without posting again, saying the copy may be there', async () => {
    fakes.slack.failNext({ code: 'TRANSIENT', op: 'post', afterCommit: true });
    fakes.slack.failNext({ code: 'PERMISSION_DENIED', op: 'findPosted' });
    const id = await publish();
    await settle(id);
    const failed = await news.listDeliveries(id, 'failed');
    expect(failed.map((d) => d.failureReason)).toEqual([expect.stringMatching(/^IN_DOUBT: could not check .*it may be there$/)]);
    expect(fakes.slack.callsOf('post')).toHaveLength(1);
  });

  it('fails a delivery to a channel that is gone without retrying, and keeps the others', async () => {
    fakes.discord.removeChannel('discord-news');
    const id = await publish();
    await settle(id);
    const [failed] = await news.listDeliveries(id, 'failed');
    expect(failed).toMatchObject({ platform: 'discord', failureReason: expect.stringMatching(/^NOT_FOUND/) });
    expect(fakes.discord.callsOf('post')).toHaveLength(1);
    expect(await news.listDeliveries(id, 'sent')).toHaveLength(2);
  });

  it('gives up after the last attempt of a platform that keeps failing and records why', async () => {
    for (let i = 0; i < 4; i++) fakes.teams.failNext({ code: 'TRANSIENT', op: 'post' });
    const id = await publish();
    await settle(id);
    expect((await news.listDeliveries(id, 'failed')).map((d) => d.failureReason)).toEqual([expect.stringMatching(/^TRANSIENT/)]);
    expect(fakes.teams.callsOf('post')).toHaveLength(4);
  });

  it('deletes a copy it posted after the announcement was retracted', async () => {
    const slow = new FakeChatPlatform({ platform: 'slack', latencyMs: 80 });
    fakes.slack = slow;
    // Retract while the Slack post is on its way: the delivery row is retracted before the post returns.
    const id = await publish();
    for (let i = 0; i < 100 && slow.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await service.retract(orgId, id);
    for (let i = 0; i < 100 && slow.callsOf('delete').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(slow.visibleIn('slack-news')).toHaveLength(0);
    expect((await news.listDeliveries(id)).every((d) => d.status === 'retracted')).toBe(true);
  });
});
