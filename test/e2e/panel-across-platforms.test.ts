import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
import type { PanelParts } from '../../src/capabilities/panel/index.js';
import type { SurveysParts } from '../../src/capabilities/surveys/index.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, MemberRole, Organization } from '../../src/kernel/community.js';
import type { ChatPlatform, InboundEvent, InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Platform } from '../../src/kernel/types.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { FakeDiscord, type FakeUser } from '../fakes/discord/index.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { until } from '../support/until.js';

/**
 * The sounding-board panel through the real Slack (Bolt) and Discord (discord.js) adapters against their
 * protocol fakes, Kring's router and the panel and surveys capabilities on PostgreSQL. John signs up on
 * Slack (`/kring panel join`), Anna and Bram on Discord (`/kring survey panel action:join`, the menu's
 * place for it); a member's attempt to draw is refused; the manager gives the panel a private Slack
 * channel and a Discord role, draws 2 of the 3 on Slack (balanced: one of Utrecht's two, Zwolle's one),
 * and those drawn are let in on their platform; a survey sent to the panel reaches the two by direct
 * message and never the one left out.
 */
const SIGNING_SECRET = 'e2e-panel-signing-secret-7d1e';
const PANEL_ROLE = '700000000000000042';

interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

describe('the sounding-board panel across Slack and Discord', () => {
  let db: Database;
  let app: ChatRouter;
  let panel: PanelParts;
  let surveys: SurveysParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  let slackFake: FakeSlackApi;
  let slack: SlackPlatform;
  let slackServer: Server;
  let sender: SlackRequestSender;
  let discordFake: FakeDiscord;
  let discord: DiscordPlatform;
  const handler: InboundHandler = { handle: (event: InboundEvent) => app.handle(event) };
  let john: Member;
  let anna: Member;
  let bram: Member;
  let mila: FakeUser;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const repos = prismaRepositories(db.prisma);

    slackFake = await FakeSlackApi.start();
    slack = createSlackPlatform({ botToken: FAKE_SLACK.botToken, signingSecret: SIGNING_SECRET, apiUrl: slackFake.apiUrl, handler, logger: silentLogger, processedEvents: repos.processedEvents });
    discordFake = await FakeDiscord.start();
    discordFake.state.roles.add(PANEL_ROLE);
    discord = createDiscordPlatform({ token: discordFake.token, applicationId: discordFake.applicationId, apiUrl: discordFake.apiUrl, memberRoleId: discordFake.state.memberRoleId, handler, logger: silentLogger });
    const platforms: ChatPlatform[] = [slack, discord];

    const slug = `org-${randomUUID().slice(0, 8)}`;
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    queue = new InProcessJobQueue(silentLogger, 100);
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry(platforms), logger: silentLogger });
    const built = buildTestCapabilities(['surveys', 'panel'], ctx, { defaultOrganizationSlug: slug });
    app = built.router;
    surveys = built.built.parts.surveys;
    panel = built.built.parts.panel;
    await surveys.start?.();
    await panel.start?.();

    await slack.start();
    await discord.start();
    const server = express();
    for (const route of slack.routes) server[route.method === 'GET' ? 'get' : 'post'](route.path, (req, res, next) => route.handle(req, res, next));
    slackServer = createServer(server);
    await new Promise<void>((r) => slackServer.listen(0, '127.0.0.1', r));
    sender = new SlackRequestSender({ eventsUrl: `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });

    const [utrecht, zwolle] = await repos.chapters.ensureMany(organization.id, ['Utrecht', 'Zwolle']);
    let seq = 0;
    const member = async (roles: MemberRole[], chapterId: string | null, accounts: Account[]): Promise<Member> => {
      const memberNumber = `P${++seq}-${randomUUID().slice(0, 4)}`;
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
    mila = discordFake.state.addUser({ username: 'mila', global_name: 'Mila' });
    discordFake.state.addMember(mila.id);
    // The manager on Slack and Discord; John (Utrecht) on Slack; Anna (Utrecht) and Bram (Zwolle) on Discord.
    await member(['member', 'manager'], null, [
      { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId },
      { platform: 'discord', workspaceId: discordFake.guildId, userId: mila.id },
    ]);
    john = await member(['member'], utrecht!.id, [{ platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.otherUserId }]);
    anna = await member(['member'], utrecht!.id, [{ platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.anna.id }]);
    bram = await member(['member'], zwolle!.id, [{ platform: 'discord', workspaceId: discordFake.guildId, userId: discordFake.state.bram.id }]);
  }, 180_000);

  afterAll(async () => {
    await queue?.close();
    await discord?.stop();
    await slack?.stop();
    await discordFake?.stop();
    await slackFake?.stop();
    await new Promise((r) => slackServer?.close(r));
    await db?.close();
  });

  /** Runs `/kring <words>` on Slack and returns the reply's JSON. */
  const slash = async (words: string, userId: string = FAKE_SLACK.userId, channelId?: string): Promise<string> => {
    const sent = await sender.slashCommand(words, { user_id: userId, ...(channelId ? { channel_id: channelId } : {}) });
    expect(sent.status).toBe(200);
    return JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], `the reply to ${words}`));
  };

  /** Runs `/kring survey panel` on Discord (the menu's place for the panel) and waits until Kring's answer says `expected`. */
  const discordPanel = async (user: FakeUser, options: Record<string, string>, expected: RegExp): Promise<string> => {
    const interaction = discordFake.slashCommand({ path: ['survey', 'panel'], options, user });
    await discordFake.waitForInteraction(interaction, (i) => i.callbacks.some((c) => c.status > 0));
    const answer = () => JSON.stringify(discordFake.message(interaction.originalMessageId ?? '')?.api ?? null) + JSON.stringify(interaction.callbacks) + JSON.stringify(interaction.webhookCalls);
    try {
      return await until(() => expected.test(answer()) && answer(), `the answer to survey panel ${options['action']}`);
    } catch (err) {
      throw new Error(`${(err as Error).message}; Kring answered ${answer()}`);
    }
  };

  it('draws a balanced panel from members who signed up on two platforms, lets them in, and sends a panel survey to them only', async () => {
    // 1. Sign-ups: John on Slack (typed `/kring panel`), Anna and Bram on Discord (`/kring survey panel`).
    expect(await slash('panel join', FAKE_SLACK.otherUserId)).toMatch(/signed up for the sounding-board panel|aangemeld voor de klankbordgroep/);
    await discordPanel(discordFake.state.anna, { action: 'join' }, /signed up for the sounding-board panel|aangemeld voor de klankbordgroep/);
    await discordPanel(discordFake.state.bram, { action: 'join' }, /signed up for the sounding-board panel|aangemeld voor de klankbordgroep/);
    expect(await panel.service.candidates(organization.id)).toBe(3);

    // 2. A member may not draw; the manager asking for 4 of 3 is told how many signed up.
    await discordPanel(discordFake.state.bram, { action: 'draw', more: '2' }, /Only community managers|Alleen communitymanagers/);
    expect(await slash('panel draw 4')).toMatch(/needs 4 members who signed up, and 3 have|heeft 4 aanmeldingen nodig, en er zijn er 3/);

    // 3. The places: the private Slack channel (typed in it) and a Discord role.
    expect(await slash('panel place', FAKE_SLACK.userId, FAKE_SLACK.privateChannelId)).toMatch(/invited to this channel|voor dit kanaal uitgenodigd/);
    await discordPanel(mila, { action: 'place', more: `<@&${PANEL_ROLE}>` }, /gets this role|krijgt nu deze rol/);

    // 4. The draw on Slack: 2 of 3, one from each chapter (Utrecht 1.33 -> 1, Zwolle 0.67 -> 1 by the larger remainder).
    expect(await slash('panel draw 2')).toMatch(/2 members out of 3 who signed up|2 leden uit 3 aanmeldingen/);
    const seats = (await panel.repo.find(organization.id))!.seats.map((s) => s.memberId);
    expect(seats).toHaveLength(2);
    expect(seats).toContain(bram.id);
    const utrechtDrawn = seats.includes(john.id) ? john : anna;
    const leftOut = utrechtDrawn === john ? anna : john;
    expect(seats).toContain(utrechtDrawn.id);

    // 5. Those drawn are let in on their platform; the one left out is not.
    await until(() => discordFake.memberRoles(discordFake.state.bram.id).includes(PANEL_ROLE), 'Bram gets the panel role');
    await until(() => (utrechtDrawn === john ? slackFake.channelMembers(FAKE_SLACK.privateChannelId).includes(FAKE_SLACK.otherUserId) : discordFake.memberRoles(discordFake.state.anna.id).includes(PANEL_ROLE)), 'the one drawn from Utrecht is let in');
    const johnIn = slackFake.channelMembers(FAKE_SLACK.privateChannelId).includes(FAKE_SLACK.otherUserId);
    const annaIn = discordFake.memberRoles(discordFake.state.anna.id).includes(PANEL_ROLE);
    expect({ johnIn, annaIn }).toEqual({ johnIn: utrechtDrawn === john, annaIn: utrechtDrawn === anna });

    // Both are told by direct message on their own platform.
    await until(() => discordFake.directMessages(discordFake.state.bram.id).some((m) => m.text.includes('You are on the sounding-board panel of Vereniging Test')), "Bram's welcome on Discord");
    if (utrechtDrawn === john) await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).some((m) => m.text.includes('sounding-board panel of Vereniging Test')), "John's welcome on Slack");
    else await until(() => discordFake.directMessages(discordFake.state.anna.id).some((m) => m.text.includes('sounding-board panel of Vereniging Test')), "Anna's welcome on Discord");

    // 6. The member sees whether they are on it; the manager sees who.
    await discordPanel(discordFake.state.bram, { action: 'status' }, /You are on the sounding-board panel|Je zit in de klankbordgroep/);
    const shown = await slash('panel show');
    expect(shown).toContain(bram.memberNumber);
    expect(shown).not.toContain(leftOut.memberNumber);

    // 7. A survey to the panel: invitations by direct message to the two drawn, on their own platform, and none to the one left out.
    const created = await slash('survey create Panel check 2026 --panel');
    const shortId = /`([0-9a-f]{8})`/.exec(created)?.[1];
    expect(shortId, created).toBeDefined();
    expect(await slash(`survey question ${shortId} scale How do you like the plan?`)).toMatch(/Vraag 1 toegevoegd|Question 1 added/);
    expect(await slash(`survey send ${shortId}`)).toMatch(/gaat naar 2 leden|goes to 2 members/);
    const survey = await surveys.service.find(organization.id, shortId!);
    await until(async () => (await surveys.service.counts(survey)).delivered === 2, 'two delivered');
    await until(() => discordFake.directMessages(discordFake.state.bram.id).some((m) => m.text.includes('How do you like the plan?')), "Bram's invitation on Discord");
    if (utrechtDrawn === john) {
      await until(() => slackFake.directMessages(FAKE_SLACK.otherUserId).some((m) => m.text.includes('How do you like the plan?')), "John's invitation on Slack");
      expect(discordFake.directMessages(discordFake.state.anna.id).filter((m) => m.text.includes('How do you like the plan?'))).toEqual([]);
    } else {
      await until(() => discordFake.directMessages(discordFake.state.anna.id).some((m) => m.text.includes('How do you like the plan?')), "Anna's invitation on Discord");
      expect(slackFake.directMessages(FAKE_SLACK.otherUserId).filter((m) => m.text.includes('How do you like the plan?'))).toEqual([]);
    }
    // The manager, not on the panel, is not asked either.
    expect(slackFake.directMessages(FAKE_SLACK.userId).filter((m) => m.text.includes('How do you like the plan?'))).toEqual([]);
    expect((await surveys.service.counts(survey)).invited).toBe(2);
  }, 180_000);
});
