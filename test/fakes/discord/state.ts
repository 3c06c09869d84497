/**
 * In-memory state of the fake Discord: users, one guild with channels, roles and members, messages,
 * interactions and registered commands. Payload shapes follow Discord API v10 as the gateway and REST
 * API send them (snowflake ids, ISO timestamps, every documented field present).
 */

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh, time-ordered Discord snowflake. */
export function snowflake(at = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  bot?: boolean;
  /** The user blocks DMs from server members: posting in their DM answers 50007. */
  dmsClosed?: boolean;
}

export interface FakeMember {
  userId: string;
  nick: string | null;
  roles: Set<string>;
  joined_at: string;
}

export interface FakeChannel {
  id: string;
  /** 0 guild text, 1 DM, 11 public thread. */
  type: 0 | 1 | 11;
  name?: string;
  guild_id?: string;
  parent_id?: string;
  recipientId?: string;
}

/** A message as the fake holds it: the API object Discord would return, plus bookkeeping. */
export interface StoredMessage {
  api: Record<string, unknown> & { id: string; channel_id: string; content: string; embeds: unknown[]; components: unknown[]; flags: number };
  deleted: boolean;
  /** Ephemeral interaction responses are visible to one user only and live outside the channel. */
  ephemeral: boolean;
}

/** One interaction the fake dispatched, and everything the bot answered to it. */
export interface FakeInteraction {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 5 modal submit. */
  type: 2 | 3 | 5;
  createdAt: number;
  channelId: string;
  guildId?: string;
  userId: string;
  /** For components: the message the component is on. */
  componentMessageId?: string;
  /** Interaction callbacks received (`POST /interactions/{id}/{token}/callback`). */
  callbacks: { type: number; data?: Record<string, unknown>; at: number; status: number }[];
  /** Calls on the interaction webhook (follow-ups, @original edits and deletes). */
  webhookCalls: { method: string; messageId: string | undefined; body?: Record<string, unknown>; at: number; status: number }[];
  /** Message id of the original response once acknowledged. */
  originalMessageId?: string;
  /** A type-5 deferral whose first follow-up has not arrived yet (that one fills the placeholder). */
  pendingDeferral?: boolean;
}

export interface FakeCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  [key: string]: unknown;
}

export class FakeDiscordState {
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly members = new Map<string, FakeMember>();
  readonly roles = new Set<string>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly globalCommands: FakeCommand[] = [];
  readonly guildCommands = new Map<string, FakeCommand[]>();
  /** Guild scheduled events by id, as the API shows them (`status` 1 scheduled, 4 cancelled). */
  readonly scheduledEvents = new Map<string, Record<string, unknown>>();

  readonly bot: FakeUser;
  readonly guildId = snowflake();
  readonly guildName = 'Vereniging De Kring';
  readonly memberRoleId = snowflake();
  readonly generalChannelId = snowflake();
  readonly boardChannelId = snowflake();
  /** Regular members present from the start: Anna (nl) and Bram (en-US). */
  readonly anna: FakeUser = { id: snowflake(), username: 'anna', global_name: 'Anna de Vries' };
  readonly bram: FakeUser = { id: snowflake(), username: 'bram_b', global_name: 'Bram' };

  constructor(readonly applicationId: string) {
    // New applications' bot user shares the application id.
    this.bot = { id: applicationId, username: 'Kring', global_name: null, bot: true };
    for (const user of [this.bot, this.anna, this.bram]) this.users.set(user.id, user);
    this.roles.add(this.guildId); // @everyone has the guild's id
    this.roles.add(this.memberRoleId);
    this.channels.set(this.generalChannelId, { id: this.generalChannelId, type: 0, name: 'algemeen', guild_id: this.guildId });
    this.channels.set(this.boardChannelId, { id: this.boardChannelId, type: 0, name: 'bestuur', guild_id: this.guildId });
    for (const user of [this.bot, this.anna, this.bram]) this.addMember(user.id);
  }

  /** Guilds beside the first, by id -> name (every user is a member of each: one member list). */
  readonly otherGuilds = new Map<string, string>();

  /**
   * Adds a guild with one text channel ("algemeen"). With `shard: [id, count]` its id is one that Discord's
   * shard formula, `(guild_id >> 22) % count`, puts on that shard.
   */
  addGuild(name: string, options: { shard?: [number, number] } = {}): { guildId: string; channelId: string } {
    let at = Date.now();
    if (options.shard) {
      const [shard, count] = options.shard;
      // The top bits of a snowflake are milliseconds since Discord's epoch: step to the next fitting one.
      while (Number((BigInt(at) - DISCORD_EPOCH) % BigInt(count)) !== shard) at += 1;
    }
    const guildId = snowflake(at);
    const channelId = snowflake();
    this.otherGuilds.set(guildId, name);
    this.roles.add(guildId);
    this.channels.set(channelId, { id: channelId, type: 0, name: 'algemeen', guild_id: guildId });
    return { guildId, channelId };
  }

  addUser(user: Omit<FakeUser, 'id'> & { id?: string }): FakeUser {
    const created: FakeUser = { ...user, id: user.id ?? snowflake() };
    this.users.set(created.id, created);
    return created;
  }

  addMember(userId: string, nick: string | null = null): FakeMember {
    const member: FakeMember = { userId, nick, roles: new Set(), joined_at: new Date().toISOString() };
    this.members.set(userId, member);
    return member;
  }

  addThread(parentId: string, name = 'draad'): FakeChannel {
    const thread: FakeChannel = { id: snowflake(), type: 11, name, guild_id: this.guildId, parent_id: parentId };
    this.channels.set(thread.id, thread);
    return thread;
  }

  /** The DM channel with a user, created on first use like Discord's `POST /users/@me/channels`. */
  dmChannelFor(userId: string): FakeChannel {
    for (const channel of this.channels.values()) if (channel.type === 1 && channel.recipientId === userId) return channel;
    const channel: FakeChannel = { id: snowflake(), type: 1, recipientId: userId };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A user object as Discord serialises it. */
  userPayload(user: FakeUser): Record<string, unknown> {
    return {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.global_name,
      avatar: null,
      avatar_decoration_data: null,
      collectibles: null,
      display_name_styles: null,
      primary_guild: null,
      public_flags: 0,
      ...(user.bot ? { bot: true } : {}),
    };
  }

  /** A guild member object (without `user` when `withUser` is false, as in MESSAGE_CREATE). */
  memberPayload(member: FakeMember, withUser = true): Record<string, unknown> {
    const user = this.users.get(member.userId)!;
    return {
      ...(withUser ? { user: this.userPayload(user) } : {}),
      avatar: null,
      banner: null,
      communication_disabled_until: null,
      deaf: false,
      flags: 0,
      joined_at: member.joined_at,
      mute: false,
      nick: member.nick,
      pending: false,
      premium_since: null,
      roles: [...member.roles],
    };
  }

  /** A channel object as in `interaction.channel` / `GET /channels/{id}`. */
  channelPayload(channel: FakeChannel): Record<string, unknown> {
    if (channel.type === 1) {
      const recipient = this.users.get(channel.recipientId!)!;
      return { id: channel.id, type: 1, flags: 0, last_message_id: null, recipients: [this.userPayload(recipient)] };
    }
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guild_id,
      name: channel.name,
      flags: 0,
      last_message_id: null,
      nsfw: false,
      parent_id: channel.parent_id ?? null,
      position: 0,
      rate_limit_per_user: 0,
      topic: null,
      permission_overwrites: [],
      ...(channel.type === 11
        ? { owner_id: this.anna.id, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false }, member_count: 1, message_count: 0, total_message_sent: 0 }
        : {}),
    };
  }

  /** Messages of a channel, oldest first. */
  messagesIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.api.channel_id === channelId);
  }
}
