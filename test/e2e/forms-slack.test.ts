import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { waitFor } from '../fakes/slack/doubles.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { startKringHarness, type AccountRef, type KringHarness } from '../support/kring-harness.js';

/**
 * Forms on Slack, end to end: `/kring poll create` and `/kring news post` without arguments open a modal
 * (views.open on the fake, with the command's trigger_id); the signed view_submission Slack sends back
 * creates the poll in the channel the modal was opened from. Refusals arrive as ephemeral messages.
 */

const SIGNING_SECRET = `forms-${randomBytes(12).toString('hex')}`;
const TEAM = FAKE_SLACK.teamId;
const CHANNEL = FAKE_SLACK.channelId;

let fake: FakeSlackApi;
let h: KringHarness;
let slack: SlackRequestSender;

beforeAll(async () => {
  fake = await FakeSlackApi.start();
  h = await startKringHarness({ env: { SLACK_BOT_TOKEN: FAKE_SLACK.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl } });
  slack = new SlackRequestSender({ eventsUrl: `${h.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake });
});
afterEach(() => {
  expect(h.loggedErrors()).toEqual([]);
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

/** A fresh Slack user, known to the fake (ephemeral messages need a member of the channel). */
function slackAccount(): AccountRef {
  const userId = `U0${randomBytes(4).toString('hex').toUpperCase()}`;
  fake.addUser({ id: userId, teamId: TEAM, name: userId.toLowerCase(), realName: userId });
  return { platform: 'slack', workspaceId: TEAM, userId };
}

/** Runs `/kring <text>` and returns the modal Kring opened with its trigger_id. */
async function openForm(text: string, account: AccountRef): Promise<Record<string, unknown>> {
  const before = fake.views.length;
  const sent = await slack.slashCommand(text, { user_id: account.userId, user_name: 'marieke', channel_id: CHANNEL });
  expect(sent.status).toBe(200);
  await waitFor(() => fake.views.length > before || undefined, 10_000, `modal for /kring ${text}`);
  const opened = fake.callsTo('views.open').at(-1)!;
  expect(opened.params['trigger_id']).toBe(sent.triggerId);
  // The modal replaces the answer: nothing on the response_url.
  expect(fake.responsesTo(sent.responseUrl)).toEqual([]);
  return fake.views.at(-1)!;
}

/** Ephemeral messages to a user; replies to submitted forms come through chat.postEphemeral. */
const ephemeralsTo = (userId: string) => fake.ephemerals.filter((e) => e.user === userId);

describe('forms on Slack (Bolt -> fake Slack, PostgreSQL)', () => {
  it('opens the poll modal for a manager and posts the submitted poll with its buttons in the channel', async () => {
    const manager = slackAccount();
    await h.linkDirectly(h.members.manager, manager);

    const view = await openForm('poll create', manager);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'poll.create',
      title: { type: 'plain_text', text: 'Nieuwe poll' },
      submit: { type: 'plain_text', text: 'Maak poll' },
      private_metadata: JSON.stringify({ channelId: CHANNEL }),
    });
    expect((view.blocks as { block_id: string }[]).map((b) => b.block_id)).toEqual(['question', 'options', 'settings']);

    const before = fake.received(CHANNEL).length;
    const submitted = await slack.viewSubmission(view, { question: 'Waar spreken we af in december?', options: 'Utrecht\nZwolle\nOnline', settings: '--anonymous' }, { userId: manager.userId });
    expect(submitted.status).toBe(200);
    const posted = await waitFor(() => fake.received(CHANNEL).slice(before).find((m) => m.text.includes('Waar spreken we af in december?')), 10_000, 'the poll in the channel');
    expect(posted.actionIds).toEqual(['poll.vote', 'poll.vote::1', 'poll.vote::2']);
    const confirmation = await waitFor(() => ephemeralsTo(manager.userId)[0], 10_000, 'the confirmation');
    expect(confirmation).toMatchObject({ channel: CHANNEL });
    expect(confirmation.text).toMatch(/Poll `?[0-9a-f]{8}`? is gemaakt en verschijnt in 1 kanaal\./);
  });

  it('refuses a submitted poll form from a member who is not a manager, and posts nothing', async () => {
    const manager = slackAccount();
    await h.linkDirectly(h.members.manager, manager);
    const view = await openForm('poll create', manager);
    const member = slackAccount();
    await h.linkDirectly(h.members.member, member);

    const before = fake.received(CHANNEL).length;
    const submitted = await slack.viewSubmission(view, { question: 'Mag ik dit?', options: 'Ja\nNee', settings: '' }, { userId: member.userId });
    expect(submitted.status).toBe(200);
    const refusal = await waitFor(() => ephemeralsTo(member.userId)[0], 10_000, 'the refusal');
    expect(refusal.text).toBe('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    expect(fake.received(CHANNEL).slice(before).filter((m) => m.text.includes('Mag ik dit?'))).toEqual([]);
  });

  it('answers /kring poll create without a form for a non-manager with the refusal', async () => {
    const member = slackAccount();
    await h.linkDirectly(h.members.member, member);
    const before = fake.views.length;
    const sent = await slack.slashCommand('poll create', { user_id: member.userId, channel_id: CHANNEL });
    const response = await waitFor(() => fake.responsesTo(sent.responseUrl)[0], 10_000, 'the refusal');
    expect(response.body['text']).toBe('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    expect(fake.views.length).toBe(before);
  });

  it('opens the news modal and starts the announcement from the submitted form', async () => {
    const manager = slackAccount();
    await h.linkDirectly(h.members.manager, manager);
    const connected = await slack.slashCommand('channel connect news', { user_id: manager.userId, channel_id: CHANNEL });
    await waitFor(() => fake.responsesTo(connected.responseUrl)[0], 10_000, 'the channel connected');
    const view = await openForm('news post', manager);
    expect(view).toMatchObject({ callback_id: 'news.post', title: { text: 'Nieuw nieuwsbericht' } });
    expect((view.blocks as { block_id: string; optional: boolean }[]).map((b) => [b.block_id, b.optional])).toEqual([
      ['title', false],
      ['body', false],
      ['link', true],
    ]);

    await slack.viewSubmission(view, { title: 'Ledenvergadering', body: 'Dinsdag om **20:00**.\nKom je ook?', link: 'https://example.org/alv' }, { userId: manager.userId });
    const started = await waitFor(() => ephemeralsTo(manager.userId).find((e) => e.via === 'chat.postEphemeral'), 10_000, 'the confirmation');
    expect(started.text).toMatch(/Nieuwsbericht `?[0-9a-f]+`? gaat nu naar 1 plek\./);
    // The fan-out posts it in the news channel as the text command would, line breaks kept.
    const posted = await waitFor(() => fake.received(CHANNEL).find((m) => m.text.includes('Ledenvergadering')), 10_000, 'the announcement');
    expect(posted.text.replace(/\u200b/g, '')).toContain('Dinsdag om *20:00*.\nKom je ook?');
    expect(posted.text).toContain('https://example.org/alv');
  });
});
