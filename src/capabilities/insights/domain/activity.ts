import type { Platform } from '../../../kernel/types.js';

/**
 * What insights count. Every inbound event becomes at most one activity of one kind (a reaction also
 * counts a `reaction-received` for the reacted message's author, when known); the text of a message
 * never does (message-seen events carry none).
 */
export const ACTIVITY_KINDS = ['message', 'reply', 'reaction', 'reaction-received', 'command', 'action', 'vote', 'joined', 'left'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Kinds that are someone writing in a channel (the "messages" of the key numbers). */
export const WRITING_KINDS: readonly ActivityKind[] = ['message', 'reply'];

/**
 * The parts of an inbound event insights read, structurally (so the domain does not import the chat
 * port): every InboundEvent fits it.
 */
export interface InboundActivity {
  type: string;
  platform: Platform;
  workspaceId: string;
  userId: string;
  locale?: string;
  channelId?: string;
  /** message-seen */
  threadId?: string;
  messageId?: string;
  question?: boolean;
  terms?: readonly string[];
  length?: number;
  at?: Date;
  /** reaction-added: the platform user id of the reacted message's author, when known */
  messageAuthorId?: string;
  /** action */
  actionId?: string;
  /** command */
  path?: readonly string[];
}

/** One counted event, before it is attributed to a member (that happens when the batch is written). */
export interface Activity {
  organizationId: string;
  platform: Platform;
  workspaceId: string;
  userId: string;
  /** The channel's platform id, '' when the event has none (joins to a workspace, DMs). */
  channelId: string;
  kind: ActivityKind;
  /** Characters written (messages and replies), else 0. */
  chars: number;
  at: Date;
  /** A question that starts a thread (tracked for "unanswered questions"). */
  startsThread?: string;
  /** The thread this reply is in. */
  repliesTo?: string;
  /**
   * A reaction: the chat account (same platform and workspace) whose message was reacted to. The
   * ingestor counts a `reaction-received` for it too; the store attributes it to a member at write time.
   */
  reactionTo?: string;
  /** Topic terms, already sanitised (only kept when the organisation switched topics on). */
  terms?: readonly string[];
}

/** `<platform>:<channel id>`, or '' without a channel: the `channel_key` of the rollups. */
export function channelKey(platform: Platform, channelId: string): string {
  return channelId === '' ? '' : `${platform}:${channelId}`;
}

const TERM = /^\p{L}{2,32}$/u;
const MAX_TERMS = 30;

/** Terms as an adapter sent them, reduced to what a term may be (defence in depth: never free text). */
export function sanitizeTerms(terms: readonly string[] | undefined): string[] {
  if (!terms) return [];
  const out = new Set<string>();
  for (const t of terms) {
    const term = t.toLowerCase();
    if (TERM.test(term)) out.add(term);
    if (out.size >= MAX_TERMS) break;
  }
  return [...out];
}

/**
 * Maps an inbound event onto the activity insights count, or undefined for events they ignore. Commands
 * and actions have no timestamp of their own: `now` is when they were handled. Button presses on polls
 * (`poll…` action ids) count as votes.
 */
export function toActivity(event: InboundActivity, organizationId: string, now: Date): Activity | undefined {
  const base = {
    organizationId,
    platform: event.platform,
    workspaceId: event.workspaceId,
    userId: event.userId,
    channelId: event.channelId ?? '',
    chars: 0,
    at: event.at ?? now,
  };
  switch (event.type) {
    case 'message-seen': {
      const chars = Math.max(0, Math.floor(event.length ?? 0));
      const terms = sanitizeTerms(event.terms);
      const withTerms = terms.length > 0 ? { terms } : {};
      const { threadId, messageId } = event;
      // A forum post (Discord) is a thread whose id is its first message's id: that message starts it.
      if (threadId !== undefined && threadId !== messageId) {
        return { ...base, kind: 'reply', chars, repliesTo: threadId, ...withTerms };
      }
      const startsThread = messageId !== undefined && (threadId === messageId || event.question === true) ? { startsThread: messageId } : {};
      return { ...base, kind: 'message', chars, ...startsThread, ...withTerms };
    }
    case 'command':
      return { ...base, kind: 'command' };
    case 'action':
      return { ...base, kind: (event.actionId ?? '').startsWith('poll') ? 'vote' : 'action' };
    case 'member-joined':
      return { ...base, kind: 'joined' };
    case 'member-left':
      return { ...base, kind: 'left' };
    case 'reaction-added': {
      // Reacting to one's own message is no appreciation received.
      const author = event.messageAuthorId;
      const to = author !== undefined && author !== '' && author !== event.userId ? { reactionTo: author } : {};
      return { ...base, kind: 'reaction', ...to };
    }
    default:
      return undefined;
  }
}
