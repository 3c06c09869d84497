import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeCommand, type FakeDiscordState, type FakeInteraction, type StoredMessage, snowflake } from './state.js';
import { toDiscordErrors, validateCommand, validateMessageBody, type FormError } from './validation.js';

/**
 * The fake's REST API under `/api/v10`. Authenticates like Discord (`Authorization: Bot <token>`,
 * except interaction callbacks and interaction webhooks, which use the token in the path), answers
 * with Discord's JSON error codes, sends `X-RateLimit-*` headers from real per-bucket counters, and
 * can be told to fail the next calls or to enforce Discord's limits.
 */

export type InjectedFailure = 'rate-limited' | 'not-found' | 'forbidden' | 'server-error';

export interface RecordedRequest {
  method: string;
  /** Decoded path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Whether a correct bot token was presented. */
  botAuth: boolean;
  body: unknown;
  status: number;
  /** `X-Audit-Log-Reason`, decoded. */
  reason?: string;
  at: number;
  /** A 429 the realistic limits answered (not an injected one). */
  enforced?: boolean;
  /** The message was created, then the answer was a 5xx (injected at random). */
  lost?: boolean;
}

/** Random 5xx on message creates, for fan-out soak tests and benchmarks. */
export interface RestRandomFailures {
  /** Share of message creates answered 500 (0–1). */
  serverError: number;
  /** Share of those that create the message first (the answer is lost), 0–1. */
  afterStore?: number;
  /** Deterministic draws (default 1). */
  seed?: number;
}

export interface RestOptions {
  token: string;
  /**
   * `realistic`: 429 when a bucket (5 messages / 5 s per channel, ...; fixed windows with the reset in the
   * headers, as Discord's buckets) or the 50 requests/s global limit (a sliding second) is exceeded.
   */
  limits: 'off' | 'realistic';
  /** Milliseconds each call takes: half before the fake handles it, half before it answers. */
  latencyMs?: number | (() => number);
  /** Discord accepts the first interaction response within 3 s. */
  interactionDeadlineMs: number;
  gatewayUrl: () => string;
}

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {}
}

const notFound = (code: number, what: string) => new HttpError(404, { message: `Unknown ${what}`, code });
const invalidForm = (errors: FormError[]) => new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: toDiscordErrors(errors) });

const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
const EPHEMERAL = 64;
const LOADING = 128;

interface Bucket {
  count: number;
  resetAt: number;
}

export class FakeDiscordRest {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: InjectedFailure[] = [];
  private readonly buckets = new Map<string, Bucket>();
  /** Arrival times of the requests that count toward the global limit, last second. */
  private readonly globalLog: number[] = [];
  private random: { config: RestRandomFailures; next: () => number } | undefined;
  /** nonce -> message id, per channel, for `enforce_nonce`. */
  private readonly nonces = new Map<string, string>();

  constructor(
    private readonly state: FakeDiscordState,
    private readonly options: RestOptions,
  ) {}

  /** The next `count` REST calls fail this way. */
  failNext(failure: InjectedFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  setLimits(limits: 'off' | 'realistic'): void {
    this.options.limits = limits;
  }

  /** Answers a share of the message creates with 500 from now on, some after creating; `undefined` stops. */
  failRandomly(config: RestRandomFailures | undefined): void {
    this.random = config ? { config, next: seeded(config.seed ?? 1) } : undefined;
  }

  /** Forgets what the limits counted so far and every recorded request (a benchmark after its warm-up). */
  resetLimits(): void {
    this.buckets.clear();
    this.globalLog.length = 0;
    this.requests.length = 0;
  }

  /** 429s the realistic limits answered (not injected ones). */
  limitHits(): RecordedRequest[] {
    return this.requests.filter((r) => r.enforced);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs() : (this.options.latencyMs ?? 0);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency / 2));
    // From here to the answer `handle` runs without awaiting, so the field belongs to this call.
    this.answerDelayMs = latency / 2;
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return this.send(res, 400, { message: '400: Bad Request', code: 50109 }, {});
    }
    const record: RecordedRequest = {
      method,
      path: '',
      query: Object.fromEntries(url.searchParams),
      botAuth: req.headers.authorization === `Bot ${this.options.token}`,
      body,
      status: 0,
      at: Date.now(),
    };
    const reason = req.headers['x-audit-log-reason'];
    if (typeof reason === 'string') record.reason = decodeURIComponent(reason);

    if (!url.pathname.startsWith('/api/v10/')) {
      record.path = url.pathname;
      return this.finish(res, record, 404, { message: '404: Not Found', code: 0 }, {});
    }
    const segments = url.pathname.slice('/api/v10/'.length).split('/').map(decodeURIComponent);
    record.path = `/${segments.join('/')}`;
    const tokenRoute = segments[0] === 'interactions' || segments[0] === 'webhooks';
    const headers = this.rateLimitHeaders(method, segments);

    if (!tokenRoute && segments[0] !== 'gateway' && !record.botAuth) {
      return this.finish(res, record, 401, { message: '401: Unauthorized', code: 0 }, {});
    }
    const failure = this.failures.shift();
    if (failure) return this.injected(res, record, failure, headers);
    const limited = this.enforceLimits(method, segments, !tokenRoute, headers);
    if (limited) {
      record.enforced = true;
      return this.finish(res, record, 429, limited, headers);
    }
    const create = method === 'POST' && segments[0] === 'channels' && segments[2] === 'messages' && segments.length === 3;
    const draw = create && this.random && this.random.next() < this.random.config.serverError ? this.random.next() : undefined;
    if (draw !== undefined && draw >= (this.random!.config.afterStore ?? 0)) return this.finish(res, record, 500, { message: '500: Internal Server Error', code: 0 }, headers);

    try {
      const [status, payload] = this.route(method, segments, body, url.searchParams);
      if (draw !== undefined && status < 300) {
        record.lost = true;
        return this.finish(res, record, 500, { message: '500: Internal Server Error', code: 0 }, headers);
      }
      return this.finish(res, record, status, payload, headers);
    } catch (error) {
      if (error instanceof HttpError) return this.finish(res, record, error.status, error.body, headers);
      return this.finish(res, record, 500, { message: '500: Internal Server Error', code: 0 }, headers);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Routing
  // -------------------------------------------------------------------------------------------

  private route(method: string, s: string[], body: unknown, query: URLSearchParams): [number, unknown] {
    const b = (body ?? {}) as Record<string, unknown>;
    // Token routes first: their paths carry a token where other routes have ids.
    if (s[0] === 'interactions' && s.length === 4 && s[3] === 'callback' && method === 'POST') {
      return this.interactionCallback(s[1]!, s[2]!, b, query.get('with_response') === 'true');
    }
    if (s[0] === 'webhooks' && s.length === 3 && method === 'POST') return this.followUp(s[1]!, s[2]!, b, query.get('wait') === 'true');
    if (s[0] === 'webhooks' && s.length === 5 && s[3] === 'messages' && ['GET', 'PATCH', 'DELETE'].includes(method)) {
      return this.webhookMessage(method, s[1]!, s[2]!, s[4]!, b);
    }
    const key = `${method} ${s.map((part, i) => (i % 2 === 1 && part !== '@me' && part !== 'bot' ? ':id' : part)).join('/')}`;
    switch (key) {
      case 'GET gateway':
        return [200, { url: this.options.gatewayUrl() }];
      case 'GET gateway/bot':
        return [200, { url: this.options.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }];
      case 'GET users/@me':
        return [200, { ...this.state.userPayload(this.state.bot), flags: 0, mfa_enabled: false, verified: true, email: null }];
      case 'GET users/:id': {
        const user = this.state.users.get(s[1]!);
        if (!user) throw notFound(10013, 'User');
        return [200, this.state.userPayload(user)];
      }
      case 'POST users/@me/channels': {
        const user = this.state.users.get(String(b.recipient_id));
        if (!user || user.bot) throw new HttpError(400, { message: 'Invalid Recipient(s)', code: 50033 });
        return [200, this.state.channelPayload(this.state.dmChannelFor(user.id))];
      }
      case 'GET channels/:id':
        return [200, this.state.channelPayload(this.channel(s[1]!))];
      case 'GET channels/:id/messages':
        this.channel(s[1]!);
        return [200, this.state.messagesIn(s[1]!).filter((m) => !m.deleted && !m.ephemeral).map((m) => m.api).reverse()];
      case 'POST channels/:id/messages':
        return [200, this.createChannelMessage(s[1]!, b)];
      case 'GET channels/:id/messages/:id':
        return [200, this.message(s[1]!, s[3]!).api];
      case 'PATCH channels/:id/messages/:id': {
        const message = this.message(s[1]!, s[3]!);
        if ((message.api.author as { id: string }).id !== this.state.bot.id) throw new HttpError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
        return [200, this.edit(message, b)];
      }
      case 'POST channels/:id/messages/:id/threads': {
        // https://discord.com/developers/docs/resources/channel#start-thread-from-message: one thread per message.
        const message = this.message(s[1]!, s[3]!);
        if (message.api['thread'] !== undefined) throw new HttpError(400, { message: 'A thread has already been created for this message', code: 160004 });
        const name = typeof b.name === 'string' ? b.name : '';
        if (name.length < 1 || name.length > 100) throw new HttpError(400, { message: 'Invalid Form Body', code: 50035 });
        const thread = this.state.addThread(s[1]!, name);
        message.api['thread'] = this.state.channelPayload(thread);
        return [201, this.state.channelPayload(thread)];
      }
      case 'DELETE channels/:id/messages/:id':
        this.message(s[1]!, s[3]!).deleted = true;
        return [204, undefined];
      case 'POST guilds/:id/scheduled-events':
      case 'PATCH guilds/:id/scheduled-events/:id':
        return [200, this.scheduledEvent(s[1]!, method === 'POST' ? undefined : s[3]!, b)];
      case 'GET guilds/:id/members/:id':
        return [200, this.state.memberPayload(this.member(s[1]!, s[3]!))];
      case 'PUT guilds/:id/members/:id/roles/:id':
      case 'DELETE guilds/:id/members/:id/roles/:id': {
        const member = this.member(s[1]!, s[3]!);
        if (!this.state.roles.has(s[5]!)) throw notFound(10011, 'Role');
        if (method === 'PUT') member.roles.add(s[5]!);
        else member.roles.delete(s[5]!);
        return [204, undefined];
      }
      case 'GET applications/:id/commands':
        this.application(s[1]!);
        return [200, this.state.globalCommands];
      case 'PUT applications/:id/commands':
        this.application(s[1]!);
        return [200, this.overwriteCommands(this.state.globalCommands, body)];
      case 'GET applications/:id/guilds/:id/commands':
        this.application(s[1]!);
        return [200, this.guildCommands(s[3]!)];
      case 'PUT applications/:id/guilds/:id/commands':
        this.application(s[1]!);
        return [200, this.overwriteCommands(this.guildCommands(s[3]!), body, s[3]!)];
      default:
        throw new HttpError(404, { message: '404: Not Found', code: 0 });
    }
  }

  /**
   * https://discord.com/developers/docs/resources/guild-scheduled-event: creates or modifies an EXTERNAL
   * event (the only kind a bot can make without a stage or voice channel), with the API's checks.
   */
  private scheduledEvent(guildId: string, id: string | undefined, b: Record<string, unknown>): Record<string, unknown> {
    if (guildId !== this.state.guildId) throw notFound(10004, 'Guild');
    const existing = id === undefined ? undefined : this.state.scheduledEvents.get(id);
    if (id !== undefined && !existing) throw notFound(10070, 'Guild Scheduled Event');
    const event: Record<string, unknown> = existing ?? { id: snowflake(), guild_id: guildId, creator_id: this.state.bot.id, status: 1, entity_type: 3, privacy_level: 2, user_count: 0 };
    const errors: { path: string; code: string; message: string }[] = [];
    const text = (key: string, max: number) => {
      if (b[key] === undefined) return;
      if (typeof b[key] !== 'string' || b[key].length < 1 || b[key].length > max) errors.push({ path: key, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${max} in length.` });
      else event[key] = b[key];
    };
    text('name', 100);
    text('description', 1000);
    for (const key of ['scheduled_start_time', 'scheduled_end_time'] as const) {
      if (b[key] === undefined) continue;
      if (typeof b[key] !== 'string' || Number.isNaN(Date.parse(b[key]))) errors.push({ path: key, code: 'DATE_TIME_TYPE_PARSE', message: 'Could not parse the date.' });
      else event[key] = b[key];
    }
    const location = (b.entity_metadata as { location?: unknown } | undefined)?.location;
    if (b.entity_metadata !== undefined) {
      if (typeof location !== 'string' || location.length < 1 || location.length > 100) errors.push({ path: 'entity_metadata.location', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
      else event.entity_metadata = { location };
    }
    if (b.status !== undefined) {
      // A scheduled event can start (2) or be cancelled (4); nothing comes back from cancelled.
      if (event.status !== 1 || (b.status !== 2 && b.status !== 4)) errors.push({ path: 'status', code: 'GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION', message: 'Invalid status transition.' });
      else event.status = b.status;
    }
    if (id === undefined) {
      for (const key of ['name', 'scheduled_start_time', 'scheduled_end_time', 'entity_metadata'] as const) {
        if (event[key] === undefined) errors.push({ path: key, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      }
      if (b.entity_type !== 3 || b.privacy_level !== 2) errors.push({ path: 'entity_type', code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {3} with privacy_level 2.' });
    }
    // Discord also refuses a start in the past; the fake leaves that out, because tests run on their own clocks.
    if (typeof event.scheduled_start_time === 'string' && typeof event.scheduled_end_time === 'string' && Date.parse(event.scheduled_end_time) <= Date.parse(event.scheduled_start_time)) {
      errors.push({ path: 'scheduled_end_time', code: 'GUILD_SCHEDULED_EVENT_END_BEFORE_START', message: 'The end must be after the start.' });
    }
    if (errors.length > 0) throw invalidForm(errors);
    this.state.scheduledEvents.set(event.id as string, event);
    return event;
  }

  private channel(id: string) {
    const channel = this.state.channels.get(id);
    if (!channel) throw notFound(10003, 'Channel');
    return channel;
  }

  private message(channelId: string, messageId: string): StoredMessage {
    this.channel(channelId);
    const message = this.state.messages.get(messageId);
    if (!message || message.deleted || message.ephemeral || message.api.channel_id !== channelId) throw notFound(10008, 'Message');
    return message;
  }

  private member(guildId: string, userId: string) {
    if (guildId !== this.state.guildId) throw notFound(10004, 'Guild');
    const member = this.state.members.get(userId);
    if (!member) throw notFound(10007, 'Member');
    return member;
  }

  private application(id: string): void {
    if (id !== this.state.applicationId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
  }

  private guildCommands(guildId: string): FakeCommand[] {
    if (guildId !== this.state.guildId) throw new HttpError(403, { message: 'Missing Access', code: 50001 });
    let list = this.state.guildCommands.get(guildId);
    if (!list) this.state.guildCommands.set(guildId, (list = []));
    return list;
  }

  private overwriteCommands(target: FakeCommand[], body: unknown, guildId?: string): FakeCommand[] {
    if (!Array.isArray(body)) throw invalidForm([{ path: '_', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
    const errors = body.flatMap((command: Record<string, unknown>, i) => validateCommand(command, String(i)));
    if (errors.length > 0) throw invalidForm(errors);
    const created = body.map((command: Record<string, unknown>) => ({
      id: target.find((c) => c.name === command.name)?.id ?? snowflake(),
      application_id: this.state.applicationId,
      version: snowflake(),
      default_member_permissions: null,
      type: 1,
      nsfw: false,
      ...(guildId === undefined ? {} : { guild_id: guildId }),
      ...command,
    }));
    target.splice(0, target.length, ...created);
    return created;
  }

  // -------------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------------

  private createChannelMessage(channelId: string, body: Record<string, unknown>): Record<string, unknown> {
    const channel = this.channel(channelId);
    if (channel.type === 1 && this.state.users.get(channel.recipientId!)?.dmsClosed) {
      throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
    }
    this.checkBody(body, true);
    const nonceKey = body.enforce_nonce === true && body.nonce !== undefined ? `${channelId}:${String(body.nonce)}` : undefined;
    if (nonceKey && this.nonces.has(nonceKey)) {
      // Discord answers a repeated nonce with the message created the first time.
      return this.state.messages.get(this.nonces.get(nonceKey)!)!.api;
    }
    const stored = this.store(channelId, body, { type: 0, ephemeral: false });
    if (nonceKey) this.nonces.set(nonceKey, stored.api.id);
    return stored.api;
  }

  private checkBody(body: Record<string, unknown>, creating: boolean): void {
    const errors = validateMessageBody(body);
    if (errors.length > 0) throw invalidForm(errors);
    const empty = !body.content && (!Array.isArray(body.embeds) || body.embeds.length === 0) && (!Array.isArray(body.components) || body.components.length === 0);
    if (creating && empty) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
  }

  private store(channelId: string, body: Record<string, unknown>, meta: { type: number; ephemeral: boolean; flags?: number; interaction?: FakeInteraction }): StoredMessage {
    const channel = this.state.channels.get(channelId)!;
    const id = snowflake();
    const api: StoredMessage['api'] = {
      id,
      type: meta.type,
      channel_id: channelId,
      ...(channel.guild_id === undefined ? {} : { guild_id: channel.guild_id }),
      author: this.state.userPayload(this.state.bot),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds.map((e: Record<string, unknown>) => ({ type: 'rich', ...e })) : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: meta.flags ?? (Number(body.flags ?? 0) & ~EPHEMERAL) | (meta.ephemeral ? EPHEMERAL : 0),
      ...(body.nonce === undefined ? {} : { nonce: body.nonce }),
      ...(meta.interaction
        ? {
            webhook_id: this.state.applicationId,
            application_id: this.state.applicationId,
            interaction_metadata: {
              id: meta.interaction.id,
              type: meta.interaction.type,
              user: this.state.userPayload(this.state.users.get(meta.interaction.userId)!),
              authorizing_integration_owners: { '0': this.state.guildId },
            },
          }
        : {}),
    };
    const stored: StoredMessage = { api, deleted: false, ephemeral: meta.ephemeral };
    this.state.messages.set(id, stored);
    return stored;
  }

  private edit(message: StoredMessage, body: Record<string, unknown>): Record<string, unknown> {
    this.checkBody(body, false);
    for (const key of ['content', 'embeds', 'components'] as const) {
      if (body[key] !== undefined) (message.api as Record<string, unknown>)[key] = body[key];
    }
    message.api.edited_timestamp = new Date().toISOString();
    return message.api;
  }

  // -------------------------------------------------------------------------------------------
  // Interactions
  // -------------------------------------------------------------------------------------------

  private interactionCallback(id: string, token: string, body: Record<string, unknown>, withResponse: boolean): [number, unknown] {
    const interaction = this.state.interactions.get(id);
    if (!interaction || interaction.token !== token) throw notFound(10062, 'interaction');
    if (interaction.callbacks.some((c) => c.status < 300)) throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    const type = Number(body.type);
    const data = (body.data ?? {}) as Record<string, unknown>;
    const record = { type, data, at: Date.now(), status: 0 };
    interaction.callbacks.push(record);
    if (Date.now() - interaction.createdAt > this.options.interactionDeadlineMs) {
      record.status = 404;
      throw notFound(10062, 'interaction');
    }
    const ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
    const isComponent = interaction.type === 3;
    let message: StoredMessage | undefined;
    switch (type) {
      case 4: // CHANNEL_MESSAGE_WITH_SOURCE
        this.checkBody(data, true);
        message = this.store(interaction.channelId, data, { type: isComponent ? 0 : 20, ephemeral, interaction });
        break;
      case 5: // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" placeholder
        message = this.store(interaction.channelId, {}, { type: isComponent ? 0 : 20, ephemeral, flags: LOADING | (ephemeral ? EPHEMERAL : 0), interaction });
        interaction.pendingDeferral = true;
        break;
      case 6: // DEFERRED_UPDATE_MESSAGE
      case 7: // UPDATE_MESSAGE
        if (!isComponent) {
          record.status = 400;
          throw new HttpError(400, { message: 'Interaction response type is not valid for this interaction', code: 40004 });
        }
        message = this.state.messages.get(interaction.componentMessageId!);
        if (type === 7 && message) this.edit(message, data);
        break;
      case 9: {
        // MODAL: not in answer to a submitted modal; custom_id, title and 1-5 rows of one text input each.
        const problems = interaction.type === 5 ? [{ path: 'type', code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'A modal cannot answer a modal submission' }] : modalProblems(data);
        if (problems.length > 0) {
          record.status = 400;
          throw invalidForm(problems);
        }
        break;
      }
      default:
        record.status = 400;
        throw invalidForm([{ path: 'type', code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (4, 5, 6, 7, 8, 9, 10, 12).' }]);
    }
    if (message) interaction.originalMessageId = message.api.id;
    record.status = withResponse ? 200 : 204;
    if (!withResponse) return [204, undefined];
    return [
      200,
      {
        interaction: { id, type: interaction.type, response_message_id: message?.api.id, response_message_loading: type === 5, response_message_ephemeral: ephemeral },
        resource: { type, ...(message ? { message: message.api } : {}) },
      },
    ];
  }

  private interactionByToken(applicationId: string, token: string): FakeInteraction {
    const interaction = applicationId === this.state.applicationId ? [...this.state.interactions.values()].find((i) => i.token === token) : undefined;
    if (!interaction || Date.now() - interaction.createdAt > INTERACTION_TOKEN_TTL_MS) throw notFound(10015, 'Webhook');
    return interaction;
  }

  private followUp(applicationId: string, token: string, body: Record<string, unknown>, wait: boolean): [number, unknown] {
    const interaction = this.interactionByToken(applicationId, token);
    const call = { method: 'POST', messageId: undefined as string | undefined, body, at: Date.now(), status: 0 };
    interaction.webhookCalls.push(call);
    if (!interaction.callbacks.some((c) => c.status < 300)) {
      call.status = 404;
      throw notFound(10015, 'Webhook');
    }
    let message: StoredMessage;
    if (interaction.pendingDeferral) {
      // The first follow-up after a type-5 deferral fills the placeholder and keeps its visibility.
      message = this.state.messages.get(interaction.originalMessageId!)!;
      this.edit(message, body);
      message.api.flags &= ~LOADING;
      interaction.pendingDeferral = false;
    } else {
      this.checkBody(body, true);
      message = this.store(interaction.channelId, body, { type: 0, ephemeral: (Number(body.flags ?? 0) & EPHEMERAL) !== 0, interaction });
    }
    call.messageId = message.api.id;
    call.status = wait ? 200 : 204;
    return wait ? [200, message.api] : [204, undefined];
  }

  private webhookMessage(method: string, applicationId: string, token: string, messageId: string, body: Record<string, unknown>): [number, unknown] {
    const interaction = this.interactionByToken(applicationId, token);
    const id = messageId === '@original' ? interaction.originalMessageId : messageId;
    const call = { method, messageId: id, body, at: Date.now(), status: 0 };
    interaction.webhookCalls.push(call);
    const message = id === undefined ? undefined : this.state.messages.get(id);
    if (!message || message.deleted) {
      call.status = 404;
      throw notFound(10008, 'Message');
    }
    if (method === 'DELETE') {
      message.deleted = true;
      call.status = 204;
      return [204, undefined];
    }
    if (method === 'PATCH') {
      try {
        this.edit(message, body);
      } catch (error) {
        call.status = error instanceof HttpError ? error.status : 500;
        throw error;
      }
      if (messageId === '@original') {
        message.api.flags &= ~LOADING;
        interaction.pendingDeferral = false;
      }
    }
    call.status = 200;
    return [200, message.api];
  }

  // -------------------------------------------------------------------------------------------
  // Failures and rate limits
  // -------------------------------------------------------------------------------------------

  private injected(res: ServerResponse, record: RecordedRequest, failure: InjectedFailure, headers: Record<string, string>): void {
    switch (failure) {
      case 'rate-limited':
        return this.finish(res, record, 429, { message: 'You are being rate limited.', retry_after: 1, global: false }, {
          ...headers,
          'retry-after': '1',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': '1.000',
          'x-ratelimit-scope': 'user',
        });
      case 'not-found':
        return this.finish(res, record, 404, { message: 'Unknown Channel', code: 10003 }, headers);
      case 'forbidden':
        return this.finish(res, record, 403, { message: 'Missing Permissions', code: 50013 }, headers);
      case 'server-error':
        return this.finish(res, record, 500, { message: '500: Internal Server Error', code: 0 }, headers);
    }
  }

  /** Bucket per route with its major parameter (channel, guild, webhook), as Discord scopes them. */
  private bucketOf(method: string, s: string[]): { key: string; limit: number; windowMs: number } {
    const major = ['channels', 'guilds', 'webhooks'].includes(s[0] ?? '') ? (s[1] ?? '') : '';
    // Interaction and webhook tokens are per interaction: bucket them by route only.
    const parts = s[0] === 'interactions' || s[0] === 'webhooks' ? s.map((part, i) => (i === 2 ? ':token' : part)) : s;
    const route = parts.map((part, i) => (i === 1 && major ? part : i % 2 === 1 && part !== '@me' && part !== 'bot' && part !== ':token' ? ':id' : part)).join('/');
    const realistic = this.options.limits === 'realistic';
    const messages = s[0] === 'channels' && s[2] === 'messages' && method === 'POST';
    const limit = !realistic ? 1000 : messages ? 5 : 50;
    const windowMs = !realistic ? 1000 : messages ? 5000 : 1000;
    return { key: `${method} ${route}`, limit, windowMs };
  }

  private rateLimitHeaders(method: string, s: string[]): Record<string, string> {
    const { key, limit, windowMs } = this.bucketOf(method, s);
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) this.buckets.set(key, (bucket = { count: 0, resetAt: now + windowMs }));
    bucket.count += 1;
    const resetAfter = Math.max(0, bucket.resetAt - now) / 1000;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - bucket.count)),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': createHash('sha1').update(key.replace(/\/\d+/, '')).digest('hex').slice(0, 32),
    };
  }

  /** In `realistic` mode: the 429 body when this call exceeds its bucket or the global limit. */
  private enforceLimits(method: string, s: string[], countsGlobally: boolean, headers: Record<string, string>): Record<string, unknown> | undefined {
    if (this.options.limits !== 'realistic') return undefined;
    const now = Date.now();
    if (countsGlobally) {
      while (this.globalLog.length > 0 && this.globalLog[0]! <= now - 1000) this.globalLog.shift();
      if (this.globalLog.length >= 50) {
        const retryAfter = (this.globalLog[this.globalLog.length - 50]! + 1000 - now) / 1000;
        Object.assign(headers, { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' });
        return { message: 'You are being rate limited.', retry_after: retryAfter, global: true };
      }
      this.globalLog.push(now);
    }
    if (Number(headers['x-ratelimit-remaining']) === 0 && this.buckets.get(this.bucketOf(method, s).key)!.count > Number(headers['x-ratelimit-limit'])) {
      const retryAfter = Number(headers['x-ratelimit-reset-after']);
      Object.assign(headers, { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))), 'x-ratelimit-scope': 'user' });
      return { message: 'You are being rate limited.', retry_after: retryAfter, global: false };
    }
    return undefined;
  }

  private finish(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string>): void {
    record.status = status;
    this.requests.push(record);
    this.send(res, status, body, headers);
  }

  /** Half of the current call's latency, spent before the answer is written. */
  private answerDelayMs = 0;

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    const delay = this.answerDelayMs;
    if (delay > 0) {
      setTimeout(() => this.write(res, status, body, headers), delay);
      return;
    }
    this.write(res, status, body, headers);
  }

  private write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    if (status === 204 || body === undefined) {
      res.writeHead(status === 200 ? 204 : status, headers).end();
      return;
    }
    res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** mulberry32: small, seedable, good enough for spreading failures. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Discord's checks on a modal (https://discord.com/developers/docs/components/reference#text-input). */
function modalProblems(data: Record<string, unknown>): { path: string; code: string; message: string }[] {
  const problems: { path: string; code: string; message: string }[] = [];
  const str = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max;
  if (!str(data.custom_id, 1, 100)) problems.push({ path: 'data.custom_id', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
  if (!str(data.title, 1, 45)) problems.push({ path: 'data.title', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' });
  const rows = Array.isArray(data.components) ? (data.components as Record<string, unknown>[]) : [];
  if (rows.length < 1 || rows.length > 5) problems.push({ path: 'data.components', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
  rows.forEach((row, i) => {
    if (row.type === 18) {
      // A label (newer layout) holding one string select (https://discord.com/developers/docs/components/reference#label).
      const select = row.component as Record<string, unknown> | undefined;
      if (!str(row.label, 1, 45)) problems.push({ path: `data.components.${i}.label`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' });
      const options = Array.isArray(select?.options) ? (select.options as Record<string, unknown>[]) : [];
      if (!select || (select.type !== 3 && select.type !== 4) || !str(select.custom_id, 1, 100)) {
        problems.push({ path: `data.components.${i}.component`, code: 'COMPONENT_LAYOUT_INVALID', message: 'A label holds one text input or string select.' });
      } else if (select.type === 3) {
        if (options.length < 1 || options.length > 25) problems.push({ path: `data.components.${i}.component.options`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 25 in length.' });
        const max = Number(select.max_values ?? 1);
        const min = Number(select.min_values ?? 1);
        if (!(min >= 0 && max >= 1 && min <= max && max <= options.length)) problems.push({ path: `data.components.${i}.component.max_values`, code: 'BASE_TYPE_BAD_INT', message: 'min_values and max_values out of range.' });
        if (options.some((o) => !str(o.label, 1, 100) || !str(o.value, 1, 100))) problems.push({ path: `data.components.${i}.component.options`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Option labels and values are 1 to 100 long.' });
      }
      return;
    }
    const inputs = Array.isArray(row.components) ? (row.components as Record<string, unknown>[]) : [];
    const input = inputs[0];
    if (row.type !== 1 || inputs.length !== 1 || !input || input.type !== 4) {
      problems.push({ path: `data.components.${i}`, code: 'COMPONENT_LAYOUT_INVALID', message: 'A modal row holds one text input.' });
      return;
    }
    if (!str(input.custom_id, 1, 100)) problems.push({ path: `data.components.${i}.components.0.custom_id`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    if (!str(input.label, 1, 45)) problems.push({ path: `data.components.${i}.components.0.label`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' });
    if (input.style !== 1 && input.style !== 2) problems.push({ path: `data.components.${i}.components.0.style`, code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2).' });
    if (input.placeholder !== undefined && !str(input.placeholder, 0, 100)) problems.push({ path: `data.components.${i}.components.0.placeholder`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 100 or fewer in length.' });
  });
  return problems;
}
