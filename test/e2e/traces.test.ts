import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, snowflake } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { FakeBotConnector } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { startKringHarness, type AccountRef, type KringHarness } from '../support/kring-harness.js';

/**
 * Issue 18's traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, one trace runs from an inbound command through
 * the jobs it enqueued (across Redis: BullMQ) to every platform call. Kring boots as `npm start` does with the
 * real Slack, Discord and Teams adapters against their fakes, and exports to a tiny OTLP/HTTP receiver in this
 * test (JSON, as @opentelemetry/exporter-trace-otlp-http sends it). `/kring news post` on Slack fans out to
 * three channels per platform; every span of it shares the command's trace id, each platform call's
 * parent chain leads through a fan-out job's span to the command's span (itself under the Slack request's
 * HTTP server span), and the HTTP request behind each call is its child (undici for discord.js, node:http
 * for Slack's and Teams' SDKs); the exporter's own requests are not traced.
 */

const PER_PLATFORM = 3;
const SIGNING_SECRET = `traces-${randomBytes(12).toString('hex')}`;
const TITLE = `Traces ${randomBytes(4).toString('hex')}`;
const APP_PASSWORD = `traces-${randomBytes(12).toString('hex')}`;
/** botbuilder caches outbound tokens per app id process-wide: a fresh one keeps this file's to itself. */
const APP_ID = randomUUID();
const BOT_ID = `28:${APP_ID}`;
const PLATFORMS = ['slack', 'discord', 'teams'] as const;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  /** String attributes (url.full, http.url, server.address, ...). */
  attributes: Record<string, string>;
}

/** OTLP span kinds (opentelemetry-proto trace.proto). */
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

let receiver: Server;
const spans: ReceivedSpan[] = [];
let slack: FakeSlackApi;
let discord: FakeDiscord;
let identity: FakeBotIdentity;
let connector: FakeBotConnector;
let h: KringHarness;
let sender: SlackRequestSender;
const manager: AccountRef = { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: `U0TRC${randomBytes(3).toString('hex').toUpperCase()}` };

/** The OTLP/HTTP JSON body: resourceSpans -> scopeSpans -> spans (ids are hex in the JSON encoding). */
function collect(body: unknown): void {
  const resourceSpans = (body as { resourceSpans?: unknown[] }).resourceSpans ?? [];
  for (const rs of resourceSpans as { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[]) {
    const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const attributes = Object.fromEntries(
          ((s['attributes'] ?? []) as { key: string; value: { stringValue?: string; intValue?: string | number } }[]).map((a) => [a.key, String(a.value.stringValue ?? a.value.intValue ?? '')]),
        );
        spans.push({ traceId: String(s['traceId']), spanId: String(s['spanId']), parentSpanId: String(s['parentSpanId'] ?? ''), name: String(s['name']), kind: Number(s['kind']), service, attributes });
      }
    }
  }
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; spans so far: ${JSON.stringify(spans.map((s) => s.name))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && String(req.headers['content-type']).startsWith('application/json')) {
        collect(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  slack = await FakeSlackApi.start({ rateLimits: true });
  discord = await FakeDiscord.start({ limits: 'realistic' });
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts, enforceLimits: true }).start();
  const teamsEndpoints = identity.settings;
  h = await startKringHarness({
    queue: 'bullmq',
    env: {
      KRING_WEB: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_SERVICE_NAME: 'kring-trace-test',
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
    const slackId = `C0TRC00${i}`;
    slack.addChannel({ id: slackId, teamId: FAKE_SLACK.teamId, name: `nieuws-${i}` });
    await h.kring.directory.channels.upsert({ workspaceId: slackWs.id, externalId: slackId, name: `nieuws-${i}`, purpose: 'news' });
    const discordId = snowflake();
    discord.state.channels.set(discordId, { id: discordId, type: 0, name: `nieuws-${i}`, guild_id: discord.guildId });
    await h.kring.directory.channels.upsert({ workspaceId: discordWs.id, externalId: discordId, name: `nieuws-${i}`, purpose: 'news' });
    // Teams: Kring learns the channel's conversation reference by being added there (a signed conversationUpdate).
    const teamsId = `19:traces${i}${randomBytes(10).toString('hex')}@thread.tacv2`;
    connector.addConversation(teamsId, { isGroup: true, tenantId: TEST_TENANT });
    const activity = teamsFixture('conversation-update-bot-added-team', connector.serviceUrl, BOT_ID);
    activity['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: teamsId };
    const token = await identity.signChannelToken({ serviceUrl: connector.serviceUrl });
    const added = await fetch(`${h.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      body: JSON.stringify(activity),
    });
    expect(added.status).toBe(200);
    await h.kring.directory.channels.upsert({ workspaceId: teamsWs.id, externalId: teamsId, name: `nieuws-${i}`, purpose: 'news' });
  }
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await connector?.stop();
  await identity?.stop();
  await discord?.stop();
  await slack?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe('traces over OTLP/HTTP (Slack, Discord and Teams adapters, BullMQ)', () => {
  it('follows /kring news post through its fan-out jobs to every platform call in one trace', async () => {
    const sent = await sender.slashCommand(`news post ${TITLE} | Een bericht met een spoor.`, { user_id: manager.userId, channel_id: FAKE_SLACK.channelId });
    expect(sent.status).toBe(200);
    await until(async () => {
      const rows = await h.kring.database.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM delivery d JOIN announcement a ON a.id = d.announcement_id WHERE a.title = $1 AND d.status = 'sent'`,
        TITLE,
      );
      return Number(rows[0]?.n ?? 0) === PLATFORMS.length * PER_PLATFORM ? true : undefined;
    }, 'every delivery sent', 60_000);
    // Spans are batched for two seconds before they are exported.
    await until(
      () => (PLATFORMS.every((p) => spans.filter((s) => s.name === `${p} post`).length >= PER_PLATFORM) ? true : undefined),
      'the platform calls exported',
      30_000,
    );

    // The command's span is named after its first word only (the rest can be the member's own text).
    const command = spans.filter((s) => s.kind === SERVER && s.name === 'kring news');
    expect(spans.filter((s) => s.name.includes(TITLE))).toEqual([]);
    expect(command, JSON.stringify(spans.map((s) => s.name))).toHaveLength(1);
    const root = command[0]!;
    expect(root.kind).toBe(SERVER);
    expect(root.service).toBe('kring-trace-test');
    // Above the command: the Slack request's own HTTP server span (instrumentation-http). (Above that, the
    // test's own fetch: the test runs in Kring's process, so its requests are traced too.)
    const webhook = spans.find((s) => s.spanId === root.parentSpanId);
    expect(webhook).toMatchObject({ kind: SERVER, traceId: root.traceId });
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    /** The span's ancestors, nearest first. */
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p);
      return chain;
    };

    for (const platform of PLATFORMS) {
      const calls = spans.filter((s) => s.name === `${platform} post`);
      expect(calls, platform).toHaveLength(PER_PLATFORM);
      for (const call of calls) {
        expect(call.kind).toBe(CLIENT);
        expect(call.traceId, `${platform} post in the command's trace`).toBe(root.traceId);
        const chain = ancestors(call);
        // platform call <- the fan-out job's run <- ... <- the command.
        expect(chain[0], `${platform} post's parent`).toMatchObject({ name: `job fanout-${platform} news.deliver`, kind: CONSUMER, traceId: root.traceId });
        expect(chain.map((a) => a.spanId), `${platform} post under the command`).toContain(root.spanId);
      }
    }
    // Each post's HTTP request is a child span of Kring's call: discord.js goes through undici, Slack's and
    // Teams' SDKs through axios on node:http.
    for (const platform of PLATFORMS) {
      const posts = new Set(spans.filter((s) => s.name === `${platform} post`).map((s) => s.spanId));
      const httpUnderPosts = spans.filter((s) => posts.has(s.parentSpanId) && s.kind === CLIENT);
      const parents = new Set(httpUnderPosts.map((s) => s.parentSpanId));
      expect(parents.size, `${platform}: ${JSON.stringify(spans.map((s) => `${s.name}<${byId.get(s.parentSpanId)?.name ?? ''}`))}`).toBe(PER_PLATFORM);
      expect(httpUnderPosts.every((s) => s.traceId === root.traceId)).toBe(true);
      // They name where they went (the fakes on 127.0.0.1): what the collector check below looks for.
      expect(httpUnderPosts.every((s) => Object.values(s.attributes).some((v) => v.includes('127.0.0.1'))), platform).toBe(true);
    }
    // The exporter's own requests to the collector are not traced. (The receiver, a server in this very
    // process, may show up as a server span: that is the test's side, not Kring's.)
    const collector = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const towardCollector = (s: ReceivedSpan) => Object.values(s.attributes).some((v) => v.includes(collector)) || s.attributes['server.port'] === collector.split(':')[1];
    expect(spans.filter((s) => s.kind === CLIENT && towardCollector(s))).toEqual([]);
    expect(h.loggedErrors()).toEqual([]);
  }, 120_000);
});
