import { z } from 'zod';
import type {
  ActionEvent,
  CommandEvent,
  FormSubmittedEvent,
  InboundEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MessageReportedEvent,
  MessageSeenEvent,
  ReactionAddedEvent,
} from '../../src/kernel/ports/chat-platform.js';
import { REPORT_LIMITS } from '../../src/kernel/ports/chat-platform.js';
import { messageInsights } from '../../src/kernel/message-terms.js';
import {
  blockActionsBodySchema,
  describeProblems,
  eventCallbackBodySchema,
  messageActionBodySchema,
  slashCommandBodySchema,
  urlVerificationBodySchema,
  viewSubmissionBodySchema,
} from './payloads.js';
import { originalActionId } from './render.js';

/**
 * Slack payloads -> InboundEvent. Pure functions over the parsed request body (what Bolt calls `body`), so
 * they are tested on recorded payloads in `fixtures/` without Bolt. Payloads are validated with the loose zod
 * schemas of payloads.ts (Slack adds fields freely, we only require what we read), first as a whole by
 * {@link checkSlackBody} before Bolt sees them, then by each converter.
 *
 * - Slash commands: https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling
 * - block_actions: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 * - Events API: https://docs.slack.dev/apis/events-api/#callback-field (message, reaction_added, member_joined_channel, ...)
 */

/** What a request to `/slack/events` is, decided before Bolt sees it. */
export type SlackBodyKind = 'ssl_check' | 'url_verification' | 'command' | 'block_actions' | 'view_submission' | 'message_action' | 'event' | 'unsupported';

/** The callback_id of Kring's message shortcut ("Report to moderators"), as in manifest.yml. */
export const SLACK_REPORT_CALLBACK_ID = 'kring_report_message';

export function classifySlackBody(body: Record<string, unknown>): SlackBodyKind {
  if (body.ssl_check !== undefined) return 'ssl_check';
  if (body.type === 'url_verification') return 'url_verification';
  if (typeof body.command === 'string') return 'command';
  if (body.type === 'block_actions') return 'block_actions';
  if (body.type === 'view_submission') return 'view_submission';
  if (body.type === 'message_action') return 'message_action';
  if (body.type === 'event_callback') return 'event';
  // view_closed, global shortcuts, block_suggestion...: Kring renders none of those.
  return 'unsupported';
}

/**
 * Key under which a delivery is recorded as processed. Events carry `event_id`, the same on Slack's retries;
 * commands and button presses carry a `trigger_id` unique per interaction (Slack does not retry those, so a
 * repeat is a replay).
 */
export function dedupeKey(body: Record<string, unknown>, kind: SlackBodyKind): string | undefined {
  if (kind === 'event' && typeof body.event_id === 'string' && body.event_id !== '') return `slack:${body.event_id}`;
  if ((kind === 'command' || kind === 'block_actions' || kind === 'view_submission' || kind === 'message_action') && typeof body.trigger_id === 'string' && body.trigger_id !== '') {
    return `slack:trigger:${body.trigger_id}`;
  }
  return undefined;
}

/** Whether a body has the shape its kind requires (see payloads.ts); `problem` names the fields, never values. */
export type SlackBodyCheck = { ok: true } | { ok: false; problem: string };

const BODY_SCHEMAS: Partial<Record<SlackBodyKind, z.ZodType>> = {
  url_verification: urlVerificationBodySchema,
  command: slashCommandBodySchema,
  block_actions: blockActionsBodySchema,
  view_submission: viewSubmissionBodySchema,
  message_action: messageActionBodySchema,
  event: eventCallbackBodySchema,
};

/**
 * Checks a classified body against its kind's schema before Bolt reads it. Kinds Kring does not handle
 * (`ssl_check`, `unsupported`) are never handed on, so they pass unchecked.
 */
export function checkSlackBody(body: Record<string, unknown>, kind: SlackBodyKind): SlackBodyCheck {
  const schema = BODY_SCHEMAS[kind];
  if (schema === undefined) return { ok: true };
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, problem: describeProblems(parsed.error) };
  checkedBodies.set(body, { schema, data: parsed.data });
  return { ok: true };
}

/**
 * What {@link checkSlackBody} parsed, per body object (Bolt hands the listeners the very object the route
 * checked): a converter reuses it instead of parsing the same payload with the same schema again, which was
 * about 2 % of the CPU of a button press (bench/poll-votes.bench.ts profile, #20).
 */
const checkedBodies = new WeakMap<object, { schema: z.ZodType; data: unknown }>();

/** `body` parsed with `schema`: the check's result when it used the same schema, else a fresh parse. */
function parsedAs<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.infer<S> | undefined {
  const checked = checkedBodies.get(body);
  if (checked?.schema === schema) return checked.data as z.infer<S>;
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** Undoes Slack's escaping of `&`, `<` and `>` in text it sends. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Splits command text into words. Double quotes group words (`"Wat eten we?" pizza`), including the curly
 * and Dutch low quotes Slack clients put in by autocorrect („…” “…”).
 */
export function splitCommandText(text: string): string[] {
  const words: string[] = [];
  const re = /["“„]([^"“”„]*)["”“]|(\S+)/g;
  for (const m of unescapeSlackText(text).matchAll(re)) {
    const word = m[1] ?? m[2];
    if (word !== undefined && word !== '') words.push(word);
  }
  return words;
}

/** The payload minus the deprecated verification token, which has no business in logs. */
function withoutToken(body: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, ...rest } = body;
  return rest;
}

/** `/kring link 12345` -> `{ path: ['link'], args: ['12345'] }`; the router re-splits multi-word paths. */
export function toCommandEvent(body: Record<string, unknown>): CommandEvent | undefined {
  const parsed = slashCommandBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const [first, ...rest] = splitCommandText(c.text);
  return {
    type: 'command',
    // Slack sends no locale with commands; the adapter adds the user's (user-locales.ts).
    ...interactionBase(c.team_id, c.user_id, c.user_name, c.channel_id, c.trigger_id),
    path: first === undefined ? [] : [first],
    args: rest,
    options: {},
    raw: withoutToken(body),
  };
}

/**
 * The fields every interaction event (command, button, form) shares. The trigger id is the event id: Slack
 * never retries interactions, so a repeated trigger id is a replay.
 */
function interactionBase(workspaceId: string, userId: string, displayName: string | undefined, channelId: string | undefined, triggerId: string | undefined) {
  return {
    platform: 'slack' as const,
    workspaceId,
    userId,
    ...(displayName ? { displayName } : {}),
    ...(channelId ? { channelId } : {}),
    ...(triggerId ? { eventId: triggerId } : {}),
  };
}

/** A button press or select choice (the first action of the payload; Slack sends one per interaction). */
export function toActionEvent(body: Record<string, unknown>): ActionEvent | undefined {
  const p = parsedAs(blockActionsBodySchema, body);
  if (p === undefined) return undefined;
  const workspaceId = p.team?.id ?? p.user.team_id;
  if (!workspaceId) return undefined;
  const action = p.actions[0]!;
  const value = action.value ?? action.selected_option?.value;
  const channelId = p.container?.channel_id ?? p.channel?.id;
  const messageTs = p.container?.message_ts ?? p.message?.ts;
  const displayName = p.user.name ?? p.user.username;
  return {
    type: 'action',
    ...interactionBase(workspaceId, p.user.id, displayName, channelId, p.trigger_id),
    actionId: originalActionId(action.action_id),
    ...(value !== undefined ? { value } : {}),
    ...(channelId && messageTs
      ? { message: { platform: 'slack' as const, workspaceId, channelId, messageId: messageTs } }
      : {}),
    raw: withoutToken(body),
  };
}

/**
 * "Report to moderators" on a message -> `message-reported`: the reporter, the message as the shortcut
 * delivered it (its text unescaped; never fetched later) and a link built from the workspace's domain.
 * Undefined for another shortcut or a payload of an unexpected shape.
 */
export function toReportEvent(body: Record<string, unknown>): MessageReportedEvent | undefined {
  const parsed = messageActionBodySchema.safeParse(body);
  if (!parsed.success || parsed.data.callback_id !== SLACK_REPORT_CALLBACK_ID) return undefined;
  const p = parsed.data;
  const workspaceId = p.team?.id ?? p.user.team_id;
  if (!workspaceId) return undefined;
  const ts = p.message.ts;
  const domain = (p.team as { domain?: unknown } | null | undefined)?.domain;
  const link = typeof domain === 'string' && /^[a-z0-9-]{1,80}$/.test(domain) ? `https://${domain}.slack.com/archives/${p.channel.id}/p${ts.replace('.', '')}` : undefined;
  return {
    type: 'message-reported',
    ...interactionBase(workspaceId, p.user.id, p.user.name ?? p.user.username, p.channel.id, p.trigger_id),
    channelId: p.channel.id,
    message: { platform: 'slack', workspaceId, channelId: p.channel.id, messageId: ts },
    ...(p.message.user ? { authorId: p.message.user } : {}),
    text: slackMarkupToReadable(p.message.text ?? '').slice(0, REPORT_LIMITS.text),
    ...(link ? { link } : {}),
    // The message travels in the event itself: raw keeps where the report came from, not what it says.
    raw: { type: p.type, callback_id: p.callback_id, team: workspaceId, channel: p.channel.id, message_ts: ts },
  };
}

/** Slack markup as a moderator reads it: `<@U1>` -> `@U1`, `<#C1|nieuws>` -> `#nieuws`, links with their label. */
function slackMarkupToReadable(text: string): string {
  const readable = text.replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_m, target: string, label: string | undefined) => {
    if (target.startsWith('@') || target.startsWith('!')) return `@${label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    return label !== undefined && label !== target ? `${label} (${target})` : target;
  });
  return unescapeSlackText(readable).trim();
}

/** The channel a modal was opened from, which Kring put in its `private_metadata` (see renderModal). */
function metadataChannel(metadata: string | undefined): string | undefined {
  if (!metadata) return undefined;
  try {
    const parsed = JSON.parse(metadata) as { channelId?: unknown };
    return typeof parsed.channelId === 'string' && parsed.channelId !== '' ? parsed.channelId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A submitted modal -> `form-submitted`: formId from `callback_id`, values by input `action_id`.
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload#view_submission
 */
export function toFormSubmittedEvent(body: Record<string, unknown>): FormSubmittedEvent | undefined {
  const parsed = viewSubmissionBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const workspaceId = p.team?.id ?? p.user.team_id;
  if (!workspaceId) return undefined;
  const values: Record<string, string> = {};
  for (const block of Object.values(p.view.state.values)) {
    for (const [actionId, input] of Object.entries(block)) {
      // Selects arrive as the chosen value; multi-selects as the chosen values joined with commas (the FormField port).
      values[actionId] = input.selected_options ? input.selected_options.map((o) => o.value).join(',') : input.selected_option ? input.selected_option.value : (input.value ?? '');
    }
  }
  const channelId = metadataChannel(p.view.private_metadata);
  const displayName = p.user.name ?? p.user.username;
  return {
    type: 'form-submitted',
    ...interactionBase(workspaceId, p.user.id, displayName, channelId, p.trigger_id),
    formId: p.view.callback_id,
    values,
    raw: withoutToken(body),
  };
}

const messageSchema = z.looseObject({
  type: z.literal('message'),
  subtype: z.string().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().optional(),
  ts: z.string().regex(/^\d+(\.\d+)?$/),
  thread_ts: z.string().optional(),
});

/** Message subtypes that are still a person writing something; every other subtype is ignored. */
const PERSON_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'me_message']);

/** https://docs.slack.dev/reference/events/reaction_added (needs the `reactions:read` scope). */
const reactionAddedSchema = z.looseObject({
  type: z.literal('reaction_added'),
  user: z.string().min(1),
  item_user: z.string().min(1).optional(),
  item: z.looseObject({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
  event_ts: z.string().regex(/^\d+(\.\d+)?$/),
});

const channelMemberSchema = z.looseObject({
  type: z.enum(['member_joined_channel', 'member_left_channel']),
  user: z.string().min(1),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
});

const teamJoinSchema = z.looseObject({
  type: z.literal('team_join'),
  user: z.looseObject({
    id: z.string().min(1),
    name: z.string().optional(),
    real_name: z.string().optional(),
    locale: z.string().optional(),
    is_bot: z.boolean().optional(),
    profile: z.looseObject({ display_name: z.string().optional() }).optional(),
  }),
});

/**
 * Slack message markup as the reader sees words: links become their label, mentions, channel links and
 * `<!here>`-style specials disappear, escapes are undone. Only used to derive insights terms.
 */
export function slackMarkupToPlain(text: string): string {
  return unescapeSlackText(text.replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_m, target: string, label: string | undefined) =>
    /^(https?:|mailto:)/.test(target) && label !== undefined ? label : ' ',
  ));
}

/** Slack `ts` (`"1712345678.001200"`, seconds) -> Date. */
function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

/**
 * A message event as `message-seen`: who, where, how long, when, plus the insights the port allows
 * (stemmed topic terms, whether it reads as a question; `messageInsights` from the insights domain).
 * The text itself is dropped here, and `raw` is a trimmed copy without text, blocks, attachments or files,
 * so content cannot leak further. Slack sends no locale with messages: terms use the default stemmer.
 */
function toMessageSeen(envelope: z.infer<typeof eventCallbackBodySchema>): MessageSeenEvent | undefined {
  const parsed = messageSchema.safeParse(envelope.event);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  if (m.bot_id !== undefined || m.user === undefined) return undefined;
  if (m.subtype !== undefined && !PERSON_SUBTYPES.has(m.subtype)) return undefined;
  const threadId = m.thread_ts !== undefined && m.thread_ts !== m.ts ? m.thread_ts : undefined;
  return {
    type: 'message-seen',
    platform: 'slack',
    workspaceId: envelope.team_id,
    userId: m.user,
    ...(envelope.event_id ? { eventId: envelope.event_id } : {}),
    channelId: m.channel,
    ...(threadId ? { threadId } : {}),
    messageId: m.ts,
    ...messageInsights(slackMarkupToPlain(m.text ?? '')),
    length: [...unescapeSlackText(m.text ?? '')].length,
    at: tsToDate(m.ts),
    raw: {
      type: 'event_callback',
      team_id: envelope.team_id,
      event_id: envelope.event_id,
      event: { type: 'message', subtype: m.subtype, channel: m.channel, channel_type: m.channel_type, user: m.user, ts: m.ts, thread_ts: m.thread_ts },
    },
  };
}

/**
 * A `reaction_added` on a message as `reaction-added`: who reacted, to which message (`item.ts`) and whose
 * (`item_user`). Reactions on files, in direct messages (`D…` channels) and by the bot itself (the
 * envelope's bot authorisation) are dropped. The emoji is not kept, not even in `raw`.
 */
function toReactionAdded(envelope: z.infer<typeof eventCallbackBodySchema>): ReactionAddedEvent | undefined {
  const parsed = reactionAddedSchema.safeParse(envelope.event);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const { channel, ts } = r.item;
  if (r.item.type !== 'message' || channel === undefined || channel === '' || ts === undefined || ts === '') return undefined;
  if (channel.startsWith('D')) return undefined;
  if ((envelope.authorizations ?? []).some((a) => a.is_bot === true && a.user_id === r.user)) return undefined;
  return {
    type: 'reaction-added',
    platform: 'slack',
    workspaceId: envelope.team_id,
    userId: r.user,
    ...(envelope.event_id ? { eventId: envelope.event_id } : {}),
    channelId: channel,
    messageId: ts,
    ...(r.item_user !== undefined ? { messageAuthorId: r.item_user } : {}),
    at: tsToDate(r.event_ts),
    raw: {
      type: 'event_callback',
      team_id: envelope.team_id,
      event_id: envelope.event_id,
      event: { type: 'reaction_added', user: r.user, item_user: r.item_user, item: { type: r.item.type, channel, ts }, event_ts: r.event_ts },
    },
  };
}

/** An Events API callback as an InboundEvent; undefined for events Kring does not use (or bots' messages). */
export function toEventCallbackEvent(body: Record<string, unknown>): InboundEvent | undefined {
  const parsed = eventCallbackBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const envelope = parsed.data;
  const eventId = envelope.event_id ? { eventId: envelope.event_id } : {};
  switch (envelope.event.type) {
    case 'message':
      return toMessageSeen(envelope);
    case 'reaction_added':
      return toReactionAdded(envelope);
    case 'member_joined_channel':
    case 'member_left_channel': {
      const e = channelMemberSchema.safeParse(envelope.event);
      if (!e.success) return undefined;
      const event: MemberJoinedEvent | MemberLeftEvent = {
        type: e.data.type === 'member_joined_channel' ? 'member-joined' : 'member-left',
        platform: 'slack',
        workspaceId: envelope.team_id,
        userId: e.data.user,
        channelId: e.data.channel,
        ...eventId,
        raw: withoutToken(body),
      };
      return event;
    }
    case 'team_join': {
      // Joined the workspace itself (no channel).
      const e = teamJoinSchema.safeParse(envelope.event);
      if (!e.success || e.data.user.is_bot === true) return undefined;
      const u = e.data.user;
      const displayName = u.profile?.display_name || u.real_name || u.name;
      return {
        type: 'member-joined',
        platform: 'slack',
        workspaceId: envelope.team_id,
        userId: u.id,
        ...(displayName ? { displayName } : {}),
        ...(u.locale ? { locale: u.locale } : {}),
        ...eventId,
        raw: withoutToken(body),
      };
    }
    default:
      return undefined;
  }
}

/** https://docs.slack.dev/reference/events/channel_rename (public) and group_rename (private channels). */
const channelRenameSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: z.string().min(1),
  event: z.looseObject({
    type: z.enum(['channel_rename', 'group_rename']),
    channel: z.looseObject({ id: z.string().min(1), name: z.string().min(1).max(200) }),
  }),
});

/** A channel's new name from a rename event, or undefined for any other body. */
export function toChannelRename(body: unknown): { workspaceId: string; channelId: string; name: string } | undefined {
  // Every request passes here: look at the event type before the schema does (a press is never a rename).
  const type = (body as { event?: { type?: unknown } } | null | undefined)?.event?.type;
  if (type !== 'channel_rename' && type !== 'group_rename') return undefined;
  const parsed = channelRenameSchema.safeParse(body);
  if (!parsed.success) return undefined;
  return { workspaceId: parsed.data.team_id, channelId: parsed.data.event.channel.id, name: parsed.data.event.channel.name };
}

/** Any supported Slack request body -> InboundEvent, or undefined when Kring has nothing to do with it. */
export function toInboundEvent(body: Record<string, unknown>): InboundEvent | undefined {
  switch (classifySlackBody(body)) {
    case 'command':
      return toCommandEvent(body);
    case 'block_actions':
      return toActionEvent(body);
    case 'view_submission':
      return toFormSubmittedEvent(body);
    case 'message_action':
      return toReportEvent(body);
    case 'event':
      return toEventCallbackEvent(body);
    default:
      return undefined;
  }
}
