import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotConnector, type ConnectorActivity } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_CHANNEL, TEST_TENANT, cardText, cardVerbs, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';
import { addTeamsUser, teamsKringEnv } from '../support/teams-kring.js';

/**
 * Forms on Teams, end to end: `@Kring poll create` in a channel answers privately (personal chat) with an
 * Adaptive Card of Input.Text fields and an Action.Execute `form.submit`; the `adaptiveCard/action` invoke
 * Teams sends when it is submitted creates the poll, posted with its vote buttons in the channel the form
 * was asked for in. Activities carry real RS256 tokens from the fake identity.
 */

const APP_PASSWORD = `forms-${randomBytes(12).toString('hex')}`;
const APP_ID = randomUUID();
const BOT_ID = `28:${APP_ID}`;

let identity: FakeBotIdentity;
let connector: FakeBotConnector;
let h: KringHarness;

beforeAll(async () => {
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts }).start();
  connector.addConversation(TEST_CHANNEL, { isGroup: true, tenantId: TEST_TENANT });
  h = await startKringHarness({
    env: teamsKringEnv(identity, APP_ID, APP_PASSWORD),
  });
});
afterEach(() => {
  expect(h.loggedErrors()).toEqual([]);
});
afterAll(async () => {
  await h?.stop();
  await connector?.stop();
  await identity?.stop();
});

function teamsUser(name: string) {
  return addTeamsUser(connector, name);
}
type TeamsUser = ReturnType<typeof teamsUser>;

let activityIds = 1_760_000_000_000;

async function deliver(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const headers = { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${await identity.signChannelToken({ serviceUrl: connector.serviceUrl })}` };
  const res = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** `@Kring <words>` in the team channel; returns what Kring sent to the personal chat. */
async function inChannel(user: TeamsUser, words: string): Promise<ConnectorActivity[]> {
  const before = connector.activities(user.chatId).length;
  const activity = teamsFixture('message-channel-mention', connector.serviceUrl, BOT_ID);
  const id = String(++activityIds);
  const conversation = { ...(activity['conversation'] as Record<string, unknown>), id: `${TEST_CHANNEL};messageid=${id}` };
  const res = await deliver({ ...activity, id, text: `<at>Kring</at> ${words}\n`, from: user.from, locale: 'nl-NL', conversation });
  expect(res.status).toBe(200);
  return connector.activities(user.chatId).slice(before);
}

/** The Action.Execute of a form card. */
function submitAction(card: ConnectorActivity): { verb: string; data: Record<string, string> } {
  const content = (card.activity['attachments'] as { content: { body: Record<string, unknown>[] } }[])[0]!.content;
  const set = content.body.find((e) => e['type'] === 'ActionSet') as { actions: { verb: string; data: Record<string, string> }[] };
  return set.actions[0]!;
}

/** Submits the form card as `user` from their personal chat (Teams merges the inputs into `data`). */
async function submit(user: TeamsUser, card: ConnectorActivity, values: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const action = submitAction(card);
  const invoke = teamsFixture('invoke-action-execute', connector.serviceUrl, BOT_ID);
  return deliver({
    ...invoke,
    id: `f:${randomUUID()}`,
    from: user.from,
    locale: 'nl-NL',
    conversation: { conversationType: 'personal', tenantId: TEST_TENANT, id: user.chatId },
    replyToId: card.id,
    value: { action: { type: 'Action.Execute', title: 'Maak poll', verb: action.verb, data: { ...action.data, ...values } }, trigger: 'manual' },
  });
}

async function askForm(user: TeamsUser): Promise<ConnectorActivity> {
  const replies = await inChannel(user, 'poll create');
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

describe('forms on Teams (botbuilder -> fake Bot Connector, PostgreSQL)', () => {
  it('sends a manager the poll form card privately, and posts the submitted poll with buttons in the channel', async () => {
    const marieke = teamsUser('Marieke Bakker');
    await h.linkDirectly(h.members.manager, marieke.account);

    const card = await askForm(marieke);
    const content = (card.activity['attachments'] as { content: { body: Record<string, unknown>[] } }[])[0]!.content;
    expect(content.body.filter((e) => e['type'] === 'Input.Text').map((e) => [e['id'], e['isMultiline'], e['isRequired']])).toEqual([
      ['question', false, true],
      ['options', true, true],
      ['settings', false, false],
    ]);
    expect(cardVerbs(card)).toEqual(['form.submit']);
    expect(submitAction(card).data).toEqual({ formId: 'poll.create', kringChannel: TEST_CHANNEL });

    const channelBefore = connector.activities(TEST_CHANNEL).length;
    const res = await submit(marieke, card, { question: 'Waar gaan we heen met de kerst?', options: 'Utrecht\nZwolle\nOnline', settings: '' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(res.body)).toMatch(/Poll `?[0-9a-f]{8}`? is gemaakt en verschijnt in 1 kanaal\./);

    const posted = await waitUntil(() => connector.activities(TEST_CHANNEL).slice(channelBefore).find((a) => cardText(a).includes('Waar gaan we heen met de kerst?')));
    expect(cardVerbs(posted)).toEqual(['poll.vote', 'poll.vote', 'poll.vote']);
  });

  it('refuses a submitted poll form from a member who is not a manager, and posts nothing', async () => {
    const marieke = teamsUser('Marieke Bakker');
    await h.linkDirectly(h.members.manager, marieke.account);
    const card = await askForm(marieke);
    const anna = teamsUser('Anna de Vries');
    await h.linkDirectly(h.members.member, anna.account);

    const channelBefore = connector.activities(TEST_CHANNEL).length;
    const res = await submit(anna, card, { question: 'Stiekeme poll?', options: 'Ja\nNee', settings: '' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.activities(TEST_CHANNEL).slice(channelBefore).filter((a) => cardText(a).includes('Stiekeme poll?'))).toEqual([]);
  });

  it('sends the news form card for @Kring news post without text', async () => {
    const marieke = teamsUser('Marieke Bakker');
    await h.linkDirectly(h.members.manager, marieke.account);
    const [card] = await inChannel(marieke, 'news post');
    expect(submitAction(card!).data).toEqual({ formId: 'news.post', kringChannel: TEST_CHANNEL });
    expect(cardText(card!)).toContain('Nieuw nieuwsbericht');
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
