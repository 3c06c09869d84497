import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TeamsActivity } from './activity.js';
import { baseConversationId, referenceOf } from './activity.js';
import { isBotAdded, parseCommand, plainText, toInboundEvents } from './inbound.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CHANNEL = '19:d8f4a1c2b3e54f6a9b0c1d2e3f4a5b6c@thread.tacv2';
const options = { fallbackTenantId: 'fallback-tenant', now: () => new Date('2025-01-01T00:00:00Z') };

function fixture(name: string): TeamsActivity {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as TeamsActivity;
}

function withText(name: string, text: string, patch: Partial<TeamsActivity> = {}): TeamsActivity {
  return { ...fixture(name), text, ...patch };
}

describe('toInboundEvents (Teams)', () => {
  it('maps a command typed in the personal chat, with the Entra id, tenant and locale', () => {
    const [event] = toInboundEvents(fixture('message-personal-command'), options);
    expect(event).toMatchObject({
      type: 'command',
      platform: 'teams',
      workspaceId: TENANT,
      userId: '6b1f8e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      displayName: 'Jan Jansen',
      locale: 'nl-NL',
      eventId: '1741684462494',
      path: ['link'],
      args: ['jan.jansen@example.org'],
      options: {},
    });
  });

  it('maps an @mention of Kring in a channel to a command, without the mention, on the channel id', () => {
    const [event] = toInboundEvents(fixture('message-channel-mention'), options);
    expect(event).toMatchObject({ type: 'command', path: ['whoami'], args: [], channelId: CHANNEL });
  });

  it('accepts `/kring` and `kring` prefixes, and a bare mention as the bare command', () => {
    expect(parseCommand(withText('message-channel-plain', '/kring link a@b.nl'))).toEqual({ path: ['link'], args: ['a@b.nl'] });
    expect(parseCommand(withText('message-personal-command', 'Kring Whoami'))).toEqual({ path: ['whoami'], args: [] });
    expect(parseCommand(withText('message-personal-command', '/kring'))).toEqual({ path: [], args: [] });
    expect(parseCommand(withText('message-channel-mention', '<at>Kring</at>'))).toEqual({ path: [], args: [] });
    expect(parseCommand(withText('message-channel-mention', '<p><at>Kring</at>&nbsp;link&nbsp;jan@example.org</p>'))).toEqual({
      path: ['link'],
      args: ['jan@example.org'],
    });
  });

  it('does not take "Kring" as a command word in a channel (it is a Dutch word)', () => {
    const [event] = toInboundEvents(withText('message-channel-plain', 'Kring van vrienden komt dinsdag'), options);
    expect(event?.type).toBe('message-seen');
  });

  it('does not treat a mention of Kring later in a sentence as a command', () => {
    const [event] = toInboundEvents(withText('message-channel-mention', 'dank je <at>Kring</at>!'), options);
    expect(event?.type).toBe('message-seen');
  });

  it('maps other channel messages to message-seen with the length and thread, never the text', () => {
    const activity = fixture('message-channel-plain');
    const [event] = toInboundEvents(activity, options);
    const visible = 'Wie komt er dinsdag naar de ledenvergadering? Ik neem taart mee & koffie.';
    expect(event).toMatchObject({
      type: 'message-seen',
      channelId: CHANNEL,
      threadId: '1741684000000',
      length: [...visible].length,
      at: new Date('2025-03-11T09:31:40.0021233Z'),
      userId: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f',
    });
    const serialised = JSON.stringify(event);
    expect(serialised).not.toContain('ledenvergadering');
    // Stemmed topic terms may equal a word ("taart"); the text itself never travels.
    expect(serialised).not.toContain('taart mee');
  });

  it('adds topic terms (stemmed in the activity\'s locale) and the question flag, never the text', () => {
    const activity = fixture('message-channel-plain');
    const [event] = toInboundEvents(activity, options);
    expect(event).toMatchObject({
      type: 'message-seen',
      messageId: '1741685499987',
      question: true,
      terms: expect.arrayContaining(['dinsdag', 'ledenvergader', 'taart', 'koffie']),
    });
    const serialised = JSON.stringify(event);
    expect(serialised).not.toContain('Wie komt er dinsdag naar de');
    expect(serialised).not.toContain('ledenvergadering');
    expect(serialised).not.toContain('Ik neem taart mee');
    expect(serialised).not.toContain('"text"');
    expect(serialised).not.toContain('"attachments"');
    expect(serialised).not.toContain('"entities"');
  });

  it('leaves <at> mentions and HTML out of the terms, and keeps only routing data in raw', () => {
    const sentence = 'Dank je <at>Kring</at> en <at>Jan Jansen</at>, de fietstocht naar Gouda was top!';
    const activity = withText('message-channel-mention', `<p>${sentence}</p>`, { summary: sentence, speak: sentence } as Partial<TeamsActivity>);
    const [event] = toInboundEvents(activity, options);
    expect(event?.type).toBe('message-seen');
    const terms = (event as { terms?: string[] }).terms ?? [];
    expect(terms).toEqual(expect.arrayContaining(['fietstocht', 'gouda']));
    for (const t of terms) expect(t).not.toMatch(/kring|jan|jansen|<|>|^p$/);
    const serialised = JSON.stringify(event);
    expect(serialised).not.toContain('fietstocht naar Gouda');
    expect(serialised).not.toContain('Jan Jansen</at>');
    expect(event?.raw).toMatchObject({ type: 'message', id: activity.id, conversation: { id: activity.conversation!.id }, locale: 'nl-NL' });
  });

  it('maps a messageReaction to one reaction-added per added reaction, on replyToId, without author or reaction type', () => {
    const activity = fixture('message-reaction-added');
    const events = toInboundEvents(activity, options);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: 'reaction-added',
      platform: 'teams',
      workspaceId: TENANT,
      userId: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
      eventId: 'f:5c2a3e1d-8f7b-4e9a-a1b2-c3d4e5f6a7b8:reaction:0',
      channelId: CHANNEL,
      messageId: '1741685499987',
      at: new Date('2025-03-11T09:45:12.5130512Z'),
    });
    expect(events[1]).toMatchObject({ type: 'reaction-added', eventId: 'f:5c2a3e1d-8f7b-4e9a-a1b2-c3d4e5f6a7b8:reaction:1', messageId: '1741685499987' });
    for (const event of events) expect(event).not.toHaveProperty('messageAuthorId');
    const serialised = JSON.stringify(events);
    expect(serialised).not.toContain('"like"');
    expect(serialised).not.toContain('heart');
  });

  it('ignores removed reactions, bots and reactions in the personal chat', () => {
    const activity = fixture('message-reaction-added');
    const { reactionsAdded: _added, ...rest } = activity;
    expect(toInboundEvents({ ...rest, reactionsRemoved: [{ type: 'like' }] }, options)).toEqual([]);
    expect(toInboundEvents({ ...activity, from: { ...activity.from!, role: 'bot' } }, options)).toEqual([]);
    expect(toInboundEvents({ ...activity, conversation: { ...activity.conversation!, conversationType: 'personal', id: 'a:1personal' } }, options)).toEqual([]);
  });

  it('ignores messages from bots', () => {
    const activity = fixture('message-channel-plain');
    expect(toInboundEvents({ ...activity, from: { ...activity.from!, role: 'bot' } }, options)).toEqual([]);
  });

  it('maps an Action.Execute press to an action with verb, value and the card message', () => {
    const [event] = toInboundEvents(fixture('invoke-action-execute'), options);
    expect(event).toMatchObject({
      type: 'action',
      actionId: 'vote.yes',
      value: 'opt-1',
      channelId: CHANNEL,
      message: { platform: 'teams', workspaceId: TENANT, channelId: CHANNEL, messageId: '1741685900001' },
    });
  });

  it('takes a select value from the input named in the action data', () => {
    const [event] = toInboundEvents(fixture('invoke-action-select'), options);
    expect(event).toMatchObject({ type: 'action', actionId: 'chapter.pick', value: 'utrecht', locale: 'en-US' });
  });

  it('ignores other invokes', () => {
    expect(toInboundEvents({ ...fixture('invoke-action-execute'), name: 'task/fetch' }, options)).toEqual([]);
  });

  it('maps members added and removed, but not Kring itself', () => {
    expect(toInboundEvents(fixture('conversation-update-member-added'), options)).toMatchObject([
      { type: 'member-joined', userId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', workspaceId: TENANT, channelId: CHANNEL },
    ]);
    expect(toInboundEvents(fixture('conversation-update-member-removed'), options)).toMatchObject([
      { type: 'member-left', userId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
    ]);
    const installed = fixture('conversation-update-bot-added-team');
    expect(toInboundEvents(installed, options)).toEqual([]);
    expect(isBotAdded(installed)).toBe(true);
  });

  it('falls back to the configured tenant when the activity names none (emulator)', () => {
    const { channelData: _channelData, conversation, ...rest } = fixture('message-personal-command');
    const { tenantId: _tenantId, ...withoutTenant } = conversation!;
    const [event] = toInboundEvents({ ...rest, conversation: withoutTenant }, options);
    expect(event?.workspaceId).toBe('fallback-tenant');
  });
});

describe('conversation references (Teams)', () => {
  it('stores a channel thread activity at channel level', () => {
    const reference = referenceOf(fixture('message-channel-mention'));
    expect(reference).toMatchObject({
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT },
      bot: { id: '28:3c9b1f1e-7c1a-4a0b-9a8e-5a1e1b2c3d4e' },
    });
    expect(baseConversationId(`${CHANNEL};messageid=1`)).toBe(CHANNEL);
  });
});

describe('plainText', () => {
  it('strips tags and decodes entities', () => {
    expect(plainText('<p>a&nbsp;&amp;&#39;b&#x21;</p>')).toBe("a &'b!");
  });
});

describe('form submissions (Teams)', () => {
  const invoke = (data: Record<string, unknown>): TeamsActivity => ({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: 'f:1',
    from: { id: '29:abc', aadObjectId: 'aad-1', name: 'Marieke' },
    conversation: { id: 'a:personal-chat', conversationType: 'personal', tenantId: 'tenant-1' },
    value: { action: { type: 'Action.Execute', verb: 'form.submit', data } },
  });

  it('maps an Action.Execute form.submit to form-submitted in the conversation the form came from', () => {
    const [event] = toInboundEvents(invoke({ formId: 'poll.create', kringChannel: '19:general@thread.tacv2', question: 'Waar?', options: 'A\nB', settings: '' }), { fallbackTenantId: 'x' });
    expect(event).toMatchObject({
      type: 'form-submitted',
      platform: 'teams',
      workspaceId: 'tenant-1',
      userId: 'aad-1',
      channelId: '19:general@thread.tacv2',
      formId: 'poll.create',
      values: { question: 'Waar?', options: 'A\nB', settings: '' },
    });
  });

  it('drops a form.submit without formId instead of treating it as a button', () => {
    expect(toInboundEvents(invoke({ question: 'Waar?' }), { fallbackTenantId: 'x' })).toEqual([]);
  });
});
