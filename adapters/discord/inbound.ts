import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionType,
  MessageType,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIMessageComponentInteraction,
  type APIUser,
  type GatewayGuildMemberAddDispatchData,
  type GatewayGuildMemberRemoveDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayMessageReactionAddDispatchData,
} from 'discord.js';
import { z } from 'zod';
import type {
  ActionEvent,
  CommandEvent,
  EventActor,
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
import { KRING_COMMAND_NAME, REPORT_COMMAND_NAME } from './commands.js';
import { decodeCustomId } from './custom-id.js';

/**
 * Raw Discord payloads (gateway dispatch `d`, interaction objects) -> InboundEvent. Pure functions,
 * tested on recorded payloads in ./fixtures. Working from the raw payloads rather than discord.js
 * structures keeps the mapping independent of discord.js caches (a member event for an uncached guild
 * still counts) and lets `raw` be the payload Discord actually sent.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 * @see https://discord.com/developers/docs/events/gateway-events#message-create
 * @see https://discord.com/developers/docs/events/gateway-events#message-reaction-add
 */

/** Channel types that are threads: their messages belong to a parent channel. */
const THREAD_TYPES = new Set<number>([ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread]);

/** Message types a person writes; joins, pins, boosts and other system messages are not activity. */
const PERSON_MESSAGE_TYPES = new Set<number>([MessageType.Default, MessageType.Reply]);

/** Maps an interaction to a command, action, form or report event; undefined for interactions Kring does not handle. */
export function interactionToEvent(raw: APIInteraction): CommandEvent | ActionEvent | FormSubmittedEvent | MessageReportedEvent | undefined {
  if (raw.type === InteractionType.ApplicationCommand && raw.data.type === ApplicationCommandType.ChatInput) {
    return commandEventFromInteraction(raw as APIChatInputApplicationCommandInteraction);
  }
  if (raw.type === InteractionType.ApplicationCommand && raw.data.type === ApplicationCommandType.Message) return reportEventFromInteraction(raw);
  if (raw.type === InteractionType.MessageComponent) return actionEventFromInteraction(raw);
  if (raw.type === InteractionType.ModalSubmit) return formEventFromInteraction(raw);
  return undefined;
}

/** The parts of a message command's data Kring reads (checked with zod: the interaction is the only source). */
const messageCommandDataSchema = z.looseObject({
  name: z.string(),
  target_id: z.string().min(1).max(32),
  resolved: z.looseObject({
    messages: z.record(
      z.string(),
      z.looseObject({
        id: z.string().min(1).max(32),
        channel_id: z.string().min(1).max(32),
        content: z.string().nullish(),
        author: z.looseObject({ id: z.string().min(1).max(32), bot: z.boolean().optional() }).optional(),
      }),
    ),
  }),
});

/**
 * "Report to moderators" on a message (MESSAGE context-menu command) -> `message-reported`. Discord sends
 * the message itself in `data.resolved.messages` (its content included, whatever the gateway intents), so
 * nothing is fetched; the text is what the reporter saw when reporting.
 * @see https://discord.com/developers/docs/interactions/application-commands#message-commands
 */
export function reportEventFromInteraction(raw: APIInteraction): MessageReportedEvent | undefined {
  if (raw.type !== InteractionType.ApplicationCommand || raw.guild_id === undefined) return undefined;
  const parsed = messageCommandDataSchema.safeParse(raw.data);
  if (!parsed.success || parsed.data.name !== REPORT_COMMAND_NAME) return undefined;
  const message = parsed.data.resolved.messages[parsed.data.target_id];
  if (!message) return undefined;
  const actor = interactionActor(raw, raw.guild_id);
  if (!actor) return undefined;
  return {
    type: 'message-reported',
    ...actor,
    eventId: raw.id,
    channelId: message.channel_id,
    message: { platform: 'discord', workspaceId: raw.guild_id, channelId: message.channel_id, messageId: message.id },
    ...(message.author ? { authorId: message.author.id } : {}),
    text: discordMarkupToReadable(message.content ?? '').slice(0, REPORT_LIMITS.text),
    link: `https://discord.com/channels/${raw.guild_id}/${message.channel_id}/${message.id}`,
    // The message travels in the event itself; raw keeps where the report came from, not what it says.
    raw: { id: raw.id, type: raw.type, guild_id: raw.guild_id, channel_id: message.channel_id, target_id: parsed.data.target_id },
  };
}

/** Message markup for people: mentions shown as tags, the rest as written. */
function discordMarkupToReadable(content: string): string {
  return content.replace(/<@!?(\d+)>/g, '@$1').replace(/<@&(\d+)>/g, '@&$1').replace(/<#(\d+)>/g, '#$1').trim();
}

/** A text input in a submitted modal: inside an action row (classic) or a label (newer layout). */
interface SubmittedComponent {
  type?: number;
  custom_id?: string;
  value?: string;
  /** A string select's chosen values (in a label). */
  values?: string[];
  components?: SubmittedComponent[];
  component?: SubmittedComponent;
}

/**
 * A submitted modal (MODAL_SUBMIT) -> `form-submitted`: formId from the modal's custom_id, values of its
 * text inputs by custom_id. Kring opens modals only in guild channels.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-modal-submit-data-structure
 */
export function formEventFromInteraction(raw: APIInteraction): FormSubmittedEvent | undefined {
  if (raw.type !== InteractionType.ModalSubmit || raw.guild_id === undefined) return undefined;
  const data = raw.data as unknown as { custom_id?: unknown; components?: SubmittedComponent[] };
  if (typeof data.custom_id !== 'string' || data.custom_id === '') return undefined;
  const actor = interactionActor(raw, raw.guild_id);
  if (!actor) return undefined;
  const values: Record<string, string> = {};
  const collect = (list: readonly SubmittedComponent[]): void => {
    for (const c of list) {
      if (c.type === ComponentType.TextInput && typeof c.custom_id === 'string') values[c.custom_id] = c.value ?? '';
      // A select's choices arrive joined with commas, as the FormField port describes.
      if (c.type === ComponentType.StringSelect && typeof c.custom_id === 'string') values[c.custom_id] = (Array.isArray(c.values) ? c.values.filter((v) => typeof v === 'string') : []).join(',');
      if (c.components) collect(c.components);
      if (c.component) collect([c.component]);
    }
  };
  collect(data.components ?? []);
  return { type: 'form-submitted', ...actor, eventId: raw.id, ...channelOf(raw), formId: data.custom_id, values, raw };
}

/**
 * `/kring poll create question:...` -> `{ path: ['poll', 'create'], options: { question: '...' } }`.
 * Discord always sends the default (English) names, whatever localisation the member saw.
 */
export function commandEventFromInteraction(raw: APIChatInputApplicationCommandInteraction): CommandEvent | undefined {
  if (raw.data.name !== KRING_COMMAND_NAME || raw.guild_id === undefined) return undefined;
  const actor = interactionActor(raw, raw.guild_id);
  if (!actor) return undefined;
  const path: string[] = [];
  const options: Record<string, string | number | boolean> = {};
  collectOptions(raw.data.options ?? [], path, options);
  return { type: 'command', ...actor, eventId: raw.id, ...channelOf(raw), path, args: [], options, raw };
}

function collectOptions(
  list: readonly APIApplicationCommandInteractionDataOption[],
  path: string[],
  options: Record<string, string | number | boolean>,
): void {
  for (const option of list) {
    if (option.type === ApplicationCommandOptionType.SubcommandGroup || option.type === ApplicationCommandOptionType.Subcommand) {
      path.push(option.name);
      collectOptions(option.options ?? [], path, options);
    } else if ('value' in option) {
      options[option.name] = option.value;
    }
  }
}

/** A button press or select choice on a message Kring rendered. */
export function actionEventFromInteraction(raw: APIMessageComponentInteraction): ActionEvent | undefined {
  const decoded = decodeCustomId(raw.data.custom_id);
  // In a DM the guild is not in the payload; Kring put it in the custom_id when it rendered the DM.
  const workspaceId = raw.guild_id ?? decoded.workspaceId;
  if (workspaceId === undefined) return undefined;
  const actor = interactionActor(raw, workspaceId);
  if (!actor) return undefined;
  const value = raw.data.component_type === ComponentType.Button ? decoded.value : 'values' in raw.data ? raw.data.values[0] : undefined;
  const event: ActionEvent = { type: 'action', ...actor, eventId: raw.id, ...channelOf(raw), actionId: decoded.actionId, raw };
  if (value !== undefined) event.value = value;
  if (raw.message) {
    event.message = { platform: 'discord', workspaceId, channelId: raw.message.channel_id, messageId: raw.message.id };
  }
  return event;
}

function interactionActor(raw: APIInteraction, workspaceId: string): EventActor | undefined {
  const user = raw.member?.user ?? raw.user;
  if (!user) return undefined;
  const actor: EventActor = { platform: 'discord', workspaceId, userId: user.id };
  const name = raw.member?.nick ?? displayNameOf(user);
  if (name) actor.displayName = name;
  if ('locale' in raw && raw.locale) actor.locale = raw.locale;
  return actor;
}

function channelOf(raw: APIInteraction): { channelId?: string } {
  const id = raw.channel?.id ?? raw.channel_id;
  return id === undefined ? {} : { channelId: id };
}

function displayNameOf(user: Pick<APIUser, 'global_name' | 'username'>): string | undefined {
  return user.global_name ?? user.username ?? undefined;
}

/**
 * Looks up a thread's parent channel; undefined when unknown or when the channel is no thread. The
 * mapping stays synchronous: the adapter resolves the parent first (see {@link channelToResolve}).
 */
export type ParentChannelLookup = (threadId: string) => string | undefined;

/**
 * The channel of a dispatch whose parent must be known before it can be mapped: a message in a thread
 * (`known: 'thread'`, from `channel_type`), or a reaction, whose payload does not say whether its channel
 * is a thread (`known: 'unknown'`). Replies and reactions in a thread count in the thread's parent channel,
 * where its question was asked.
 */
export function channelToResolve(packet: GatewayDispatch): { channelId: string; known: 'thread' | 'unknown' } | undefined {
  const d = packet.d as { channel_id?: unknown; channel_type?: unknown; guild_id?: unknown } | null;
  if (typeof d !== 'object' || d === null || typeof d.channel_id !== 'string' || d.guild_id === undefined) return undefined;
  if (packet.t === 'MESSAGE_CREATE') return typeof d.channel_type === 'number' && THREAD_TYPES.has(d.channel_type) ? { channelId: d.channel_id, known: 'thread' } : undefined;
  if (packet.t === 'MESSAGE_REACTION_ADD') return { channelId: d.channel_id, known: 'unknown' };
  return undefined;
}

const channelUpdateSchema = z.looseObject({ id: z.string().min(1), guild_id: z.string().min(1), name: z.string().min(1).max(100) });

/** A guild channel's id and (new) name from a CHANNEL_UPDATE payload; undefined for DMs and unnamed channels. */
export function channelUpdateName(d: unknown): { guildId: string; channelId: string; name: string } | undefined {
  const parsed = channelUpdateSchema.safeParse(d);
  return parsed.success ? { guildId: parsed.data.guild_id, channelId: parsed.data.id, name: parsed.data.name } : undefined;
}

/** Whether a channel type is a thread's. */
export function isThreadType(type: number): boolean {
  return THREAD_TYPES.has(type);
}

/**
 * MESSAGE_CREATE -> `message-seen`: who, where, when and how long. The content is read only for its
 * length and, in memory, for its insights (stemmed topic terms, whether it reads as a question;
 * `messageInsights`); it is neither copied into the event nor into `raw`. Bots, webhooks, system messages
 * and DMs are skipped. Without the Message Content intent Discord sends an empty `content`, so `length`
 * is 0 and there are no terms.
 */
export function messageSeenFromDispatch(d: GatewayMessageCreateDispatchData, parentOf: ParentChannelLookup = () => undefined): MessageSeenEvent | undefined {
  if (d.guild_id === undefined || d.author.bot === true || d.webhook_id !== undefined || !PERSON_MESSAGE_TYPES.has(d.type)) {
    return undefined;
  }
  const inThread = d.channel_type !== undefined && THREAD_TYPES.has(d.channel_type);
  const event: MessageSeenEvent = {
    type: 'message-seen',
    platform: 'discord',
    workspaceId: d.guild_id,
    userId: d.author.id,
    eventId: d.id,
    messageId: d.id,
    // A thread's id is its starter message's id, which is what the port calls the thread id (so a
    // forum post, the first message of its thread, has threadId === messageId).
    channelId: inThread ? (parentOf(d.channel_id) ?? d.channel_id) : d.channel_id,
    length: [...(d.content ?? '')].length,
    // Only with the Message Content intent is there content to read; terms are taken in memory and the
    // text goes no further.
    ...(d.content ? messageInsights(discordMarkupToPlain(d.content)) : {}),
    at: new Date(d.timestamp),
    raw: messageMetadata(d),
  };
  if (inThread) event.threadId = d.channel_id;
  const name = d.member?.nick ?? displayNameOf(d.author);
  if (name) event.displayName = name;
  return event;
}

/**
 * Message markup as words: mentions of users, roles and channels, custom emoji, timestamps and link
 * targets go (an id or a URL is not a topic); the words around them stay.
 */
function discordMarkupToPlain(content: string): string {
  return content
    .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[a-zA-Z])?>|<\/[\w -]+:\d+>/g, ' ')
    .replace(/\[([^\]]*)\]\(<?https?:\/\/[^)\s]+>?\)/g, '$1')
    .replace(/<?https?:\/\/\S+/g, ' ');
}

/** The parts of a message that are not written by the member: safe to keep for debugging. */
function messageMetadata(d: GatewayMessageCreateDispatchData): Record<string, unknown> {
  return {
    id: d.id,
    type: d.type,
    guild_id: d.guild_id,
    channel_id: d.channel_id,
    channel_type: d.channel_type,
    author: { id: d.author.id, bot: d.author.bot ?? false },
    timestamp: d.timestamp,
    flags: d.flags,
  };
}

/** GUILD_MEMBER_ADD -> `member-joined` (bots joining are not members). Needs the Guild Members intent. */
export function memberJoinedFromDispatch(d: GatewayGuildMemberAddDispatchData): MemberJoinedEvent | undefined {
  if (!d.user || d.user.bot === true) return undefined;
  const event: MemberJoinedEvent = {
    type: 'member-joined',
    platform: 'discord',
    workspaceId: d.guild_id,
    userId: d.user.id,
    // Gateway dispatches carry no id; guild + user + join time identifies this join across replays.
    eventId: `${d.guild_id}:${d.user.id}:${d.joined_at ?? ''}`,
    raw: d,
  };
  const name = d.nick ?? displayNameOf(d.user);
  if (name) event.displayName = name;
  return event;
}

/** GUILD_MEMBER_REMOVE (left, kicked or banned) -> `member-left`. */
export function memberLeftFromDispatch(d: GatewayGuildMemberRemoveDispatchData): MemberLeftEvent | undefined {
  if (d.user.bot === true) return undefined;
  const event: MemberLeftEvent = { type: 'member-left', platform: 'discord', workspaceId: d.guild_id, userId: d.user.id, raw: d };
  const name = displayNameOf(d.user);
  if (name) event.displayName = name;
  return event;
}

/**
 * MESSAGE_REACTION_ADD -> `reaction-added`: who reacted to which message, and whose message it was
 * (`message_author_id`). Needs the Guild Message Reactions intent. The emoji is not kept, not even in
 * `raw`. Bots (Kring included) and DMs are skipped. Discord sends no time with it: `now` is when it arrived.
 * A reaction in a thread counts in the thread's parent channel when it is known, like messages.
 */
export function reactionAddedFromDispatch(
  d: GatewayMessageReactionAddDispatchData,
  parentOf: ParentChannelLookup = () => undefined,
  now: Date = new Date(),
): ReactionAddedEvent | undefined {
  if (d.guild_id === undefined || d.member === undefined || d.member.user?.bot === true) return undefined;
  const event: ReactionAddedEvent = {
    type: 'reaction-added',
    platform: 'discord',
    workspaceId: d.guild_id,
    userId: d.user_id,
    channelId: parentOf(d.channel_id) ?? d.channel_id,
    messageId: d.message_id,
    ...(d.message_author_id !== undefined ? { messageAuthorId: d.message_author_id } : {}),
    at: now,
    raw: { guild_id: d.guild_id, channel_id: d.channel_id, message_id: d.message_id, user_id: d.user_id, message_author_id: d.message_author_id, burst: d.burst, type: d.type },
  };
  const name = d.member.nick ?? (d.member.user ? displayNameOf(d.member.user) : undefined);
  if (name) event.displayName = name;
  return event;
}

/** A gateway dispatch as discord.js hands it to `Events.Raw`. */
export interface GatewayDispatch {
  t: string;
  s?: number | null;
  d: unknown;
}

/** Maps non-interaction gateway dispatches Kring listens to; undefined for everything else. */
export function dispatchToEvent(packet: GatewayDispatch, parentOf?: ParentChannelLookup): InboundEvent | undefined {
  switch (packet.t) {
    case 'MESSAGE_CREATE':
      return messageSeenFromDispatch(packet.d as GatewayMessageCreateDispatchData, parentOf);
    case 'MESSAGE_REACTION_ADD':
      return reactionAddedFromDispatch(packet.d as GatewayMessageReactionAddDispatchData, parentOf);
    case 'GUILD_MEMBER_ADD':
      return memberJoinedFromDispatch(packet.d as GatewayGuildMemberAddDispatchData);
    case 'GUILD_MEMBER_REMOVE':
      return memberLeftFromDispatch(packet.d as GatewayGuildMemberRemoveDispatchData);
    default:
      return undefined;
  }
}
