import { readFileSync } from 'node:fs';
import type {
  APIInteraction,
  APIMessageComponentInteraction,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { decodeCustomId, encodeCustomId } from './custom-id.js';
import {
  actionEventFromInteraction,
  dispatchToEvent,
  interactionToEvent,
  memberJoinedFromDispatch,
  memberLeftFromDispatch,
  messageSeenFromDispatch,
  reactionAddedFromDispatch,
  type GatewayDispatch,
} from './inbound.js';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}
const dispatch = (name: string) => fixture<GatewayDispatch>(name);

const GUILD = '1253405275628179527';
const CHANNEL = '1253405276299132990';
const ANNA = '1180124567892345678';

describe('interactionToEvent', () => {
  it('maps /kring link with a string option to a command event', () => {
    const raw = fixture<APIInteraction>('interaction-chat-input-link');
    const sut = interactionToEvent(raw);
    expect(sut).toEqual({
      type: 'command',
      platform: 'discord',
      workspaceId: GUILD,
      userId: ANNA,
      displayName: 'Anna (penningmeester)',
      locale: 'nl',
      eventId: '1261300247288139829',
      channelId: CHANNEL,
      path: ['link'],
      args: [],
      options: { email: 'anna@example.org' },
      raw,
    });
  });

  it('maps a sub-command group with typed options, the user locale and the global name', () => {
    const sut = interactionToEvent(fixture<APIInteraction>('interaction-chat-input-group'));
    expect(sut).toMatchObject({
      type: 'command',
      path: ['poll', 'create'],
      options: { question: 'Zullen we de contributie verhogen?', hours: 48, anonymous: true },
      locale: 'en-US',
      displayName: 'Anna de Vries',
    });
  });

  it('ignores commands that are not /kring', () => {
    const raw = fixture<APIInteraction & { data: { name: string } }>('interaction-chat-input-link');
    raw.data.name = 'other';
    expect(interactionToEvent(raw)).toBeUndefined();
  });

  it('maps a button press to an action with the decoded actionId, value and message', () => {
    const sut = interactionToEvent(fixture<APIInteraction>('interaction-button'));
    expect(sut).toMatchObject({
      type: 'action',
      actionId: 'vote.yes',
      value: 'opt-1',
      workspaceId: GUILD,
      userId: ANNA,
      channelId: CHANNEL,
      eventId: '1261300417061044326',
      message: { platform: 'discord', workspaceId: GUILD, channelId: CHANNEL, messageId: '1261300190312579153' },
    });
  });

  it('maps a string select choice to an action whose value is the chosen option', () => {
    const sut = interactionToEvent(fixture<APIInteraction>('interaction-string-select'));
    expect(sut).toMatchObject({ type: 'action', actionId: 'pick.one', value: 'b' });
  });

  it('takes the workspace of a DM button from its custom_id', () => {
    const sut = actionEventFromInteraction(fixture<APIMessageComponentInteraction>('interaction-button-dm'));
    expect(sut).toMatchObject({ type: 'action', workspaceId: GUILD, userId: ANNA, actionId: 'verify.resend', value: 'x' });
    expect(sut?.message?.channelId).toBe('1261299000000000001');
  });

  it('drops a DM button without a workspace', () => {
    const raw = fixture<APIMessageComponentInteraction & { data: { custom_id: string } }>('interaction-button-dm');
    raw.data.custom_id = 'verify.resend|x';
    expect(actionEventFromInteraction(raw)).toBeUndefined();
  });
});

describe('modal submissions', () => {
  it('maps MODAL_SUBMIT to form-submitted with the modal custom_id as formId and the text inputs as values', () => {
    const raw = fixture<APIInteraction>('interaction-modal-submit');
    expect(interactionToEvent(raw)).toEqual({
      type: 'form-submitted',
      platform: 'discord',
      workspaceId: GUILD,
      userId: ANNA,
      displayName: 'Anna (penningmeester)',
      locale: 'nl',
      eventId: '1261300247288139901',
      channelId: CHANNEL,
      formId: 'poll.create',
      values: { question: 'Waar spreken we af?', options: 'Utrecht\nZwolle', settings: '' },
      raw,
    });
  });

  it('reads text inputs inside labels (the newer modal layout) too', () => {
    const raw = fixture<APIInteraction>('interaction-modal-submit') as unknown as { data: Record<string, unknown> };
    raw.data.components = [{ type: 18, id: 1, component: { type: 4, id: 2, custom_id: 'question', value: 'Waar?' } }];
    expect(interactionToEvent(raw as unknown as APIInteraction)).toMatchObject({ type: 'form-submitted', values: { question: 'Waar?' } });
  });
});

describe('messageSeenFromDispatch', () => {
  it('counts the characters of a message without carrying its content', () => {
    const packet = dispatch('message-create');
    const content = (packet.d as GatewayMessageCreateDispatchData).content;
    const sut = messageSeenFromDispatch(packet.d as GatewayMessageCreateDispatchData);
    expect(sut).toMatchObject({
      type: 'message-seen',
      platform: 'discord',
      workspaceId: GUILD,
      channelId: CHANNEL,
      userId: ANNA,
      displayName: 'Anna (penningmeester)',
      eventId: '1261300992807829575',
      messageId: '1261300992807829575',
      length: [...content].length,
      at: new Date('2024-07-11T09:45:12.871Z'),
    });
    expect(sut?.threadId).toBeUndefined();
    const serialised = JSON.stringify(sut);
    expect(serialised).not.toContain('Goedemorgen');
    expect(serialised).not.toContain('"content"');
  });

  it('attributes a thread message to the parent channel and the thread', () => {
    const d = dispatch('message-create-thread').d as GatewayMessageCreateDispatchData;
    const sut = messageSeenFromDispatch(d, (id) => (id === '1261300800000000003' ? CHANNEL : undefined));
    expect(sut).toMatchObject({ channelId: CHANNEL, threadId: '1261300800000000003', length: 7 });
    expect(JSON.stringify(sut)).not.toContain('Ik kom');
  });

  it('falls back to the thread as channel when the parent is unknown', () => {
    const sut = messageSeenFromDispatch(dispatch('message-create-thread').d as GatewayMessageCreateDispatchData);
    expect(sut).toMatchObject({ channelId: '1261300800000000003', threadId: '1261300800000000003' });
  });

  it('ignores messages from bots', () => {
    expect(messageSeenFromDispatch(dispatch('message-create-bot').d as GatewayMessageCreateDispatchData)).toBeUndefined();
  });

  it('reports length 0 when Discord withholds content (no Message Content intent)', () => {
    expect(messageSeenFromDispatch(dispatch('message-create-no-content-intent').d as GatewayMessageCreateDispatchData)?.length).toBe(0);
  });

  it('adds topic terms and the question flag, never the text, when the Message Content intent is on', () => {
    const packet = dispatch('message-create');
    const d = packet.d as GatewayMessageCreateDispatchData;
    const sut = messageSeenFromDispatch(d);
    expect(sut).toMatchObject({ messageId: d.id, question: true, terms: expect.arrayContaining(['dinsdag']) });
    expect(sut?.terms?.length).toBeGreaterThan(0);
    const serialised = JSON.stringify(sut);
    expect(serialised).not.toContain(d.content);
    expect(serialised).not.toContain('Goedemorgen allemaal');
    expect(serialised).not.toContain('Wie komt er dinsdag?');
    expect(serialised).not.toContain('"content"');
  });

  it('leaves mentions, emoji and links out of the terms', () => {
    const d = dispatch('message-create').d as GatewayMessageCreateDispatchData;
    const content = '<@1180124567800000042> zie <#1253405276299132990>: fietstocht naar Gouda <:fiets:1253405900000000099> https://example.org/route';
    const sut = messageSeenFromDispatch({ ...d, content });
    expect(sut?.terms).toEqual(expect.arrayContaining(['fietstocht', 'gouda']));
    expect(sut?.question).toBe(false);
    const serialised = JSON.stringify(sut);
    for (const part of ['1180124567800000042', '1253405900000000099', 'example', 'fiets:', content]) expect(serialised).not.toContain(part);
  });

  it('adds no terms when Discord withholds content', () => {
    const sut = messageSeenFromDispatch(dispatch('message-create-no-content-intent').d as GatewayMessageCreateDispatchData);
    expect(sut).toBeDefined();
    expect(sut).not.toHaveProperty('terms');
    expect(sut).not.toHaveProperty('question');
  });

  it('ignores direct messages and system messages', () => {
    const d = dispatch('message-create').d as GatewayMessageCreateDispatchData;
    const { guild_id: _guild, ...direct } = d;
    expect(messageSeenFromDispatch(direct as GatewayMessageCreateDispatchData)).toBeUndefined();
    expect(messageSeenFromDispatch({ ...d, type: 7 } as GatewayMessageCreateDispatchData)).toBeUndefined();
  });
});

describe('reactionAddedFromDispatch', () => {
  const d = () => dispatch('message-reaction-add').d as GatewayMessageReactionAddDispatchData;
  const at = new Date('2024-07-12T09:30:00Z');

  it('maps MESSAGE_REACTION_ADD to reaction-added with the message and its author, never the emoji', () => {
    const sut = reactionAddedFromDispatch(d(), undefined, at);
    expect(sut).toEqual({
      type: 'reaction-added',
      platform: 'discord',
      workspaceId: GUILD,
      userId: '1190000000000000002',
      displayName: 'Bram',
      channelId: CHANNEL,
      messageId: '1261300500000000001',
      messageAuthorId: ANNA,
      at,
      raw: expect.any(Object),
    });
    expect(JSON.stringify(sut)).not.toContain('🎉');
    expect(JSON.stringify(sut)).not.toContain('emoji');
  });

  it('counts a reaction in a thread in its parent channel when known', () => {
    const sut = reactionAddedFromDispatch({ ...d(), channel_id: '1261300800000000003' }, (id) => (id === '1261300800000000003' ? CHANNEL : undefined), at);
    expect(sut).toMatchObject({ channelId: CHANNEL, messageId: '1261300500000000001' });
  });

  it('ignores bots and direct messages, and leaves the author out when Discord does not tell', () => {
    const base = d();
    expect(reactionAddedFromDispatch({ ...base, member: { ...base.member!, user: { ...base.member!.user!, bot: true } } })).toBeUndefined();
    const { guild_id: _g, member: _m, ...direct } = base;
    expect(reactionAddedFromDispatch(direct as GatewayMessageReactionAddDispatchData)).toBeUndefined();
    const { message_author_id: _a, ...anonymous } = base;
    const sut = reactionAddedFromDispatch(anonymous as GatewayMessageReactionAddDispatchData);
    expect(sut).toMatchObject({ type: 'reaction-added', userId: '1190000000000000002' });
    expect(sut).not.toHaveProperty('messageAuthorId');
  });
});

describe('member events', () => {
  it('maps GUILD_MEMBER_ADD to member-joined', () => {
    const sut = memberJoinedFromDispatch(dispatch('guild-member-add').d as GatewayGuildMemberAddDispatchData);
    expect(sut).toMatchObject({
      type: 'member-joined',
      platform: 'discord',
      workspaceId: GUILD,
      userId: '1190000000000000002',
      displayName: 'Bram',
      eventId: `${GUILD}:1190000000000000002:2024-07-11T10:02:44.317000+00:00`,
    });
  });

  it('maps GUILD_MEMBER_REMOVE to member-left', () => {
    const sut = memberLeftFromDispatch(dispatch('guild-member-remove').d as GatewayGuildMemberRemoveDispatchData);
    expect(sut).toMatchObject({ type: 'member-left', workspaceId: GUILD, userId: '1190000000000000002' });
  });

  it('routes dispatches by type and ignores the rest', () => {
    expect(dispatchToEvent(dispatch('guild-member-add'))?.type).toBe('member-joined');
    expect(dispatchToEvent(dispatch('guild-member-remove'))?.type).toBe('member-left');
    expect(dispatchToEvent(dispatch('message-create'))?.type).toBe('message-seen');
    expect(dispatchToEvent(dispatch('message-reaction-add'))?.type).toBe('reaction-added');
    expect(dispatchToEvent({ t: 'TYPING_START', d: {} })).toBeUndefined();
  });
});

describe('custom_id encoding', () => {
  it('round-trips actionId and value, with and without a workspace', () => {
    expect(decodeCustomId(encodeCustomId('vote.yes', 'opt|1'))).toEqual({ actionId: 'vote.yes', value: 'opt|1' });
    expect(decodeCustomId(encodeCustomId('pick.one'))).toEqual({ actionId: 'pick.one' });
    expect(decodeCustomId(encodeCustomId('a', 'b', GUILD))).toEqual({ actionId: 'a', value: 'b', workspaceId: GUILD });
  });

  it('refuses ids that do not fit in 100 characters instead of cutting values', () => {
    expect(() => encodeCustomId('a'.repeat(60), 'v'.repeat(40))).toThrow(/101 characters/);
    expect(() => encodeCustomId('bad|id')).toThrow();
  });
});
