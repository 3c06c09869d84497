import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { REPORT_COMMAND_NAME } from '../../adapters/discord/commands.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { BuiltCapabilities } from '../../src/capability.js';
import type { Capabilities } from '../../src/capabilities.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { EventBus } from '../../src/kernel/events.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { FixedClock, membersCsv } from '../factories/membership.factory.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { FakeGraph } from '../fakes/teams/fake-graph.js';
import { TEST_TENANT, TEST_USER, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes, TEST_REDIS_URL } from '../support/redis.js';
import { until } from '../support/until.js';

/**
 * A safe, closed community (issue 16), end to end: the real Discord (discord.js), Slack (Bolt) and Teams
 * (botbuilder + Microsoft Graph) adapters against their protocol fakes, Kring's access and moderation on
 * PostgreSQL, the BullMQ queue on Redis, the real `kring` CLI as a child process, and a test clock.
 *
 * One member, Sanne, is linked on all three platforms: a Discord role, a Slack private channel and a Teams
 * private channel are members-only. A full member import from the CLI leaves her out: her membership
 * lapses; after the grace period the daily sweep takes her out of all three (through the server's queue)
 * and she gets a direct message with the renewal link; a second import with her in it restores all three.
 * Then a member reports one of Sanne's Discord messages; a moderator on Slack sees the case and suspends
 * her for 7 days: her access goes on all three platforms, and comes back when the test clock passes 7 days.
 */
const SIGNING_SECRET = 'e2e-closed-community-signing-secret';
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'kring.mjs');
const RENEW_URL = 'https://vereniging.example.org/lid-worden';
const DAY = 24 * 60 * 60_000;

/** The team of the Teams fixtures, and the Entra group Graph knows it by. */
const TEAM_ID = '19:Xq1w2e3r4t5y6u7i8o9p0aSdFgHjKlZx@thread.tacv2';
const TEAM_GROUP = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d';
const TEAMS_PRIVATE = '19:5e1c2b7a9d0f4e3c8b6a1d2f3e4c5b6a@thread.tacv2';

describe('a safe, closed community across Discord, Slack and Teams', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let dir: string;
  const prefix = `test-${randomUUID()}`;
  let queue: BullMqJobQueue;
  let built: BuiltCapabilities<Capabilities>;
  let router: ChatRouter;
  let bus: EventBus;
  let organization: Organization;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  let teams: TeamsTestBed;
  let graph: FakeGraph;
  let sanne: Member;
  const placeRole = '1180000000000000042';
  const moderatorSlackId = 'U0MODERAT1';
  const clock = new FixedClock(new Date());
  const handler: InboundHandler = { handle: (event: InboundEvent) => router.handle(event) };

  const kring = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, KRING_DATA_DIR: dir, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }, timeout: 90_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  /** Links a chat account as a verified link does (membership publishes `member.linked`). */
  async function link(member: Member, platform: 'discord' | 'slack' | 'teams', workspaceId: string, userId: string): Promise<void> {
    await repos.workspaces.upsert({ organizationId: organization.id, platform, externalId: workspaceId });
    const request = await repos.linkRequests.create({
      organizationId: organization.id,
      memberId: member.id,
      platform,
      workspaceId,
      platformUserId: userId,
      codeHash: 'test',
      expiresAt: new Date(clock.now().getTime() + 60_000),
      createdAt: clock.now(),
    });
    const identity = (await repos.linkRequests.confirm(request.id, clock.now(), null))!;
    await bus.publish('member.linked', { member, identity });
  }

  const everyone = [
    { lidnummer: '1001', naam: 'Sanne de Vries', email: 'sanne@example.org' },
    { lidnummer: '1002', naam: 'Bram Bakker', email: 'bram@example.org' },
    { lidnummer: '1003', naam: 'Mo Moderator', email: 'mo@example.org', rollen: 'moderator' },
  ];
  async function importCsv(rows: typeof everyone): Promise<void> {
    const file = join(dir, `members-${randomUUID()}.csv`);
    await writeFile(file, membersCsv(rows));
    const run = await kring('members', 'import', file, '--org', organization.slug, '--full');
    expect(run.code, run.stderr).toBe(0);
  }

  /** Where Sanne is: the Discord role, the Slack private channel, the Teams private channel. */
  const where = () => ({
    discord: discordFake.memberRoles(discordFake.state.anna.id).includes(placeRole),
    slack: slackFake.channelMembers(FAKE_SLACK.privateChannelId).includes(FAKE_SLACK.userId),
    teams: graph.memberIds(TEAM_GROUP, TEAMS_PRIVATE).includes(TEST_USER.aadObjectId),
  });
  const everywhere = () => Object.values(where()).every(Boolean);
  const nowhere = () => Object.values(where()).every((v) => !v);

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    dir = await mkdtemp(join(tmpdir(), 'kring-closed-'));
    queue = new BullMqJobQueue({ url: TEST_REDIS_URL, prefix, logger: silentLogger });

    slackFake = await FakeSlackApi.start();
    slackFake.addUser({ id: moderatorSlackId, teamId: FAKE_SLACK.teamId, name: 'mo', realName: 'Mo Moderator' });
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents });
    discordFake = await FakeDiscord.start();
    discordFake.state.roles.add(placeRole);
    discord = createDiscordPlatform({ token: discordFake.token, applicationId: discordFake.applicationId, apiUrl: discordFake.apiUrl, handler, logger: silentLogger });
    graph = await new FakeGraph().start();
    teams = new TeamsTestBed({ handler, conversationReferences: repos.conversationReferences, graph: { graphUrl: graph.graphUrl, loginUrl: graph.loginUrl } });
    graph.allowClient(teams.appId, 'test-secret-not-real');
    graph.addTeam(TEAM_GROUP, TEST_TENANT);
    graph.addChannel(TEAM_GROUP, TEAMS_PRIVATE, 'private');
    await teams.start();
    teams.connector.setTeamDetails(TEAM_ID, { name: 'Vereniging De Kring', aadGroupId: TEAM_GROUP });
    const platforms: ChatPlatform[] = [slack, discord, teams.sut];

    organization = await repos.organizations.ensure({ slug: `closed-${randomUUID().slice(0, 8)}`, name: 'Vereniging De Kring', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(platforms), clock, settings: { renewUrl: RENEW_URL } });
    bus = ctx.bus;
    ({ built, router } = buildTestCapabilities(['membership', 'access', 'moderation'], ctx, { defaultOrganizationSlug: organization.slug }));
    await built.parts.access.start?.();
    await slack.start();
    await discord.start();
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(app);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });
    // Kring is in the team's private channel (installed there), so it can address the channel.
    await teams.installInChannel(TEAMS_PRIVATE);

    // The members, as the member administration has them.
    await repos.members.upsertMany(
      organization.id,
      everyone.map((r) => ({ memberNumber: r.lidnummer, name: r.naam, email: r.email, status: 'active' as const, roles: r.rollen ? ['member' as const, 'moderator' as const] : ['member' as const], chapterId: null, locale: null })),
    );
    sanne = (await repos.members.findByNumber(organization.id, '1001'))!;
    const bram = (await repos.members.findByNumber(organization.id, '1002'))!;
    const mo = (await repos.members.findByNumber(organization.id, '1003'))!;

    // The members-only places: a Discord role, a Slack private channel, a Teams private channel; grace 3 days.
    const access = built.parts.access.service;
    await access.setGraceDays(organization.id, 3);
    await access.addPlace({ organizationId: organization.id, platform: 'discord', workspaceId: discordFake.guildId, kind: 'role', externalId: placeRole, name: 'leden', audience: { kind: 'all' } });
    await access.addPlace({ organizationId: organization.id, platform: 'slack', workspaceId: FAKE_SLACK.teamId, kind: 'channel', externalId: FAKE_SLACK.privateChannelId, name: 'leden', audience: { kind: 'all' } });
    await access.addPlace({ organizationId: organization.id, platform: 'teams', workspaceId: TEST_TENANT, kind: 'channel', externalId: TEAMS_PRIVATE, name: 'Leden', audience: { kind: 'all' } });

    await link(sanne, 'discord', discordFake.guildId, discordFake.state.anna.id);
    await link(sanne, 'slack', FAKE_SLACK.teamId, FAKE_SLACK.userId);
    await link(sanne, 'teams', TEST_TENANT, TEST_USER.aadObjectId);
    await link(bram, 'discord', discordFake.guildId, discordFake.state.bram.id);
    await link(mo, 'slack', FAKE_SLACK.teamId, moderatorSlackId);
  }, 120_000);

  afterAll(async () => {
    await discord?.stop();
    await slack?.stop();
    await teams?.stop();
    await queue?.close();
    await discordFake?.stop();
    await slackFake?.stop();
    await graph?.stop();
    if (slackServer) await new Promise((r) => slackServer.close(r));
    await db?.close();
    await deleteRedisPrefixes([prefix]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lets a linked member into the Discord role, the Slack private channel and the Teams private channel', async () => {
    await until(everywhere, 'Sanne let in everywhere');
    // Teams through Graph: her Entra object id is a member of the private channel.
    expect(graph.calls.some((c) => c.method === 'POST' && c.path.endsWith('/members') && c.status === 201)).toBe(true);
  });

  it('a lapse in a full CLI import takes her out of all three after the grace period; renewing restores all three', async () => {
    await until(everywhere, 'Sanne let in everywhere');
    // The full import from the CLI leaves Sanne out: her membership lapses.
    await importCsv(everyone.filter((r) => r.lidnummer !== '1001'));
    expect((await repos.members.findByNumber(organization.id, '1001'))!.status).toBe('lapsed');
    // Within the grace period the daily sweep changes nothing.
    clock.advance(2 * DAY);
    await queue.enqueue('access', 'sweep', {}, { jobId: `sweep-${randomUUID()}` });
    await new Promise((r) => setTimeout(r, 1500));
    expect(where()).toEqual({ discord: true, slack: true, teams: true });

    // After the grace period the sweep takes her out everywhere, and tells her where to renew. (The CLI
    // recorded the lapse on the real clock, a little after the test clock started: an hour's margin.)
    clock.advance(DAY + 3600_000);
    await queue.enqueue('access', 'sweep', {}, { jobId: `sweep-${randomUUID()}` });
    await until(nowhere, 'Sanne taken out everywhere');
    expect(slackFake.callsTo('conversations.kick').length).toBeGreaterThan(0);
    expect(graph.calls.some((c) => c.method === 'DELETE' && c.status === 204)).toBe(true);
    const dm = await until(() => discordFake.directMessages(discordFake.state.anna.id).find((m) => m.text.includes(RENEW_URL)), 'the lapse message on Discord');
    expect(dm.text).toContain('lidmaatschap');
    expect(slackFake.directMessages(FAKE_SLACK.userId).some((m) => JSON.stringify(m).includes(RENEW_URL))).toBe(true);

    // She renews: the next import has her again, and access comes back on all three.
    await importCsv(everyone);
    await until(everywhere, 'Sanne let in again everywhere');
  }, 180_000);

  it('a report on Discord about a Slack-linked member reaches the queue; "suspend 7 days" closes all three and they reopen after 7 days', async () => {
    await until(everywhere, 'Sanne let in everywhere');
    // Sanne writes on Discord; Bram reports the message with the message command.
    const messageId = discordFake.memberWrites({ content: 'Iedereen die dat vindt is gek', user: discordFake.state.anna })!;
    const reported = discordFake.messageCommand({
      name: REPORT_COMMAND_NAME,
      message: { id: messageId, author: discordFake.state.anna, content: 'Iedereen die dat vindt is gek' },
      user: discordFake.state.bram,
    });
    const answered = await discordFake.waitForInteraction(reported);
    expect(JSON.stringify(answered.callbacks)).toMatch(/zaak 1|case 1/i);

    // The moderator on Slack sees it in the queue, with the reported text and who wrote it.
    const listed = await sender.slashCommand('cases', { user_id: moderatorSlackId });
    const list = await until(() => slackFake.responsesTo(listed.responseUrl)[0], 'the cases list');
    expect(JSON.stringify(list)).toMatch(/1\*?\u200b? open · Discord/);
    const shown = await sender.slashCommand('case show 1', { user_id: moderatorSlackId });
    const detail = JSON.stringify(await until(() => slackFake.responsesTo(shown.responseUrl)[0], 'the case'));
    expect(detail).toContain('Iedereen die dat vindt is gek');
    expect(detail).toContain('Sanne de Vries');

    // "suspend 7 days": out of all three platforms at once.
    const suspended = await sender.slashCommand('case suspend 1 7', { user_id: moderatorSlackId });
    const done = JSON.stringify(await until(() => slackFake.responsesTo(suspended.responseUrl)[0], 'the decision'));
    expect(done).toMatch(/geschorst|suspended/);
    await until(nowhere, 'Sanne suspended everywhere');
    // Bram hears the outcome, without anything that names him to Sanne.
    await until(() => discordFake.directMessages(discordFake.state.bram.id).some((m) => /zaak 1|case 1/i.test(m.text)), 'the outcome to the reporter');
    expect(discordFake.directMessages(discordFake.state.anna.id).some((m) => m.text.includes('Bram'))).toBe(false);

    // Six days on, still suspended; after seven days the sweep gives her access back everywhere.
    clock.advance(6 * DAY);
    await queue.enqueue('access', 'sweep', {}, { jobId: `sweep-${randomUUID()}` });
    await new Promise((r) => setTimeout(r, 1500));
    expect(nowhere()).toBe(true);
    clock.advance(DAY + 60_000);
    await queue.enqueue('access', 'sweep', {}, { jobId: `sweep-${randomUUID()}` });
    await until(everywhere, 'Sanne back everywhere after the suspension');
  }, 180_000);

  it('refuses cases to a member who is not a moderator, politely and in their language', async () => {
    const denied = discordFake.slashCommand({ path: ['cases'], user: discordFake.state.bram, locale: 'nl' });
    const answer = JSON.stringify((await discordFake.waitForInteraction(denied)).callbacks);
    expect(answer).toMatch(/moderator/i);
    expect(answer).not.toContain('Iedereen die dat vindt is gek');
  });
});
