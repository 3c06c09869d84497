import { describe, expect, it } from 'vitest';
import { channelKey, sanitizeTerms, toActivity, type InboundActivity } from './activity.js';

const now = new Date('2026-11-25T12:00:00Z');
const base = { platform: 'slack' as const, workspaceId: 'T1', userId: 'U1', channelId: 'C1' };
const map = (e: Partial<InboundActivity> & { type: string }) => toActivity({ ...base, ...e }, 'org', now);

describe(toActivity.name, () => {
  it('counts a message with its length and time, never its text', () => {
    const at = new Date('2026-11-20T10:00:00Z');
    expect(map({ type: 'message-seen', length: 42, at })).toEqual({ organizationId: 'org', ...base, kind: 'message', chars: 42, at });
  });

  it('counts a message in a thread as a reply to that thread', () => {
    expect(map({ type: 'message-seen', length: 1, at: now, threadId: '100.1', messageId: '100.2' })).toMatchObject({ kind: 'reply', repliesTo: '100.1' });
  });

  it('starts a thread for a question, and for a forum post whose thread is its own message', () => {
    expect(map({ type: 'message-seen', length: 1, at: now, messageId: 'm1', question: true })).toMatchObject({ kind: 'message', startsThread: 'm1' });
    expect(map({ type: 'message-seen', length: 1, at: now, messageId: 'm1' })).not.toHaveProperty('startsThread');
    expect(map({ type: 'message-seen', length: 1, at: now, messageId: 'f1', threadId: 'f1' })).toMatchObject({ kind: 'message', startsThread: 'f1' });
  });

  it('counts commands, button presses (poll buttons as votes), joins and leaves at the time they were handled', () => {
    expect(map({ type: 'command', path: ['help'] })).toMatchObject({ kind: 'command', at: now, chars: 0 });
    expect(map({ type: 'action', actionId: 'poll.vote' })).toMatchObject({ kind: 'vote' });
    expect(map({ type: 'action', actionId: 'membership.unlink' })).toMatchObject({ kind: 'action' });
    expect(toActivity({ type: 'member-joined', platform: 'slack', workspaceId: 'T1', userId: 'U1' }, 'org', now)).toMatchObject({ kind: 'joined', channelId: '' });
    expect(map({ type: 'member-left' })).toMatchObject({ kind: 'left' });
    expect(map({ type: 'something-new' })).toBeUndefined();
  });
});

describe('toActivity for reactions', () => {
  it('counts a reaction at its time, for the message author when known and not the reacting account itself', () => {
    const at = new Date('2026-11-20T10:00:00Z');
    expect(map({ type: 'reaction-added', messageId: 'm1', messageAuthorId: 'U2', at })).toEqual({
      organizationId: 'org',
      ...base,
      kind: 'reaction',
      chars: 0,
      at,
      reactionTo: 'U2',
    });
    expect(map({ type: 'reaction-added', messageId: 'm1', at })).not.toHaveProperty('reactionTo');
    expect(map({ type: 'reaction-added', messageId: 'm1', messageAuthorId: 'U1', at })).not.toHaveProperty('reactionTo');
  });
});

describe(sanitizeTerms.name, () => {
  it('keeps only lower-case words of letters, once each', () => {
    expect(sanitizeTerms(['Vergader', 'vergader', 'two words', 'code123', 'x', 'éénheid'])).toEqual(['vergader', 'éénheid']);
    expect(sanitizeTerms(undefined)).toEqual([]);
  });
});

describe(channelKey.name, () => {
  it('prefixes the platform, and is empty without a channel', () => {
    expect(channelKey('discord', '123')).toBe('discord:123');
    expect(channelKey('teams', '')).toBe('');
  });
});
