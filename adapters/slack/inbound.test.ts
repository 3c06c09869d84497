import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  toFormSubmittedEvent,
  checkSlackBody,
  classifySlackBody,
  dedupeKey,
  slackMarkupToPlain,
  splitCommandText,
  toActionEvent,
  toCommandEvent,
  toEventCallbackEvent,
  toInboundEvent,
} from './inbound.js';
import { parsePollDefinition } from '../../src/capabilities/polls/create-args.js';

/** A recorded payload from ./fixtures, as Slack sends it (after form/JSON parsing). */
function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe(toCommandEvent.name, () => {
  it('turns /kring link 12345 into a command with the first word as path', () => {
    const event = toCommandEvent(fixture('slash-command'));

    expect(event).toMatchObject({
      type: 'command',
      platform: 'slack',
      workspaceId: 'T0KRING01',
      userId: 'U0MEMBER01',
      displayName: 'anna.devries',
      channelId: 'C0GENERAL1',
      eventId: '7023489163297.7011221335473.5c0a2b6c0a8e4b3f95d3c3d1b3b2a1f0',
      path: ['link'],
      args: ['12345'],
      options: {},
    });
  });

  it('leaves the locale out (Slack sends none with commands) and drops the verification token from raw', () => {
    const event = toCommandEvent(fixture('slash-command'))!;
    expect('locale' in event).toBe(false);
    expect(event.raw).not.toHaveProperty('token');
  });

  it('gives an empty path for a bare /kring', () => {
    expect(toCommandEvent({ ...fixture('slash-command'), text: '  ' })).toMatchObject({ path: [], args: [] });
  });

  it('returns undefined for a payload without a user', () => {
    const { user_id: _u, ...rest } = fixture('slash-command');
    expect(toCommandEvent(rest)).toBeUndefined();
  });
});

describe(splitCommandText.name, () => {
  it('splits on whitespace and keeps quoted phrases together, curly and Dutch quotes included', () => {
    expect(splitCommandText('poll create "Wat eten we?" pizza  pasta')).toEqual(['poll', 'create', 'Wat eten we?', 'pizza', 'pasta']);
    expect(splitCommandText('poll create “Wat eten we?” „Frietjes of patat” ja')).toEqual([
      'poll', 'create', 'Wat eten we?', 'Frietjes of patat', 'ja',
    ]);
  });

  it("undoes Slack's escaping", () => {
    expect(splitCommandText('news R&amp;D &lt;3')).toEqual(['news', 'R&D', '<3']);
  });

  it('keeps apostrophes inside words', () => {
    expect(splitCommandText("zo'n dag")).toEqual(["zo'n", 'dag']);
  });
});

describe(toActionEvent.name, () => {
  it('turns a button press into an action with the message it was on', () => {
    const event = toActionEvent(fixture('block-actions'));

    expect(event).toMatchObject({
      type: 'action',
      platform: 'slack',
      workspaceId: 'T0KRING01',
      userId: 'U0MEMBER01',
      channelId: 'C0GENERAL1',
      actionId: 'vote.yes',
      value: 'opt-1',
      message: { platform: 'slack', workspaceId: 'T0KRING01', channelId: 'C0GENERAL1', messageId: '1712345678.001200' },
    });
    expect(event!.raw).not.toHaveProperty('token');
  });

  it("takes a select's chosen option as the value", () => {
    expect(toActionEvent(fixture('block-actions-select'))).toMatchObject({ actionId: 'pick.chapter', value: 'chapter-utrecht' });
  });

  it('strips the suffix render adds to repeated action ids', () => {
    const payload = fixture('block-actions') as { actions: Record<string, unknown>[] };
    payload.actions = [{ ...payload.actions[0], action_id: 'poll.vote::2', value: 'opt-3' }];
    expect(toActionEvent(payload as unknown as Record<string, unknown>)).toMatchObject({ actionId: 'poll.vote', value: 'opt-3' });
  });

  it('returns undefined without actions', () => {
    expect(toActionEvent({ ...fixture('block-actions'), actions: [] })).toBeUndefined();
  });
});

describe(toEventCallbackEvent.name, () => {
  it('turns a message into message-seen with length and time, never the text', () => {
    const event = toEventCallbackEvent(fixture('event-message'));

    expect(event).toEqual({
      type: 'message-seen',
      platform: 'slack',
      workspaceId: 'T0KRING01',
      userId: 'U0MEMBER01',
      eventId: 'Ev0KRING0001',
      channelId: 'C0GENERAL1',
      messageId: '1712345800.123456',
      length: 'Geheim: wie komt er & wie niet?'.length,
      at: new Date(1712345800123),
      terms: expect.any(Array),
      question: true,
      raw: expect.anything(),
    });
    // Only stemmed terms may come from the text (the port allows those); never the text as written.
    expect(JSON.stringify(event)).not.toContain('wie komt er');
    expect(JSON.stringify(event)).not.toContain('Geheim');
    expect(JSON.stringify(event!.raw)).not.toMatch(/text|rich_text|komt/);
  });

  it('gives a thread reply its thread id and counts an emoji as one character', () => {
    expect(toEventCallbackEvent(fixture('event-message-thread-reply'))).toMatchObject({
      type: 'message-seen',
      threadId: '1712345800.123456',
      length: 19,
    });
  });

  it.each(['event-message-bot', 'event-message-app-bot', 'event-message-changed'])('ignores %s', (name) => {
    expect(toEventCallbackEvent(fixture(name))).toBeUndefined();
  });

  it('turns member_joined_channel and member_left_channel into member-joined and member-left', () => {
    expect(toEventCallbackEvent(fixture('event-member-joined-channel'))).toMatchObject({
      type: 'member-joined',
      userId: 'U0MEMBER01',
      channelId: 'C0GENERAL1',
      eventId: 'Ev0KRING0006',
    });
    expect(toEventCallbackEvent(fixture('event-member-left-channel'))).toMatchObject({
      type: 'member-left',
      userId: 'U0MEMBER01',
      channelId: 'C0GENERAL1',
    });
  });

  it('turns team_join into member-joined with the display name and locale', () => {
    expect(toEventCallbackEvent(fixture('event-team-join'))).toMatchObject({
      type: 'member-joined',
      userId: 'U0MEMBER03',
      displayName: 'Piet',
      locale: 'nl-NL',
    });
  });

  it('ignores events Kring does not use', () => {
    expect(toEventCallbackEvent(fixture('event-app-uninstalled'))).toBeUndefined();
  });

  it('turns reaction_added into reaction-added with the message, its author and the time, never the emoji', () => {
    const event = toEventCallbackEvent(fixture('event-reaction-added'));

    expect(event).toEqual({
      type: 'reaction-added',
      platform: 'slack',
      workspaceId: 'T0KRING01',
      userId: 'U0MEMBER02',
      eventId: 'Ev0KRING0R01',
      channelId: 'C0GENERAL1',
      messageId: '1712345800.123456',
      messageAuthorId: 'U0MEMBER01',
      at: new Date(1712345862000),
      raw: expect.any(Object),
    });
    expect(JSON.stringify(event)).not.toContain('tada');
    expect(JSON.stringify(event)).not.toContain('gIkuvaNzQIHg97ATvDxqgjtO');
  });

  it("ignores the bot's own reactions, reactions on files and in direct messages", () => {
    const body = fixture('event-reaction-added');
    const event = body['event'] as Record<string, unknown>;
    expect(toEventCallbackEvent({ ...body, event: { ...event, user: 'U0KRINGBOT' } })).toBeUndefined();
    expect(toEventCallbackEvent({ ...body, event: { ...event, item: { type: 'file', file: 'F0FILE01' } } })).toBeUndefined();
    expect(toEventCallbackEvent({ ...body, event: { ...event, item: { type: 'message', channel: 'D0DIRECT1', ts: '1712345800.123456' } } })).toBeUndefined();
  });

  it('leaves messageAuthorId out when Slack does not tell', () => {
    const body = fixture('event-reaction-added');
    const { item_user: _author, ...event } = body['event'] as Record<string, unknown>;
    const parsed = toEventCallbackEvent({ ...body, event });
    expect(parsed).toMatchObject({ type: 'reaction-added', messageId: '1712345800.123456' });
    expect(parsed).not.toHaveProperty('messageAuthorId');
  });
});

describe(slackMarkupToPlain.name, () => {
  it('keeps link labels and drops mentions, channel links, specials and URLs', () => {
    expect(slackMarkupToPlain('zie <https://x.org/a|de agenda> en <@U123> <#C1|algemeen> <!here> <https://y.org> R&amp;D')).toBe(
      'zie de agenda en         R&D',
    );
  });
});

describe(classifySlackBody.name, () => {
  it.each([
    ['slash-command', 'command'],
    ['block-actions', 'block_actions'],
    ['event-message', 'event'],
    ['url-verification', 'url_verification'],
    ['view-submission', 'view_submission'],
  ] as const)('classifies %s as %s', (name, kind) => {
    expect(classifySlackBody(fixture(name))).toBe(kind);
  });

  it('leaves payloads Kring does not use unsupported', () => {
    expect(classifySlackBody({ type: 'view_closed' })).toBe('unsupported');
    expect(classifySlackBody({ type: 'shortcut' })).toBe('unsupported');
  });

  it('recognises the SSL check', () => {
    expect(classifySlackBody({ ssl_check: '1', token: 'x' })).toBe('ssl_check');
  });
});

describe('the examples in docs/adapters/slack.md', () => {
  it('has a /kring poll create example that makes a poll, as Slack splits it', () => {
    const doc = readFileSync(new URL('../../docs/adapters/slack.md', import.meta.url), 'utf8');
    const example = /`\/kring (poll create [^`]+)`/.exec(doc)?.[1];
    expect(example).toBeDefined();

    const words = splitCommandText(example!);

    expect(words.slice(0, 2)).toEqual(['poll', 'create']);
    expect(parsePollDefinition(words.slice(2).join(' '))).toMatchObject({ ok: { question: 'Wat eten we?', options: ['pizza', 'pasta'] } });
  });
});

describe(checkSlackBody.name, () => {
  const recorded = readdirSync(new URL('./fixtures/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));

  it.each(recorded)('lets the recorded payload %s through', (name) => {
    const body = fixture(name);
    expect(checkSlackBody(body, classifySlackBody(body))).toEqual({ ok: true });
  });

  it('names the fields of a body Slack would not send, without their values', () => {
    const check = checkSlackBody({ ...fixture('block-actions'), channel: null, actions: 'secret-value' }, 'block_actions');

    expect(check.ok).toBe(false);
    const problem = (check as { problem: string }).problem;
    expect(problem).toContain('channel');
    expect(problem).toContain('actions');
    expect(problem).not.toContain('secret-value');
  });
});

describe(dedupeKey.name, () => {
  it('keys events by event_id and interactions by trigger_id', () => {
    expect(dedupeKey(fixture('event-message'), 'event')).toBe('slack:Ev0KRING0001');
    expect(dedupeKey(fixture('slash-command'), 'command')).toBe('slack:trigger:7023489163297.7011221335473.5c0a2b6c0a8e4b3f95d3c3d1b3b2a1f0');
    expect(dedupeKey(fixture('block-actions'), 'block_actions')).toMatch(/^slack:trigger:/);
  });

  it('gives no key when there is nothing stable to key on', () => {
    expect(dedupeKey({ type: 'event_callback' }, 'event')).toBeUndefined();
  });
});

describe(toInboundEvent.name, () => {
  it('dispatches on the payload kind', () => {
    expect(toInboundEvent(fixture('slash-command'))?.type).toBe('command');
    expect(toInboundEvent(fixture('block-actions'))?.type).toBe('action');
    expect(toInboundEvent(fixture('event-message'))?.type).toBe('message-seen');
    expect(toInboundEvent(fixture('view-submission'))?.type).toBe('form-submitted');
    expect(toInboundEvent({ type: 'view_closed' })).toBeUndefined();
  });
});

describe(toFormSubmittedEvent.name, () => {
  it('maps a submitted modal to form-submitted with the formId, values and the channel it was opened from', () => {
    expect(toFormSubmittedEvent(fixture('view-submission'))).toMatchObject({
      type: 'form-submitted',
      platform: 'slack',
      workspaceId: 'T0KRING01',
      userId: 'U0MEMBER01',
      channelId: 'C0GENERAL1',
      eventId: '7041234567890.7011221335473.aa11bb22cc33dd44ee55ff6677889900',
      formId: 'poll.create',
      values: { question: 'Waar spreken we af?', options: 'Utrecht\nZwolle', settings: '' },
    });
  });

  it('has no channel when the metadata is not ours, and drops the verification token', () => {
    const body = fixture('view-submission');
    (body.view as Record<string, unknown>).private_metadata = 'not json';
    const event = toFormSubmittedEvent(body);
    expect(event?.channelId).toBeUndefined();
    expect(JSON.stringify(event?.raw)).not.toContain('gIkuvaNzQIHg97ATvDxqgjtO');
  });
});
