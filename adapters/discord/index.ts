import { createHash } from 'node:crypto';
import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  Options,
  Routes,
  type APIChannel,
  type APIGuildScheduledEvent,
  type APIInteraction,
  type APIMessage,
  type RateLimitData,
} from 'discord.js';
import type { AccessPlace, ChannelRef, ChatPlatform, InboundEvent, MessageRef, PostOptions, ScheduledEventSpec, ThreadRef, UserRef, View } from '../../src/kernel/ports/chat-platform.js';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { parseDiscordPlatformConfig, type DiscordPlatformConfig, type ResolvedDiscordPlatformConfig } from './config.js';
import { toChatPlatformError } from './errors.js';
import { channelToResolve, channelUpdateName, dispatchToEvent, isThreadType, type GatewayDispatch } from './inbound.js';
import { respondToInteraction } from './interactions.js';
import { BoundedWork } from '../../src/kernel/bounded-work.js';
import { renderView, type DiscordMessageBody, type RenderOptions } from './render.js';

export { parseDiscordPlatformConfig, discordPlatformConfigSchema, type DiscordPlatformConfig } from './config.js';
export { buildKringCommand, buildReportCommand, registerCommands, KRING_COMMAND_NAME, REPORT_COMMAND_NAME, type CommandSpec, type CommandOptionSpec, type LocalizedText } from './commands.js';

/**
 * Kring on Discord: a discord.js 14 gateway bot. Inbound events come over the gateway WebSocket
 * (interactions, messages, member joins/leaves); everything outbound goes through discord.js's REST
 * client. No HTTP routes: Discord never calls us.
 */
export interface DiscordPlatform extends ChatPlatform {
  readonly platform: 'discord';
}

/** How long `stop()` waits for replies still being sent. */
const STOP_GRACE_MS = 10_000;
/** How long `start()` waits for the gateway's READY after login resolved. */
const READY_TIMEOUT_MS = 30_000;

/** Thread parents remembered per process before the map starts over. */
const THREAD_PARENTS_MAX = 10_000;

/**
 * Creates the Discord platform. Validates `config` at once (throws a ValidationError naming every bad
 * key); nothing connects until {@link ChatPlatform.start}. Outbound calls work without `start()`
 * (REST only), which suits processes that only post.
 */
export function createDiscordPlatform(config: DiscordPlatformConfig): DiscordPlatform {
  const cfg = parseDiscordPlatformConfig(config);
  const log = cfg.logger.child({ platform: 'discord' });
  const lifecycle = { stopping: false };
  const client = createClient(cfg, log, lifecycle);
  const inflight = new Set<Promise<void>>();
  /** Interactions handled 64 at a time; a burst waits (up to 10,000), each answered or deferred in time. */
  const work = new BoundedWork({ concurrency: 64, maxWaiting: 10_000 });
  /** user id -> DM channel id; Discord returns the same channel every time, this saves the call. */
  const dmChannels = new Map<string, string>();
  /** channel id -> whether it is a DM, for channels seen or looked up once (see `isDirectChannel`). */
  const channelKinds = new Map<string, boolean>();
  /**
   * channel id -> its parent when it is a thread, undefined when it is none; learnt from payloads and
   * look-ups. Promises, so that events arriving during a look-up share it (and keep their order).
   */
  const threadParents = new Map<string, Promise<string | undefined>>();
  const rememberParent = (channelId: string, parent: Promise<string | undefined>): void => {
    // Bounded: a long-running bot sees many threads; forgetting only costs a look-up.
    if (threadParents.size >= THREAD_PARENTS_MAX) threadParents.clear();
    threadParents.set(channelId, parent);
  };
  let started = false;
  const renameListeners: ((channel: ChannelRef, name: string) => void | Promise<void>)[] = [];

  const track = (work: Promise<void>): void => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };

  const deliver = async (event: InboundEvent): Promise<void> => {
    try {
      const reply = await cfg.handler.handle(event);
      // Gateway events have nothing to answer on; the app posts or DMs itself when it wants to.
      if (reply) log.debug({ eventType: event.type }, 'reply to a non-interaction event ignored');
    } catch (error) {
      log.error({ eventType: event.type, err: error instanceof Error ? error.message : String(error) }, 'inbound handler threw');
    }
  };

  // Raw dispatches, not discord.js structures: they arrive whether or not the guild/channel is cached.
  client.on(Events.Raw, (packet: GatewayDispatch & { op?: number }) => {
    if (packet.op !== undefined && packet.op !== 0) return;
    if (packet.t === 'INTERACTION_CREATE') {
      track(respondToInteraction(packet.d as APIInteraction, { rest: client.rest, handler: cfg.handler, logger: log, deferAfterMs: cfg.deferAfterMs, work }));
      return;
    }
    if (packet.t === 'CHANNEL_UPDATE') {
      // https://discord.com/developers/docs/events/gateway-events#channel-update (Guilds intent)
      const renamed = channelUpdateName(packet.d);
      for (const listener of renamed ? renameListeners : []) {
        Promise.resolve()
          .then(() => listener({ workspaceId: renamed!.guildId, channelId: renamed!.channelId }, renamed!.name))
          .catch((error: unknown) => log.warn({ channelId: renamed!.channelId, err: error instanceof Error ? error.message : String(error) }, 'a channel rename listener failed'));
      }
      return;
    }
    if (packet.t === 'THREAD_CREATE' || packet.t === 'THREAD_UPDATE') {
      const d = packet.d as { id?: unknown; parent_id?: unknown };
      if (typeof d.id === 'string' && typeof d.parent_id === 'string') rememberParent(d.id, Promise.resolve(d.parent_id));
      return;
    }
    const resolve = channelToResolve(packet);
    if (resolve === undefined) {
      const event = dispatchToEvent(packet);
      if (event) track(deliver(event));
      return;
    }
    track(
      parentOf(resolve.channelId, resolve.known).then((parent) => {
        const event = dispatchToEvent(packet, (id) => (id === resolve.channelId ? parent : undefined));
        return event ? deliver(event) : undefined;
      }),
    );
  });

  const call = async <T>(action: string, run: () => Promise<unknown>): Promise<T> => {
    try {
      return (await run()) as T;
    } catch (error) {
      const mapped = toChatPlatformError(error, action);
      log.debug({ action, errorCode: mapped.code, retryAfterMs: mapped.retryAfterMs }, 'Discord call failed');
      throw mapped;
    }
  };

  /**
   * A thread's parent channel: from discord.js's cache, from THREAD_CREATE payloads or an earlier look-up,
   * else by one `GET /channels/{id}` (a thread whose guild or thread list is not cached: it would otherwise
   * count as a channel of its own, and its replies could not answer the question that started it).
   * Undefined for a channel that is no thread, or when Discord cannot tell us.
   */
  const parentOf = (channelId: string, known: 'thread' | 'unknown'): Promise<string | undefined> => {
    const cached = client.channels.cache.get(channelId);
    // Only threads have a parent that counts (a text channel's parentId is its category).
    if (cached) return Promise.resolve(cached.isThread() ? (cached.parentId ?? undefined) : undefined);
    const remembered = threadParents.get(channelId);
    if (remembered) return remembered;
    const lookup = (async () => {
      try {
        // https://discord.com/developers/docs/resources/channel#get-channel
        const channel = await call<APIChannel>('look up channel', () => client.rest.get(Routes.channel(channelId)));
        return isThreadType(channel.type) && 'parent_id' in channel && typeof channel.parent_id === 'string' ? channel.parent_id : undefined;
      } catch (error) {
        // Not remembered: the next event in this channel tries again.
        threadParents.delete(channelId);
        log.warn({ channelId, known, err: error instanceof Error ? error.message : String(error) }, 'could not look up a thread parent; counting the thread as its own channel');
        return undefined;
      }
    })();
    rememberParent(channelId, lookup);
    return lookup;
  };

  const render = (view: View, options: RenderOptions = {}): DiscordMessageBody => {
    try {
      const { body, warnings } = renderView(view, options);
      if (warnings.length > 0) log.warn({ warnings }, 'view cut to fit Discord limits');
      return body;
    } catch (error) {
      throw new ChatPlatformError('INVALID', `View cannot be rendered for Discord: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };

  /**
   * Whether a channel is a DM: components there need the workspace in their custom_id. Answered from
   * this process's DMs or discord.js's cache, else by one `GET /channels/{id}` whose answer is kept.
   */
  const isDirectChannel = async (channelId: string): Promise<boolean> => {
    const cached = client.channels.cache.get(channelId);
    if (cached) return cached.isDMBased();
    let known = channelKinds.get(channelId);
    if (known === undefined) {
      const channel = await call<APIChannel>('look up channel', () => client.rest.get(Routes.channel(channelId)));
      known = channel.type === ChannelType.DM || channel.type === ChannelType.GroupDM;
      channelKinds.set(channelId, known);
    }
    return known;
  };

  const postIn = async (workspaceId: string, channelId: string, body: DiscordMessageBody, options: PostOptions = {}): Promise<MessageRef> => {
    const payload = options.idempotencyKey === undefined ? body : { ...body, nonce: nonceFor(options.idempotencyKey), enforce_nonce: true };
    // https://discord.com/developers/docs/resources/message#create-message
    const message = await call<APIMessage>('post message', () => client.rest.post(Routes.channelMessages(channelId), { body: payload }));
    return { platform: 'discord', workspaceId, channelId: message.channel_id, messageId: message.id };
  };

  const memberRole = (user: UserRef, add: boolean): Promise<void> => {
    const roleId = cfg.memberRoleId!;
    const route = Routes.guildMemberRole(user.workspaceId, user.userId, roleId);
    // https://discord.com/developers/docs/resources/guild#add-guild-member-role (reason -> audit log)
    return add
      ? call('grant member role', () => client.rest.put(route, { reason: 'Kring: verified member' }))
      : call('revoke member role', () => client.rest.delete(route, { reason: 'Kring: membership ended' }));
  };

  /** A role that opens exclusive channels: Discord gates channels by role (the server's channel permissions). */
  const placeRole = (user: UserRef, place: AccessPlace, add: boolean): Promise<void> => {
    if (place.kind !== 'role') return Promise.reject(new ChatPlatformError('INVALID', `Discord members-only places are roles, not a ${place.kind}`));
    const route = Routes.guildMemberRole(place.workspaceId, user.userId, place.id);
    // https://discord.com/developers/docs/resources/guild#add-guild-member-role (204 also when held already)
    return add
      ? call('grant role', () => client.rest.put(route, { reason: 'Kring: members-only access' }))
      : call('revoke role', () => client.rest.delete(route, { reason: 'Kring: members-only access ended' }));
  };

  const platform: DiscordPlatform = {
    platform: 'discord',
    routes: [],
    accessPlaceKinds: ['role'],
    grantChannelAccess: (user: UserRef, place: AccessPlace) => placeRole(user, place, true),
    revokeChannelAccess: (user: UserRef, place: AccessPlace) => placeRole(user, place, false),

    /**
     * Removes a member's message on a moderator's decision (needs Manage Messages in that channel); the
     * reason goes to the server's audit log.
     * https://discord.com/developers/docs/resources/message#delete-message
     */
    async removeMessage(message: MessageRef, reason: string) {
      await call('remove message', () => client.rest.delete(Routes.channelMessage(message.channelId, message.messageId), { reason: reason.slice(0, 512) }));
    },

    async start() {
      if (started) return;
      if (!cfg.gateway) {
        // REST only (a process without the gateway role): nothing to connect.
        started = true;
        log.info('Discord over REST only: this process holds no gateway shard');
        return;
      }
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(cfg.token);
      } catch (error) {
        throw loginError(error);
      }
      await withTimeout(ready, READY_TIMEOUT_MS, 'Discord gateway READY');
      started = true;
      log.info(
        { user: client.user?.id, intents: client.options.intents.bitfield.toString(), shards: client.ws.shards.map((shard) => shard.id), shardCount: client.options.shardCount },
        'connected to the Discord gateway',
      );
    },

    async stop() {
      if (inflight.size > 0) {
        log.info({ inflight: inflight.size }, 'waiting for Discord replies in flight');
        await withTimeout(Promise.allSettled([...inflight]).then(() => undefined), STOP_GRACE_MS, 'in-flight replies').catch(() => {
          log.warn('stopped before every Discord reply was sent');
        });
      }
      started = false;
      lifecycle.stopping = true;
      try {
        await client.destroy();
      } finally {
        lifecycle.stopping = false;
      }
    },

    post(channel: ChannelRef, view: View, options?: PostOptions) {
      return postIn(channel.workspaceId, channel.channelId, render(view), options);
    },

    async update(message: MessageRef, view: View) {
      const interactive = view.blocks.some((b) => b.type === 'buttons' || b.type === 'select');
      const body = render(view, interactive && (await isDirectChannel(message.channelId)) ? { workspaceId: message.workspaceId } : {});
      // https://discord.com/developers/docs/resources/message#edit-message
      await call('edit message', () => client.rest.patch(Routes.channelMessage(message.channelId, message.messageId), { body }));
    },

    async openThread(message: MessageRef, view: View, options: { threadName: string; existingThreadId?: string }): Promise<ThreadRef> {
      if (options.existingThreadId !== undefined) return { threadId: options.existingThreadId, channelId: options.existingThreadId };
      // https://discord.com/developers/docs/resources/channel#start-thread-from-message (names: 1-100 characters)
      const name = options.threadName.replace(/\s+/g, ' ').trim().slice(0, 100) || 'Discussion';
      const thread = await call<APIChannel>('start thread', () =>
        client.rest.post(Routes.threads(message.channelId, message.messageId), { body: { name, auto_archive_duration: 10080 } }),
      );
      await postIn(message.workspaceId, thread.id, render(view));
      return { threadId: thread.id, channelId: thread.id };
    },

    async delete(message: MessageRef) {
      // https://discord.com/developers/docs/resources/message#delete-message
      await call('delete message', () => client.rest.delete(Routes.channelMessage(message.channelId, message.messageId)));
    },

    async sendDirect(user: UserRef, view: View) {
      // Render first: a View that cannot be rendered should not open a DM channel.
      const body = render(view, { workspaceId: user.workspaceId });
      let channelId = dmChannels.get(user.userId);
      if (channelId === undefined) {
        // https://discord.com/developers/docs/resources/user#create-dm
        const channel = await call<APIChannel>('open DM channel', () => client.rest.post(Routes.userChannels(), { body: { recipient_id: user.userId } }));
        channelId = channel.id;
        dmChannels.set(user.userId, channelId);
        channelKinds.set(channelId, true);
      }
      return postIn(user.workspaceId, channelId, body);
    },

    onChannelRenamed(listener: (channel: ChannelRef, name: string) => void | Promise<void>) {
      renameListeners.push(listener);
    },

    /** The channel's name, from discord.js's cache or `GET /channels/{id}`; null for DMs and unknown channels. */
    async channelName(channel: ChannelRef) {
      const cached = client.channels.cache.get(channel.channelId);
      if (cached) return 'name' in cached && typeof cached.name === 'string' && cached.name !== '' ? cached.name : null;
      try {
        // https://discord.com/developers/docs/resources/channel#get-channel
        const found = await call<APIChannel>('look up channel', () => client.rest.get(Routes.channel(channel.channelId)));
        return 'name' in found && typeof found.name === 'string' && found.name !== '' ? found.name : null;
      } catch (error) {
        if (error instanceof ChatPlatformError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },

    /**
     * A meet-up as an EXTERNAL guild scheduled event (shown in the server's event list, with a location);
     * needs the bot's Create Events / Manage Events permission.
     * https://discord.com/developers/docs/resources/guild-scheduled-event#create-guild-scheduled-event
     */
    async upsertScheduledEvent(workspaceId: string, event: ScheduledEventSpec, existingId?: string) {
      const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
      const body = {
        name: cut(event.title, 100),
        ...(event.description.trim() === '' ? {} : { description: cut(event.description, 1000) }),
        privacy_level: GuildScheduledEventPrivacyLevel.GuildOnly,
        entity_type: GuildScheduledEventEntityType.External,
        entity_metadata: { location: cut(event.location, 100) },
        scheduled_start_time: event.startsAt.toISOString(),
        scheduled_end_time: event.endsAt.toISOString(),
      };
      const saved = existingId
        ? await call<APIGuildScheduledEvent>('update scheduled event', () => client.rest.patch(Routes.guildScheduledEvent(workspaceId, existingId), { body }))
        : await call<APIGuildScheduledEvent>('create scheduled event', () => client.rest.post(Routes.guildScheduledEvents(workspaceId), { body }));
      return saved.id;
    },

    /** https://discord.com/developers/docs/resources/guild-scheduled-event#modify-guild-scheduled-event (status CANCELED) */
    async cancelScheduledEvent(workspaceId: string, externalId: string) {
      await call('cancel scheduled event', () =>
        client.rest.patch(Routes.guildScheduledEvent(workspaceId, externalId), { body: { status: GuildScheduledEventStatus.Canceled } }),
      );
    },

    ...(cfg.memberRoleId === undefined
      ? {}
      : {
          grantMemberRole: (user: UserRef) => memberRole(user, true),
          revokeMemberRole: (user: UserRef) => memberRole(user, false),
        }),
  };
  return platform;
}

function createClient(cfg: ResolvedDiscordPlatformConfig, log: Logger, lifecycle: { stopping: boolean }): Client {
  // GuildMessageReactions: MESSAGE_REACTION_ADD for insights (not privileged).
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.GuildMembers];
  if (cfg.messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    ...(cfg.shards ? { shards: [...cfg.shards.ids], shardCount: cfg.shards.count } : {}),
    rest: {
      api: cfg.apiUrl,
      // Outbound calls come from the app's queue: a 429 (or an exhausted bucket) rejects with
      // RateLimitError -> RATE_LIMITED + retryAfterMs so the queue backs off, instead of discord.js
      // parking the call in memory. Interaction answers have a 3 s / 15 min window and no queue behind
      // them, so those wait as discord.js normally does.
      rejectOnRateLimit: (data: RateLimitData) => !/^\/(interactions|webhooks|gateway)/.test(data.route),
      // 5xx and resets are reported as TRANSIENT at once: the queue retries with backoff, and an
      // immediate in-process retry of a create call could post twice without an idempotency key.
      retries: 0,
    },
    // Kring never reads messages back; do not hold them in memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
  // Usable before start(): outbound-only processes never log in to the gateway.
  client.rest.setToken(cfg.token);

  client.on(Events.ShardReady, (shardId) => log.info({ shardId }, 'gateway session ready'));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway session resumed'));
  // discord.js reports its own close on destroy() as "reconnecting" too; only a real loss is a warning.
  client.on(Events.ShardReconnecting, (shardId) => {
    if (!lifecycle.stopping) log.warn({ shardId }, 'gateway connection lost; reconnecting');
  });
  client.on(Events.ShardDisconnect, (event, shardId) => log.error({ shardId, closeCode: event.code }, 'gateway closed and will not reconnect'));
  client.on(Events.ShardError, (error, shardId) => log.warn({ shardId, err: error.message }, 'gateway connection error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord.js warning'));
  // Without an 'error' listener an EventEmitter error would crash the process.
  client.on(Events.Error, (error) => log.error({ err: error.message }, 'discord.js error'));
  return client;
}

/** Gateway login failures say what to fix: most are configuration (token, intents), not outages. */
function loginError(error: unknown): ChatPlatformError {
  const mapped = toChatPlatformError(error, 'gateway login');
  if (mapped.code !== 'INVALID') return mapped;
  const reason = error instanceof Error ? error.message : String(error);
  const hint = /intent/i.test(reason)
    ? ' Enable "Server Members Intent" (and "Message Content Intent" when messageContentIntent is on) under Bot -> Privileged Gateway Intents in the Developer Portal.'
    : /token|authenticat/i.test(reason)
      ? ' Check DISCORD_TOKEN (Developer Portal -> Bot -> Reset Token).'
      : '';
  return new ChatPlatformError('INVALID', `Discord gateway login failed: ${reason}.${hint}`, { cause: error });
}

/** Discord nonces are at most 25 characters: a hash of the key keeps it stable and short. */
export function nonceFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 25);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ChatPlatformError('TRANSIENT', `Timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
