import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { answerValue, type Statement } from '../../src/capabilities/statements/domain/statement.js';
import type { StatementsParts } from '../../src/capabilities/statements/index.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, MemberRole, Organization } from '../../src/kernel/community.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Platform } from '../../src/kernel/types.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { cardText, TEST_CHANNEL, TEST_TENANT, TEST_USER, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { until } from '../support/until.js';

/**
 * One statement, three platforms, one tally: the real Slack (Bolt), Discord (discord.js) and Teams
 * (botbuilder) adapters against their protocol fakes, Kring's router and the statements capability on
 * PostgreSQL. A manager posts on Slack with `--everywhere`; members answer from each platform (one member
 * on two platforms: the last press counts); every copy shows the same bars; the discuss button opens the
 * platform's own thread under the copy it was pressed on; a manager sees the chapters and closes it.
 */
const SIGNING_SECRET = 'e2e-statement-signing-secret-7d1e';

interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

describe('a statement across Slack, Discord and Teams', () => {
  let db: Database;
  let sql: pg.Client;
  let app: ChatRouter;
  let parts: StatementsParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  let teams: TeamsTestBed;
  const platforms: ChatPlatform[] = [];
  const handler: InboundHandler = { handle: (event: InboundEvent) => app.handle(event) };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const repos = prismaRepositories(db.prisma);

    slackFake = await FakeSlackApi.start();
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents });
    discordFake = await FakeDiscord.start();
    discord = createDiscordPlatform({ token: discordFake.token, applicationId: discordFake.applicationId, apiUrl: discordFake.apiUrl, memberRoleId: discordFake.state.memberRoleId, handler, logger: silentLogger });
    teams = new TeamsTestBed({ handler, conversationReferences: repos.conversationReferences });
    await teams.start();
    platforms.push(slack, discord, teams.sut);

    const slug = `org-${randomUUID().slice(0, 8)}`;
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    queue = new InProcessJobQueue(silentLogger, 100);
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(platforms), logger: silentLogger });
    const built = buildTestCapabilities(['statements'], ctx, {
      defaultOrganizationSlug: slug,
      capabilityOptions: { statements: { scheduler: { refreshWindowMs: 300, skewMarginMs: 20 } } },
    });
    app = built.router;
    parts = built.built.parts.statements;
    await parts.start?.();

    await slack.start();
    await discord.start();
    const server = express();
    for (const route of slack.routes) server[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(server);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });
    await teams.installInChannel(TEST_CHANNEL);

    for (const [platform, workspace, channel] of [
      ['slack', FAKE_SLACK.teamId, FAKE_SLACK.channelId],
      ['discord', discordFake.guildId, discordFake.state.generalChannelId],
      ['teams', TEST_TENANT, TEST_CHANNEL],
    ] as const) {
      const ws = await repos.workspaces.upsert({ organizationId: organization.id, platform, externalId: workspace });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: channel, purpose: 'general' });
    }
    const [utrecht, zwolle] = await repos.chapters.ensureMany(organization.id, ['Utrecht', 'Zwolle']);

    let seq = 0;
    const member = async (roles: MemberRole[], chapterId: string | null, accounts: Account[]): Promise<Member> => {
      const memberNumber = `S${++seq}-${randomUUID().slice(0, 4)}`;
      await repos.members.upsertMany(organization.id, [{ memberNumber, name: `Member ${seq}`, email: null, status: 'active', roles, chapterId }]);
      const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
      for (const a of accounts) {
        await repos.workspaces.upsert({ organizationId: organization.id, platform: a.platform, externalId: a.workspaceId });
        const request = await repos.linkRequests.create({
          organizationId: organization.id, memberId: m.id, platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.userId,
          codeHash: 'test', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date(),
        });
        if (!(await repos.linkRequests.confirm(request.id, new Date(), null))) throw new Error('link failed');
      }
      return m;
    };
    // The manager on Slack; Bram (Utrecht) on Slack and Discord; Jan (Zwolle) on Teams.
    await member(['member', 'manager'], null, [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }]);
    await member(['member'], utrecht!.id, [
      { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId },
      { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id },
    ]);
    await member(['member'], zwolle!.id, [{ platform: 'teams', workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId }]);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await discord?.stop();
    await slack?.stop();
    await teams?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await sql?.end();
    await db?.close();
  });

  it('posts one statement everywhere, counts one answer per member across platforms, and shows one tally on every copy', async () => {
    // 1. A manager posts the statement on Slack.
    const posted = await sender.slashCommand('statement post We should meet every month --everywhere');
    expect(posted.status).toBe(200);
    const answer = await until(() => slackFake.responsesTo(posted.responseUrl)[0], 'the slash command reply');
    const shortId = /`([0-9a-f]{8})`/.exec(JSON.stringify(answer))?.[1];
    expect(shortId, JSON.stringify(answer)).toBeDefined();
    const statement: Statement = await parts.service.find(organization.id, shortId!);

    const posts = await until(async () => {
      const p = await parts.repo.listPosts(statement.id);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'three posted copies');
    const copy = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));

    // 2. Bram agrees on Slack, Jan disagrees on Teams, Bram changes his mind on Discord: neutral.
    const slackPress = await sender.blockAction({ actionId: 'statement.answer', value: answerValue(statement.id, 'agree'), messageTs: copy['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(slackPress.status).toBe(200);
    expect(JSON.stringify(await until(() => slackFake.responsesTo(slackPress.responseUrl)[0], 'the Slack confirmation'))).toContain('Agree');

    const invoke = teams.fixture('invoke-action-execute');
    invoke['replyToId'] = copy['teams'];
    invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${TEST_CHANNEL};messageid=${copy['teams']}` };
    invoke['value'] = { action: { type: 'Action.Execute', title: 'Disagree', verb: 'statement.answer', data: { value: answerValue(statement.id, 'disagree') } }, trigger: 'manual' };
    const teamsPress = await teams.send(invoke);
    expect(teamsPress.status).toBe(200);
    // The Teams fixture's member writes Dutch.
    expect(JSON.stringify(teamsPress.body)).toContain('Oneens');

    const press = discordFake.pressButton({ messageId: copy['discord']!, customId: `statement.answer|${answerValue(statement.id, 'neutral')}`, user: discordFake.state.anna });
    await until(() => /Je antwoord: \*\*Neutraal/.test(JSON.stringify(press.callbacks) + JSON.stringify(press.webhookCalls)), 'the Discord confirmation (Anna writes Dutch)');

    // 3. One answer per member in the database; the tally counts Bram once (his last answer).
    const { rows } = await sql.query<{ stance: string }>('SELECT stance::text AS stance FROM statement_answer WHERE statement_id = $1 ORDER BY stance', [statement.id]);
    expect(rows.map((r) => r.stance)).toEqual(['disagree', 'neutral']);
    expect(await parts.repo.tally(statement.id)).toEqual({ agree: 0, neutral: 1, disagree: 1, total: 2 });

    // 4. Every copy shows the same tally.
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === copy['slack'] && m.text.includes('2 answers')), 'the Slack copy updated');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === copy['discord'] && m.text.includes('2 answers')), 'the Discord copy updated');
    await until(() => teams.connector.activities(TEST_CHANNEL).some((a) => a.id === copy['teams'] && cardText(a).includes('2 answers')), 'the Teams copy updated');

    // 5. The managers' breakdown per chapter.
    const results = await sender.slashCommand(`statement results ${shortId}`);
    const resultText = JSON.stringify(await until(() => slackFake.responsesTo(results.responseUrl)[0], 'the results'));
    expect(resultText).toContain('Utrecht');
    expect(resultText).toContain('Zwolle');
    expect(await parts.repo.tallyByChapter(statement.id)).toEqual([
      expect.objectContaining({ chapterName: 'Utrecht', neutral: 1, total: 1 }),
      expect.objectContaining({ chapterName: 'Zwolle', disagree: 1, total: 1 }),
    ]);

    // 6. Closing: no more buttons to answer with, the summary on every copy, no answer accepted afterwards.
    const closed = await sender.slashCommand(`statement close ${shortId}`);
    expect(closed.status).toBe(200);
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === copy['slack'] && !m.actionIds.includes('statement.answer') && m.text.includes('This statement is closed')), 'the Slack copy closed');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === copy['discord'] && m.text.includes('Opinions are divided')), 'the Discord copy closed');
    await until(() => teams.connector.activities(TEST_CHANNEL).some((a) => a.id === copy['teams'] && cardText(a).includes('This statement is closed')), 'the Teams copy closed');
    const late = await sender.blockAction({ actionId: 'statement.answer', value: answerValue(statement.id, 'agree'), messageTs: copy['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(late.responseUrl)[0], 'the refusal'))).toContain('closed');
    expect(await parts.repo.tally(statement.id)).toEqual({ agree: 0, neutral: 1, disagree: 1, total: 2 });
  }, 90_000);

  it('opens the platform thread under the pressed copy: a Slack thread, a Discord thread, a Teams reply chain; once per copy', async () => {
    const statement = await parts.service.create({
      organizationId: organization.id,
      text: 'Our meetings should start earlier',
      targets: [
        { platform: 'slack', workspaceExternalId: FAKE_SLACK.teamId, channelExternalId: FAKE_SLACK.channelId },
        { platform: 'discord', workspaceExternalId: discordFake.guildId, channelExternalId: discordFake.state.generalChannelId },
        { platform: 'teams', workspaceExternalId: TEST_TENANT, channelExternalId: TEST_CHANNEL },
      ],
    });
    const posts = await until(async () => {
      const p = await parts.repo.listPosts(statement.id);
      return p.length === 3 && p.every((x) => x.messageId !== null) && p;
    }, 'three posted copies');
    const copy = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));

    // Slack: a reply in the copy's thread (thread_ts), and only one however often it is pressed.
    for (let i = 0; i < 2; i++) {
      const press = await sender.blockAction({ actionId: 'statement.discuss', value: statement.id, messageTs: copy['slack']!, userId: FAKE_SLACK.otherUserId });
      expect(JSON.stringify(await until(() => slackFake.responsesTo(press.responseUrl)[0], 'the Slack answer'))).toContain('thread under this statement');
    }
    const replies = slackFake.storedMessages(FAKE_SLACK.channelId).filter((m) => m.threadTs === copy['slack']);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text + JSON.stringify(replies[0]!.blocks)).toContain('Our meetings should start earlier');

    // Discord: a public thread started from the copy, the intro in it.
    const press = discordFake.pressButton({ messageId: copy['discord']!, customId: `statement.discuss|${statement.id}`, user: discordFake.state.anna });
    await until(() => /draad onder deze stelling/.test(JSON.stringify(press.callbacks) + JSON.stringify(press.webhookCalls)), 'the Discord answer (Anna writes Dutch)', 10_000).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(press.callbacks)} ${JSON.stringify(press.webhookCalls)}`);
    });
    const thread = [...discordFake.state.channels.values()].find((c) => c.type === 11 && c.parent_id === discordFake.state.generalChannelId && c.name === 'Our meetings should start earlier');
    expect(thread).toBeDefined();
    expect(discordFake.messages(thread!.id).some((m) => m.text.includes('Discussion of the statement'))).toBe(true);

    // Teams: a reply in the copy's reply chain.
    const invoke = teams.fixture('invoke-action-execute');
    invoke['replyToId'] = copy['teams'];
    invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${TEST_CHANNEL};messageid=${copy['teams']}` };
    invoke['value'] = { action: { type: 'Action.Execute', title: 'Discuss', verb: 'statement.discuss', data: { value: statement.id } }, trigger: 'manual' };
    const teamsPress = await teams.send(invoke);
    expect(JSON.stringify(teamsPress.body)).toContain('draad onder deze stelling');
    await until(() => teams.connector.activities(TEST_CHANNEL).some((a) => a.replyToId === copy['teams'] && JSON.stringify(a.activity).includes('Discussion of the statement')), 'the Teams reply');

    const stored = await parts.repo.listPosts(statement.id);
    expect(stored.every((p) => p.threadId !== null)).toBe(true);
  }, 60_000);
});
