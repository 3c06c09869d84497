import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { voteValue, type Poll } from '../../src/capabilities/polls/domain/poll.js';
import type { Database } from '../../src/infra/database/database.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender, loadSlackFixture, signSlackRequest } from '../fakes/slack/slack-requests.js';
import { RecordingLogger } from '../fakes/slack/doubles.js';
import { cardText, TEST_CHANNEL, TEST_TENANT, TEST_USER, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { createPollHarness, type PollHarness } from '../support/poll-harness.js';
import { until } from '../support/until.js';

/**
 * One poll, three platforms, one tally: the real Slack (Bolt), Discord (discord.js) and Teams (botbuilder)
 * adapters against their protocol fakes, Kring's router and polls on PostgreSQL. A manager creates the poll
 * on Slack with `--everywhere`; members vote from each platform; a member linked on Slack and Discord votes
 * on both and keeps one ballot; every posted copy ends up showing the same tally.
 */
const SIGNING_SECRET = 'e2e-poll-signing-secret-3b9f2c';

describe('a poll across Slack, Discord and Teams', () => {
  let db: Database;
  let sql: pg.Client;
  let h: PollHarness;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  let teams: TeamsTestBed;
  const platforms: ChatPlatform[] = [];
  // The adapters need the router and the router needs the capability installed: bind late.
  const handler: InboundHandler = { handle: (event: InboundEvent) => h.app.handle(event) };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const repos = prismaRepositories(db.prisma);

    slackFake = await FakeSlackApi.start();
    slack = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: SIGNING_SECRET,
      apiUrl: slackFake.apiUrl,
      handler,
      logger: silentLogger,
      processedEvents: repos.processedEvents,
    });
    discordFake = await FakeDiscord.start();
    discord = createDiscordPlatform({
      token: discordFake.token,
      applicationId: discordFake.applicationId,
      apiUrl: discordFake.apiUrl,
      memberRoleId: discordFake.state.memberRoleId,
      handler,
      logger: silentLogger,
    });
    teams = new TeamsTestBed({ handler, conversationReferences: repos.conversationReferences });
    await teams.start();
    platforms.push(slack, discord, teams.sut);

    h = await createPollHarness({
      repos,
      database: db,
      queue: new InProcessJobQueue(silentLogger, 100),
      platforms,
      scheduler: { refreshWindowMs: 300, skewMarginMs: 20 },
    });
    await slack.start();
    await discord.start();
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(app);
    // A deep accept queue, as Kring's own server has: a burst of presses opens many connections at once.
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', 2048, r));
    sender = new SlackRequestSender({
      eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      fake: slackFake,
    });
    await teams.installInChannel(TEST_CHANNEL);

    // Connected channels (purpose general) on each platform.
    for (const [platform, workspace, channel] of [
      ['slack', FAKE_SLACK.teamId, FAKE_SLACK.channelId],
      ['discord', discordFake.guildId, discordFake.state.generalChannelId],
      ['teams', TEST_TENANT, TEST_CHANNEL],
    ] as const) {
      const ws = await repos.workspaces.upsert({ organizationId: h.organization.id, platform, externalId: workspace });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: channel, purpose: 'general' });
    }
    // The manager on Slack; Bram on Slack and Discord (one member, two accounts); Jan on Teams.
    await h.member({ roles: ['member', 'manager'], accounts: [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }] });
    await h.member({
      accounts: [
        { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId },
        { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id },
      ],
    });
    await h.member({ accounts: [{ platform: 'teams', workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId }] });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await discord?.stop();
    await slack?.stop();
    await teams?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await sql?.end();
    await db?.close();
  });

  it('posts one poll everywhere, takes votes from each platform into one tally, and updates every copy', async () => {
    // 1. A manager creates the poll on Slack, in the text form.
    const created = await sender.slashCommand('poll create Where shall we meet? | Utrecht | Zwolle | Online --everywhere');
    expect(created.status).toBe(200);
    const answer = await until(() => slackFake.responsesTo(created.responseUrl)[0], 'the slash command reply');
    const shortId = /`([0-9a-f]{8})`/.exec(JSON.stringify(answer))?.[1];
    expect(shortId, JSON.stringify(answer)).toBeDefined();
    const poll: Poll = await h.polls.service.find(h.organization.id, shortId!);

    // 2. One copy per platform (the Slack channel is both "here" and a general channel: posted once).
    const posts = await until(async () => {
      const p = await h.polls.repo.listPosts(poll.id);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'three posted copies');
    const byPlatform = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));
    expect(slackFake.received(FAKE_SLACK.channelId).filter((m) => m.messageId === byPlatform['slack'])[0]?.actionIds).toEqual(
      expect.arrayContaining([expect.stringMatching(/^poll\.vote/)]),
    );

    // 3. Votes: Bram on Slack (Utrecht), Jan on Teams (Zwolle), Bram again on Discord (Online).
    const slackVote = await sender.blockAction({ actionId: 'poll.vote', value: voteValue(poll.id, 0), messageTs: byPlatform['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(slackVote.status).toBe(200);
    const slackConfirmation = await until(() => slackFake.responsesTo(slackVote.responseUrl)[0], 'the Slack vote confirmation');
    expect(JSON.stringify(slackConfirmation)).toContain('Utrecht');

    const invoke = teams.fixture('invoke-action-execute');
    invoke['replyToId'] = byPlatform['teams'];
    invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${TEST_CHANNEL};messageid=${byPlatform['teams']}` };
    invoke['value'] = { action: { type: 'Action.Execute', title: 'Zwolle', verb: 'poll.vote', data: { value: voteValue(poll.id, 1) } }, trigger: 'manual' };
    const teamsVote = await teams.send(invoke);
    expect(teamsVote.status).toBe(200);
    expect(JSON.stringify(teamsVote.body)).toContain('Zwolle');

    const press = discordFake.pressButton({ messageId: byPlatform['discord']!, customId: `poll.vote|${voteValue(poll.id, 2)}`, user: discordFake.state.anna });
    await until(() => press.callbacks.length > 0 && press.callbacks.every((c) => c.status > 0), 'the Discord interaction answer');
    await until(() => JSON.stringify(press.callbacks).includes('Online') || JSON.stringify(press.webhookCalls).includes('Online'), 'the Discord confirmation');

    // 4. One tally: Bram has one ballot (his last choice), Jan one.
    const { rows } = await sql.query<{ member_id: string; choices: number[] }>('SELECT member_id, choices FROM ballot WHERE poll_id = $1 ORDER BY choices[1]', [poll.id]);
    expect(rows.map((r) => r.choices)).toEqual([[1], [2]]);
    expect(await h.polls.repo.tally(poll.id)).toEqual({ counts: [0, 1, 1], voters: 2 });

    // 5. Every copy shows the tally (footer "2 votes").
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === byPlatform['slack'] && m.text.includes('2 votes')), 'the Slack copy updated');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === byPlatform['discord'] && m.text.includes('2 votes')), 'the Discord copy updated');
    await until(
      () => teams.connector.activities(TEST_CHANNEL).some((a) => a.id === byPlatform['teams'] && cardText(a).includes('2 votes')),
      'the Teams copy updated',
    );

    // 6. Closing removes the buttons everywhere and shows the final results.
    const closed = await sender.slashCommand(`poll close ${shortId}`);
    expect(closed.status).toBe(200);
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === byPlatform['slack'] && m.actionIds.length === 0 && m.text.includes('closed')), 'the Slack copy closed');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === byPlatform['discord'] && m.actionIds.length === 0), 'the Discord copy closed');
    await until(() => teams.connector.activities(TEST_CHANNEL).some((a) => a.id === byPlatform['teams'] && cardText(a).includes('This poll is closed')), 'the Teams copy closed');
  }, 60_000);

  it('counts a Slack press once when it comes again: as a retry to this process and to a second Kring process', async () => {
    // A multi-choice poll: a press counted twice would toggle the option off again.
    const poll = await h.polls.service.create({
      organizationId: h.organization.id,
      question: 'Which evenings?',
      options: ['Mon', 'Tue', 'Wed'],
      choiceMode: 'multi',
      targets: [{ platform: 'slack', workspaceExternalId: FAKE_SLACK.teamId, channelExternalId: FAKE_SLACK.channelId }],
    });
    // A second Kring process: its own Slack adapter, its own memory, the same database.
    const otherLog = new RecordingLogger();
    const other = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: otherLog, processedEvents: prismaRepositories(db.prisma).processedEvents });
    await other.start();
    const app = express();
    for (const route of other.routes) app.post(route.path, (req, res, next) => route.handle(req, res, next));
    const otherServer = createServer(app);
    await new Promise<void>((r) => otherServer.listen(0, '127.0.0.1', r));
    try {
      const payload = loadSlackFixture<Record<string, unknown> & { actions: Record<string, unknown>[]; user: Record<string, unknown> }>('block-actions');
      const responseUrl = slackFake.createResponseUrl({ teamId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, userId: FAKE_SLACK.otherUserId });
      payload.trigger_id = `${Date.now()}.777.${Math.random().toString(16).slice(2)}`;
      payload.response_url = responseUrl;
      payload.user = { ...payload.user, id: FAKE_SLACK.otherUserId };
      payload.actions = [{ ...payload.actions[0], action_id: 'poll.vote', value: voteValue(poll.id, 1) }];
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const options = { timestampSeconds: ts, signature: signSlackRequest(SIGNING_SECRET, ts, body) };
      const otherSender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });

      expect((await sender.send(body, 'application/x-www-form-urlencoded', options)).status).toBe(200);
      await until(() => slackFake.responsesTo(responseUrl)[0], 'the confirmation');
      expect((await sender.send(body, 'application/x-www-form-urlencoded', { ...options, retryNum: 1 })).status).toBe(401);
      expect((await otherSender.send(body, 'application/x-www-form-urlencoded', { ...options, retryNum: 2 })).status).toBe(200);
      // The second process acknowledged it and dropped it after the durable check: still one toggle.
      await until(() => otherLog.lines.some((l) => /repeated delivery dropped/.test(l.msg)), 'the second process dropping the repeat');
      const { rows } = await sql.query<{ choices: number[] }>('SELECT choices FROM ballot WHERE poll_id = $1', [poll.id]);
      expect(rows.map((r) => r.choices)).toEqual([[1]]);
      expect(slackFake.responsesTo(responseUrl)).toHaveLength(1);
    } finally {
      await other.stop();
      otherServer.closeAllConnections();
      await new Promise((r) => otherServer.close(r));
    }
  }, 30_000);

  it('counts 1,000 concurrent Slack presses of 1,000 members (and 200 changed minds) exactly, one ballot each', async () => {
    const poll = await h.polls.service.create({
      organizationId: h.organization.id,
      question: 'Busy vote?',
      options: ['A', 'B', 'C', 'D'],
      targets: [{ platform: 'slack', workspaceExternalId: FAKE_SLACK.teamId, channelExternalId: FAKE_SLACK.channelId }],
    });
    // 1,000 members linked on Slack (bulk: the link flow is not under test here).
    const numbers = Array.from({ length: 1000 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    await h.repos.members.upsertMany(h.organization.id, numbers.map((memberNumber, i) => ({ memberNumber, name: `Voter ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })));
    const ids = await sql.query<{ id: string; member_number: string }>('SELECT id, member_number FROM member WHERE organization_id = $1 AND member_number = ANY($2)', [h.organization.id, numbers]);
    const userOf = (n: string) => `U0MASS${n}`;
    await db.prisma.platformIdentity.createMany({
      data: ids.rows.map((r) => ({ organizationId: h.organization.id, memberId: r.id, platform: 'slack' as const, workspaceId: FAKE_SLACK.teamId, platformUserId: userOf(r.member_number) })),
    });
    const post = await until(async () => (await h.polls.repo.listPosts(poll.id))[0]?.messageId ?? undefined, 'the Slack copy');

    // Every member presses option i % 4 at once; the first 200 press option (i + 1) % 4 at the same time too.
    const presses = [
      ...numbers.map((n, i) => ({ user: userOf(n), position: i % 4 })),
      ...numbers.slice(0, 200).map((n, i) => ({ user: userOf(n), position: (i + 1) % 4 })),
    ];
    const sent = await Promise.all(presses.map((p) => sender.blockAction({ actionId: 'poll.vote', value: voteValue(poll.id, p.position), messageTs: post, userId: p.user })));
    expect(sent.filter((r) => r.status === 200)).toHaveLength(1200);
    await until(() => sent.every((r) => slackFake.responsesTo(r.responseUrl).length === 1) || undefined, 'every confirmation', 60_000);
    expect(sent.filter((r) => JSON.stringify(slackFake.responsesTo(r.responseUrl)[0]!.body).includes('Your vote'))).toHaveLength(1200);

    const { rows } = await sql.query<{ n: number; members: number }>('SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS members FROM ballot WHERE poll_id = $1', [poll.id]);
    expect(rows[0]).toEqual({ n: 1000, members: 1000 });
    const tally = await h.polls.repo.tally(poll.id);
    expect(tally.voters).toBe(1000);
    expect(tally.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    // Members 200..999 pressed once: their option is certain.
    const { rows: certain } = await sql.query<{ c: number; n: number }>(
      `SELECT b.choices[1] AS c, count(*)::int AS n FROM ballot b JOIN member m ON m.id = b.member_id
        WHERE b.poll_id = $1 AND m.member_number >= 'S0200' GROUP BY 1 ORDER BY 1`,
      [poll.id],
    );
    expect(certain).toEqual([0, 1, 2, 3].map((c) => ({ c, n: 200 })));
  }, 120_000);

  it('invites an unlinked Discord user to link instead of counting or refusing rudely', async () => {
    const poll = await h.polls.service.create({
      organizationId: h.organization.id,
      question: 'Unlinked?',
      options: ['Yes', 'No'],
      targets: [{ platform: 'discord', workspaceExternalId: discordFake.guildId, channelExternalId: discordFake.state.generalChannelId }],
    });
    const post = await until(async () => (await h.polls.repo.listPosts(poll.id))[0]?.messageId ?? undefined, 'the Discord copy');
    const press = discordFake.pressButton({ messageId: post, customId: `poll.vote|${voteValue(poll.id, 0)}`, user: discordFake.state.bram });
    await until(() => JSON.stringify(press.callbacks).includes('/kring link'), 'the invitation');
    expect((await h.polls.repo.tally(poll.id)).voters).toBe(0);
  }, 30_000);
});
