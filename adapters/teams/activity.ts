import { z } from 'zod';

/**
 * The subset of the Bot Framework Activity JSON Kring reads, as plain types. Deliberately not
 * botbuilder's `Activity`: the mapping and rendering code works on the wire format, so replacing
 * botbuilder (archived) with its successor SDK touches only the files that import the SDK.
 *
 * @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object
 */

export interface ChannelAccount {
  id: string;
  name?: string;
  /** Entra object id of a person; stable across bots and Teams clients. */
  aadObjectId?: string;
  role?: string;
}

export interface ConversationAccount {
  id: string;
  /** `personal`, `channel` or `groupChat` in Teams. */
  conversationType?: string;
  isGroup?: boolean;
  tenantId?: string;
  name?: string;
}

export interface ActivityEntity {
  type: string;
  mentioned?: ChannelAccount;
  text?: string;
  [key: string]: unknown;
}

export interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
  eventType?: string;
  [key: string]: unknown;
}

export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  timestamp?: string;
  localTimestamp?: string;
  serviceUrl?: string;
  channelId?: string;
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  conversation?: ConversationAccount;
  replyToId?: string;
  text?: string;
  textFormat?: string;
  locale?: string;
  entities?: ActivityEntity[];
  attachments?: unknown[];
  channelData?: TeamsChannelData;
  membersAdded?: ChannelAccount[];
  membersRemoved?: ChannelAccount[];
  /** messageReaction: the reactions added (`{ type: 'like' }`, ...) and removed. */
  reactionsAdded?: { type?: string }[];
  reactionsRemoved?: { type?: string }[];
  value?: unknown;
}

/**
 * An optional field: absent, or `null` (which Bot Framework senders write for "absent"; read as absent so
 * nothing downstream meets a null), or a value of the type the spec gives it.
 */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

const accountSchema = z.looseObject({
  id: z.string().min(1),
  name: optional(z.string()),
  aadObjectId: optional(z.string()),
  role: optional(z.string()),
});

/** A person in a members list or a mention: an entry without an id is skipped by Kring, not rejected. */
const memberSchema = accountSchema.extend({ id: optional(z.string()) });

/**
 * zod schema of {@link TeamsActivity}: the fields Kring and botbuilder read, each with the type the Activity
 * spec gives it (loose: Teams adds fields freely). The spec says receivers SHOULD reject activities whose
 * field types do not match (A2003), so one that fails is answered 400 before a turn runs.
 *
 * @see https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md
 */
export const teamsActivitySchema = z.looseObject({
  type: z.string().min(1),
  id: optional(z.string()),
  name: optional(z.string()),
  timestamp: optional(z.string()),
  localTimestamp: optional(z.string()),
  serviceUrl: optional(z.string()),
  channelId: optional(z.string()),
  from: optional(accountSchema),
  recipient: optional(accountSchema),
  conversation: optional(
    z.looseObject({
      id: z.string().min(1),
      conversationType: optional(z.string()),
      isGroup: optional(z.boolean()),
      tenantId: optional(z.string()),
      name: optional(z.string()),
    }),
  ),
  replyToId: optional(z.string()),
  text: optional(z.string()),
  textFormat: optional(z.string()),
  locale: optional(z.string()),
  deliveryMode: optional(z.string()),
  entities: optional(
    z.array(z.looseObject({ type: z.string(), mentioned: optional(memberSchema), text: optional(z.string()) })),
  ),
  attachments: optional(z.array(z.unknown())),
  channelData: optional(
    z.looseObject({
      tenant: optional(z.looseObject({ id: optional(z.string()) })),
      team: optional(z.looseObject({ id: optional(z.string()), name: optional(z.string()) })),
      channel: optional(z.looseObject({ id: optional(z.string()), name: optional(z.string()) })),
      eventType: optional(z.string()),
    }),
  ),
  membersAdded: optional(z.array(memberSchema)),
  membersRemoved: optional(z.array(memberSchema)),
  reactionsAdded: optional(z.array(z.looseObject({ type: optional(z.string()) }))),
  reactionsRemoved: optional(z.array(z.looseObject({ type: optional(z.string()) }))),
  value: z.unknown().optional(),
});

/**
 * The activity with its fields checked and nulls dropped, or where it does not match: field paths and zod's
 * messages, never the values (which may hold what a person wrote).
 */
export function parseTeamsActivity(body: unknown): { ok: true; activity: TeamsActivity } | { ok: false; problem: string } {
  const parsed = teamsActivitySchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data as TeamsActivity };
  const problem = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(activity)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem };
}

/** Plain, storable conversation reference (the Bot Framework ConversationReference shape). */
export interface StoredConversationReference {
  channelId: string;
  serviceUrl: string;
  conversation: ConversationAccount;
  bot?: ChannelAccount;
  user?: ChannelAccount;
  locale?: string;
  /** For a channel: the team it belongs to (`channelData.team.id`), to list the team's channels by name. */
  teamId?: string;
}

/** Scope keys under which references are stored (ConversationReferenceRepository). */
export const referenceKeys = {
  /** Any conversation Kring can post in, by conversation id: channel, group chat or personal chat. */
  conversation: (conversationId: string) => `channel:${conversationId}`,
  /** The personal (1:1) chat with a person, by Entra object id (or Teams user id when none). */
  user: (userId: string) => `user:${userId}`,
  /** The tenant's latest service URL and bot account, for creating personal chats. */
  tenant: () => 'tenant',
} as const;

/** The `data` key naming the Input.ChoiceSet whose value a select's Action.Execute carries (render <-> inbound). */
export const SELECT_INPUT_KEY = 'kringInput';

/** Verb of the Action.Execute that submits a form card (render <-> inbound). */
export const FORM_SUBMIT_VERB = 'form.submit';
/** `data` keys of that action: the formId, and the conversation the form was opened from. */
export const FORM_ID_KEY = 'formId';
export const FORM_CHANNEL_KEY = 'kringChannel';

const THREAD_SUFFIX = /;messageid=(\d+)$/;

/**
 * The conversation id without the `;messageid=` suffix Teams adds for replies in a channel thread:
 * the id of the channel itself, which is what Kring stores and posts to.
 */
export function baseConversationId(conversationId: string): string {
  return conversationId.replace(THREAD_SUFFIX, '');
}

/** The thread (root message id) of a channel reply, when the conversation id names one. */
export function threadIdOf(conversationId: string): string | undefined {
  return THREAD_SUFFIX.exec(conversationId)?.[1];
}

/** The Entra tenant of an activity: channelData.tenant.id, else conversation.tenantId. */
export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation?.tenantId ?? undefined;
}

/** A person's id as Kring knows it: the Entra object id when Teams gives one, else the Teams user id. */
export function userIdOf(account: ChannelAccount): string {
  return account.aadObjectId ?? account.id;
}

/**
 * A storable reference for the activity's conversation, at channel level (thread suffix removed), so
 * that a later proactive post starts a new thread in that channel.
 */
export function referenceOf(activity: TeamsActivity): StoredConversationReference | undefined {
  if (!activity.serviceUrl || !activity.conversation?.id) return undefined;
  const tenantId = tenantOf(activity);
  return {
    channelId: activity.channelId ?? 'msteams',
    serviceUrl: activity.serviceUrl,
    conversation: {
      id: baseConversationId(activity.conversation.id),
      ...(activity.conversation.conversationType ? { conversationType: activity.conversation.conversationType } : {}),
      ...(activity.conversation.isGroup === undefined ? {} : { isGroup: activity.conversation.isGroup }),
      ...(tenantId ? { tenantId } : {}),
    },
    ...(activity.recipient ? { bot: { id: activity.recipient.id, ...(activity.recipient.name ? { name: activity.recipient.name } : {}) } } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(activity.conversation.conversationType === 'channel' && activity.channelData?.team?.id ? { teamId: activity.channelData.team.id } : {}),
  };
}

/** Reads a stored reference back; undefined when it is missing or not reference-shaped. */
export function asStoredReference(value: unknown): StoredConversationReference | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = value as Partial<StoredConversationReference>;
  if (typeof ref.serviceUrl !== 'string' || typeof ref.conversation?.id !== 'string') return undefined;
  return { ...ref, channelId: typeof ref.channelId === 'string' ? ref.channelId : 'msteams' } as StoredConversationReference;
}
