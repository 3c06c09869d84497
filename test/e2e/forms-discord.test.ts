import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, normalise, type FakeInteraction, type FakeUser } from '../fakes/discord/index.js';
import { startKringHarness, type AccountRef, type KringHarness } from '../support/kring-harness.js';

/**
 * Forms on Discord, end to end: `/kring poll create` without options is answered with a MODAL (interaction
 * response type 9) on the fake; the MODAL_SUBMIT the fake gateway dispatches creates the poll, which the
 * bot posts with its vote buttons in the channel the modal was opened from.
 */

const EPHEMERAL = 64;

let fake: FakeDiscord;
let h: KringHarness;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  h = await startKringHarness({
    env: { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, DISCORD_MEMBER_ROLE_ID: fake.state.memberRoleId },
  });
});
afterEach(() => {
  expect(h.loggedErrors()).toEqual([]);
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

let users = 0;
function discordUser(): { user: FakeUser; account: AccountRef } {
  const user = fake.state.addUser({ username: `form_${++users}`, global_name: `Form ${users}` });
  fake.state.addMember(user.id);
  return { user, account: { platform: 'discord', workspaceId: fake.guildId, userId: user.id } };
}

/** The ephemeral message an interaction was answered with (type 4). */
async function answerText(interaction: FakeInteraction): Promise<string> {
  await fake.waitForInteraction(interaction, (i) => i.callbacks.some((c) => c.status > 0));
  const [callback] = interaction.callbacks;
  expect(callback).toMatchObject({ type: 4, status: 204 });
  const message = fake.message(interaction.originalMessageId!)!;
  expect(Number(message.api.flags) & EPHEMERAL).toBe(EPHEMERAL);
  return normalise(message).text;
}

async function openPollModal(user: FakeUser) {
  const command = fake.slashCommand({ path: ['poll', 'create'], user });
  await fake.waitForInteraction(command, (i) => i.callbacks.some((c) => c.status > 0));
  expect(command.callbacks.map((c) => [c.type, c.status])).toEqual([[9, 204]]);
  return fake.modalOf(command)!;
}

describe('forms on Discord (discord.js -> fake Discord, PostgreSQL)', () => {
  it('answers /kring poll create without options with a modal, and posts the submitted poll with buttons in the channel', async () => {
    const marieke = discordUser();
    await h.linkDirectly(h.members.manager, marieke.account);

    const modal = await openPollModal(marieke.user);
    expect(modal.custom_id).toBe('poll.create');
    expect(modal.title).toBe('Nieuwe poll');
    expect(modal.components.map((row) => row.components.map((c) => [c.custom_id, c.style, c.required]))).toEqual([
      [['question', 1, true]],
      [['options', 2, true]],
      [['settings', 1, false]],
    ]);

    const submit = fake.submitModal({ modal, values: { question: 'Welke avond past?', options: 'Dinsdag\nDonderdag', settings: '' }, user: marieke.user });
    expect(await answerText(submit)).toMatch(/Poll `?[0-9a-f]{8}`? is gemaakt en verschijnt in 1 kanaal\./);

    const channel = fake.state.generalChannelId;
    const posted = await waitUntil(() => fake.messages(channel).find((m) => m.text.includes('Welke avond past?')));
    expect(posted.actionIds).toHaveLength(2);
    expect(posted.actionIds.every((id) => id.startsWith('poll.vote|'))).toBe(true);
  });

  it('refuses a submitted poll modal from a member who is not a manager, and creates nothing', async () => {
    const marieke = discordUser();
    await h.linkDirectly(h.members.manager, marieke.account);
    const modal = await openPollModal(marieke.user);
    const anna = discordUser();
    await h.linkDirectly(h.members.member, anna.account);

    const submit = fake.submitModal({ modal, values: { question: 'Stiekem een poll?', options: 'Ja\nNee', settings: '' }, user: anna.user });
    expect(await answerText(submit)).toBe('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.messages(fake.state.generalChannelId).filter((m) => m.text.includes('Stiekem een poll?'))).toEqual([]);
  });

  it('opens the news modal for /kring news post without text', async () => {
    const marieke = discordUser();
    await h.linkDirectly(h.members.manager, marieke.account);
    const command = fake.slashCommand({ path: ['news', 'post'], user: marieke.user });
    await fake.waitForInteraction(command, (i) => i.callbacks.some((c) => c.status > 0));
    expect(fake.modalOf(command)).toMatchObject({ custom_id: 'news.post', title: 'Nieuw nieuwsbericht' });
  });
});

async function waitUntil<T>(check: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
