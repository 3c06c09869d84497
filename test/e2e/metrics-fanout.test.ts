import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, snowflake } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { FakeBotConnector } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, cardText, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { startKringHarness, type AccountRef, type KringHarness } from '../support/kring-harness.js';
import { parsePrometheusText, sampleSum, type Sample } from '../support/prometheus-text.js';

/**
 * Issue 18's acceptance point "`/metrics` is scraped in a test and shows the counters moving during a
 * fan-out": Kring as `npm start` boots it (PostgreSQL, BullMQ on Redis, the real Slack, Discord and Teams
 * adapters against their protocol fakes) with `KRING_METRICS_TOKEN` set. A manager posts news with
 * `/kring news post` on Slack; `/metrics` is scraped before and after, and the counters moved by exactly
 * what happened: one inbound command, one copy per channel sent per platform, one injected 429, the fan-out
 * jobs completed, the request to /slack/events timed under its route. And `/metrics` answers only to the token.
 */

const PER_PLATFORM = 12;
const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const SIGNING_SECRET = `metrics-${randomBytes(12).toString('hex')}`;
const TITLE = `Metrics ${randomBytes(4).toString('hex')}`;
const APP_PASSWORD = `metrics-${randomBytes(12).toString('hex')}`;
/** botbuilder caches outbound tokens per app id process-wide: a fresh one keeps this file's to itself. */
const APP_ID = randomUUID();
const BOT_ID = `28:${APP_ID}`;
const PLATFORMS = ['slack', 'discord', 'teams'] as const;

let slack: FakeSlackApi;
let discord: FakeDiscord;
let identity: FakeBotIdentity;
let connector: FakeBotConnector;
let h: KringHarness;
let sender: SlackRequestSender;
const manager: AccountRef = { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: `U0MGR${randomBytes(3).toString('hex').toUpperCase()}` };
const channels = { slack: [] as string[], discord: [] as string[], teams: [] as string[] };

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

/** Polls `check` until it gives a value (conditions, not sleeps: the machine may be busy). */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET /metrics with `Authorization: Bearer <token>`, or without the header (`null`). */
async function scrape(token: string | null = METRICS_TOKEN): Promise<Response> {
  return fetch(`${h.baseUrl}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
}

async function samples(): Promise<Sample[]> {
  const res = await scrape();
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

beforeAll(async () => {
  slack = await FakeSlackApi.start({ rateLimits: true });
  discord = await FakeDiscord.start({ limits: 'realistic' });
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts, enforceLimits: true }).start();
  const teamsEndpoints = identity.settings;
  h = await startKringHarness({
    queue: 'bullmq',
    env: {
      KRING_METRICS_TOKEN: METRICS_TOKEN,
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
  sender = new SlackRequestSender({ eventsUrl: `${h.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake: slack });
  await h.linkDirectly(h.members.manager, manager);
  const slackWs = await h.kring.directory.workspaces.upsert({ organizationId: h.organization.id, platform: 'slack', externalId: FAKE_SLACK.teamId });
  const discordWs = await h.kring.directory.workspaces.upsert({ organizationId: h.organization.id, platform: 'discord', externalId: discord.guildId });
  const teamsWs = await h.kring.directory.workspaces.upsert({ organizationId: h.organization.id, platform: 'teams', externalId: TEST_TENANT });
  for (let i = 0; i < PER_PLATFORM; i++) {
    const n = String(i).padStart(3, '0');
    const slackId = `C0MTR${n}`;
    slack.addChannel({ id: slackId, teamId: FAKE_SLACK.teamId, name: `nieuws-${n}` });
    await h.kring.directory.channels.upsert({ workspaceId: slackWs.id, externalId: slackId, name: `nieuws-${n}`, purpose: 'news' });
    channels.slack.push(slackId);
    const discordId = snowflake();
    discord.state.channels.set(discordId, { id: discordId, type: 0, name: `nieuws-${n}`, guild_id: discord.guildId });
    await h.kring.directory.channels.upsert({ workspaceId: discordWs.id, externalId: discordId, name: `nieuws-${n}`, purpose: 'news' });
    channels.discord.push(discordId);
    const teamsId = `19:metrics${n}${randomBytes(10).toString('hex')}@thread.tacv2`;
    await installInTeamsChannel(teamsId);
    await h.kring.directory.channels.upsert({ workspaceId: teamsWs.id, externalId: teamsId, name: `nieuws-${n}`, purpose: 'news' });
    channels.teams.push(teamsId);
  }
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await connector?.stop();
  await identity?.stop();
  await discord?.stop();
  await slack?.stop();
});

describe('/metrics during a news fan-out (Slack, Discord and Teams adapters, BullMQ, PostgreSQL)', () => {
  it('answers only to the metrics token: 401 without it or with another', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('kring_');
    expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts the inbound command, every delivery per platform, the 429 and the jobs of one fan-out', async () => {
    const before = await samples();
    // Node's process metrics and the pool gauge are there from the start.
    expect(sampleSum(before, 'kring_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleSum(before, 'kring_db_pool_connections', { state: 'max' })).toBe(5);

    slack.failNext({ type: 'rate-limited', retryAfterSeconds: 1 }, { times: 1, method: 'chat.postMessage' });
    const sent = await sender.slashCommand(`news post ${TITLE} | Kom naar de ledenvergadering.`, { user_id: manager.userId, channel_id: FAKE_SLACK.channelId });
    expect(sent.status).toBe(200);
    await until(() => slack.responsesTo(sent.responseUrl)[0], 'the reply to /kring news post', 30_000);

    // Done when every channel holds its copy and every delivery is recorded as sent.
    const delivered = async () => {
      const rows = await h.kring.database.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM delivery d JOIN announcement a ON a.id = d.announcement_id WHERE a.title = $1 AND d.status = 'sent'`,
        TITLE,
      );
      return Number(rows[0]?.n ?? 0) === PLATFORMS.length * PER_PLATFORM;
    };
    await until(async () => (await delivered()) || undefined, 'every delivery sent', 60_000);
    for (const id of channels.slack) expect(slack.received(id).filter((m) => m.text.includes(TITLE)), id).toHaveLength(1);
    for (const id of channels.discord) expect(discord.messages(id).filter((m) => m.text.includes(TITLE)), id).toHaveLength(1);
    for (const id of channels.teams) expect(connector.activities(id).filter((a) => cardText(a).includes(TITLE)), id).toHaveLength(1);

    // The jobs finish just after the delivery rows are recorded: wait for the counter, then compare all.
    const moved = (now: Sample[], name: string, labels: Record<string, string>) => sampleSum(now, name, labels) - sampleSum(before, name, labels);
    let after: Sample[] = [];
    await until(async () => {
      after = await samples();
      return PLATFORMS.every((platform) => moved(after, 'kring_jobs_completed_total', { queue: `fanout-${platform}` }) >= PER_PLATFORM) ? true : undefined;
    }, 'the fan-out jobs counted as completed', 30_000);

    expect(moved(after, 'kring_inbound_events_total', { platform: 'slack', kind: 'command' })).toBe(1);
    expect(moved(after, 'kring_chat_reply_seconds_count', { platform: 'slack', kind: 'command' })).toBe(1);
    expect(moved(after, 'kring_http_request_duration_seconds_count', { route: '/slack/events', method: 'POST', status: '2xx' })).toBe(1);
    for (const platform of PLATFORMS) {
      expect(moved(after, 'kring_news_deliveries_total', { platform, outcome: 'sent' }), platform).toBe(PER_PLATFORM);
      expect(moved(after, 'kring_news_deliveries_total', { platform, outcome: 'failed' }), platform).toBe(0);
      expect(moved(after, 'kring_platform_requests_total', { platform, operation: 'post', outcome: 'ok' }), platform).toBe(PER_PLATFORM);
      // One run per delivery completed; the run that met the 429 was deferred, not completed or failed.
      expect(moved(after, 'kring_jobs_completed_total', { queue: `fanout-${platform}` }), platform).toBe(PER_PLATFORM);
      expect(moved(after, 'kring_jobs_failed_total', { queue: `fanout-${platform}` }), platform).toBe(0);
      expect(moved(after, 'kring_platform_request_seconds_count', { platform, operation: 'post' }), platform).toBe(PER_PLATFORM + (platform === 'slack' ? 1 : 0));
      expect(moved(after, 'kring_job_wait_seconds_count', { queue: `fanout-${platform}` }), platform).toBe(PER_PLATFORM);
    }
    expect(moved(after, 'kring_platform_requests_total', { platform: 'slack', operation: 'post', outcome: 'RATE_LIMITED' })).toBe(1);
    expect(moved(after, 'kring_platform_requests_total', { platform: 'discord', outcome: 'RATE_LIMITED' })).toBe(0);
    expect(moved(after, 'kring_platform_requests_total', { platform: 'teams', outcome: 'RATE_LIMITED' })).toBe(0);
    expect(moved(after, 'kring_jobs_postponed_total', { queue: 'fanout-slack', reason: 'deferred' })).toBeGreaterThanOrEqual(1);
    // Queue depth is read from Redis on each scrape: the fan-out queues are there, and empty again.
    for (const platform of PLATFORMS) {
      expect(after.some((s) => s.name === 'kring_queue_jobs' && s.labels['queue'] === `fanout-${platform}` && s.labels['state'] === 'waiting'), platform).toBe(true);
      expect(sampleSum(after, 'kring_queue_jobs', { queue: `fanout-${platform}`, state: 'failed' }), platform).toBe(0);
    }
    expect(h.loggedErrors()).toEqual([]);
  }, 120_000);

  it('labels HTTP requests by route pattern, never by the URL they were sent to', async () => {
    const { secret } = await h.kring.parts['api-tokens'].tokens.create({ organizationId: h.organization.id, name: 'metrics', scopes: ['chapters:read'] });
    const before = await samples();
    const chapters = await fetch(`${h.baseUrl}/api/v1/orgs/${h.organization.slug}/chapters`, { headers: { authorization: `Bearer ${secret}` } });
    expect(chapters.status).toBe(200);
    expect((await fetch(`${h.baseUrl}/no-such-page-${randomBytes(4).toString('hex')}`)).status).toBe(404);
    // The web community (its platform counted like the others) still serves its page.
    expect((await fetch(`${h.baseUrl}/web/`)).status).toBe(200);
    const after = await samples();
    const moved = (labels: Record<string, string>) =>
      sampleSum(after, 'kring_http_request_duration_seconds_count', labels) - sampleSum(before, 'kring_http_request_duration_seconds_count', labels);
    expect(moved({ route: '/api/v1/orgs/:org/chapters', method: 'GET', status: '2xx' })).toBe(1);
    expect(moved({ route: '(unmatched)', method: 'GET', status: '4xx' })).toBe(1);
    const routes = new Set(after.filter((s) => s.name === 'kring_http_request_duration_seconds_count').map((s) => s.labels['route']));
    expect([...routes].filter((r) => r?.includes(h.organization.slug) || r?.includes('no-such-page'))).toEqual([]);
  });
});
