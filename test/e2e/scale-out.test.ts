import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteValue } from '../../src/capabilities/polls/domain/poll.js';
import { PrismaNewsRepository } from '../../src/capabilities/news/repository/prisma-news.repository.js';
import { PrismaPollRepository } from '../../src/capabilities/polls/repository/prisma-poll.repository.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import type { Organization } from '../../src/kernel/community.js';
import { FakeDiscord, snowflake, type FakeUser } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { FakeBotConnector } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, cardText, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';
import { TEST_KRING_SECRET, testSecretBox } from '../support/secrets.js';

/**
 * Issue 18, acceptance: Kring as several processes. Three processes started from the build the way
 * `npm start` runs it (scripts/start.mjs), on one PostgreSQL database and one Redis prefix, against the
 * Slack, Discord and Teams protocol fakes (the real Bolt, discord.js and botbuilder inside Kring):
 *
 * - A `http,workers,schedulers`, B `http,workers`, G `gateway` (holds the Discord gateway; A and B reach
 *   Discord over REST only).
 * - Slack requests (slash commands, button presses) and Teams activities go to A and B in turn, as a load
 *   balancer spreads them; Discord interactions arrive at G over the gateway.
 * - A 300-channel announcement (100 each on Slack, Discord and Teams) while B is killed (SIGKILL) half-way
 *   and started again: every Slack and Discord channel holds exactly one copy (Discord nonce, Slack
 *   metadata recognise a repeated post). Teams cannot recognise one: a post that reached Teams just before
 *   the kill, whose delivery was not yet recorded, is posted again, so the bound is: a second copy only where
 *   the delivery was in flight at the kill (attempts > 1), at most the Teams concurrency of one process
 *   (docs/NEWS.md, docs/SCALING.md).
 * - Votes from 40 members, spread over A, B (Slack, Teams) and G (Discord): one exact tally on every copy.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const PER_PLATFORM = 100;
const TITLE = 'Algemene ledenvergadering schaal';
const SIGNING_SECRET = 'e2e-scale-out-signing-secret-5d2a';
const APP_ID = randomUUID();
const APP_PASSWORD = `scale-${randomUUID()}`;
const BOT_ID = `28:${APP_ID}`;
/** Teams jobs one process runs at once (PLATFORM_LIMITS.teams.concurrency): the most a kill can leave in doubt. */
const TEAMS_CONCURRENCY = 64;

interface KringProcess {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
}

let db: Database;
let directory: Directory;
let organization: Organization;
let slack: FakeSlackApi;
let discord: FakeDiscord;
let identity: FakeBotIdentity;
let connector: FakeBotConnector;
const prefix = `test-${randomUUID()}`;
const processes: KringProcess[] = [];

function kringEnv(roles: string): Record<string, string> {
  const teams = identity.settings;
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    KRING_ORG: 'de-kring',
    KRING_ORG_NAME: 'Vereniging De Kring',
    KRING_DEFAULT_LOCALE: 'en',
    KRING_SECRET: TEST_KRING_SECRET,
    KRING_WEB: 'false',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    KRING_ROLES: roles,
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    MICROSOFT_APP_TENANT_ID: TEST_TENANT,
    TEAMS_OPENID_METADATA_URL: teams.openIdMetadataUrl,
    TEAMS_TOKEN_ISSUER: teams.tokenIssuer,
    TEAMS_LOGIN_URL: teams.loginUrl,
    TEAMS_OAUTH_SCOPE: teams.oauthScope,
    TEAMS_TOKEN_ENDPOINT: teams.tokenEndpoint,
  };
}

/** Starts a Kring process from the build and waits until /readyz answers 200. */
async function startKring(name: string, roles: string): Promise<KringProcess> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: kringEnv(roles), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out.slice(-4000)}`))));
  const port = await Promise.race([
    exited,
    until(() => {
      const line = out.split('\n').find((l) => l.includes('"http server listening"'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    }, `${name} to listen`, 120_000),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([exited, until(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, `${name} to be ready`, 120_000)]);
  exited.catch(() => undefined);
  const started = { name, child, port, url, output: () => out };
  processes.push(started);
  return started;
}

async function until<T>(check: () => T | undefined | false | null | Promise<T | undefined | false | null>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function inBatches<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map((item, j) => work(item, i + j)));
}

const slackSender = (p: KringProcess) => new SlackRequestSender({ eventsUrl: `${p.url}/slack/events`, signingSecret: SIGNING_SECRET, fake: slack });

/** A Teams activity, signed as the Bot Connector signs it, to one process's /api/messages. */
async function sendTeams(p: KringProcess, activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const token = await identity.signChannelToken({ serviceUrl: connector.serviceUrl });
  const res = await fetch(`${p.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/** Kring is added to a Teams channel (its conversation reference is stored by whichever process gets it). */
async function installInTeamsChannel(p: KringProcess, channelId: string): Promise<void> {
  connector.addConversation(channelId, { isGroup: true, tenantId: TEST_TENANT });
  const activity = teamsFixture('conversation-update-bot-added-team', connector.serviceUrl, BOT_ID);
  activity['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: channelId };
  const res = await sendTeams(p, activity);
  if (res.status !== 200) throw new Error(`installing Kring in ${channelId} through ${p.name}: ${res.status} ${res.body}`);
}

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  directory = createPrismaDirectory(db.prisma, testSecretBox);
  slack = await FakeSlackApi.start();
  discord = await FakeDiscord.start();
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts }).start();
}, 120_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await connector?.stop();
  await identity?.stop();
  await discord?.stop();
  await slack?.stop();
  await db?.close();
  await deleteRedisPrefixes([prefix]);
});

describe('Kring as three processes (two http+workers, one gateway) on one PostgreSQL and one Redis', () => {
  it('spreads requests, survives a worker killed mid-announcement with one copy per channel, and keeps one tally', async () => {
    const a = await startKring('A', 'http,workers,schedulers');
    const b = await startKring('B', 'http,workers');
    // Neither http+workers process identifies to the Discord gateway: they use REST only.
    expect(discord.gateway.stats.identifies).toBe(0);
    const g = await startKring('G', 'gateway');
    // G holds the gateway: one session (a resume under load keeps it one).
    await until(() => JSON.stringify(discord.gateway.connectedShards) === JSON.stringify([[0, 1]]), 'the gateway session of G');
    // G serves only the probes.
    expect((await fetch(`${g.url}/slack/events`, { method: 'POST' })).status).toBe(404);
    organization = (await directory.organizations.findBySlug('de-kring'))!;

    // Members: the manager on Slack; 20 voters on Slack, 10 on Teams, 10 on Discord.
    const voters = {
      slack: Array.from({ length: 20 }, (_, i) => `U0VOTE${String(i).padStart(3, '0')}`),
      teams: Array.from({ length: 10 }, () => randomUUID()),
      discord: Array.from({ length: 10 }, (_, i): FakeUser => discord.state.addUser({ username: `stemmer${i}`, global_name: `Stemmer ${i}` })),
    };
    const people = [
      { number: 'M-1', roles: ['member', 'manager'] as const, platform: 'slack' as const, workspace: FAKE_SLACK.teamId, user: FAKE_SLACK.userId },
      ...voters.slack.map((user, i) => ({ number: `S-${i}`, roles: ['member'] as const, platform: 'slack' as const, workspace: FAKE_SLACK.teamId, user })),
      ...voters.teams.map((user, i) => ({ number: `T-${i}`, roles: ['member'] as const, platform: 'teams' as const, workspace: TEST_TENANT, user })),
      ...voters.discord.map((user, i) => ({ number: `D-${i}`, roles: ['member'] as const, platform: 'discord' as const, workspace: discord.guildId, user: user.id })),
    ];
    await directory.members.upsertMany(
      organization.id,
      people.map((p) => ({ memberNumber: p.number, name: `Lid ${p.number}`, email: null, status: 'active' as const, roles: [...p.roles], chapterId: null })),
    );
    for (const p of people) {
      const member = (await directory.members.findByNumber(organization.id, p.number))!;
      await db.prisma.platformIdentity.create({ data: { organizationId: organization.id, memberId: member.id, platform: p.platform, workspaceId: p.workspace, platformUserId: p.user } });
    }

    // 1. Slack requests spread over both HTTP processes: each answers its share.
    const senders = [slackSender(a), slackSender(b)];
    const helps = await Promise.all(Array.from({ length: 10 }, (_, i) => senders[i % 2]!.slashCommand('whoami')));
    expect(helps.map((r) => r.status)).toEqual(Array(10).fill(200));
    await until(() => helps.every((r) => slack.responsesTo(r.responseUrl).length === 1), 'every whoami answer');

    // 2. A poll in one general channel per platform (before the news channels exist, so `--everywhere`
    // means these three), created through B.
    const teamsGeneral = `19:general${randomUUID().replaceAll('-', '').slice(0, 20)}@thread.tacv2`;
    await installInTeamsChannel(a, teamsGeneral);
    const general = { slack: FAKE_SLACK.channelId, discord: discord.state.generalChannelId, teams: teamsGeneral };
    for (const [platform, workspace, channel] of [
      ['slack', FAKE_SLACK.teamId, general.slack],
      ['discord', discord.guildId, general.discord],
      ['teams', TEST_TENANT, general.teams],
    ] as const) {
      const ws = await directory.workspaces.upsert({ organizationId: organization.id, platform, externalId: workspace });
      await directory.channels.upsert({ workspaceId: ws.id, externalId: channel, name: 'algemeen', purpose: 'general' });
    }
    const created = await senders[1]!.slashCommand('poll create Where do we meet? | Utrecht | Zwolle | Online --everywhere');
    expect(created.status).toBe(200);
    const answer = await until(() => slack.responsesTo(created.responseUrl)[0], 'the poll create answer');
    const shortId = /`([0-9a-f]{8})`/.exec(JSON.stringify(answer))?.[1];
    expect(shortId, JSON.stringify(answer)).toBeDefined();
    const polls = new PrismaPollRepository(db.prisma, { secrets: testSecretBox });
    const [pollRow] = await db.prisma.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM poll ORDER BY created_at DESC LIMIT 1');
    const pollId = pollRow!.id;
    expect(pollId.startsWith(shortId!)).toBe(true);
    const posts = await until(async () => {
      const p = await polls.listPosts(pollId);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'the three poll copies');
    const copyOf = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!])) as Record<'slack' | 'discord' | 'teams', string>;

    // 3. The news channels, 100 per platform; Teams learns each by being added there (spread over A and B).
    const news = { slack: [] as string[], discord: [] as string[], teams: [] as string[] };
    for (let i = 0; i < PER_PLATFORM; i++) {
      const n = String(i).padStart(4, '0');
      const slackId = `C0SCL${n}`;
      slack.addChannel({ id: slackId, teamId: FAKE_SLACK.teamId, name: `nieuws-${n}` });
      news.slack.push(slackId);
      const discordId = snowflake();
      discord.state.channels.set(discordId, { id: discordId, type: 0, name: `nieuws-${n}`, guild_id: discord.guildId });
      news.discord.push(discordId);
      news.teams.push(`19:scale${n}${randomUUID().replaceAll('-', '').slice(0, 20)}@thread.tacv2`);
    }
    await inBatches(news.teams, 10, (id, i) => installInTeamsChannel(i % 2 === 0 ? a : b, id));
    for (const [platform, workspace] of [
      ['slack', FAKE_SLACK.teamId],
      ['discord', discord.guildId],
      ['teams', TEST_TENANT],
    ] as const) {
      const ws = await directory.workspaces.upsert({ organizationId: organization.id, platform, externalId: workspace });
      await inBatches(news[platform], 20, async (externalId) => {
        await directory.channels.upsert({ workspaceId: ws.id, externalId, name: `nieuws-${externalId.slice(-6)}`, purpose: 'news' });
      });
    }

    // 4. The announcement, posted through A; B is killed half-way and started again.
    const newsRepo = new PrismaNewsRepository(db.prisma);
    const posted = await senders[0]!.slashCommand(`news post ${TITLE} | Kom allemaal naar Utrecht.`);
    expect(posted.status).toBe(200);
    const [row] = await until(
      () => db.prisma.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM announcement ORDER BY created_at DESC LIMIT 1').then((r) => r.length > 0 && r),
      'the announcement',
    );
    const announcementId = row!.id;
    const deliveries = () => newsRepo.listDeliveries(announcementId);
    const total = await until(async () => {
      const n = (await deliveries()).length;
      return n >= 3 * PER_PLATFORM && n;
    }, 'the deliveries to be recorded');
    const sent = async () => (await deliveries()).filter((d) => d.status === 'sent').length;
    // Killed past a third of the way, while jobs are in flight (claimed, not yet recorded); a machine that
    // delivers faster than this test looks is still caught before two thirds.
    await until(async () => {
      const all = await deliveries();
      const done = all.filter((d) => d.status === 'sent').length;
      return done >= total / 3 && (all.some((d) => d.status === 'queued' && d.attempts > 0) || done <= (2 * total) / 3);
    }, 'the fan-out to be under way', 120_000);
    b.child.kill('SIGKILL');
    await new Promise((r) => (b.child.exitCode !== null || b.child.signalCode !== null ? r(undefined) : b.child.once('exit', r)));
    const sentAtKill = await sent();
    expect(sentAtKill).toBeLessThan(total);
    const inFlightAtKill = new Set((await deliveries()).filter((d) => d.status === 'queued' && d.attempts > 0).map((d) => d.id));
    const b2 = await startKring('B2', 'http,workers');
    await until(async () => {
      const all = await deliveries();
      return all.every((d) => d.status !== 'queued') && (await newsRepo.get(announcementId))?.status === 'published';
    }, 'every delivery to be done and the announcement published', 180_000);

    const done = await deliveries();
    expect(done.filter((d) => d.status !== 'sent').map((d) => `${d.platform} ${d.status} ${d.failureReason ?? ''}`)).toEqual([]);
    const copies = {
      slack: (channel: string) => slack.received(channel).filter((m) => m.text.includes(TITLE)).length,
      discord: (channel: string) => discord.messages(channel).filter((m) => m.text.includes(TITLE)).length,
      teams: (channel: string) => connector.activities(channel).filter((x) => cardText(x).includes(TITLE)).length,
    };
    expect(news.slack.filter((c) => copies.slack(c) !== 1), 'Slack channels without exactly one copy').toEqual([]);
    expect(news.discord.filter((c) => copies.discord(c) !== 1), 'Discord channels without exactly one copy').toEqual([]);
    expect(news.teams.filter((c) => copies.teams(c) === 0), 'Teams channels without a copy').toEqual([]);
    // Teams' bound: a second copy only where the delivery was in flight at the kill and tried again.
    const duplicatedTeams = news.teams.filter((c) => copies.teams(c) > 1);
    const retriedTeams = new Set(done.filter((d) => d.platform === 'teams' && d.attempts > 1 && inFlightAtKill.has(d.id)).map((d) => d.channelExternalId));
    expect(duplicatedTeams.filter((c) => !retriedTeams.has(c))).toEqual([]);
    expect(duplicatedTeams.length).toBeLessThanOrEqual(TEAMS_CONCURRENCY);
    expect(news.teams.every((c) => copies.teams(c) <= 2)).toBe(true);
    // What happened, for the record (docs/SCALING.md quotes runs of this test).
    process.stderr.write(
      `scale-out: ${total} deliveries, ${sentAtKill} sent at the kill, ${inFlightAtKill.size} in flight, ${done.filter((d) => d.attempts > 1).length} tried again, ${duplicatedTeams.length} Teams channel(s) with a second copy\n`,
    );

    // 5. Votes: Slack and Teams spread over A and B2, Discord through the gateway process G.
    const https = [a, b2];
    const choice = (i: number) => i % 3;
    const slackVotes = await Promise.all(
      voters.slack.map((user, i) =>
        slackSender(https[i % 2]!).blockAction({ actionId: 'poll.vote', value: voteValue(pollId, choice(i)), messageTs: copyOf.slack, channelId: general.slack, userId: user }),
      ),
    );
    expect(slackVotes.map((r) => r.status)).toEqual(Array(voters.slack.length).fill(200));
    const teamsVotes = await Promise.all(
      voters.teams.map((aad, i) => {
        const invoke = teamsFixture('invoke-action-execute', connector.serviceUrl, BOT_ID);
        invoke['id'] = `f:${randomUUID()}`;
        invoke['from'] = { id: `29:${aad}`, name: `Lid T-${i}`, aadObjectId: aad };
        invoke['replyToId'] = copyOf.teams;
        invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${general.teams};messageid=${copyOf.teams}` };
        invoke['channelData'] = { channel: { id: general.teams }, tenant: { id: TEST_TENANT } };
        invoke['value'] = { action: { type: 'Action.Execute', title: 'x', verb: 'poll.vote', data: { value: voteValue(pollId, choice(i)) } }, trigger: 'manual' };
        return sendTeams(https[i % 2]!, invoke);
      }),
    );
    expect(teamsVotes.map((r) => r.status)).toEqual(Array(voters.teams.length).fill(200));
    const presses = voters.discord.map((user, i) => discord.pressButton({ messageId: copyOf.discord, customId: `poll.vote|${voteValue(pollId, choice(i))}`, user }));
    await until(() => presses.every((p) => p.callbacks.length > 0), 'every Discord press answered (by G)');

    const chosen = [voters.slack, voters.teams, voters.discord].flatMap((list) => list.map((_, i) => choice(i)));
    const expected = [0, 1, 2].map((c) => chosen.filter((x) => x === c).length);
    const voterCount = voters.slack.length + voters.teams.length + voters.discord.length;
    await until(async () => (await polls.tally(pollId)).voters === voterCount, 'every ballot recorded');
    expect(await polls.tally(pollId)).toEqual({ counts: expected, voters: voterCount });

    // Every copy shows that exact tally ("40 votes", and each option's count in its bar).
    const shows = (text: string) => text.includes(`${voterCount} votes`) && expected.every((n) => text.includes(`(${n})`));
    await until(() => slack.received(general.slack).some((m) => m.messageId === copyOf.slack && shows(m.text)), 'the Slack copy to show the tally');
    await until(() => discord.messages(general.discord).some((m) => m.messageId === copyOf.discord && shows(m.text)), 'the Discord copy to show the tally');
    await until(() => connector.activities(general.teams).some((x) => x.id === copyOf.teams && shows(cardText(x))), 'the Teams copy to show the tally');

    // Nothing went wrong in any process that is still running.
    for (const p of [a, b2, g]) {
      const errors = p.output().split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level?: number }).level! >= 50);
      expect(errors, `${p.name} logged errors`).toEqual([]);
    }
  }, 420_000);
});
