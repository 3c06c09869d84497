import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/capabilities/news/domain/announcement.js';
import type { Platform } from '../../src/kernel/types.js';
import type { NewsParts } from '../../src/capabilities/news/index.js';
import { FakeDiscord, snowflake } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { FakeBotConnector } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, cardText, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';
import { until } from '../support/until.js';

/**
 * Issue 7: one announcement fanned out to every connected news channel on Slack, Discord and Teams at
 * once, through Kring as `npm start` boots it (startKring: PostgreSQL, BullMQ on real Redis, the real
 * Slack (WebClient), Discord (discord.js) and Teams (botbuilder) adapters against their protocol fakes),
 * with the production limits and retry policy. Each fake answers some calls with 429 (Retry-After: 1 s)
 * and some with 5xx. Every channel ends up with exactly one copy, every delivery `sent` with a message
 * id; retracting deletes every copy on every platform.
 *
 * The fakes enforce the platforms' published limits while posting (Slack 1 post/s per channel and 600 a
 * minute per workspace, Discord 50 requests per sliding second, Teams 7/s per conversation and 50/s per
 * tenant): the only 429s are the injected ones.
 */

/**
 * Channels per platform: 100 (300 in all, about 13 s on a 2-core machine). The issue's 1,000 channels:
 * `KRING_E2E_NEWS_CHANNELS_PER_PLATFORM=334` (about 32 s there).
 */
const PER_PLATFORM = Number(process.env['KRING_E2E_NEWS_CHANNELS_PER_PLATFORM'] ?? 100);
const APP_PASSWORD = `news-${randomUUID()}`;
/** botbuilder caches outbound tokens per app id process-wide: a fresh one keeps this file's to itself. */
const APP_ID = randomUUID();
const BOT_ID = `28:${APP_ID}`;
const SIGNING_SECRET = 'e2e-news-platforms-signing-secret-7c1d';
const TITLE = 'Ledenvergadering 12 december';

let slack: FakeSlackApi;
let discord: FakeDiscord;
let identity: FakeBotIdentity;
let connector: FakeBotConnector;
let h: KringHarness;
let news: NewsParts;
/** The chat apps this test drives through their fakes (the web community has its own test: test/e2e/web-community.test.ts). */
type ChatApp = Exclude<Platform, 'web'>;
const channels: Record<ChatApp, string[]> = { slack: [], discord: [], teams: [] };

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/** Kring is added to a Teams channel: the conversationUpdate (signed as the Bot Connector does) stores its reference. */
async function installInTeamsChannel(channelId: string): Promise<void> {
  connector.addConversation(channelId, { isGroup: true, tenantId: TEST_TENANT });
  const activity = teamsFixture('conversation-update-bot-added-team', connector.serviceUrl, BOT_ID);
  activity['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: channelId };
  const token = await identity.signChannelToken({ serviceUrl: connector.serviceUrl });
  const res = await fetch(`${h.baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(activity),
  });
  if (res.status !== 200) throw new Error(`installing Kring in ${channelId}: /api/messages answered ${res.status}`);
}

/** The announcement's copies per channel on each fake (deleted ones included, flagged). */
function copies(platform: ChatApp, channel: string): { id: string; deleted: boolean }[] {
  switch (platform) {
    case 'slack':
      return slack.received(channel).filter((m) => m.text.includes(TITLE)).map((m) => ({ id: m.messageId, deleted: m.deleted }));
    case 'discord':
      return discord.messages(channel).filter((m) => m.text.includes(TITLE)).map((m) => ({ id: m.messageId, deleted: m.deleted }));
    case 'teams':
      return connector.activities(channel).filter((a) => cardText(a).includes(TITLE)).map((a) => ({ id: a.id, deleted: a.deleted }));
  }
}

const PLATFORMS: ChatApp[] = ['slack', 'discord', 'teams'];

beforeAll(async () => {
  slack = await FakeSlackApi.start({ rateLimits: true });
  // Discord's limits on: 50 requests per sliding second, counted where they arrive. Kring counts each
  // request until its answer is back, so however bunched a busy machine makes the arrivals, none is over.
  discord = await FakeDiscord.start({ limits: 'realistic' });
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts, enforceLimits: true }).start();
  const teamsEndpoints = identity.settings;
  h = await startKringHarness({
    queue: 'bullmq',
    env: {
      KRING_WEB: 'false',
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_MEMBER_ROLE_ID: discord.state.memberRoleId,
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: APP_PASSWORD,
      MICROSOFT_APP_TENANT_ID: TEST_TENANT,
      TEAMS_OPENID_METADATA_URL: teamsEndpoints.openIdMetadataUrl,
      TEAMS_TOKEN_ISSUER: teamsEndpoints.tokenIssuer,
      TEAMS_LOGIN_URL: teamsEndpoints.loginUrl,
      TEAMS_OAUTH_SCOPE: teamsEndpoints.oauthScope,
      TEAMS_TOKEN_ENDPOINT: teamsEndpoints.tokenEndpoint,
    },
  });
  expect(h.kring.platforms.map((p) => p.platform).sort()).toEqual(['discord', 'slack', 'teams']);
  news = h.kring.parts.news;

  // The channels, as each platform knows them.
  for (let i = 0; i < PER_PLATFORM; i++) {
    const n = String(i).padStart(4, '0');
    const slackId = `C0NWS${n}`;
    slack.addChannel({ id: slackId, teamId: FAKE_SLACK.teamId, name: `nieuws-${n}` });
    channels.slack.push(slackId);
    const discordId = snowflake();
    discord.state.channels.set(discordId, { id: discordId, type: 0, name: `nieuws-${n}`, guild_id: discord.guildId });
    channels.discord.push(discordId);
    channels.teams.push(`19:news${n}${randomUUID().replaceAll('-', '').slice(0, 20)}@thread.tacv2`);
  }
  // Teams: Kring learns each channel's conversation reference by being added there.
  await inBatches(channels.teams, 10, installInTeamsChannel);
  const stored = await Promise.all(channels.teams.map((id) => h.kring.directory.conversationReferences.find('teams', TEST_TENANT, `channel:${id}`)));
  expect(stored.filter((r) => r === null)).toHaveLength(0);

  // Connected as news channels (Slack's workspace is recorded by the adapter on start).
  const workspaces = {
    slack: FAKE_SLACK.teamId,
    discord: discord.guildId,
    teams: TEST_TENANT,
  } satisfies Record<ChatApp, string>;
  for (const platform of PLATFORMS) {
    const ws = await h.kring.directory.workspaces.upsert({ organizationId: h.organization.id, platform, externalId: workspaces[platform] });
    await inBatches(channels[platform], 20, async (externalId) => {
      await h.kring.directory.channels.upsert({ workspaceId: ws.id, externalId, name: `nieuws-${externalId.slice(-6)}`, purpose: 'news' });
    });
  }
  const rows = await h.channelRows();
  expect(rows.filter((r) => r.purpose === 'news')).toHaveLength(3 * PER_PLATFORM);
  // Three SDKs start and connect channels: it hit 60 s at load 20.
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await connector?.stop();
  await identity?.stop();
  await discord?.stop();
  await slack?.stop();
});

describe(`news fan-out to ${3 * PER_PLATFORM} channels on Slack, Discord and Teams at once (real adapters, BullMQ)`, () => {
  let announcementId = '';
  let sent: Delivery[] = [];

  it('posts exactly one copy in every channel through injected 429s and 5xx, and reports the totals', async () => {
    // Failures for the next calls on each platform: a 429 with Retry-After: 1 s, and 5xx.
    slack.failNext({ type: 'rate-limited', retryAfterSeconds: 1 }, { times: 2, method: 'chat.postMessage' });
    slack.failNext({ type: 'http', status: 503 }, { times: 3, method: 'chat.postMessage' });
    discord.failNext('rate-limited', 2);
    discord.failNext('server-error', 3);
    connector.failNext('rate-limited', 2, 1);
    connector.failNext('server-error', 3);

    const created = await news.service.create({ organizationId: h.organization.id, title: TITLE, body: 'Kom allemaal naar de **ledenvergadering** in Utrecht.' });
    expect(created.targets).toBe(3 * PER_PLATFORM);
    announcementId = created.announcement.id;

    // Done when nothing is queued any more and the status job moved the announcement to `published`.
    await until(async () => {
      const a = await news.repo.get(announcementId);
      return a?.status === 'published' && (await news.repo.listDeliveries(announcementId, 'queued')).length === 0;
    }, 'the announcement to be published', 45_000);

    const deliveries = await news.repo.listDeliveries(announcementId);
    expect(deliveries).toHaveLength(3 * PER_PLATFORM);
    expect(deliveries.filter((d) => d.status !== 'sent').map((d) => ({ platform: d.platform, status: d.status, reason: d.failureReason }))).toEqual([]);
    expect(deliveries.filter((d) => !d.messageId)).toEqual([]);
    sent = deliveries;

    // Every channel on every platform holds exactly one copy, the one its delivery row names.
    for (const platform of PLATFORMS) {
      const byChannel = new Map(deliveries.filter((d) => d.platform === platform).map((d) => [d.channelExternalId, d]));
      expect(byChannel.size, platform).toBe(PER_PLATFORM);
      for (const channel of channels[platform]) {
        const found = copies(platform, channel);
        expect(found, `${platform} ${channel}`).toHaveLength(1);
        expect(found[0], `${platform} ${channel}`).toEqual({ id: byChannel.get(channel)?.messageId, deleted: false });
      }
    }

    // The failures were injected, answered, and survived; no 429 of Kring's own making.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(2);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.status >= 500)).toHaveLength(3);
    expect(discord.rest.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(discord.rest.requests.filter((r) => r.status >= 500)).toHaveLength(3);
    expect(connector.calls.filter((c) => c.status === 429)).toHaveLength(2);
    expect(connector.calls.filter((c) => c.status >= 500)).toHaveLength(3);

    // The delivery report, as `/kring news status` shows it.
    const report = await news.service.report(h.organization.id, announcementId.slice(0, 8));
    expect(report.announcement.status).toBe('published');
    expect(report.totals).toMatchObject({ total: 3 * PER_PLATFORM, sent: 3 * PER_PLATFORM, failed: 0, queued: 0 });
    expect(report.byPlatform.map((p) => [p.platform, p.tally.sent, p.tally.failed, p.tally.queued])).toEqual([
      ['discord', PER_PLATFORM, 0, 0],
      ['slack', PER_PLATFORM, 0, 0],
      ['teams', PER_PLATFORM, 0, 0],
    ]);
    expect(report.failures).toEqual([]);
    expect(report.pending).toEqual([]);
  }, 60_000);

  it('retracts it: every copy is deleted on every platform and every row is retracted', async () => {
    expect(sent).toHaveLength(3 * PER_PLATFORM);
    // Slack's chat.delete is Tier 3, 50 a minute per workspace (the fake enforces it): Kring paces its
    // deletes there, so 100 copies take a minute by Slack's own rules, without a 429 of Kring's making. (A
    // failed try takes a slot too: two of them would push the last copies into a third minute, so Slack's
    // deletes go without injected failures here; test/integration/news-fanout.test.ts has those.)
    // Deleting meets failures on the other platforms: a 429 and a 5xx each.
    discord.failNext('rate-limited', 1);
    discord.failNext('server-error', 1);
    connector.failNext('rate-limited', 1, 1);
    connector.failNext('server-error', 1);

    const retracted = await news.service.retract(h.organization.id, announcementId.slice(0, 8));
    expect(retracted.copies).toBe(3 * PER_PLATFORM);

    // Done when every copy is gone from the fakes and every row is `retracted` (the worker records it
    // after the platform answered the delete, so the fakes see the delete first).
    const live = () => PLATFORMS.flatMap((platform) => channels[platform].flatMap((channel) => copies(platform, channel).filter((c) => !c.deleted)));
    const notRetracted = async () => (await news.repo.listDeliveries(announcementId)).filter((d) => d.status !== 'retracted');
    await until(async () => live().length === 0 && (await notRetracted()).length === 0, 'every copy deleted and every row retracted', 120_000).catch(async (err: unknown) => {
      const left = PLATFORMS.map((platform) => [platform, channels[platform].filter((channel) => copies(platform, channel).some((c) => !c.deleted)).length]);
      const rows = (await notRetracted()).map((d) => `${d.platform}: ${d.status} ${d.failureReason ?? ''}`);
      throw new Error(`${String(err)}; copies left per platform: ${JSON.stringify(left)}; rows not retracted: ${JSON.stringify(rows.slice(0, 10))}`);
    });
    for (const platform of PLATFORMS) {
      for (const channel of channels[platform]) expect(copies(platform, channel), `${platform} ${channel}`).toEqual([expect.objectContaining({ deleted: true })]);
    }

    const rows = await news.repo.listDeliveries(announcementId);
    expect(rows.filter((d) => d.status !== 'retracted')).toEqual([]);
    const report = await news.service.report(h.organization.id, announcementId.slice(0, 8));
    expect(report.announcement.status).toBe('retracted');
    expect(report.totals).toMatchObject({ total: 3 * PER_PLATFORM, retracted: 3 * PER_PLATFORM, sent: 0, failed: 0, queued: 0 });
    expect(slack.callsTo('chat.delete').filter((c) => c.enforced)).toEqual([]);
    expect(h.loggedErrors()).toEqual([]);
  }, 150_000);
});
