import type {
  ActionEvent,
  CommandEvent,
  EventActor,
  FormSubmittedEvent,
  InboundEvent,
  MessageRef,
  MessageSeenEvent,
  ReactionAddedEvent,
} from '../../src/kernel/ports/chat-platform.js';
import { messageInsights } from '../../src/kernel/message-terms.js';
import {
  FORM_CHANNEL_KEY,
  FORM_ID_KEY,
  FORM_SUBMIT_VERB,
  SELECT_INPUT_KEY,
  baseConversationId,
  tenantOf,
  threadIdOf,
  userIdOf,
  type ChannelAccount,
  type TeamsActivity,
} from './activity.js';

/**
 * Activity JSON -> InboundEvent, as plain functions (no SDK). Teams has no slash commands for bots, so a
 * command is a message that @mentions Kring first (`@Kring link jan@example.org`), starts with `/kring`,
 * or is written in the personal chat with Kring (where every message is meant for the bot, and where the
 * manifest's command menu sends `link`, `whoami`...). A bare leading `kring` only counts in the personal
 * chat: in a channel, "Kring" is an ordinary Dutch word ("circle").
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations
 */

/** Values the platform does not put on the activity. */
export interface InboundOptions {
  /** Tenant to assume when the activity names none (Bot Framework Emulator). */
  fallbackTenantId: string;
  /** The time to use when the activity carries no timestamp. */
  now?: () => Date;
}

/** Verb and data of an Action.Execute press, as Teams delivers them in the `adaptiveCard/action` invoke. */
export interface ExecuteAction {
  verb: string;
  data: Record<string, unknown>;
}

/** Maps one activity onto zero or more inbound events (a conversationUpdate can add several members). */
export function toInboundEvents(activity: TeamsActivity, options: InboundOptions): InboundEvent[] {
  switch (activity.type) {
    case 'message': {
      const event = messageEvent(activity, options);
      return event ? [event] : [];
    }
    case 'invoke': {
      const event = formEvent(activity, options) ?? actionEvent(activity, options);
      return event ? [event] : [];
    }
    case 'conversationUpdate':
      return memberEvents(activity, options);
    case 'messageReaction':
      return reactionEvents(activity, options);
    default:
      return [];
  }
}

/** A message -> `command` (addressed to Kring) or `message-seen` (length only, never the text). */
export function messageEvent(activity: TeamsActivity, options: InboundOptions): CommandEvent | MessageSeenEvent | undefined {
  if (!activity.from || !activity.conversation?.id) return undefined;
  // Kring's own messages (and other bots') are not member activity.
  if (activity.from.role === 'bot' || activity.from.id === activity.recipient?.id) return undefined;
  const actor = actorOf(activity, activity.from, options);
  const channelId = baseConversationId(activity.conversation.id);
  const command = parseCommand(activity);
  if (command) {
    return {
      type: 'command',
      ...actor,
      ...(activity.id ? { eventId: activity.id } : {}),
      channelId,
      path: command.path,
      args: command.args,
      options: {},
      raw: activity,
    };
  }
  const threadId = threadIdOf(activity.conversation.id) ?? activity.replyToId;
  // Read in memory for its length and insights only; neither the text nor words of it go further.
  const text = plainText(activity.text ?? '');
  const words = plainText(withoutMentions(activity.text ?? ''));
  return {
    type: 'message-seen',
    ...actor,
    ...(activity.id ? { eventId: activity.id, messageId: activity.id } : {}),
    channelId,
    ...(threadId ? { threadId } : {}),
    ...(words === '' ? {} : messageInsights(words, activity.locale)),
    length: [...text].length,
    at: parseTimestamp(activity.timestamp) ?? (options.now ?? (() => new Date()))(),
    raw: withoutContent(activity),
  };
}

/** The text without `<at>…</at>` mentions: a mentioned name (Kring's, a member's) is not a topic. */
function withoutMentions(text: string): string {
  return text.replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ');
}

/** An `adaptiveCard/action` invoke carrying an Action.Execute -> `action`. */
export function actionEvent(activity: TeamsActivity, options: InboundOptions): ActionEvent | undefined {
  const action = executeActionOf(activity);
  if (!action || action.verb === FORM_SUBMIT_VERB || !activity.from || !activity.conversation?.id) return undefined;
  const actor = actorOf(activity, activity.from, options);
  const channelId = baseConversationId(activity.conversation.id);
  const value = actionValue(action.data);
  const message: MessageRef | undefined = activity.replyToId
    ? { platform: 'teams', workspaceId: actor.workspaceId, channelId, messageId: activity.replyToId }
    : undefined;
  return {
    type: 'action',
    ...actor,
    ...(activity.id ? { eventId: activity.id } : {}),
    channelId,
    actionId: action.verb,
    ...(value === undefined ? {} : { value }),
    ...(message ? { message } : {}),
    raw: activity,
  };
}

/**
 * A submitted form card (Action.Execute with verb `form.submit`) -> `form-submitted`. Teams merges the
 * card's inputs into the action's `data`, next to the formId and the conversation the form was opened
 * from (which Kring put there; the card may have been shown in the personal chat).
 */
export function formEvent(activity: TeamsActivity, options: InboundOptions): FormSubmittedEvent | undefined {
  const action = executeActionOf(activity);
  if (!action || action.verb !== FORM_SUBMIT_VERB || !activity.from || !activity.conversation?.id) return undefined;
  const formId = action.data[FORM_ID_KEY];
  if (typeof formId !== 'string' || formId === '') return undefined;
  const origin = action.data[FORM_CHANNEL_KEY];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(action.data)) {
    if (key === FORM_ID_KEY || key === FORM_CHANNEL_KEY) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
  }
  return {
    type: 'form-submitted',
    ...actorOf(activity, activity.from, options),
    ...(activity.id ? { eventId: activity.id } : {}),
    channelId: typeof origin === 'string' && origin !== '' ? origin : baseConversationId(activity.conversation.id),
    formId,
    values,
    raw: activity,
  };
}

/** The Action.Execute of an `adaptiveCard/action` invoke, or undefined for any other activity. */
export function executeActionOf(activity: TeamsActivity): ExecuteAction | undefined {
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return undefined;
  const action = (activity.value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined)?.action;
  if (!action || action.type !== 'Action.Execute' || typeof action.verb !== 'string' || action.verb === '') return undefined;
  const data = typeof action.data === 'object' && action.data !== null ? (action.data as Record<string, unknown>) : {};
  return { verb: action.verb, data };
}

/** conversationUpdate -> one member-joined / member-left per person added or removed (never the bot). */
export function memberEvents(activity: TeamsActivity, options: InboundOptions): InboundEvent[] {
  if (!activity.conversation?.id) return [];
  const channelId = baseConversationId(activity.conversation.id);
  const botId = activity.recipient?.id;
  const events: InboundEvent[] = [];
  const add = (type: 'member-joined' | 'member-left', members: ChannelAccount[] | undefined) => {
    for (const member of members ?? []) {
      if (!member?.id || member.id === botId) continue;
      const actor = actorOf(activity, member, options);
      events.push({
        type,
        ...actor,
        ...(activity.id ? { eventId: `${activity.id}:${type}:${actor.userId}` } : {}),
        channelId,
        raw: activity,
      });
    }
  };
  add('member-joined', activity.membersAdded);
  add('member-left', activity.membersRemoved);
  return events;
}

/**
 * messageReaction -> one `reaction-added` per entry of `reactionsAdded` (removals are not counted). The
 * reacted message is `replyToId`; Teams does not say whose message it was, so `messageAuthorId` stays
 * unset. Reactions by bots and in the personal chat with Kring are skipped; the reaction type is not kept.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#message-reaction-events
 */
export function reactionEvents(activity: TeamsActivity, options: InboundOptions): ReactionAddedEvent[] {
  const added = activity.reactionsAdded ?? [];
  if (added.length === 0 || !activity.from || !activity.conversation?.id || !activity.replyToId) return [];
  if (activity.from.role === 'bot' || activity.from.id === activity.recipient?.id) return [];
  if (activity.conversation.conversationType === 'personal') return [];
  const actor = actorOf(activity, activity.from, options);
  const channelId = baseConversationId(activity.conversation.id);
  const at = parseTimestamp(activity.timestamp) ?? (options.now ?? (() => new Date()))();
  const raw = withoutContent(activity);
  return added.map((_reaction, i) => ({
    type: 'reaction-added' as const,
    ...actor,
    ...(activity.id ? { eventId: `${activity.id}:reaction:${i}` } : {}),
    channelId,
    messageId: activity.replyToId!,
    at,
    raw,
  }));
}

/** True when this conversationUpdate says Kring itself was added (app installed in a team, chat or personally). */
export function isBotAdded(activity: TeamsActivity): boolean {
  const botId = activity.recipient?.id;
  return activity.type === 'conversationUpdate' && !!botId && (activity.membersAdded ?? []).some((m) => m.id === botId);
}

/** True when Kring itself was removed (app uninstalled there). */
export function isBotRemoved(activity: TeamsActivity): boolean {
  const botId = activity.recipient?.id;
  return activity.type === 'conversationUpdate' && !!botId && (activity.membersRemoved ?? []).some((m) => m.id === botId);
}

/** Sub-command path and positional args of a message addressed to Kring, or undefined when it is not. */
export function parseCommand(activity: TeamsActivity): { path: string[]; args: string[] } | undefined {
  const raw = activity.text ?? '';
  const personal = activity.conversation?.conversationType === 'personal';
  const { text, mentionedFirst } = removeLeadingBotMention(raw, activity);
  const words = plainText(text).split(/\s+/).filter((w) => w !== '');
  if (mentionedFirst) return split(dropPrefix(words, personal));
  const first = words[0]?.toLowerCase();
  if (first === '/kring') return split(words.slice(1));
  if (personal) return split(dropPrefix(words, true));
  return undefined;
}

function dropPrefix(words: string[], allowBare: boolean): string[] {
  const first = words[0]?.toLowerCase();
  return first === '/kring' || (allowBare && first === 'kring') ? words.slice(1) : words;
}

function split(words: string[]): { path: string[]; args: string[] } {
  const [head, ...rest] = words;
  return head === undefined ? { path: [], args: [] } : { path: [head.toLowerCase()], args: rest };
}

/**
 * Removes the `<at>Kring</at>` mention when it opens the message. Teams puts the mention markup in the
 * text and describes it in `entities` (type `mention`, `mentioned.id` = the bot's id).
 */
function removeLeadingBotMention(text: string, activity: TeamsActivity): { text: string; mentionedFirst: boolean } {
  const botId = activity.recipient?.id;
  const mentions = (activity.entities ?? []).filter(
    (e) => e.type === 'mention' && botId !== undefined && e.mentioned?.id === botId && typeof e.text === 'string' && e.text !== '',
  );
  for (const mention of mentions) {
    const markup = mention.text as string;
    const index = text.indexOf(markup);
    if (index === -1) continue;
    // Only tags and whitespace (e.g. `<p>`) may precede the mention for it to address Kring.
    if (plainText(text.slice(0, index)).trim() !== '') continue;
    return { text: text.slice(0, index) + text.slice(index + markup.length), mentionedFirst: true };
  }
  return { text, mentionedFirst: false };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text without HTML tags and with the common entities decoded (Teams sends channel messages as HTML). */
export function plainText(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}

function actionValue(data: Record<string, unknown>): string | undefined {
  const direct = data['value'];
  if (typeof direct === 'string' || typeof direct === 'number' || typeof direct === 'boolean') return String(direct);
  const inputKey = data[SELECT_INPUT_KEY];
  if (typeof inputKey === 'string') {
    const chosen = data[inputKey];
    if (typeof chosen === 'string' && chosen !== '') return chosen;
  }
  return undefined;
}

function actorOf(activity: TeamsActivity, account: ChannelAccount, options: InboundOptions): EventActor {
  return {
    platform: 'teams',
    workspaceId: tenantOf(activity) ?? options.fallbackTenantId,
    userId: userIdOf(account),
    ...(account.name ? { displayName: account.name } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
  };
}

function parseTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * The activity's routing metadata for `raw` on message-seen and reaction-added events: an allow-list (as Slack's adapter
 * does), so nothing a person wrote can travel along, whatever else Teams adds to an activity (text,
 * attachments, entities, value, summary, speak, channelData extras ...).
 */
function withoutContent(activity: TeamsActivity): Record<string, unknown> {
  const account = (a: ChannelAccount | undefined) => (a ? { id: a.id, ...(a.aadObjectId ? { aadObjectId: a.aadObjectId } : {}), ...(a.role ? { role: a.role } : {}) } : undefined);
  const c = activity.conversation;
  const d = activity.channelData;
  return {
    type: activity.type,
    id: activity.id,
    timestamp: activity.timestamp,
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    from: account(activity.from),
    recipient: account(activity.recipient),
    conversation: c ? { id: c.id, conversationType: c.conversationType, isGroup: c.isGroup, tenantId: c.tenantId } : undefined,
    replyToId: activity.replyToId,
    textFormat: activity.textFormat,
    locale: activity.locale,
    channelData: d ? { tenant: d.tenant?.id ? { id: d.tenant.id } : undefined, team: d.team?.id ? { id: d.team.id } : undefined, channel: d.channel?.id ? { id: d.channel.id } : undefined, eventType: d.eventType } : undefined,
  };
}
