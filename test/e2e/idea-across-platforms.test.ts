import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { IdeasParts } from '../../src/capabilities/ideas/index.js';
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
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { until } from '../support/until.js';

/**
 * The idea box on Slack and Discord through the real adapters (Bolt, discord.js) against their protocol
 * fakes, on PostgreSQL: a member submits an idea on Slack, it is posted in the ideas channel of both; one
 * member upvotes on Slack and again on Discord and counts once; a manager moves the idea on and the
 * submitter and the upvoter get a direct message each time; the monthly draft lists it.
 */
const SIGNING_SECRET = 'e2e-idea-signing-secret-2c8a';

interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

describe('the idea box across Slack and Discord', () => {
  let db: Database;
  let sql: pg.Client;
  let app: ChatRouter;
  let parts: IdeasParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
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
    platforms.push(slack, discord);

    const slug = `org-${randomUUID().slice(0, 8)}`;
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    queue = new InProcessJobQueue(silentLogger, 100);
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(platforms), logger: silentLogger });
    const built = buildTestCapabilities(['ideas'], ctx, { defaultOrganizationSlug: slug, capabilityOptions: { ideas: { scheduler: { refreshWindowMs: 300, skewMarginMs: 20 } } } });
    app = built.router;
    parts = built.built.parts.ideas;
    await parts.start?.();
    await slack.start();
    await discord.start();
    const server = express();
    for (const route of slack.routes) server[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(server);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });

    for (const [platform, workspace, channel] of [
      ['slack', FAKE_SLACK.teamId, FAKE_SLACK.channelId],
      ['discord', discordFake.guildId, discordFake.state.generalChannelId],
    ] as const) {
      const ws = await repos.workspaces.upsert({ organizationId: organization.id, platform, externalId: workspace });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: channel, purpose: 'ideas' });
    }
    let seq = 0;
    const member = async (roles: MemberRole[], accounts: Account[]): Promise<Member> => {
      const memberNumber = `I${++seq}-${randomUUID().slice(0, 4)}`;
      await repos.members.upsertMany(organization.id, [{ memberNumber, name: `Member ${seq}`, email: null, status: 'active', roles, chapterId: null }]);
      const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
      for (const a of accounts) {
        const request = await repos.linkRequests.create({
          organizationId: organization.id, memberId: m.id, platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.userId,
          codeHash: 'test', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date(),
        });
        if (!(await repos.linkRequests.confirm(request.id, new Date(), null))) throw new Error('link failed');
      }
      return m;
    };
    // Jan (a manager) on Slack; Bram on Slack and Discord.
    await member(['member', 'manager'], [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }]);
    await member(['member'], [
      { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId },
      { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id },
    ]);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await discord?.stop();
    await slack?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await sql?.end();
    await db?.close();
  });

  it('posts an idea to the ideas channels, counts one member upvoting on two platforms once, and tells submitter and upvoter of each change', async () => {
    // 1. Jan submits an idea on Slack.
    const sent = await sender.slashCommand('idea A monthly walk for new members');
    const thanks = JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], 'the thank-you'));
    const shortId = /`([0-9a-f]{8})`/.exec(thanks)?.[1];
    expect(shortId, thanks).toBeDefined();
    const idea = await parts.service.find(organization.id, shortId!);
    const posts = await until(async () => {
      const p = await parts.repo.listPosts(idea.id);
      return p.length === 2 && p.every((x) => x.messageId !== null) && p;
    }, 'two posted copies');
    const copy = Object.fromEntries(posts.map((p) => [p.platform, p.messageId!]));

    // 2. Bram upvotes on Slack, then again on Discord: one upvote.
    const first = await sender.blockAction({ actionId: 'idea.upvote', value: idea.id, messageTs: copy['slack']!, userId: FAKE_SLACK.otherUserId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(first.responseUrl)[0], 'the Slack answer'))).toContain('You support this idea (1 upvote)');
    const press = discordFake.pressButton({ messageId: copy['discord']!, customId: `idea.upvote|${idea.id}`, user: discordFake.state.anna });
    await until(() => /Je steunt dit idee al \(1 keer gesteund\)/.test(JSON.stringify(press.callbacks) + JSON.stringify(press.webhookCalls)), 'the Discord answer (Anna writes Dutch)');
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM idea_vote WHERE idea_id = $1', [idea.id]);
    expect(rows[0]!.n).toBe(1);
    expect(await parts.repo.votes(idea.id)).toBe(1);
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === copy['slack'] && m.text.includes('1 upvote')), 'the Slack copy updated');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === copy['discord'] && m.text.includes('1 upvote')), 'the Discord copy updated');

    // 3. Jan plans it: the copies show it, Jan and Bram each get a direct message.
    const planned = await sender.slashCommand(`idea status ${shortId} planned`);
    // Jan's Slack locale is Dutch; the direct messages follow the member's language (here the organisation's, en).
    expect(JSON.stringify(await until(() => slackFake.responsesTo(planned.responseUrl)[0], 'the status answer'))).toContain('Gepland');
    await until(() => slackFake.directMessages(FAKE_SLACK.userId).some((m) => m.text.includes('your idea') && m.text.includes('Planned')), 'the submitter message');
    await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).some((m) => m.text.includes('an idea you supported') && m.text.includes('Planned')), 'the upvoter message');
    await until(() => discordFake.messages(discordFake.state.generalChannelId).some((m) => m.messageId === copy['discord'] && m.text.includes('Planned')), 'the Discord copy shows the status');

    // 4. Declining needs a reason; with one, the reason reaches everyone and the upvote button goes.
    const noReason = await sender.slashCommand(`idea status ${shortId} declined`);
    expect(JSON.stringify(await until(() => slackFake.responsesTo(noReason.responseUrl)[0], 'the refusal'))).toContain('Zeg waarom');
    await sender.slashCommand(`idea status ${shortId} declined No volunteers this year`);
    await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).some((m) => m.text.includes('No volunteers this year')), 'the decline message');
    await until(() => slackFake.received(FAKE_SLACK.channelId).some((m) => m.messageId === copy['slack'] && m.text.includes('No volunteers this year') && !m.actionIds.includes('idea.upvote')), 'the Slack copy declined');

    // 5. The monthly draft lists the idea with where it ended.
    const month = new Date().toISOString().slice(0, 7);
    const digest = await sender.slashCommand(`idea digest ${month}`);
    const draft = JSON.stringify(await until(() => slackFake.responsesTo(digest.responseUrl)[0], 'the draft'));
    expect(draft).toContain('Jullie zeiden, wij deden');
    expect(draft).toContain('A monthly walk for new members');
    expect(draft).toContain('No volunteers this year');
  }, 90_000);
});
