/**
 * Child process of bench/fanout.bench.ts: the platforms' side, out of Kring's process so that the fakes'
 * clocks (they count requests where they arrive) and their CPU do not share Kring's event loop. It runs the
 * protocol fakes of test/fakes, each enforcing the platform's published limits in sliding windows and
 * answering after a latency drawn per call:
 *  - Slack Web API (FakeSlackApi): chat.postMessage 1/s per channel (short bursts) and 600 per minute per
 *    workspace, Tier 3 (50 per minute per workspace) for chat.update, chat.delete, conversations.history;
 *  - Discord REST (FakeDiscord, `realistic`): 50 requests per sliding second per bot, per-route buckets;
 *  - Teams Bot Connector (FakeBotConnector) behind a fake Entra token endpoint (FakeBotIdentity): 7/1 s,
 *    8/2 s, 60/30 s, 1800/1 h sends per conversation, 50 requests per second per tenant.
 * One driver serves one scenario (fresh limit windows); the parent talks to it over IPC (fork).
 */
import { FakeDiscord, snowflake } from '../test/fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../test/fakes/slack/fake-slack-api.js';
import { FakeBotConnector } from '../test/fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../test/fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, cardText } from '../test/fakes/teams/teams-test-bed.js';

/** One request as a fake saw it: when it arrived, what it was, how it was answered. */
export interface SeenRequest {
  at: number;
  op: 'post' | 'update' | 'delete' | 'lookup' | 'other';
  status: number;
  /** A 429 of the fake's limits (not injected). */
  enforced: boolean;
  /** Stored, then answered 5xx (injected at random). */
  lost: boolean;
}

export interface PlatformReport {
  requests: SeenRequest[];
  /** Per channel: copies visible now, and copies whose text contains `marker`. */
  copies: { channel: string; visible: number; marked: number }[];
}

export type DriverRequest =
  | { type: 'setup'; channels: number; teamsAppId: string; teamsAppPassword: string }
  | { type: 'faults'; serverError: number; afterStore: number; seed: number }
  | { type: 'report'; marker: string }
  | { type: 'stop' };

export type DriverReply =
  | { type: 'ready' }
  | {
      type: 'setup';
      slack: { apiUrl: string; botToken: string; teamId: string; channels: string[] };
      discord: { apiUrl: string; token: string; applicationId: string; guildId: string; channels: string[] };
      teams: { serviceUrl: string; tenantId: string; channels: string[]; settings: FakeBotIdentity['settings'] };
    }
  | { type: 'faults' }
  | { type: 'report'; slack: PlatformReport; discord: PlatformReport; teams: PlatformReport };

const LATENCY_MIN_MS = Number(process.env['LATENCY_MIN_MS'] ?? 20);
const LATENCY_MAX_MS = Number(process.env['LATENCY_MAX_MS'] ?? 60);
const latencyMs = (): number => LATENCY_MIN_MS + Math.random() * (LATENCY_MAX_MS - LATENCY_MIN_MS);
const send = (m: DriverReply): void => void process.send!(m);

let slack: FakeSlackApi;
let discord: FakeDiscord;
let identity: FakeBotIdentity | undefined;
let connector: FakeBotConnector | undefined;
const channels = { slack: [] as string[], discord: [] as string[], teams: [] as string[] };

function slackOp(method: string): SeenRequest['op'] {
  if (method === 'chat.postMessage') return 'post';
  if (method === 'chat.update') return 'update';
  if (method === 'chat.delete') return 'delete';
  if (method === 'conversations.history') return 'lookup';
  return 'other';
}

function restOp(method: string, path: string): SeenRequest['op'] {
  if (!/\/(channels|conversations)\/[^/]+\/(messages|activities)/.test(path)) return 'other';
  if (method === 'POST') return 'post';
  if (method === 'PATCH' || method === 'PUT') return 'update';
  if (method === 'DELETE') return 'delete';
  return 'other';
}

function report(marker: string): DriverReply {
  const slackReport: PlatformReport = {
    requests: slack.calls.map((c) => ({ at: c.at.getTime(), op: slackOp(c.method), status: c.status, enforced: c.enforced === true, lost: c.lost === true })),
    copies: channels.slack.map((channel) => {
      const visible = slack.received(channel).filter((m) => !m.deleted);
      return { channel, visible: visible.length, marked: visible.filter((m) => m.text.includes(marker)).length };
    }),
  };
  const discordReport: PlatformReport = {
    requests: discord.rest.requests.map((r) => ({ at: r.at, op: restOp(r.method, r.path), status: r.status, enforced: r.enforced === true, lost: r.lost === true })),
    copies: channels.discord.map((channel) => {
      const visible = discord.messages(channel).filter((m) => !m.deleted);
      return { channel, visible: visible.length, marked: visible.filter((m) => m.text.includes(marker)).length };
    }),
  };
  const teamsReport: PlatformReport = {
    requests: (connector?.calls ?? []).map((c) => ({ at: c.at.getTime(), op: restOp(c.method, c.path), status: c.status, enforced: c.enforced === true, lost: c.lost === true })),
    copies: channels.teams.map((channel) => {
      const visible = (connector?.activities(channel) ?? []).filter((a) => !a.deleted);
      return { channel, visible: visible.length, marked: visible.filter((a) => cardText(a).includes(marker)).length };
    }),
  };
  return { type: 'report', slack: slackReport, discord: discordReport, teams: teamsReport };
}

/**
 * A fresh process runs its fakes' code cold (JIT): a few hundred requests of every kind through each fake
 * first, in channels of their own, then the limits forget them, so the scenario meets warm fakes and empty
 * windows.
 */
async function warmUp(): Promise<void> {
  const json = (url: string, method: string, headers: Record<string, string>, body?: unknown) =>
    fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }).then((r) => r.text());
  const slackChannel = 'C0WARMUP01';
  slack.addChannel({ id: slackChannel, teamId: FAKE_SLACK.teamId, name: 'warm-up' });
  const discordChannel = snowflake();
  discord.state.channels.set(discordChannel, { id: discordChannel, type: 0, name: 'warm-up', guild_id: discord.guildId });
  const teamsChannel = '19:warmup@thread.tacv2';
  connector!.addConversation(teamsChannel, { isGroup: true, tenantId: TEST_TENANT });
  identity!.issuedTokens.add('warm-up-token');
  const slackAuth = { authorization: `Bearer ${FAKE_SLACK.botToken}` };
  const discordAuth = { authorization: `Bot ${discord.token}` };
  const teamsAuth = { authorization: 'Bearer warm-up-token' };
  const card = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'warm-up' }] } }] };
  for (let round = 0; round < 20; round++) {
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const posted = JSON.parse(await json(`${slack.apiUrl}chat.postMessage`, 'POST', slackAuth, { channel: slackChannel, text: 'warm-up', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*warm-up*' } }] })) as { ts?: string };
        await json(`${slack.apiUrl}chat.update`, 'POST', slackAuth, { channel: slackChannel, ts: posted.ts, text: 'warm-up 2' });
        await json(`${slack.apiUrl}chat.delete`, 'POST', slackAuth, { channel: slackChannel, ts: posted.ts });
        const message = JSON.parse(await json(`${discord.apiUrl}/v10/channels/${discordChannel}/messages`, 'POST', discordAuth, { content: 'warm-up', embeds: [{ title: 'warm-up' }] })) as { id?: string };
        await json(`${discord.apiUrl}/v10/channels/${discordChannel}/messages/${message.id}`, 'PATCH', discordAuth, { content: 'warm-up 2' });
        await json(`${discord.apiUrl}/v10/channels/${discordChannel}/messages/${message.id}`, 'DELETE', discordAuth);
        const activity = `${connector!.serviceUrl}v3/conversations/${encodeURIComponent(teamsChannel)}/activities`;
        const sent = JSON.parse(await json(activity, 'POST', teamsAuth, card)) as { id?: string };
        await json(`${activity}/${sent.id}`, 'PUT', teamsAuth, card);
        await json(`${activity}/${sent.id}`, 'DELETE', teamsAuth);
      }),
    );
  }
  slack.resetLimits();
  discord.rest.resetLimits();
  connector!.resetLimits();
}

async function main(): Promise<void> {
  slack = await FakeSlackApi.start({ rateLimits: true, latencyMs });
  discord = await FakeDiscord.start({ limits: 'realistic', latencyMs });
  process.on('message', (m: DriverRequest) => {
    void (async () => {
      switch (m.type) {
        case 'setup': {
          identity = await new FakeBotIdentity({ appId: m.teamsAppId, appPassword: m.teamsAppPassword }).start();
          connector = await new FakeBotConnector({ acceptToken: identity.accepts, enforceLimits: true, latencyMs }).start();
          for (let i = 0; i < m.channels; i++) {
            const n = String(i).padStart(4, '0');
            const slackId = `C0BENCH${n}`;
            slack.addChannel({ id: slackId, teamId: FAKE_SLACK.teamId, name: `nieuws-${n}` });
            channels.slack.push(slackId);
            const discordId = snowflake();
            discord.state.channels.set(discordId, { id: discordId, type: 0, name: `nieuws-${n}`, guild_id: discord.guildId });
            channels.discord.push(discordId);
            const teamsId = `19:bench${n}@thread.tacv2`;
            connector.addConversation(teamsId, { isGroup: true, tenantId: TEST_TENANT });
            channels.teams.push(teamsId);
          }
          await warmUp();
          send({
            type: 'setup',
            slack: { apiUrl: slack.apiUrl, botToken: FAKE_SLACK.botToken, teamId: FAKE_SLACK.teamId, channels: channels.slack },
            discord: { apiUrl: discord.apiUrl, token: discord.token, applicationId: discord.applicationId, guildId: discord.guildId, channels: channels.discord },
            teams: { serviceUrl: connector.serviceUrl, tenantId: TEST_TENANT, channels: channels.teams, settings: identity.settings },
          });
          return;
        }
        case 'faults':
          slack.failRandomly({ serverError: m.serverError, afterStore: m.afterStore, seed: m.seed });
          discord.rest.failRandomly({ serverError: m.serverError, afterStore: m.afterStore, seed: m.seed + 1 });
          connector?.failRandomly({ serverError: m.serverError, afterStore: m.afterStore, seed: m.seed + 2 });
          send({ type: 'faults' });
          return;
        case 'report':
          send(report(m.marker));
          return;
        case 'stop':
          await connector?.stop();
          await identity?.stop();
          await discord.stop();
          await slack.stop();
          process.exit(0);
      }
    })();
  });
  // The benchmark went away (finished or crashed): do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

void main();
