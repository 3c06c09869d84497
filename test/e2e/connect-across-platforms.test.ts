import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { InsightsParts } from '../../src/capabilities/insights/index.js';
import { INSIGHTS_SETTINGS } from '../../src/capabilities/insights/domain/insights.service.js';
import { seededRandom } from '../../src/capabilities/connect/domain/pairing.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { KringEvents } from '../../src/kernel/events.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeDiscord, type FakeInteraction } from '../fakes/discord/index.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { until } from '../support/until.js';

/**
 * Members find each other across platforms (issue 13, first acceptance point): the real Slack (Bolt) and
 * Discord (discord.js) adapters against their protocol fakes, Kring's router and the connect capability on
 * PostgreSQL, a test clock. A manager on Slack keeps the interests; Anna on Slack and Bram on Discord fill
 * in their profiles in a Slack modal and a Discord modal with select menus; they find each other with
 * `/kring find`; a round pairs them and each gets the introduction as a direct message on their own
 * platform; a week later both answer "did you meet?" and the round's figures show it.
 */
const SIGNING_SECRET = 'e2e-connect-signing-secret-41aa';

describe('members find each other across Slack and Discord', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let organization: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  let queue: InProcessJobQueue;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  let insights: InsightsParts;
  let baseUrl: string;
  const platforms: ChatPlatform[] = [];
  const clock = new FixedClock('2026-11-02T09:00:00.000Z');
  const handler: InboundHandler = { handle: (event: InboundEvent) => router.handle(event) };
  const heard: KringEvents['connect.followup-answered'][] = [];
  const members: Record<'manager' | 'anna' | 'bram', Member> = {} as never;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    slackFake = await FakeSlackApi.start();
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents });
    discordFake = await FakeDiscord.start();
    discord = createDiscordPlatform({ token: discordFake.token, applicationId: discordFake.applicationId, apiUrl: discordFake.apiUrl, handler, logger: silentLogger });
    platforms.push(slack, discord);

    const slug = `org-${randomUUID().slice(0, 8)}`;
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    queue = new InProcessJobQueue(silentLogger, 20);
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(platforms), clock });
    ctx.bus.on('connect.followup-answered', (e) => void heard.push(e), 'test');
    const built = buildTestCapabilities(['connect', 'insights'], ctx, {
      defaultOrganizationSlug: slug,
      // Timed jobs wake every 100 ms of real time and follow the test clock; pairing is seeded.
      capabilityOptions: { connect: { scheduler: { maxDelayMs: 100 }, random: seededRandom(13) }, insights: { schedule: false } },
    });
    router = built.router;
    connect = built.built.parts.connect;
    insights = built.built.parts.insights;
    await connect.start?.();

    await slack.start();
    await discord.start();
    const app = express();
    for (const route of slack.routes) app[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    // The insights dashboard on the same server, as Kring's HTTP server hosts it.
    insights.mount?.(app);
    slackServer = createServer(app);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}`;
    await insights.repository.setSetting(organization.id, INSIGHTS_SETTINGS.publicUrl, baseUrl);
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });

    const [utrecht] = await repos.chapters.ensureMany(organization.id, ['Utrecht']);
    const add = async (key: keyof typeof members, name: string, roles: Member['roles'], account: { platform: 'slack' | 'discord'; workspaceId: string; userId: string }, locale: 'en' | 'nl') => {
      const memberNumber = `C${randomUUID().slice(0, 6)}`;
      await repos.members.upsertMany(organization.id, [{ memberNumber, name, email: null, status: 'active', roles, chapterId: utrecht!.id, locale }]);
      members[key] = (await repos.members.findByNumber(organization.id, memberNumber))!;
      await repos.workspaces.upsert({ organizationId: organization.id, platform: account.platform, externalId: account.workspaceId });
      const request = await repos.linkRequests.create({
        organizationId: organization.id,
        memberId: members[key].id,
        platform: account.platform,
        workspaceId: account.workspaceId,
        platformUserId: account.userId,
        codeHash: 'test',
        expiresAt: new Date(clock.now().getTime() + 60_000),
        createdAt: clock.now(),
      });
      await repos.linkRequests.confirm(request.id, clock.now(), null);
    };
    await add('manager', 'Marieke Bakker', ['member', 'manager'], { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId }, 'en');
    await add('anna', 'Anna de Vries', ['member'], { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId }, 'en');
    await add('bram', 'Bram Visser', ['member'], { platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.bram.id }, 'nl');
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await discord?.stop();
    await slack?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await db?.close();
  });

  async function slackCommand(text: string, userId: string): Promise<string> {
    const sent = await sender.slashCommand(text, { user_id: userId });
    expect(sent.status).toBe(200);
    return JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], `the answer to /kring ${text}`));
  }
  async function slackProfile(userId: string, values: Record<string, string>): Promise<void> {
    const opened = slackFake.callsTo('views.open').length;
    const sent = await sender.slashCommand('profile', { user_id: userId });
    expect(sent.status).toBe(200);
    const call = await until(() => slackFake.callsTo('views.open')[opened], 'views.open for the profile');
    const view = call.params.view as Record<string, unknown>;
    const submitted = await sender.viewSubmission(view, values, { userId });
    expect(submitted.status).toBe(200);
  }
  async function discordAnswer(interaction: FakeInteraction): Promise<string> {
    await discordFake.waitForInteraction(interaction, (i) => i.callbacks.some((c) => c.status > 0));
    return JSON.stringify(discordFake.message(interaction.originalMessageId!)?.api ?? interaction.callbacks);
  }

  it('keeps interests, saves profiles from a Slack modal and a Discord modal, finds, pairs, introduces and follows up', async () => {
    // 1. The manager keeps the list; a member may not.
    expect(await slackCommand('interests add Fietsen', FAKE_SLACK.userId)).toContain('is on the list of interests');
    expect(await slackCommand('interests add Koken', FAKE_SLACK.userId)).toContain('is on the list of interests');
    expect(await slackCommand('interests add fietsen', FAKE_SLACK.userId)).toContain('is on the list already');
    expect(await slackCommand('interests add Tuinieren', FAKE_SLACK.otherUserId)).not.toContain('is on the list of interests');
    const interests = await connect.profiles.listInterests(organization.id);
    expect(interests.map((i) => i.name)).toEqual(['Fietsen', 'Koken']);
    const fietsen = interests.find((i) => i.name === 'Fietsen')!;

    // 2. Profiles: the manager and Anna in Slack modals (multi_static_select, static_select).
    await slackProfile(FAKE_SLACK.userId, { intro: 'Ik regel de ledenavonden.', interests: fietsen.id, helpsWith: '', cadence: 'off', reach: 'slack' });
    const modal = slackFake.callsTo('views.open').at(-1)!.params.view as { blocks: { element: { type: string } }[] };
    expect(modal.blocks.map((b) => b.element.type)).toEqual(['plain_text_input', 'multi_static_select', 'multi_static_select', 'static_select', 'static_select']);
    await slackProfile(FAKE_SLACK.otherUserId, { intro: 'I cycle to work every day.', interests: fietsen.id, helpsWith: '', cadence: '2', reach: 'slack' });
    // Bram in a Discord modal: text input in a row, the choices as string selects in labels.
    const command = discordFake.slashCommand({ path: ['profile'], user: discordFake.state.bram });
    await discordFake.waitForInteraction(command, (i) => i.callbacks.some((c) => c.status > 0));
    expect(command.callbacks.map((c) => [c.type, c.status])).toEqual([[9, 204]]);
    const discordModal = discordFake.modalOf(command)!;
    expect(discordModal.components.map((row) => row.type)).toEqual([1, 18, 18, 18, 18]);
    const saved = discordFake.submitModal({ modal: discordModal, values: { intro: 'Ik fiets elk weekend.', interests: fietsen.id, helpsWith: '', cadence: '2', reach: 'discord' }, user: discordFake.state.bram });
    expect(await discordAnswer(saved)).toContain('Je profiel is opgeslagen');
    expect(await connect.profiles.profileOf(members.bram)).toMatchObject({ interestIds: [fietsen.id], introsEveryWeeks: 2, reach: 'discord', intro: 'Ik fiets elk weekend.' });

    // 3. Find: Anna on Slack sees the manager as a Slack mention and Bram "on Discord"; Bram (Dutch) sees both on Slack.
    const annaFinds = await slackCommand('find fietsen', FAKE_SLACK.otherUserId);
    expect(annaFinds).toContain(`<@${FAKE_SLACK.userId}>`);
    expect(annaFinds).toContain('Bram Visser');
    expect(annaFinds).toContain('on Discord');
    const bramFinds = await discordAnswer(discordFake.slashCommand({ path: ['find'], options: { words: 'Fietsen' }, user: discordFake.state.bram }));
    expect(bramFinds).toContain('Anna de Vries');
    expect(bramFinds).toContain('op Slack');
    expect(bramFinds).toContain('Leden met interesse in Fietsen');
    expect(await slackCommand('find zwemmen', FAKE_SLACK.otherUserId)).toContain('is not on the association’s list of interests');

    // 4. A round for Fietsen: Anna and Bram are open to introductions (the manager is not).
    expect(await slackCommand('intros start interest Fietsen --every=2', FAKE_SLACK.userId)).toContain('the first round runs now');
    const annaIntro = await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).find((m) => m.text.includes('Meet Bram Visser')), 'Anna’s introduction on Slack');
    expect(annaIntro.text).toContain('on Discord');
    expect(annaIntro.text).toContain('Ik fiets elk weekend.');
    const bramIntro = await until(() => discordFake.directMessages(discordFake.state.bram.id).find((m) => m.text.includes('Maak kennis met Anna de Vries')), 'Bram’s introduction on Discord');
    expect(bramIntro.text).toContain('op Slack');
    expect(bramIntro.text).toContain('Jullie delen: Fietsen');
    expect(slackFake.directMessages(FAKE_SLACK.userId)).toEqual([]);
    const [program] = await connect.repo.listRunningPrograms(organization.id);
    const [round] = await connect.repo.listRounds(program!.id, 1);
    expect(round).toMatchObject({ number: 1, members: 2, groups: 1 });
    const [group] = await connect.repo.roundGroups(round!.id);

    // 5. A week later: "did you meet?" on each member's own platform.
    clock.advance(7 * 86_400_000 + 60_000);
    const annaAsk = await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).find((m) => m.text.includes('Did you meet Bram Visser?')), 'the follow-up on Slack');
    expect(annaAsk.actionIds).toEqual(['connect.met', 'connect.met::1']);
    const bramAsk = await until(() => discordFake.directMessages(discordFake.state.bram.id).find((m) => m.text.includes('Heb je Anna de Vries gesproken?')), 'the follow-up on Discord');

    // A stranger (the manager) pressing Anna's button changes nothing.
    const stranger = await sender.blockAction({ actionId: 'connect.met', value: `${group!.id}:yes`, messageTs: annaAsk.messageId, userId: FAKE_SLACK.userId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(stranger.responseUrl)[0], 'the stranger’s answer'))).toContain('your answer was not counted');
    expect(await connect.repo.roundTotals(round!.id)).toEqual({ metGroups: 0, yes: 0, no: 0 });

    const yes = await sender.blockAction({ actionId: 'connect.met', value: `${group!.id}:yes`, messageTs: annaAsk.messageId, userId: FAKE_SLACK.otherUserId });
    expect(JSON.stringify(await until(() => slackFake.responsesTo(yes.responseUrl)[0], 'Anna’s thanks'))).toContain('Counted');
    const bramYes = discordFake.pressButton({ messageId: bramAsk.messageId, customId: bramAsk.actionIds[0]!, user: discordFake.state.bram });
    expect(await discordAnswer(bramYes)).toContain('Geteld');
    expect(heard.map((e) => [e.met, e.totals])).toEqual([
      [true, { metGroups: 1, yes: 1, no: 0 }],
      [true, { metGroups: 1, yes: 2, no: 0 }],
    ]);

    // 6. The figures: connections made in the round.
    const status = await slackCommand('intros status', FAKE_SLACK.userId);
    expect(status).toContain('Round 1');
    expect(status).toContain('met: 1 groups (2 yes, 0 not yet)');

    // 7. The same answers on the insights dashboard: the manager signs in with the link `/kring dashboard`
    // gave, and the page's data holds the round and its follow-up answers.
    const link = new URL(/https?:\/\/[^\s"\\)>|]+\/insights\/signin\?token=[A-Za-z0-9_.-]+/.exec(await slackCommand('dashboard', FAKE_SLACK.userId))![0]);
    const signedIn = await fetch(`${baseUrl}${link.pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.searchParams.get('token')! }).toString(),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const data = await fetch(`${baseUrl}/insights/api/data?period=month`, { headers: { cookie } });
    expect(data.status).toBe(200);
    const community = ((await data.json()) as { data: { community: { rounds: unknown[]; funnel: Record<string, number> } } }).data.community;
    expect(community.rounds).toEqual([expect.objectContaining({ roundId: round!.id, number: 1, members: 2, groups: 1, metGroups: 1, answersYes: 2, answersNo: 0 })]);
    // Both were introduced; neither linked through Kring's own link flow in this test, so the funnel's cohort is empty.
    expect(community.funnel).toMatchObject({ linked: 0 });
  }, 120_000);
});
