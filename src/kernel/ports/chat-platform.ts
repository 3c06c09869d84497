import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Platform } from '../types.js';

/**
 * The chat-platform port: what Kring receives from Discord, Slack and Teams (InboundEvent), what it
 * shows (View), and what it can do there (ChatPlatform). Adapters in adapters/<platform> translate
 * between this and their SDK; no SDK type crosses this file.
 *
 * Forms (Reply.form -> FormSubmittedEvent) are optional per platform; adapters without them show the
 * reply's view.
 *
 * Reactions arrive as metadata only ({@link ReactionAddedEvent}: who reacted to which message); they
 * are counted by insights, never treated as commands.
 *
 * Reports ({@link MessageReportedEvent}) are the one inbound event that carries a message's text: the
 * reporter submits it on purpose, for the moderators.
 *
 * Deliberately left out: reading message content otherwise (insights count metadata only), reactions as
 * commands, which emoji was used, removed reactions, voice, file uploads.
 */

// ---------------------------------------------------------------------------------------------
// Inbound
// ---------------------------------------------------------------------------------------------

/** Who did something, and where. Present on every inbound event. */
export interface EventActor {
  platform: Platform;
  /** Slack team id, Discord guild id, Teams tenant id. */
  workspaceId: string;
  /** The platform's user id. */
  userId: string;
  displayName?: string;
  /** The platform's locale for this user (`nl`, `en-US`, ...), when it tells. */
  locale?: string;
}

interface EventBase extends EventActor {
  /** Platform event id when the platform gives one; used to drop retried deliveries. */
  eventId?: string;
  /** The channel (conversation) the event happened in, when there is one. */
  channelId?: string;
  /** The SDK's original payload, kept for debugging only; never stored. */
  raw: unknown;
}

/**
 * A `/kring <sub-command> ...` invocation. Slack and Teams deliver text (`args`); Discord delivers
 * typed options (`options`). The router maps positional `args` onto the catalogue's declared arguments.
 */
export interface CommandEvent extends EventBase {
  type: 'command';
  /** Sub-command path, e.g. `['link']`, `['poll', 'create']`; empty for a bare `/kring`. */
  path: string[];
  /** Remaining positional words after the sub-command path. */
  args: string[];
  /** Named, typed options (Discord). */
  options: Record<string, string | number | boolean>;
}

/** A press on a button or a choice in a select that Kring rendered. */
export interface ActionEvent extends EventBase {
  type: 'action';
  /** The `actionId` of the View button or select. */
  actionId: string;
  /** The button's value, or the chosen option's value. */
  value?: string;
  /** The message the button was on, so the reply can update it. */
  message?: MessageRef;
}

/**
 * A member wrote something. Only metadata: the content is never part of the event. Adapters that can
 * read the text may derive three things from it in memory on arrival, then drop the text:
 * `{ terms, question } = messageInsights(text, locale)` from src/kernel/message-terms.ts (nl + en stop
 * words removed, stemmed), plus `messageId`. Insights keep only aggregate term counts, and only for
 * organisations that switched topic tracking on.
 */
export interface MessageSeenEvent extends EventBase {
  type: 'message-seen';
  channelId: string;
  /** Thread (parent message id) when the message is a reply in a thread. */
  threadId?: string;
  /**
   * Optional: this message's own id (Slack `ts`, Discord message id, Teams activity id). With `question`
   * it lets insights notice a question that starts a thread, and later replies carry it as `threadId`.
   * A message whose `threadId` equals its `messageId` starts that thread (Discord forum posts).
   */
  messageId?: string;
  /** Optional: the text looks like a question (`messageInsights(text).question`). */
  question?: boolean;
  /**
   * Optional: stemmed topic terms of the text, stop words removed (`messageInsights(text).terms`).
   * Never words of the text as written; never sent when the adapter cannot read content.
   */
  terms?: string[];
  /** Number of characters of the message. */
  length: number;
  at: Date;
}

export interface MemberJoinedEvent extends EventBase {
  type: 'member-joined';
}

export interface MemberLeftEvent extends EventBase {
  type: 'member-left';
}

/**
 * A member reacted to a message (Slack `reaction_added`, Discord MESSAGE_REACTION_ADD, Teams
 * `messageReaction` with `reactionsAdded`; one event per added reaction). Only metadata: no emoji, no
 * text of the message. `userId` is who reacted. Adapters drop reactions by bots (Kring's own included)
 * and in direct messages. Removing a reaction is no event (insights count reactions given and received).
 */
export interface ReactionAddedEvent extends EventBase {
  type: 'reaction-added';
  channelId: string;
  /** The reacted message's id (Slack `ts`, Discord message id, Teams `replyToId`). */
  messageId: string;
  /**
   * Platform user id of the reacted message's author, when the platform tells (Slack `item_user`,
   * Discord `message_author_id`; Teams does not). Insights count a "reaction received" for that author.
   */
  messageAuthorId?: string;
  at: Date;
}

/**
 * Someone submitted a {@link Form} Kring opened (Slack `view_submission`, Discord MODAL_SUBMIT, Teams
 * `Action.Execute` with verb `form.submit`). `channelId` is the channel the form was opened from, so the
 * result lands where the command was given.
 */
export interface FormSubmittedEvent extends EventBase {
  type: 'form-submitted';
  /** The {@link Form.formId} of the submitted form. */
  formId: string;
  /** Field values by {@link FormField.name}, as typed (empty string for an empty optional field). */
  values: Record<string, string>;
}

/**
 * Someone reported a message to the association's moderators (Slack message shortcut, Discord message
 * context-menu command, Teams message action). The actor (`userId`) is the reporter. Unlike
 * {@link MessageSeenEvent} this carries the message's text: the reporter deliberately submits it, and the
 * moderation capability keeps it only for the case's lifetime. Adapters send the text as the platform
 * delivered it in the report (never fetched later), cut to {@link REPORT_LIMITS.text}.
 */
export interface MessageReportedEvent extends EventBase {
  type: 'message-reported';
  channelId: string;
  /** The reported message (its platform, workspace, channel and id). */
  message: MessageRef;
  /** Platform user id of the reported message's author, when the platform tells. */
  authorId?: string;
  /** The reported message's text as the reporter submitted it (plain text, possibly empty). */
  text: string;
  /** A link that opens the message on the platform, when there is one. */
  link?: string;
  /** What the reporter added (Teams' report form has a note field); absent elsewhere. */
  note?: string;
}

/** Limits adapters apply to a report before it is handed on. */
export const REPORT_LIMITS = { text: 4000, note: 1000 } as const;

export type InboundEvent =
  | CommandEvent
  | ActionEvent
  | FormSubmittedEvent
  | MessageSeenEvent
  | ReactionAddedEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | MessageReportedEvent;

/** What the app answers to an inbound event. */
export interface Reply {
  view: View;
  /** `private`: only the actor sees it (ephemeral / DM / personal card). `channel`: everyone in the channel. */
  visibility: 'private' | 'channel';
  /** For actions: replace the message the button was on instead of answering separately. */
  replaceOriginal?: boolean;
  /**
   * Optional: open this form for the actor instead of answering with `view` (Slack modal via
   * `views.open`, Discord modal, Teams Adaptive Card with inputs). Only on replies to commands and
   * actions (the platforms need the interaction to open a form). An adapter that cannot open forms
   * shows `view` instead, which should therefore explain the text form of the command.
   */
  form?: Form;
}

/** One input of a {@link Form}. */
export interface FormField {
  /** Key of the value in {@link FormSubmittedEvent.values}; short (<= 40 chars), unique in the form. */
  name: string;
  label: string;
  /**
   * `short`: one line; `long`: several lines; `select`: one of {@link FormField.options} (Slack
   * `static_select`, Discord string select in a label, Teams `Input.ChoiceSet`, a `<select>` on the web);
   * `multi-select`: any number of them (Slack `multi_static_select`, Discord string select with
   * `max_values`, Teams `Input.ChoiceSet` with `isMultiSelect`, check boxes on the web).
   * A `select` arrives as the chosen option's value (empty string for none); a `multi-select` as the chosen
   * values joined with `,` in option order or the platform's order (empty string for none): option values
   * therefore never contain a comma. Handlers validate what arrives (a submission can be forged).
   */
  kind: 'short' | 'long' | 'select' | 'multi-select';
  required: boolean;
  placeholder?: string;
  maxLength?: number;
  /** For `select` and `multi-select`: the choices, 1 to {@link FORM_LIMITS.options} (Discord's limit). */
  options?: ViewSelectOption[];
  /**
   * What the field shows filled in when the form opens: the text for `short` and `long`, the chosen
   * value for `select`, the chosen values joined with `,` for `multi-select`.
   */
  initial?: string;
}

/**
 * A small form Kring asks a person to fill in. Arrives back as a {@link FormSubmittedEvent}. At most
 * {@link FORM_LIMITS.fields} fields (Discord's modal limit); every text already localised.
 */
export interface Form {
  /** Identifies the form (e.g. `poll.create`); arrives back as `FormSubmittedEvent.formId`. <= 60 chars. */
  formId: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
}

/** Limits every platform can honour (`options`: choices of one select field). */
export const FORM_LIMITS = { formId: 60, fields: 5, fieldName: 40, options: 25 } as const;

/** The application side that adapters hand every inbound event to. Never throws to the adapter. */
export interface InboundHandler {
  handle(event: InboundEvent): Promise<Reply | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/** Button look. Adapters map it onto the platform's styles. */
export type ButtonStyle = 'primary' | 'danger' | 'default';

export interface ViewButton {
  /** Identifies the action; arrives back as `ActionEvent.actionId`. Short (<= 60 chars), no secrets. */
  actionId: string;
  label: string;
  /** Arrives back as `ActionEvent.value` (<= 100 chars). */
  value?: string;
  style?: ButtonStyle;
}

export interface ViewSelectOption {
  label: string;
  value: string;
}

/** One result bar (poll results, insights). */
export interface ViewBar {
  label: string;
  count: number;
  /** 0–100. */
  percent: number;
}

/**
 * A block of a View. `text` is a markdown subset: `**bold**`, `_italic_`, `` `code` ``,
 * `[label](https://url)`, lines starting with `- ` as a list, and `[label](mention:<platform user id>)`: a
 * mention of a user of the platform the view is shown on (Slack and Discord render a native mention, Teams
 * an `<at>` mention, the web and plain-text fallbacks the label). Only put a mention in a view meant for
 * the platform whose user id it is (see {@link mentionText}). Adapters translate it natively.
 */
export type ViewBlock =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'buttons'; buttons: ViewButton[] }
  | { type: 'select'; actionId: string; placeholder: string; options: ViewSelectOption[] }
  | { type: 'bars'; bars: ViewBar[] }
  | { type: 'context'; text: string }
  | { type: 'divider' };

/** `[label](mention:<user id>)` in view text (see {@link ViewBlock}); group 1 the label, group 2 the user id. */
export const MENTION_PATTERN = /\[([^\]\n]+)\]\(mention:([A-Za-z0-9:_.@-]{1,128})\)/g;

/** The view-text mention of a platform user (labels lose the brackets that would end the markup). */
export function mentionText(label: string, userId: string): string {
  return `[${label.replace(/[[\]\n]/g, '')}](mention:${userId})`;
}

/** What a person sees: already localised text, rendered natively by each adapter. */
export interface View {
  /** Plain-text summary for notifications and clients that cannot render blocks. */
  fallback: string;
  blocks: ViewBlock[];
}

// ---------------------------------------------------------------------------------------------
// Outbound
// ---------------------------------------------------------------------------------------------

export interface ChannelRef {
  workspaceId: string;
  channelId: string;
}

export interface UserRef {
  workspaceId: string;
  userId: string;
}

/** A message Kring posted; enough to update or delete it later. */
export interface MessageRef {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  /** Slack `ts`, Discord message id, Teams activity id. */
  messageId: string;
}

export interface PostOptions {
  /**
   * Stable key of this post (e.g. a delivery id). Platforms that can recognise a repeated post use
   * it to make retries idempotent (Discord nonce, Slack message metadata).
   */
  idempotencyKey?: string;
}

/** An HTTP route an adapter serves on Kring's shared server (webhooks, interactions). */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (err?: unknown) => void): void;
}

/**
 * Everything Kring does on one chat platform. Methods reject with {@link ChatPlatformError}.
 */
export interface ChatPlatform {
  readonly platform: Platform;
  /** Routes to mount on the shared HTTP server (Slack events, Teams messages); none for gateway bots. */
  readonly routes: readonly HttpRoute[];
  /** Connects (gateway login, auth check). Inbound events flow to the handler after this. */
  start(): Promise<void>;
  /** Disconnects; in-flight replies finish first. */
  stop(): Promise<void>;
  /** Posts a view in a channel. */
  post(channel: ChannelRef, view: View, options?: PostOptions): Promise<MessageRef>;
  /** Replaces the content of a message Kring posted. */
  update(message: MessageRef, view: View): Promise<void>;
  /** Deletes a message Kring posted. NOT_FOUND when it is gone already. */
  delete(message: MessageRef): Promise<void>;
  /**
   * Sends a private (direct) message to a user. `options.idempotencyKey` as for {@link ChatPlatform.post}
   * (optional: adapters that cannot honour it ignore it).
   */
  sendDirect(user: UserRef, view: View, options?: PostOptions): Promise<MessageRef>;
  /**
   * Optional: finds the message Kring posted in `channel` with this `PostOptions.idempotencyKey`, or null.
   * Platforms that mark posts but do not de-duplicate them (Slack: message metadata, read back through
   * conversations.history) implement it; the fan-out worker asks before re-posting a delivery whose earlier
   * attempt may have reached the platform. Looks at recent messages only (a retry follows within hours).
   * Platforms that de-duplicate on their own (Discord nonce) or cannot tell (Teams) leave it out.
   */
  findPosted?(channel: ChannelRef, idempotencyKey: string): Promise<MessageRef | null>;
  /**
   * Optional: the channel's name as the platform shows it now (without `#`), or null when it has none or
   * the platform cannot tell (a direct message, an unknown channel). Kring stores it when a channel is
   * connected and refreshes it when the connected channels are listed, so lists and the dashboard show
   * names instead of ids. Slack: conversations.info; Discord: the channel cache, else GET /channels/{id};
   * Teams: the team's channel list (the General channel has no name of its own and is called `General`).
   * Rejects with ChatPlatformError like the other methods; callers keep the stored name then.
   */
  channelName?(channel: ChannelRef): Promise<string | null>;
  /**
   * Optional: calls `listener` whenever the platform reports that a channel was renamed (Slack
   * `channel_rename`/`group_rename`, Discord CHANNEL_UPDATE, Teams `conversationUpdate` with
   * `channelRenamed`), with the channel and its new name, so stored names follow without a look-up. May be
   * called for channels Kring never connected; a throwing or rejecting listener is the listener's problem
   * (the adapter logs it and carries on).
   */
  onChannelRenamed?(listener: (channel: ChannelRef, name: string) => void | Promise<void>): void;
  /**
   * Optional: opens the discussion thread under a message Kring posted and posts `view` as its first reply,
   * or, given `existingThreadId` (what an earlier call resolved with), posts nothing and resolves with that
   * thread again. Slack: `chat.postMessage` with `thread_ts` = the message (the thread is the message's
   * replies); Discord: `POST /channels/{channel}/messages/{message}/threads` (a public thread started from
   * the message, named `threadName`; one per message), then the view in it; Teams: a reply to the channel
   * message (its reply chain: conversation `<channel>;messageid=<message>`). NOT_FOUND when the message is gone.
   */
  openThread?(message: MessageRef, view: View, options: { threadName: string; existingThreadId?: string }): Promise<ThreadRef>;
  /** Optional: give the user the platform role for verified members (Discord). */
  grantMemberRole?(user: UserRef): Promise<void>;
  /** Optional: take that role away (lapsed member, unlink). */
  revokeMemberRole?(user: UserRef): Promise<void>;
  /**
   * Optional: the kinds of {@link AccessPlace} this platform can open and close (Discord `role`; Slack and
   * Teams `channel`). Present exactly when {@link grantChannelAccess} and {@link revokeChannelAccess} are.
   */
  readonly accessPlaceKinds?: readonly AccessPlaceKind[];
  /**
   * Optional: lets the user into a members-only place. Idempotent: a user who is in already is no error.
   * Discord: adds the role that opens the exclusive channels (PUT guild member role). Slack: invites to the
   * private channel (`conversations.invite`; the bot must be in it). Teams: adds the person to the private
   * channel through Microsoft Graph (`POST /teams/{team}/channels/{channel}/members`). NOT_FOUND when the
   * place or the user is unknown there; INVALID for a place of a kind the platform does not have.
   */
  grantChannelAccess?(user: UserRef, place: AccessPlace): Promise<void>;
  /**
   * Optional: takes the user out of that place. Idempotent: a user who is not in it is no error. Discord
   * removes the role, Slack `conversations.kick`, Teams `DELETE .../members/{membership-id}`.
   */
  revokeChannelAccess?(user: UserRef, place: AccessPlace): Promise<void>;
  /**
   * Optional: removes a message someone else wrote (a moderator's decision on a report), where the bot
   * may: Discord with Manage Messages; Slack only where its token may delete the message (bot tokens
   * cannot delete people's messages: PERMISSION_DENIED). Teams bots cannot delete people's messages and
   * leave this out. `reason` goes to the platform's audit log where it has one. NOT_FOUND when it is gone.
   */
  removeMessage?(message: MessageRef, reason: string): Promise<void>;
  /**
   * Optional: creates (no `existingId`) or updates the workspace's native scheduled event for a meet-up
   * (Discord guild scheduled events); resolves with its id. Platforms without them leave it out.
   */
  upsertScheduledEvent?(workspaceId: string, event: ScheduledEventSpec, existingId?: string): Promise<string>;
  /** Optional: cancels that scheduled event (NOT_FOUND when it is gone already). */
  cancelScheduledEvent?(workspaceId: string, externalId: string): Promise<void>;
}

/** A discussion thread under a posted message ({@link ChatPlatform.openThread}). */
export interface ThreadRef {
  /** Slack: the parent message's `ts`; Discord: the thread channel's id; Teams: the root message's id. */
  threadId: string;
  /** Where replies go: the thread channel on Discord, the message's channel elsewhere. */
  channelId: string;
}

/** What a members-only place is on a platform: a role (Discord) or a private channel (Slack, Teams). */
export type AccessPlaceKind = 'role' | 'channel';

/**
 * A members-only place Kring decides who may enter: Discord gates exclusive channels by a role (the
 * server's channel permissions say which role sees which channel); Slack and Teams by the membership of a
 * private channel.
 */
export interface AccessPlace {
  /** Slack team id, Discord guild id, Teams tenant id. */
  workspaceId: string;
  kind: AccessPlaceKind;
  /** The Discord role id, or the Slack/Teams channel id. */
  id: string;
}

/** A meet-up as a platform's own scheduled event: what members see in the platform's event list. */
export interface ScheduledEventSpec {
  title: string;
  /** Plain text (platforms cut it to their limit). */
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** An address or an online link. */
  location: string;
}

/** Failure classes every adapter maps platform errors onto (in its errors.ts). */
export type ChatPlatformErrorCode = 'RATE_LIMITED' | 'NOT_FOUND' | 'PERMISSION_DENIED' | 'TRANSIENT' | 'INVALID';

export class ChatPlatformError extends Error {
  readonly code: ChatPlatformErrorCode;
  /** For RATE_LIMITED: how long the platform asked us to wait. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ChatPlatformErrorCode, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChatPlatformError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether trying again later can succeed. */
  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'TRANSIENT';
  }
}

/** The connected platforms, by name (the composition root fills it; services look platforms up here). */
export interface ChatPlatforms {
  get(platform: Platform): ChatPlatform | undefined;
  all(): readonly ChatPlatform[];
}
