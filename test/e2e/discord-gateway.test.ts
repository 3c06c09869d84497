import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform, type DiscordPlatformConfig } from '../../adapters/discord/index.js';
import { createLogger } from '../../src/infra/logger.js';
import type { ActionEvent, CommandEvent, InboundEvent, MessageSeenEvent, ReactionAddedEvent, View } from '../../src/kernel/ports/chat-platform.js';
import { FakeDiscord, INTENTS, type FakeDiscordOptions, type FakeInteraction } from '../fakes/discord/index.js';
import { RecordingHandler } from '../fakes/discord/recording-handler.js';

/**
 * The real discord.js 14 client against the fake Discord: gateway (Hello, Identify, READY, heartbeats,
 * dispatches, resume) and REST (interaction callbacks, webhooks, messages, roles).
 */

const EPHEMERAL = 64;
const view = (text: string, extra: View['blocks'] = []): View => ({ fallback: text, blocks: [{ type: 'text', text }, ...extra] });
const isCommand = (e: InboundEvent): e is CommandEvent => e.type === 'command';
const isAction = (e: InboundEvent): e is ActionEvent => e.type === 'action';

let fake: FakeDiscord | undefined;
let sut: DiscordPlatform | undefined;

async function setup(options: { handler?: RecordingHandler; fake?: FakeDiscordOptions; platform?: Partial<DiscordPlatformConfig> } = {}) {
  fake = await FakeDiscord.start(options.fake);
  const handler = options.handler ?? new RecordingHandler();
  sut = createDiscordPlatform({
    token: fake.token,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    memberRoleId: fake.state.memberRoleId,
    handler,
    logger: createLogger({ level: process.env.KRING_TEST_LOG ?? 'silent' }),
    ...options.platform,
  });
  await sut.start();
  return { fake, sut, handler };
}

afterEach(async () => {
  await sut?.stop();
  await fake?.stop();
  sut = undefined;
  fake = undefined;
});

const answered = (i: FakeInteraction) => i.callbacks.length > 0 && i.callbacks.every((c) => c.status > 0);

describe('Discord gateway end to end', () => {
  it('identifies with the needed intents, without Message Content, and keeps heartbeating', async () => {
    const { fake } = await setup({ fake: { heartbeatIntervalMs: 200 } });
    expect(fake.gateway.stats.identifies).toBe(1);
    const intents = fake.gateway.intents;
    expect(intents & INTENTS.guilds).not.toBe(0);
    expect(intents & INTENTS.guildMessages).not.toBe(0);
    expect(intents & INTENTS.guildMembers).not.toBe(0);
    expect(intents & INTENTS.guildMessageReactions).not.toBe(0);
    expect(intents & INTENTS.messageContent).toBe(0);
    await fake.gateway.next('heartbeat', 2000);
    expect(fake.rest.requests.find((r) => r.path === '/gateway/bot')?.botAuth).toBe(true);
  });

  it('fails to start when a privileged intent is not enabled for the application', async () => {
    const fake2 = (fake = await FakeDiscord.start({ privilegedIntents: { messageContent: false } }));
    sut = createDiscordPlatform({
      token: fake2.token,
      applicationId: fake2.applicationId,
      apiUrl: fake2.apiUrl,
      messageContentIntent: true,
      handler: new RecordingHandler(),
      logger: createLogger({ level: process.env.KRING_TEST_LOG ?? 'silent' }),
    });
    await expect(sut.start()).rejects.toMatchObject({ name: 'ChatPlatformError', code: 'INVALID', message: expect.stringMatching(/Privileged Gateway Intents/) });
  });

  it('fails to start with a clear message when the token is wrong', async () => {
    const fake2 = (fake = await FakeDiscord.start());
    sut = createDiscordPlatform({
      token: `${fake2.token}x`,
      applicationId: fake2.applicationId,
      apiUrl: fake2.apiUrl,
      handler: new RecordingHandler(),
      logger: createLogger({ level: process.env.KRING_TEST_LOG ?? 'silent' }),
    });
    await expect(sut.start()).rejects.toMatchObject({ code: 'INVALID', message: expect.stringMatching(/DISCORD_TOKEN/) });
  });

  it('delivers a slash command and answers it ephemerally for a private reply', async () => {
    const handler = new RecordingHandler(() => ({ view: view('Je bent **Anna**'), visibility: 'private' }));
    const { fake } = await setup({ handler });
    const interaction = fake.slashCommand({ path: ['link'], options: { email: 'anna@example.org' }, locale: 'nl' });
    const event = await handler.waitFor(isCommand);
    expect(event).toMatchObject({ path: ['link'], args: [], options: { email: 'anna@example.org' }, locale: 'nl', workspaceId: fake.guildId, userId: fake.state.anna.id });
    await fake.waitForInteraction(interaction, answered);
    expect(interaction.callbacks).toHaveLength(1);
    const [callback] = interaction.callbacks;
    expect(callback).toMatchObject({ type: 4, status: 204 });
    expect(Number(callback!.data!.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback!.at - interaction.createdAt).toBeLessThan(3000);
    expect(fake.message(interaction.originalMessageId!)?.ephemeral).toBe(true);
    expect(JSON.stringify(callback!.data)).toContain('Je bent **Anna**');
    // Interaction callbacks authenticate with the token in the path, not the bot token.
    expect(fake.rest.requests.find((r) => r.path.startsWith('/interactions/'))?.botAuth).toBe(false);
  });

  it('answers a channel reply publicly and passes sub-command groups and typed options', async () => {
    const handler = new RecordingHandler(() => ({ view: view('Peiling geopend'), visibility: 'channel' }));
    const { fake } = await setup({ handler });
    const interaction = fake.slashCommand({ path: ['poll', 'create'], options: { question: 'Borrel?', hours: 24, anonymous: false }, locale: 'en-US' });
    const event = await handler.waitFor(isCommand);
    expect(event).toMatchObject({ path: ['poll', 'create'], options: { question: 'Borrel?', hours: 24, anonymous: false }, locale: 'en-US' });
    await fake.waitForInteraction(interaction, answered);
    expect(interaction.callbacks[0]).toMatchObject({ type: 4 });
    expect(Number(interaction.callbacks[0]!.data!.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(fake.messages(fake.state.generalChannelId).some((m) => m.text.includes('Peiling geopend'))).toBe(true);
  });

  it('defers a slow command and delivers the reply afterwards, privately or in the channel', async () => {
    const handler = new RecordingHandler(
      (e) => ({ view: view((e as CommandEvent).path[0] === 'whoami' ? 'Alleen voor jou' : 'Voor iedereen'), visibility: (e as CommandEvent).path[0] === 'whoami' ? 'private' : 'channel' }),
      () => 2600,
    );
    const { fake } = await setup({ handler });
    const privateOne = fake.slashCommand({ path: ['whoami'] });
    const publicOne = fake.slashCommand({ path: ['help'] });

    await fake.waitForInteraction(privateOne, (i) => i.webhookCalls.some((c) => c.method === 'PATCH' && c.status === 200));
    expect(privateOne.callbacks).toHaveLength(1);
    expect(privateOne.callbacks[0]).toMatchObject({ type: 5, status: 204 });
    expect(Number(privateOne.callbacks[0]!.data!.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(privateOne.callbacks[0]!.at - privateOne.createdAt).toBeLessThan(2500);
    const original = fake.message(privateOne.originalMessageId!)!;
    expect(original.ephemeral).toBe(true);
    expect(JSON.stringify(original.api.embeds)).toContain('Alleen voor jou');

    await fake.waitForInteraction(publicOne, (i) => i.webhookCalls.some((c) => c.method === 'DELETE'));
    expect(publicOne.callbacks[0]).toMatchObject({ type: 5 });
    expect(fake.message(publicOne.originalMessageId!)?.deleted).toBe(true);
    const posted = fake.messages(fake.state.generalChannelId).filter((m) => m.text.includes('Voor iedereen'));
    expect(posted).toHaveLength(1);
  });

  it('maps a button press to an action and updates the message in place (type 7) for replaceOriginal', async () => {
    const handler = new RecordingHandler((e) => (isAction(e) ? { view: view(`Gestemd: ${e.value}`), visibility: 'channel', replaceOriginal: true } : undefined));
    const { fake, sut } = await setup({ handler });
    const ref = await sut.post(
      { workspaceId: fake.guildId, channelId: fake.state.generalChannelId },
      view('Borrel?', [{ type: 'buttons', buttons: [{ actionId: 'vote', label: 'Ja', value: 'ja' }, { actionId: 'vote', label: 'Nee', value: 'nee' }] }]),
    );
    const interaction = fake.pressButton({ messageId: ref.messageId, customId: 'vote|nee' });
    const event = await handler.waitFor(isAction);
    expect(event).toMatchObject({ actionId: 'vote', value: 'nee', userId: fake.state.anna.id, message: { messageId: ref.messageId, channelId: ref.channelId } });
    await fake.waitForInteraction(interaction, answered);
    expect(interaction.callbacks[0]).toMatchObject({ type: 7, status: 204 });
    const updated = fake.messages(fake.state.generalChannelId).find((m) => m.messageId === ref.messageId)!;
    expect(updated.text).toContain('Gestemd: nee');
    expect(updated.actionIds).toEqual([]);
  });

  it('answers a select choice with an ephemeral reply and acknowledges a press without reply silently', async () => {
    const handler = new RecordingHandler((e) => (isAction(e) && e.actionId === 'pick' ? { view: view(`Gekozen: ${e.value}`), visibility: 'private' } : undefined));
    const { fake, sut } = await setup({ handler });
    const ref = await sut.post(
      { workspaceId: fake.guildId, channelId: fake.state.generalChannelId },
      view('Kies', [
        { type: 'select', actionId: 'pick', placeholder: 'Kies', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }] },
        { type: 'buttons', buttons: [{ actionId: 'noop', label: 'Niets' }] },
      ]),
    );
    const choice = fake.chooseOption({ messageId: ref.messageId, customId: 'pick', values: ['b'] });
    await fake.waitForInteraction(choice, answered);
    expect(choice.callbacks[0]).toMatchObject({ type: 4 });
    expect(Number(choice.callbacks[0]!.data!.flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(choice.callbacks[0]!.data)).toContain('Gekozen: b');

    const press = fake.pressButton({ messageId: ref.messageId, customId: 'noop' });
    await fake.waitForInteraction(press, answered);
    expect(press.callbacks[0]).toMatchObject({ type: 6, status: 204 });
  });

  it('acknowledges a command quietly when the handler has no reply or throws, never showing an error', async () => {
    const handler = new RecordingHandler((e) => {
      if ((e as CommandEvent).path[0] === 'boom') throw new Error('database down at /srv/kring/src/x.ts:12');
      return undefined;
    });
    const { fake } = await setup({ handler });
    for (const name of ['nothing', 'boom']) {
      const interaction = fake.slashCommand({ path: [name] });
      await fake.waitForInteraction(interaction, (i) => i.webhookCalls.some((c) => c.method === 'DELETE' && c.status === 204));
      expect(interaction.callbacks).toMatchObject([{ type: 5, status: 204 }]);
      expect(fake.message(interaction.originalMessageId!)?.deleted).toBe(true);
      expect(JSON.stringify(interaction)).not.toContain('database down');
    }
  });

  it('keeps the workspace in DM buttons, also when a fresh process updates the DM, and maps a press there', async () => {
    const handler = new RecordingHandler((e) => (isAction(e) ? { view: view('Bevestigd'), visibility: 'private', replaceOriginal: true } : undefined));
    const { fake, sut } = await setup({ handler });
    const user = { workspaceId: fake.guildId, userId: fake.state.anna.id };
    const ref = await sut.sendDirect(user, view('Klopt dit?', [{ type: 'buttons', buttons: [{ actionId: 'confirm', label: 'Ja', value: '1' }] }]));
    expect(fake.directMessages(user.userId)[0]!.actionIds).toEqual([`@${fake.guildId}/confirm|1`]);

    const other = createDiscordPlatform({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, handler, logger: createLogger({ level: 'silent' }) });
    await other.update(ref, view('Klopt dit nog?', [{ type: 'buttons', buttons: [{ actionId: 'confirm', label: 'Ja', value: '2' }] }]));
    expect(fake.directMessages(user.userId)[0]!.actionIds).toEqual([`@${fake.guildId}/confirm|2`]);
    await other.stop();

    const press = fake.pressButton({ messageId: ref.messageId, customId: `@${fake.guildId}/confirm|2` });
    const event = await handler.waitFor(isAction);
    expect(event).toMatchObject({ workspaceId: fake.guildId, userId: user.userId, actionId: 'confirm', value: '2', channelId: ref.channelId });
    await fake.waitForInteraction(press, answered);
    expect(press.callbacks[0]).toMatchObject({ type: 7, status: 204 });
  });

  it('turns MESSAGE_CREATE into message-seen without the content, and skips bots', async () => {
    const handler = new RecordingHandler();
    const { fake } = await setup({ handler });
    const thread = fake.state.addThread(fake.state.generalChannelId);
    fake.memberWrites({ content: 'Zie ik jullie dinsdag?', user: fake.state.bram, bot: true });
    const id = fake.memberWrites({ content: 'Zie ik jullie dinsdag?', channelId: thread.id })!;
    const seen = await handler.waitFor((e): e is MessageSeenEvent => e.type === 'message-seen');
    expect(seen).toMatchObject({ eventId: id, userId: fake.state.anna.id, workspaceId: fake.guildId, threadId: thread.id, length: 0 });
    expect(JSON.stringify(seen)).not.toContain('dinsdag');
    expect(handler.events.filter((e) => e.type === 'message-seen')).toHaveLength(1);
  });

  it('counts a reply and a reaction in a thread discord.js has not cached in the thread’s parent channel, looking it up once', async () => {
    const handler = new RecordingHandler();
    const { fake } = await setup({ handler });
    // Known to Discord, but never announced over this gateway session (no GUILD_CREATE, no THREAD_CREATE).
    const thread = fake.state.addThread(fake.state.generalChannelId, 'vraag over dinsdag');
    const first = fake.memberWrites({ content: 'Ik kan helpen', channelId: thread.id })!;
    const second = fake.memberWrites({ content: 'Ik ook', channelId: thread.id })!;
    expect(fake.memberReacts({ messageId: first, authorId: fake.state.anna.id, channelId: thread.id })).toBe(true);

    const reaction = await handler.waitFor((e): e is ReactionAddedEvent => e.type === 'reaction-added');
    const seen = handler.events.filter((e): e is MessageSeenEvent => e.type === 'message-seen');

    expect(seen.map((e) => [e.messageId, e.channelId, e.threadId])).toEqual([
      [first, fake.state.generalChannelId, thread.id],
      [second, fake.state.generalChannelId, thread.id],
    ]);
    expect(reaction).toMatchObject({ channelId: fake.state.generalChannelId, messageId: first });
    expect(fake.rest.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${thread.id}`)).toHaveLength(1);
  });

  it('tells a channel’s name, and null for one Discord does not know', async () => {
    const { sut, fake } = await setup();

    expect(await sut.channelName!({ workspaceId: fake.guildId, channelId: fake.state.generalChannelId })).toBe('algemeen');
    expect(await sut.channelName!({ workspaceId: fake.guildId, channelId: '1000000000000000009' })).toBeNull();
  });

  it('tells its listeners when Discord reports a channel update with a name (CHANNEL_UPDATE)', async () => {
    const { sut, fake } = await setup();
    const renamed = new Promise<[string, string, string]>((resolve) => sut.onChannelRenamed!((channel, name) => resolve([channel.workspaceId, channel.channelId, name])));

    fake.gateway.dispatch('CHANNEL_UPDATE', { ...fake.state.channelPayload(fake.state.channels.get(fake.state.generalChannelId)!), name: 'mededelingen' });

    expect(await renamed).toEqual([fake.guildId, fake.state.generalChannelId, 'mededelingen']);
  });

  it('counts message length when the Message Content intent is enabled', async () => {
    const handler = new RecordingHandler();
    const { fake } = await setup({ handler, fake: { privilegedIntents: { messageContent: true } }, platform: { messageContentIntent: true } });
    fake.memberWrites({ content: 'Hallo 👋' });
    const seen = await handler.waitFor((e): e is MessageSeenEvent => e.type === 'message-seen');
    expect(seen.length).toBe(7);
    expect(JSON.stringify(seen)).not.toContain('Hallo');
  });

  it('turns MESSAGE_REACTION_ADD into reaction-added with the author, without the emoji, and skips bots', async () => {
    const handler = new RecordingHandler();
    const { fake } = await setup({ handler });
    const messageId = fake.memberWrites({ content: 'Wie helpt dinsdag?' })!;
    expect(fake.memberReacts({ messageId, authorId: fake.state.anna.id, user: fake.state.bot, bot: true, emoji: '🤖' })).toBe(true);
    expect(fake.memberReacts({ messageId, authorId: fake.state.anna.id, emoji: '🎉' })).toBe(true);
    const reaction = await handler.waitFor((e): e is ReactionAddedEvent => e.type === 'reaction-added');
    expect(reaction).toMatchObject({
      workspaceId: fake.guildId,
      userId: fake.state.bram.id,
      channelId: fake.state.generalChannelId,
      messageId,
      messageAuthorId: fake.state.anna.id,
    });
    expect(JSON.stringify(reaction)).not.toMatch(/🎉|🤖/);
    expect(handler.events.filter((e) => e.type === 'reaction-added')).toHaveLength(1);
  });

  it('reports members joining and leaving', async () => {
    const handler = new RecordingHandler();
    const { fake } = await setup({ handler });
    const user = fake.memberJoins();
    await handler.waitFor((e) => e.type === 'member-joined' && e.userId === user.id);
    fake.memberLeaves(user);
    const left = await handler.waitFor((e) => e.type === 'member-left');
    expect(left).toMatchObject({ userId: user.id, workspaceId: fake.guildId });
  });

  it.each([
    ['a close with code 4000', { code: 4000 }],
    ['an abrupt disconnect', { abrupt: true }],
  ])('resumes after %s and loses no interaction sent meanwhile', async (_name, drop) => {
    const handler = new RecordingHandler(() => ({ view: view('ok'), visibility: 'private' }));
    const { fake } = await setup({ handler });
    const resumed = fake.gateway.next('resumed');
    fake.gateway.drop(drop);
    const whileAway = fake.slashCommand({ path: ['whoami'] });
    await resumed;
    expect(fake.gateway.stats.identifies).toBe(1);
    const afterwards = fake.slashCommand({ path: ['help'] });
    await fake.waitForInteraction(whileAway, answered);
    await fake.waitForInteraction(afterwards, answered);
    expect(handler.events.filter(isCommand).map((e) => e.path[0])).toEqual(['whoami', 'help']);
  });

  it('identifies again when the session cannot be resumed, and receives interactions afterwards', async () => {
    const handler = new RecordingHandler(() => ({ view: view('ok'), visibility: 'private' }));
    const { fake } = await setup({ handler });
    fake.gateway.invalidateNextResume();
    const ready = fake.gateway.next('ready', 15_000);
    fake.gateway.drop({ code: 4000 });
    // discord.js waits out its 5 s identify throttle before identifying again.
    await ready;
    expect(fake.gateway.stats.identifies).toBe(2);
    const interaction = fake.slashCommand({ path: ['help'] });
    await fake.waitForInteraction(interaction, answered);
    expect(interaction.callbacks[0]).toMatchObject({ type: 4, status: 204 });
  }, 20_000);

  it('grants and revokes the member role through the guild member role endpoints', async () => {
    const { fake, sut } = await setup();
    const user = { workspaceId: fake.guildId, userId: fake.state.bram.id };
    await sut.grantMemberRole!(user);
    expect(fake.memberRoles(user.userId)).toEqual([fake.state.memberRoleId]);
    await sut.revokeMemberRole!(user);
    expect(fake.memberRoles(user.userId)).toEqual([]);
    const calls = fake.rest.requests.filter((r) => r.path.includes('/roles/'));
    expect(calls.map((c) => [c.method, c.status, c.botAuth])).toEqual([
      ['PUT', 204, true],
      ['DELETE', 204, true],
    ]);
    expect(calls[0]!.reason).toBe('Kring: verified member');
    await expect(sut.grantMemberRole!({ workspaceId: fake.guildId, userId: '1000000000000000001' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('offers no member-role capability without a configured role', async () => {
    const { sut } = await setup({ platform: { memberRoleId: undefined } });
    expect(sut.grantMemberRole).toBeUndefined();
    expect(sut.revokeMemberRole).toBeUndefined();
  });

  it('makes a retried post idempotent with a nonce', async () => {
    const { fake, sut } = await setup();
    const channel = { workspaceId: fake.guildId, channelId: fake.state.generalChannelId };
    const first = await sut.post(channel, view('Nieuwsbrief'), { idempotencyKey: 'delivery-42-to-channel-algemeen-with-a-long-key' });
    const again = await sut.post(channel, view('Nieuwsbrief'), { idempotencyKey: 'delivery-42-to-channel-algemeen-with-a-long-key' });
    expect(again.messageId).toBe(first.messageId);
    expect(fake.messages(channel.channelId)).toHaveLength(1);
    const body = fake.rest.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!.body as { nonce: string; enforce_nonce: boolean };
    expect(body.nonce.length).toBeLessThanOrEqual(25);
    expect(body.enforce_nonce).toBe(true);
  });

  it('surfaces Discord rate limits as RATE_LIMITED instead of waiting', async () => {
    const { fake, sut } = await setup({ fake: { limits: 'realistic' } });
    const channel = { workspaceId: fake.guildId, channelId: fake.state.boardChannelId };
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await sut.post(channel, view(`Bericht ${i}`)).then(() => 'ok', (e: { code: string; retryAfterMs: number }) => e));
    expect(results.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(results[5]).toMatchObject({ code: 'RATE_LIMITED' });
    expect((results[5] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // discord.js read X-RateLimit-Remaining: 0 and refused before sending a sixth request.
    expect(fake.rest.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('finishes replies in flight before stopping', async () => {
    const handler = new RecordingHandler(() => ({ view: view('Tot ziens'), visibility: 'private' }), () => 300);
    const { fake, sut } = await setup({ handler });
    const interaction = fake.slashCommand({ path: ['help'] });
    await handler.waitFor(isCommand);
    await sut.stop();
    expect(interaction.callbacks[0]).toMatchObject({ type: 4, status: 204 });
  });
});
