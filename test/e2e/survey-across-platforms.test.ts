import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import { answerButtonValue, answerFieldName, questionRef, type Survey } from '../../src/capabilities/surveys/domain/survey.js';
import type { SurveysParts } from '../../src/capabilities/surveys/index.js';
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

/**
 * A three-question survey, three platforms, one response per member: the real Slack (Bolt), Discord
 * (discord.js) and Teams (botbuilder) adapters against their protocol fakes, Kring's router and the
 * surveys capability on PostgreSQL. A manager writes and sends it on Slack; the invitations arrive by
 * direct message (Bram on Discord, his first account; Jan on Teams); Bram answers on Discord and carries
 * on on Slack (his answer to a question he already answered on Discord is refused there), with the text
 * answer in a Slack modal; Jan answers with Teams card buttons and a Teams form. The results and the
 * export count each member once.
 */
const SIGNING_SECRET = 'e2e-survey-signing-secret-5c2a';

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

describe('a survey answered by direct message across Slack, Discord and Teams', () => {
  let db: Database;
  let sql: pg.Client;
  let app: ChatRouter;
  let parts: SurveysParts;
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
  let bram: Member;
  let jan: Member;

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
    const built = buildTestCapabilities(['surveys'], ctx, { defaultOrganizationSlug: slug });
    app = built.router;
    parts = built.built.parts.surveys;
    await parts.start?.();

    await slack.start();
    await discord.start();
    const server = express();
    for (const route of slack.routes) server[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(server);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });
    // Teams: the bot is in the team, so it can open a personal chat with a member of the team.
    await teams.installInChannel(TEST_CHANNEL);

    const [utrecht, zwolle] = await repos.chapters.ensureMany(organization.id, ['Utrecht', 'Zwolle']);
    let seq = 0;
    const member = async (roles: MemberRole[], chapterId: string | null, accounts: Account[]): Promise<Member> => {
      const memberNumber = `E${++seq}-${randomUUID().slice(0, 4)}`;
      await repos.members.upsertMany(organization.id, [{ memberNumber, name: `Member ${seq}`, email: null, status: 'active', roles, chapterId }]);
      const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
      for (const a of accounts) {
        await repos.workspaces.upsert({ organizationId: organization.id, platform: a.platform, externalId: a.workspaceId });
        const request = await repos.linkRequests.create({
          organizationId: organization.id, memberId: m.id, platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.userId,
          codeHash: 'test', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date(),
        });
        if (!(await repos.linkRequests.confirm(request.id, new Date(), null))) throw new Error('link failed');
        // Linked one after the other: the first account is the one that gets the invitation.
        await new Promise((r) => setTimeout(r, 5));
      }
      return m;
    };
    // The manager on Slack.
    await member(['member', 'manager'], null, [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }]);
    // Bram (Utrecht) on Discord first, then Slack; Jan (Zwolle) on Teams.
    bram = await member(['member'], utrecht!.id, [
      { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id },
      { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId },
    ]);
    jan = await member(['member'], zwolle!.id, [{ platform: 'teams', workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId }]);
  }, 180_000);

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

  /** Runs `/kring <words>` on Slack as the manager and returns the reply's JSON (the fixture's Slack user writes Dutch). */
  const slash = async (words: string, userId: string = FAKE_SLACK.userId): Promise<string> => {
    const sent = await sender.slashCommand(words, { user_id: userId });
    expect(sent.status).toBe(200);
    return JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], `the reply to ${words}`));
  };

  /** The custom_id of the Discord button whose value is `value` on a message Kring sent. */
  const discordButton = (messageId: string, value: string): string => {
    const stored = discordFake.message(messageId)!;
    const ids = (stored.api.components as { components: { custom_id?: string }[] }[]).flatMap((row) => row.components.map((c) => c.custom_id ?? ''));
    const id = ids.find((c) => c.endsWith(`|${value}`));
    if (!id) throw new Error(`no button ${value} on ${messageId}: ${ids.join(', ')}`);
    return id;
  };

  /** Jan's personal chat with Kring on Teams: its id and the activities Kring sent there. */
  const teamsChat = () => teams.connector.personalConversationsOf(TEST_USER.aadObjectId)[0];

  /** An Action.Execute press by Jan on a card in his personal chat. */
  const teamsPress = (replyToId: string, verb: string, data: Record<string, string>) => {
    const invoke = teams.fixture('invoke-action-execute');
    invoke['replyToId'] = replyToId;
    invoke['conversation'] = { conversationType: 'personal', tenantId: TEST_TENANT, id: teamsChat()!.id };
    invoke['value'] = { action: { type: 'Action.Execute', title: 'Answer', verb, data }, trigger: 'manual' };
    return teams.send(invoke);
  };

  it('counts one response per member across platforms, with the results and the export', async () => {
    // 1. The manager writes the survey on Slack and sends it to every member (the role `member`: the manager too).
    const created = await slash('survey create Member survey 2026 --role=member');
    const shortId = /`([0-9a-f]{8})`/.exec(created)?.[1];
    expect(shortId, created).toBeDefined();
    expect(await slash(`survey question ${shortId} single Which evening suits you? | Monday | Thursday`)).toContain('Vraag 1 toegevoegd');
    expect(await slash(`survey question ${shortId} nps How likely are you to recommend us?`)).toContain('Vraag 2 toegevoegd');
    expect(await slash(`survey question ${shortId} text What should we change?`)).toContain('Vraag 3 toegevoegd');
    expect(await slash(`survey send ${shortId}`)).toContain('gaat naar 3 leden');
    const survey: Survey = await parts.service.find(organization.id, shortId!);

    // 2. The invitations: Bram on Discord (not Slack), Jan on Teams, the manager on Slack.
    const bramDm = await until(() => discordFake.directMessages(discordFake.state.anna.id).find((m) => m.text.includes('Question 1 of 3')), 'Bram\'s invitation on Discord');
    expect(bramDm.text).toContain('Which evening suits you?');
    await until(() => slackFake.directMessages(FAKE_SLACK.userId).some((m) => m.text.includes('Question 1 of 3')), 'the manager\'s invitation on Slack');
    const janDm = await until(() => teamsChat() && teams.connector.activities(teamsChat()!.id).find((a) => cardText(a).includes('Question 1 of 3')), 'Jan\'s invitation on Teams');
    await until(async () => (await parts.service.counts(survey)).delivered === 3, 'three delivered');
    expect(slackFake.directMessages(FAKE_SLACK.otherUserId)).toEqual([]);

    // 3. Bram answers question 1 on Discord: the message turns into question 2.
    const q1 = discordFake.pressButton({ messageId: bramDm.messageId, customId: discordButton(bramDm.messageId, answerButtonValue(survey.id, 0, 1)), user: discordFake.state.anna });
    await until(() => /(Vraag|Question) 2 (van|of) 3/.test(JSON.stringify(q1.callbacks) + JSON.stringify(q1.webhookCalls)), 'question 2 on Discord');

    // 4. He carries on on Slack: `/kring survey answer` shows where he is; question 2 there, then the text in a modal.
    const resumed = await slash(`survey answer ${shortId}`, FAKE_SLACK.otherUserId);
    expect(resumed).toMatch(/(Vraag|Question) 2 (van|of) 3/);
    const q2 = await sender.blockAction({ actionId: 'survey.answer', value: answerButtonValue(survey.id, 1, 9), userId: FAKE_SLACK.otherUserId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(q2.responseUrl)[0], 'question 3 on Slack'))).toMatch(/(Vraag|Question) 3 (van|of) 3/);
    // The old Discord message still offers question 2: answering it again there is refused, politely.
    const twice = discordFake.pressButton({ messageId: bramDm.messageId, customId: discordButton(bramDm.messageId, answerButtonValue(survey.id, 1, 2)), user: discordFake.state.anna });
    await until(() => /al beantwoord|answered that question already/.test(JSON.stringify(twice.callbacks) + JSON.stringify(twice.webhookCalls)), 'the refusal on Discord');
    const viewsBefore = slackFake.views.length;
    const open = await sender.blockAction({ actionId: 'survey.form', value: questionRef(survey.id, 2), userId: FAKE_SLACK.otherUserId });
    expect(open.status).toBe(200);
    const modal = await until(() => slackFake.views.length > viewsBefore && slackFake.views.at(-1), 'the Slack modal');
    const submitted = await sender.viewSubmission(modal, { [answerFieldName(survey.id, 2)]: 'More evenings in the summer' }, { userId: FAKE_SLACK.otherUserId });
    expect(submitted.status).toBe(200);
    await until(() => slackFake.ephemerals.some((e) => e.user === FAKE_SLACK.otherUserId && /Bedankt|Thank you/.test(e.text)), 'the thanks on Slack');

    // 5. Jan answers on Teams: buttons on the card, then the form for the text question.
    const t1 = await teamsPress(janDm.id, 'survey.answer', { value: answerButtonValue(survey.id, 0, 0) });
    expect(t1.status).toBe(200);
    expect(JSON.stringify(t1.body)).toMatch(/Vraag 2 van 3|Question 2 of 3/);
    const t2 = await teamsPress(janDm.id, 'survey.answer', { value: answerButtonValue(survey.id, 1, 4) });
    expect(JSON.stringify(t2.body)).toMatch(/Vraag 3 van 3|Question 3 of 3/);
    const chatBefore = teams.connector.activities(teamsChat()!.id).length;
    const t3 = await teamsPress(janDm.id, 'survey.form', { value: questionRef(survey.id, 2) });
    expect(t3.status).toBe(200);
    const formCard = JSON.stringify(t3.body).includes('form.submit')
      ? (t3.body as { value: unknown }).value
      : (await until(() => teams.connector.activities(teamsChat()!.id).slice(chatBefore).find((a) => JSON.stringify(a.activity).includes('form.submit')), 'the Teams form')).activity;
    const submitData = findSubmitData(formCard);
    const t4 = await teamsPress(janDm.id, 'form.submit', { ...submitData, [answerFieldName(survey.id, 2)]: 'Start earlier' });
    expect(t4.status).toBe(200);
    expect(JSON.stringify(t4.body)).toMatch(/Bedankt|Thank you/);

    // 6. One response per member: Bram's answers from Discord and Slack are one response.
    const { rows } = await sql.query<{ member_id: string; n: number }>('SELECT member_id::text AS member_id, count(*)::int AS n FROM survey_answer WHERE survey_id = $1 GROUP BY member_id ORDER BY member_id', [survey.id]);
    expect(rows.map((r) => [r.member_id, r.n]).sort()).toEqual([[bram.id, 3], [jan.id, 3]].sort());
    expect(await parts.service.counts(survey)).toMatchObject({ invited: 3, completed: 2 });

    // 7. The results and the export for the manager.
    const results = await slash(`survey results ${shortId}`);
    expect(results).toContain('Monday  █████░░░░░ 50% (1)');
    expect(results).toContain('NPS 0 (promotors 1, passieven 0, criticasters 1)');
    expect(results).toContain('More evenings in the summer');
    const r = await parts.service.results(survey);
    expect(r.respondents).toBe(2);
    expect(r.questions[0]!.bars.map((b) => b.count)).toEqual([1, 1]);
    const csv = await slash(`survey export ${shortId}`);
    expect(csv).toContain('Start earlier');
    expect(csv).toContain('More evenings in the summer');
  }, 180_000);
});

/** The data of a form card's `form.submit` action (formId and where it was opened). */
function findSubmitData(card: unknown): Record<string, string> {
  let found: Record<string, string> | undefined;
  const visit = (node: unknown): void => {
    if (found || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(visit);
    const o = node as Record<string, unknown>;
    if (o['verb'] === 'form.submit' && typeof o['data'] === 'object' && o['data'] !== null) {
      found = o['data'] as Record<string, string>;
      return;
    }
    Object.values(o).forEach(visit);
  };
  visit(card);
  if (!found) throw new Error(`no form.submit in ${JSON.stringify(card)}`);
  return found;
}
