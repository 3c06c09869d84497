import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway, type GatewayOptions } from './gateway.js';
import { FakeDiscordRest, type InjectedFailure, type RestOptions } from './rest.js';
import { FakeDiscordState, snowflake, type FakeInteraction, type FakeUser, type StoredMessage } from './state.js';

export { INTENTS } from './gateway.js';
export type { InjectedFailure, RecordedRequest, RestRandomFailures } from './rest.js';
export { snowflake, type FakeInteraction, type FakeUser, type StoredMessage } from './state.js';

/**
 * A protocol-faithful fake Discord on 127.0.0.1 (ephemeral port): REST under `/api/v10` and the
 * gateway WebSocket on the same port. The real discord.js client talks to it with
 * `rest.api = fake.apiUrl`; `GET /gateway/bot` hands out the fake's WebSocket URL.
 *
 * Starts with one guild ("Vereniging De Kring") holding the bot, Anna and Bram, channels #algemeen and
 * #bestuur, and a member role. Helpers dispatch complete interaction, message and member payloads and
 * read back what the bot did, normalised for the chat-platform contract suite.
 */
export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  /** Hello's heartbeat interval (Discord: 41250 ms). Short values exercise heartbeats in tests. */
  heartbeatIntervalMs?: number;
  limits?: 'off' | 'realistic';
  /** Milliseconds each REST call takes (fixed or drawn per call): half before handling, half before answering. */
  latencyMs?: number | (() => number);
  privilegedIntents?: Partial<GatewayOptions['privilegedIntents']>;
  interactionDeadlineMs?: number;
}

/** A message as the contract suite reads it back. */
export interface NormalisedMessage {
  channelId: string;
  messageId: string;
  text: string;
  actionIds: string[];
  deleted: boolean;
}

type OptionValue = string | number | boolean;

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly state: FakeDiscordState;
  readonly rest: FakeDiscordRest;
  readonly gateway: FakeGateway;
  private readonly server: Server;
  private port = 0;
  /** The id `/kring` has when no commands were registered through the fake. */
  private readonly defaultCommandId = snowflake();

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? `${Buffer.from(snowflake()).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.applicationId = options.applicationId ?? snowflake();
    this.state = new FakeDiscordState(this.applicationId);
    const restOptions: RestOptions = {
      token: this.token,
      limits: options.limits ?? 'off',
      ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
      interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
      gatewayUrl: () => this.gatewayUrl,
    };
    this.rest = new FakeDiscordRest(this.state, restOptions);
    this.server = createServer((req, res) => {
      this.rest.handle(req, res).catch(() => res.writeHead(500).end());
    });
    this.gateway = new FakeGateway(
      this.server,
      this.state,
      {
        token: this.token,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
        privilegedIntents: { guildMembers: true, messageContent: false, ...options.privilegedIntents },
      },
      () => this.gatewayUrl,
    );
  }

  /** Starts the fake on an ephemeral 127.0.0.1 port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** REST base for `DISCORD_API_URL` / `rest.api` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get guildId(): string {
    return this.state.guildId;
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` REST calls answer with this failure (429 carries Retry-After: 1). */
  failNext(failure: InjectedFailure, count = 1): void {
    this.rest.failNext(failure, count);
  }

  // -------------------------------------------------------------------------------------------
  // Dispatching
  // -------------------------------------------------------------------------------------------

  /**
   * Dispatches a `/kring ...` chat-input interaction, complete as Discord sends it. `path` is
   * `['link']` or `['poll', 'create']`; option types follow the values (integer/number/boolean/string).
   */
  slashCommand(input: { path: string[]; options?: Record<string, OptionValue>; user?: FakeUser; channelId?: string; locale?: string }): FakeInteraction {
    const leaf = Object.entries(input.options ?? {}).map(([name, value]) => ({ name, type: optionType(value), value }));
    let options: Record<string, unknown>[] = leaf;
    for (const [i, name] of [...input.path].reverse().entries()) {
      options = [{ name, type: i === 0 ? 1 : 2, options }];
    }
    const commandId = [...this.state.guildCommands.values(), this.state.globalCommands].flat().find((c) => c.name === 'kring')?.id ?? this.defaultCommandId;
    return this.interaction(2, { id: commandId, name: 'kring', type: 1, options }, input);
  }

  /**
   * Dispatches a MESSAGE context-menu command (Apps -> `name` on a message) as Discord sends it: type 2
   * with `data.type` 3, `target_id` and the message itself in `data.resolved.messages`. `message` is what
   * a member wrote (its id from {@link memberWrites}, its author and content).
   * @see https://discord.com/developers/docs/interactions/application-commands#message-commands
   */
  messageCommand(input: { name: string; message: { id: string; author: FakeUser; content: string; channelId?: string }; user?: FakeUser; locale?: string }): FakeInteraction {
    const channelId = input.message.channelId ?? this.state.generalChannelId;
    const commandId = [...this.state.guildCommands.values(), this.state.globalCommands].flat().find((c) => c.name === input.name)?.id ?? snowflake();
    const resolved = {
      messages: {
        [input.message.id]: {
          id: input.message.id,
          type: 0,
          channel_id: channelId,
          author: this.state.userPayload(input.message.author),
          content: input.message.content,
          embeds: [],
          attachments: [],
          components: [],
          mentions: [],
          mention_roles: [],
          mention_everyone: false,
          pinned: false,
          tts: false,
          flags: 0,
          timestamp: new Date().toISOString(),
          edited_timestamp: null,
        },
      },
    };
    return this.interaction(2, { id: commandId, name: input.name, type: 3, target_id: input.message.id, resolved }, { ...input, channelId });
  }

  /** Dispatches a press on a button of a message the bot posted. */
  pressButton(input: { messageId: string; customId: string; user?: FakeUser; locale?: string }): FakeInteraction {
    const message = this.componentMessage(input.messageId, input.customId);
    return this.interaction(3, { custom_id: input.customId, component_type: 2 }, { ...input, channelId: message.api.channel_id }, message);
  }

  /** Dispatches a choice in a string select of a message the bot posted. */
  chooseOption(input: { messageId: string; customId: string; values: string[]; user?: FakeUser; locale?: string }): FakeInteraction {
    const message = this.componentMessage(input.messageId, input.customId);
    return this.interaction(3, { custom_id: input.customId, component_type: 3, values: input.values }, { ...input, channelId: message.api.channel_id }, message);
  }

  /** The modal opened in answer to an interaction (its type-9 callback's data), if any. */
  modalOf(interaction: FakeInteraction): {
    custom_id: string;
    title: string;
    components: { type?: number; label?: string; component?: { type: number; custom_id: string; options?: { value: string }[] }; components: { custom_id: string; label: string; style: number; required?: boolean }[] }[];
  } | undefined {
    const callback = interaction.callbacks.find((c) => c.type === 9 && c.status > 0 && c.status < 300);
    return callback?.data as ReturnType<FakeDiscord['modalOf']>;
  }

  /**
   * Dispatches the submission (MODAL_SUBMIT, type 5) of a modal the bot opened, with `values` typed into
   * its text inputs, from the channel the modal was opened in.
   */
  submitModal(input: { modal: NonNullable<ReturnType<FakeDiscord['modalOf']>>; values: Record<string, string>; user?: FakeUser; channelId?: string; locale?: string }): FakeInteraction {
    const components = input.modal.components.map((row) =>
      row.type === 18 && row.component
        ? // A label's select comes back as Discord sends it: the chosen values (given comma-joined here).
          { type: 18, component: { type: row.component.type, custom_id: row.component.custom_id, values: (input.values[row.component.custom_id] ?? '').split(',').filter((v) => v !== '') } }
        : { type: 1, components: row.components.map((c) => ({ type: 4, custom_id: c.custom_id, value: input.values[c.custom_id] ?? '' })) },
    );
    return this.interaction(5, { custom_id: input.modal.custom_id, components }, input);
  }

  /** Dispatches MESSAGE_CREATE from a member. Returns the message id, or undefined when the intent is missing. */
  memberWrites(input: { content: string; user?: FakeUser; channelId?: string; bot?: boolean }): string | undefined {
    const user = input.user ?? this.state.anna;
    const channel = this.state.channels.get(input.channelId ?? this.state.generalChannelId)!;
    const member = this.state.members.get(user.id);
    const id = snowflake();
    const sent = this.gateway.dispatch('MESSAGE_CREATE', {
      id,
      type: 0,
      channel_id: channel.id,
      channel_type: channel.type,
      guild_id: channel.guild_id ?? this.state.guildId,
      author: this.state.userPayload(input.bot ? { ...user, bot: true } : user),
      member: member ? this.state.memberPayload(member, false) : undefined,
      content: input.content,
      embeds: [],
      attachments: [],
      components: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      flags: 0,
      nonce: snowflake(),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
    });
    return sent ? id : undefined;
  }

  /**
   * Dispatches MESSAGE_REACTION_ADD: `user` (default Bram) reacts to message `messageId` written by
   * `authorId` (sent as `message_author_id` when given). Returns false when the session lacks the intent.
   */
  memberReacts(input: { messageId: string; authorId?: string; user?: FakeUser; channelId?: string; emoji?: string; bot?: boolean }): boolean {
    const user = input.user ?? this.state.bram;
    const member = this.state.members.get(user.id);
    const userPayload = this.state.userPayload(input.bot ? { ...user, bot: true } : user);
    const memberPayload = member ? { ...this.state.memberPayload(member), user: userPayload } : { user: userPayload, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    return this.gateway.dispatch('MESSAGE_REACTION_ADD', {
      user_id: user.id,
      type: 0,
      message_id: input.messageId,
      ...(input.authorId !== undefined ? { message_author_id: input.authorId } : {}),
      member: memberPayload,
      emoji: { name: input.emoji ?? '👍', id: null },
      channel_id: input.channelId ?? this.state.generalChannelId,
      burst: false,
      guild_id: this.state.guildId,
    });
  }

  /** A new user joins the guild (GUILD_MEMBER_ADD). */
  memberJoins(user: FakeUser = this.state.addUser({ username: 'nieuw_lid', global_name: 'Nieuw Lid' })): FakeUser {
    const member = this.state.addMember(user.id);
    this.gateway.dispatch('GUILD_MEMBER_ADD', { guild_id: this.state.guildId, ...this.state.memberPayload(member) });
    return user;
  }

  /** A member leaves (GUILD_MEMBER_REMOVE). */
  memberLeaves(user: FakeUser): void {
    this.state.members.delete(user.id);
    this.gateway.dispatch('GUILD_MEMBER_REMOVE', { guild_id: this.state.guildId, user: this.state.userPayload(user) });
  }

  private componentMessage(messageId: string, customId: string): StoredMessage {
    const message = this.state.messages.get(messageId);
    if (!message || message.deleted) throw new Error(`fake discord: no message ${messageId} to press a component on`);
    const ids = (message.api.components as { components: { custom_id?: string }[] }[]).flatMap((row) => row.components.map((c) => c.custom_id));
    if (!ids.includes(customId)) throw new Error(`fake discord: message ${messageId} has no component ${customId} (has ${ids.join(', ')})`);
    return message;
  }

  private interaction(
    type: 2 | 3 | 5,
    data: Record<string, unknown>,
    input: { user?: FakeUser; channelId?: string; locale?: string },
    message?: StoredMessage,
  ): FakeInteraction {
    const user = input.user ?? this.state.anna;
    const channel = this.state.channels.get(input.channelId ?? this.state.generalChannelId)!;
    const member = this.state.members.get(user.id) ?? this.state.addMember(user.id);
    // The channel's guild (a guild added with state.addGuild, or the first one).
    const guildId = channel.guild_id ?? this.state.guildId;
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
      type,
      createdAt: Date.now(),
      channelId: channel.id,
      ...(channel.type === 1 ? {} : { guildId: guildId }),
      userId: user.id,
      callbacks: [],
      webhookCalls: [],
      ...(message ? { componentMessageId: message.api.id } : {}),
    };
    this.state.interactions.set(interaction.id, interaction);
    const permissions = '2248473465835073';
    // In the bot's DM there is no guild: `user` instead of `member`, context 1 (BOT_DM), and the guild
    // install's owner id is "0".
    const where =
      channel.type === 1
        ? { user: this.state.userPayload(user), authorizing_integration_owners: { '0': '0' }, context: 1 }
        : {
            guild: { id: guildId, features: [], locale: 'nl' },
            guild_id: guildId,
            guild_locale: 'nl',
            member: { ...this.state.memberPayload(member), permissions },
            authorizing_integration_owners: { '0': guildId },
            context: 0,
          };
    this.gateway.dispatch('INTERACTION_CREATE', {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      data: type === 2 ? { ...data, guild_id: this.state.guildCommands.size > 0 ? guildId : undefined } : data,
      ...where,
      channel: { ...this.state.channelPayload(channel), permissions },
      channel_id: channel.id,
      token: interaction.token,
      version: 1,
      app_permissions: permissions,
      locale: input.locale ?? 'nl',
      entitlements: [],
      entitlement_sku_ids: [],
      attachment_size_limit: 10_485_760,
      ...(message ? { message: message.api } : {}),
    });
    return interaction;
  }

  // -------------------------------------------------------------------------------------------
  // Reading back
  // -------------------------------------------------------------------------------------------

  /** Messages in a channel (ephemeral interaction responses excluded), normalised. */
  messages(channelId: string): NormalisedMessage[] {
    return this.state.messagesIn(channelId).filter((m) => !m.ephemeral).map(normalise);
  }

  /** Messages the bot sent to a user's DM channel. */
  directMessages(userId: string): NormalisedMessage[] {
    const dm = [...this.state.channels.values()].find((c) => c.type === 1 && c.recipientId === userId);
    return dm ? this.state.messagesIn(dm.id).map(normalise) : [];
  }

  /** A stored message (ephemeral ones included), or undefined. */
  message(messageId: string): StoredMessage | undefined {
    return this.state.messages.get(messageId);
  }

  /** The roles a member holds now. */
  memberRoles(userId: string): string[] {
    return [...(this.state.members.get(userId)?.roles ?? [])];
  }

  /** Resolves once the interaction has received a callback (and, when given, `done` holds). */
  async waitForInteraction(interaction: FakeInteraction, done: (i: FakeInteraction) => boolean = (i) => i.callbacks.length > 0, timeoutMs = 10_000): Promise<FakeInteraction> {
    const deadline = Date.now() + timeoutMs;
    while (!done(interaction)) {
      if (Date.now() > deadline) throw new Error(`fake discord: interaction ${interaction.id} not answered as expected within ${timeoutMs} ms: ${JSON.stringify({ callbacks: interaction.callbacks, webhookCalls: interaction.webhookCalls })}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return interaction;
  }
}

function optionType(value: OptionValue): number {
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 3;
}

/** All human-visible text of a message and its component ids, as the contract suite reads them. */
export function normalise(message: StoredMessage): NormalisedMessage {
  interface Embed {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
    footer?: { text: string };
  }
  interface Component {
    label?: string;
    placeholder?: string;
    custom_id?: string;
    options?: { label: string }[];
  }
  const api = message.api as { content: string; embeds: Embed[]; components: { components: Component[] }[] };
  const text: string[] = [api.content];
  for (const embed of api.embeds) {
    text.push(embed.title ?? '', embed.description ?? '');
    for (const field of embed.fields ?? []) text.push(field.name, field.value);
    text.push(embed.footer?.text ?? '');
  }
  const actionIds: string[] = [];
  for (const row of api.components) {
    for (const component of row.components) {
      text.push(component.label ?? '', component.placeholder ?? '', ...(component.options ?? []).map((o) => o.label));
      if (component.custom_id) actionIds.push(component.custom_id);
    }
  }
  return {
    channelId: message.api.channel_id,
    messageId: message.api.id,
    text: text.filter((t) => t !== '').join('\n'),
    actionIds,
    deleted: message.deleted,
  };
}
