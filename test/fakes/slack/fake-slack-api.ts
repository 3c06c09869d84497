import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedMessage } from '../../contracts/chat-platform.contract.js';
import { actionIds, validateBlocks, visibleText } from './blocks.js';
import {
  FAKE_SLACK,
  type FakeEphemeral,
  type FakeSlackChannel,
  type FakeSlackFailure,
  type FakeSlackMessage,
  type FakeSlackRandomFailures,
  type FakeSlackRateLimits,
  type FakeSlackUser,
  type FakeSlackWorkspace,
  type RecordedResponse,
  type RecordedSlackCall,
  type ResponseUrlContext,
} from './fake-slack-model.js';
import { type ApiResult, type Params, SlackApiError, decodeJson, decodeParams, isObj, parseParams, readBody, str, tooManyRequests } from './fake-slack-wire.js';

export * from './fake-slack-model.js';

/**
 * A protocol-faithful fake of Slack's Web API (https://docs.slack.dev/reference/methods) and of
 * response_url, on 127.0.0.1 with an ephemeral port. The real @slack/web-api and Bolt talk to it over HTTP:
 * `new App({ clientOptions: { slackApiUrl: fake.apiUrl } })`.
 *
 * Faithful where it matters to Kring: `Authorization: Bearer` tokens per workspace, form or JSON bodies with
 * JSON-encoded `blocks`, `{ok:false,error}` with HTTP 200 for API errors, 429 + `Retry-After` for rate
 * limits, Block Kit limits (`invalid_blocks`), message ts as ids. It records every call, can inject
 * failures for the next calls (or a share of posts at random, also after storing), add latency, and
 * enforces Slack's rate limits when asked: chat.postMessage about 1/s per channel with short bursts and
 * 600 per sliding minute per workspace, the other methods their tier per workspace per sliding minute.
 */

/** Slack's published tiers (requests per minute per workspace) for the methods the fake serves. */
const TIER_PER_MINUTE: Record<string, number> = {
  'conversations.list': 20,
  'conversations.info': 50,
  'conversations.open': 50,
  'conversations.history': 50,
  'chat.update': 50,
  'chat.delete': 50,
  'conversations.invite': 50,
  'conversations.kick': 50,
  'chat.postEphemeral': 100,
  'users.info': 100,
  'views.open': 100,
  'auth.test': 100,
};

/** response_url limits: five uses within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export class FakeSlackApi {
  readonly calls: RecordedSlackCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly views: Params[] = [];

  private readonly workspaces = new Map<string, FakeSlackWorkspace>();
  private readonly channels = new Map<string, FakeSlackChannel>();
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly messagesByChannel = new Map<string, FakeSlackMessage[]>();
  private readonly responseUrls = new Map<string, { ctx: ResponseUrlContext; uses: number; createdAt: number }>();
  private readonly failures: { failure: FakeSlackFailure; remaining: number; method?: string }[] = [];
  private readonly oauthCodes = new Map<string, { teamId: string; installerUserId: string }>();
  private oauthApp: { clientId: string; clientSecret: string } | undefined;
  private rateLimits: FakeSlackRateLimits | undefined;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly windows = new Map<string, number[]>();
  private random: { config: FakeSlackRandomFailures; next: () => number } | undefined;
  private latencyMs: number | (() => number) = 0;
  private readonly holds = new Map<string, { released: Promise<void>; reached: () => void }>();
  private tsCounter = 0;

  private constructor(private readonly server: Server, readonly baseUrl: string) {}

  /**
   * Starts the fake, seeded with {@link FAKE_SLACK}'s workspace, two channels and two members. `latencyMs`:
   * what each Web API call takes (fixed or drawn per call), half before it is handled, half before it is
   * answered.
   */
  static async start(options: { rateLimits?: boolean | Partial<FakeSlackRateLimits>; latencyMs?: number | (() => number) } = {}): Promise<FakeSlackApi> {
    // The request handler needs the instance, which needs the server's port: resolved on first request.
    const holder: { fake?: FakeSlackApi } = {};
    const server = createServer((req, res) => {
      holder.fake!.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSlackApi(server, `http://127.0.0.1:${port}`);
    holder.fake = fake;
    fake.seed();
    if (options.rateLimits) fake.enableRateLimits(options.rateLimits === true ? {} : options.rateLimits);
    if (options.latencyMs !== undefined) fake.latencyMs = options.latencyMs;
    return fake;
  }

  /** Base URL for `slackApiUrl` / `SLACK_API_URL`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private seed(): void {
    const s = FAKE_SLACK;
    this.addWorkspace({ teamId: s.teamId, teamName: s.teamName, domain: s.domain, botToken: s.botToken, botUserId: s.botUserId, botId: s.botId, appId: s.appId });
    this.addChannel({ id: s.channelId, teamId: s.teamId, name: 'general' });
    this.addChannel({ id: s.privateChannelId, teamId: s.teamId, name: 'bestuur', isPrivate: true });
    this.addUser({ id: s.userId, teamId: s.teamId, name: 'anna.devries', realName: 'Anna de Vries', locale: 'nl-NL' });
    this.addUser({ id: s.otherUserId, teamId: s.teamId, name: 'john.smith', realName: 'John Smith', locale: 'en-GB' });
  }

  addWorkspace(ws: FakeSlackWorkspace): void {
    this.workspaces.set(ws.teamId, ws);
    this.users.set(ws.botUserId, { id: ws.botUserId, teamId: ws.teamId, name: 'kring', realName: 'Kring', isBot: true });
  }

  addChannel(ch: Partial<FakeSlackChannel> & { id: string; teamId: string; name: string }): FakeSlackChannel {
    const channel: FakeSlackChannel = { isPrivate: false, isIm: false, isArchived: false, botIsMember: true, ...ch };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  /** Puts a message in a channel as someone else wrote it (a member, another app). Returns its ts. */
  addMessage(channelId: string, message: { user: string; text: string; metadata?: unknown }): string {
    const ts = this.nextTs();
    this.store({ channel: channelId, ts, text: message.text, blocks: [], user: message.user, deleted: false, edits: 0, ...(message.metadata === undefined ? {} : { metadata: message.metadata }) });
    return ts;
  }

  /** Makes the next `times` API calls (of `method`, or any) fail this way. */
  failNext(failure: FakeSlackFailure, options: { times?: number; method?: string } = {}): void {
    this.failures.push({ failure, remaining: options.times ?? 1, ...(options.method ? { method: options.method } : {}) });
  }

  /** Enforces chat.postMessage's per-channel and per-workspace rates and the method tiers from now on. */
  enableRateLimits(limits: Partial<FakeSlackRateLimits> = {}): void {
    this.rateLimits = { postMessagePerSecond: 1, postMessageBurst: 3, postMessagePerWorkspaceMinute: 600, ...limits };
  }

  /** Answers a share of chat.postMessage calls with HTTP 503 from now on, some after storing; `undefined` stops. */
  failRandomly(config: FakeSlackRandomFailures | undefined): void {
    this.random = config ? { config, next: seeded(config.seed ?? 1) } : undefined;
  }

  /**
   * Holds every call to `method` until `release()` (a slow Slack, without timing in the test). `reached`
   * resolves when the first held call has arrived.
   */
  hold(method: string): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    this.holds.set(method, { released, reached });
    return {
      reached: arrived,
      release: () => {
        this.holds.delete(method);
        release();
      },
    };
  }

  /** 429s the rate limits answered (not injected ones). */
  limitHits(): RecordedSlackCall[] {
    return this.calls.filter((c) => c.enforced);
  }

  disableRateLimits(): void {
    this.rateLimits = undefined;
  }

  /** Forgets what the rate limits counted so far and every recorded call (a benchmark after its warm-up). */
  resetLimits(): void {
    this.buckets.clear();
    this.windows.clear();
    this.calls.length = 0;
  }

  /** A response_url for a payload: `respond()` posts there. */
  createResponseUrl(ctx: ResponseUrlContext = {}): string {
    const id = randomBytes(12).toString('hex');
    this.responseUrls.set(id, { ctx, uses: 0, createdAt: Date.now() });
    return `${this.baseUrl}/response/${id}`;
  }

  /** What arrived at one response_url. */
  responsesTo(url: string): RecordedResponse[] {
    return this.responses.filter((r) => r.url === url);
  }

  /** Lets the OAuth v2 exchange (`oauth.v2.access`) accept this app's credentials. */
  configureOAuth(app: { clientId: string; clientSecret: string }): void {
    this.oauthApp = app;
  }

  /** A one-time code as Slack puts on the redirect after "Allow", for this workspace. */
  issueOAuthCode(teamId: string, installerUserId: string = FAKE_SLACK.userId): string {
    const code = `${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.oauthCodes.set(code, { teamId, installerUserId });
    return code;
  }

  /** Messages as stored (deleted ones flagged), oldest first. */
  /** Who is in a channel besides the bot (invited with conversations.invite or seeded). */
  channelMembers(channelId: string): string[] {
    return [...(this.channels.get(channelId)?.members ?? [])];
  }

  storedMessages(channelId: string): FakeSlackMessage[] {
    return [...(this.messagesByChannel.get(channelId) ?? [])];
  }

  /** Messages normalised for the chat-platform contract. */
  received(channelId: string): ReceivedMessage[] {
    return this.storedMessages(channelId).map((m) => ({
      channelId: m.channel,
      messageId: m.ts,
      text: visibleText(m.text, m.blocks),
      actionIds: actionIds(m.blocks),
      deleted: m.deleted,
    }));
  }

  /** Messages in the bot's direct conversations with a user. */
  directMessages(userId: string): ReceivedMessage[] {
    return [...this.channels.values()].filter((c) => c.isIm && c.imUserId === userId).flatMap((c) => this.received(c.id));
  }

  /** API calls of one method. */
  callsTo(method: string): RecordedSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // -------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    const api = /^\/api\/([a-zA-Z0-9_.]+)$/.exec(url.pathname);
    if (api && (req.method === 'POST' || req.method === 'GET')) {
      const params: Params = { ...Object.fromEntries(url.searchParams), ...parseParams(raw, req.headers['content-type']) };
      const latency = typeof this.latencyMs === 'function' ? this.latencyMs() : this.latencyMs;
      if (latency > 0) await sleep(latency / 2);
      const hold = this.holds.get(api[1]!);
      if (hold) {
        hold.reached();
        await hold.released;
      }
      return this.api(api[1]!, params, req, res, latency / 2);
    }
    const response = /^\/response\/([0-9a-f]+)$/.exec(url.pathname);
    if (response && req.method === 'POST') return this.responseUrl(response[1]!, raw, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }

  private api(method: string, params: Params, req: IncomingMessage, res: ServerResponse, answerDelayMs = 0): void {
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
    const { token: _t, ...rest } = params;
    const call: RecordedSlackCall = { method, token, params: decodeParams(rest), status: 200, at: new Date() };
    this.calls.push(call);
    let result = this.run(method, token, params, req, call);
    const draw = method === 'chat.postMessage' && result.status === undefined && this.random && this.random.next() < this.random.config.serverError ? this.random.next() : undefined;
    if (draw !== undefined) {
      // Stored (the post went through, the answer is lost) or not, the caller sees a 503.
      if (draw < (this.random!.config.afterStore ?? 0) && result.body.ok === true) call.lost = true;
      else this.unstore(result.body);
      result = { status: 503, body: { ok: false, error: 'http_503' } };
    }
    call.status = result.status ?? 200;
    if (result.body.ok === false && typeof result.body.error === 'string') call.error = result.body.error;
    const write = () => res.writeHead(call.status, { 'Content-Type': 'application/json; charset=utf-8', ...result.headers }).end(JSON.stringify(result.body));
    if (answerDelayMs > 0) setTimeout(write, answerDelayMs);
    else write();
  }

  /** Takes back a post the random failure decided never reached Slack. */
  private unstore(body: Record<string, unknown>): void {
    if (body.ok !== true || typeof body.channel !== 'string' || typeof body.ts !== 'string') return;
    const list = this.messagesByChannel.get(body.channel);
    const i = list?.findIndex((m) => m.ts === body.ts) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  private run(method: string, token: string | undefined, params: Params, req: IncomingMessage, call: RecordedSlackCall): ApiResult {
    const injected = this.takeFailure(method);
    if (injected && 'lost' in injected) {
      const done = this.serve(method, token, params, req, call);
      if (done.body.ok === true) call.lost = true;
      return { status: injected.lost, body: { ok: false, error: `http_${injected.lost}` } };
    }
    if (injected) return injected;
    return this.serve(method, token, params, req, call);
  }

  /** Authenticates, applies the rate limits and runs the method. */
  private serve(method: string, token: string | undefined, params: Params, req: IncomingMessage, call: RecordedSlackCall): ApiResult {
    if (method === 'oauth.v2.access') return this.guard(() => this.oauthAccess(params, req));
    if (token === undefined) return { body: { ok: false, error: 'not_authed' } };
    const ws = [...this.workspaces.values()].find((w) => w.botToken === token);
    if (ws === undefined) return { body: { ok: false, error: 'invalid_auth' } };
    const limited = this.rateLimit(method, ws, params);
    if (limited) {
      call.enforced = true;
      return limited;
    }
    return this.guard(() => this.method(method, ws, params));
  }

  private guard(fn: () => Record<string, unknown>): ApiResult {
    try {
      return { body: { ok: true, ...fn() } };
    } catch (e) {
      if (e instanceof SlackApiError) return { body: { ok: false, error: e.error, ...e.extra } };
      throw e;
    }
  }

  private takeFailure(method: string): ApiResult | { lost: number } | undefined {
    const i = this.failures.findIndex((f) => f.method === undefined || f.method === method);
    if (i < 0) return undefined;
    const entry = this.failures[i]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.failures.splice(i, 1);
    const f = entry.failure;
    if (f.type === 'lost') return { lost: f.status ?? 503 };
    if (f.type === 'rate-limited') return tooManyRequests(f.retryAfterSeconds ?? 1);
    if (f.type === 'http') return { status: f.status, body: { ok: false, error: `http_${f.status}` } };
    return { body: { ok: false, error: f.error } };
  }

  private rateLimit(method: string, ws: FakeSlackWorkspace, params: Params): ApiResult | undefined {
    if (this.rateLimits === undefined) return undefined;
    const now = Date.now();
    if (method === 'chat.postMessage') {
      const { postMessagePerSecond: rate, postMessageBurst: burst, postMessagePerWorkspaceMinute: perMinute } = this.rateLimits;
      const key = `${ws.teamId}:${String(params.channel)}`;
      const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens < 1) return tooManyRequests(Math.max(1, Math.ceil((1 - bucket.tokens) / rate)));
      const workspaceKey = `${ws.teamId}:chat.postMessage`;
      const posts = (this.windows.get(workspaceKey) ?? []).filter((t) => now - t < 60_000);
      this.windows.set(workspaceKey, posts);
      if (posts.length >= perMinute) return tooManyRequests(Math.max(1, Math.ceil((60_000 - (now - posts[posts.length - perMinute]!)) / 1000)));
      posts.push(now);
      bucket.tokens -= 1;
      return undefined;
    }
    const perMinute = TIER_PER_MINUTE[method];
    if (perMinute === undefined) return undefined;
    const key = `${ws.teamId}:${method}`;
    const window = (this.windows.get(key) ?? []).filter((t) => now - t < 60_000);
    if (window.length >= perMinute) return tooManyRequests(Math.max(1, Math.ceil((60_000 - (now - window[0]!)) / 1000)));
    window.push(now);
    this.windows.set(key, window);
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------
  // Methods
  // -------------------------------------------------------------------------------------------------

  private method(method: string, ws: FakeSlackWorkspace, p: Params): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { url: `https://${ws.domain}.slack.com/`, team: ws.teamName, user: 'kring', team_id: ws.teamId, user_id: ws.botUserId, bot_id: ws.botId, is_enterprise_install: false };
      case 'chat.postMessage':
        return this.postMessage(ws, p);
      case 'chat.update': {
        const m = this.findMessage(ws, p);
        if (m.user !== ws.botUserId) throw new SlackApiError('cant_update_message');
        const { text, blocks } = this.content(p);
        m.text = text;
        m.blocks = blocks;
        m.edits += 1;
        return { channel: m.channel, ts: m.ts, text: m.text, message: this.messageJson(m, ws) };
      }
      case 'chat.delete': {
        const m = this.findMessage(ws, p);
        if (m.user !== ws.botUserId) throw new SlackApiError('cant_delete_message');
        m.deleted = true;
        return { channel: m.channel, ts: m.ts };
      }
      case 'chat.postEphemeral': {
        const channel = this.channelFor(ws, str(p, 'channel'));
        const user = this.users.get(str(p, 'user'));
        if (user === undefined || user.teamId !== ws.teamId) throw new SlackApiError('user_not_in_channel');
        const { text, blocks } = this.content(p);
        this.ephemerals.push({ channel: channel.id, user: user.id, text, blocks, via: 'chat.postEphemeral' });
        return { message_ts: this.nextTs() };
      }
      case 'conversations.open': {
        const ids = str(p, 'users').split(',').filter((s) => s !== '');
        if (ids.length !== 1) throw new SlackApiError('invalid_arguments');
        const dm = this.dmWith(ws, ids[0]!);
        return { channel: { id: dm.id } };
      }
      case 'conversations.history': {
        const channel = this.channelFor(ws, str(p, 'channel'));
        if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
        // `oldest` is exclusive and `latest` inclusive unless `inclusive` is set; newest first.
        const oldest = Number(str(p, 'oldest') || '0');
        const latest = p.latest === undefined ? Number.POSITIVE_INFINITY : Number(str(p, 'latest'));
        const limit = Math.min(Math.max(Number(str(p, 'limit') || '100'), 1), 999);
        const withMetadata = p.include_all_metadata === true || p.include_all_metadata === 'true';
        const all = this.storedMessages(channel.id)
          .filter((m) => !m.deleted && Number(m.ts) > oldest && Number(m.ts) <= latest)
          .reverse();
        return {
          messages: all.slice(0, limit).map((m) => {
            const { metadata, ...json } = this.messageJson(m, ws);
            return withMetadata && metadata !== undefined ? { ...json, metadata } : json;
          }),
          has_more: all.length > limit,
          response_metadata: { next_cursor: '' },
        };
      }
      case 'conversations.invite': {
        // https://docs.slack.dev/reference/methods/conversations.invite: the bot must be in the channel.
        const channel = this.channelFor(ws, str(p, 'channel'));
        if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
        const ids = str(p, 'users').split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (ids.length === 0) throw new SlackApiError('no_user');
        const members = (channel.members ??= new Set());
        for (const id of ids) {
          const user = this.users.get(id);
          if (user === undefined || user.teamId !== ws.teamId) throw new SlackApiError('user_not_found');
          if (id === ws.botUserId) throw new SlackApiError('cant_invite_self');
        }
        if (ids.length === 1 && members.has(ids[0]!)) throw new SlackApiError('already_in_channel');
        for (const id of ids) members.add(id);
        return { channel: this.channelJson(channel) };
      }
      case 'conversations.kick': {
        // https://docs.slack.dev/reference/methods/conversations.kick
        const channel = this.channelFor(ws, str(p, 'channel'));
        if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
        const id = str(p, 'user');
        if (id === ws.botUserId) throw new SlackApiError('cant_kick_self');
        const user = this.users.get(id);
        if (user === undefined || user.teamId !== ws.teamId) throw new SlackApiError('user_not_found');
        if (!channel.members?.has(id)) throw new SlackApiError('not_in_channel');
        channel.members.delete(id);
        return {};
      }
      case 'conversations.info':
        return { channel: this.channelJson(this.channelFor(ws, str(p, 'channel'))) };
      case 'conversations.list':
        return {
          channels: [...this.channels.values()].filter((c) => c.teamId === ws.teamId && !c.isIm).map((c) => this.channelJson(c)),
          response_metadata: { next_cursor: '' },
        };
      case 'users.info': {
        const u = this.users.get(str(p, 'user'));
        if (u === undefined || u.teamId !== ws.teamId) throw new SlackApiError('user_not_found');
        const withLocale = p.include_locale === true || p.include_locale === 'true';
        return {
          user: {
            id: u.id, team_id: u.teamId, name: u.name, real_name: u.realName, deleted: false, is_bot: u.isBot ?? false,
            tz: 'Europe/Amsterdam', profile: { real_name: u.realName, display_name: u.name },
            ...(withLocale && u.locale ? { locale: u.locale } : {}),
          },
        };
      }
      case 'views.open': {
        if (str(p, 'trigger_id') === '') throw new SlackApiError('invalid_arguments');
        const view = decodeJson(p.view);
        if (!isObj(view) || invalidModal(view)) throw new SlackApiError('invalid_arguments');
        this.views.push(view);
        return { view: { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, team_id: ws.teamId, ...view } };
      }
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private postMessage(ws: FakeSlackWorkspace, p: Params): Record<string, unknown> {
    const target = str(p, 'channel');
    // Posting to a user id posts in the DM with that user, as Slack does.
    const channel = /^[UW]/.test(target) ? this.dmWith(ws, target) : this.channelFor(ws, target);
    if (channel.isArchived) throw new SlackApiError('is_archived');
    if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
    const { text, blocks } = this.content(p);
    const metadata = decodeJson(p.metadata);
    const threadTs = typeof p.thread_ts === 'string' && p.thread_ts !== '' ? p.thread_ts : undefined;
    const m: FakeSlackMessage = {
      channel: channel.id, ts: this.nextTs(), text, blocks, user: ws.botUserId, deleted: false, edits: 0,
      ...(metadata !== undefined ? { metadata } : {}), ...(threadTs ? { threadTs } : {}),
    };
    this.store(m);
    return { channel: channel.id, ts: m.ts, message: this.messageJson(m, ws) };
  }

  private oauthAccess(p: Params, req: IncomingMessage): Record<string, unknown> {
    let clientId = typeof p.client_id === 'string' ? p.client_id : undefined;
    let clientSecret = typeof p.client_secret === 'string' ? p.client_secret : undefined;
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      clientId ??= id;
      clientSecret ??= secret;
    }
    if (this.oauthApp === undefined || clientId !== this.oauthApp.clientId) throw new SlackApiError('invalid_client_id');
    if (clientSecret !== this.oauthApp.clientSecret) throw new SlackApiError('bad_client_secret');
    const grant = this.oauthCodes.get(str(p, 'code'));
    if (grant === undefined) throw new SlackApiError('invalid_code');
    this.oauthCodes.delete(str(p, 'code'));
    const ws = this.workspaces.get(grant.teamId);
    if (ws === undefined) throw new SlackApiError('invalid_code');
    return {
      app_id: ws.appId,
      authed_user: { id: grant.installerUserId },
      scope: 'commands,chat:write,im:write,channels:read,groups:read,channels:history,groups:history,users:read',
      token_type: 'bot',
      access_token: ws.botToken,
      bot_user_id: ws.botUserId,
      team: { id: ws.teamId, name: ws.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  private responseUrl(id: string, raw: string, res: ServerResponse): void {
    const entry = this.responseUrls.get(id);
    const url = `${this.baseUrl}/response/${id}`;
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObj(parsed)) body = parsed;
    } catch {
      /* recorded as empty; answered below */
    }
    const answer = (status: number, json: Record<string, unknown>): void => {
      this.responses.push({ id, url, body, status, at: new Date() });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    };
    if (entry === undefined || Date.now() - entry.createdAt > RESPONSE_URL_TTL_MS) return answer(404, { ok: false, error: 'expired_url' });
    if (entry.uses >= RESPONSE_URL_USES) return answer(404, { ok: false, error: 'used_url' });
    entry.uses += 1;
    const blocks = body.blocks === undefined ? [] : body.blocks;
    const invalid = body.blocks === undefined ? undefined : validateBlocks(blocks);
    if (invalid) return answer(400, { ok: false, error: 'invalid_blocks', response_metadata: { messages: [`[ERROR] ${invalid}`] } });
    const text = typeof body.text === 'string' ? body.text : '';
    const ctx = entry.ctx;
    const original = ctx.channelId && ctx.messageTs ? this.messagesByChannel.get(ctx.channelId)?.find((m) => m.ts === ctx.messageTs) : undefined;
    if (body.delete_original === true && original) {
      original.deleted = true;
    } else if (body.replace_original === true && original) {
      original.text = text;
      original.blocks = blocks as unknown[];
      original.edits += 1;
    } else if (body.response_type === 'in_channel' && ctx.channelId) {
      this.store({ channel: ctx.channelId, ts: this.nextTs(), text, blocks: blocks as unknown[], user: this.botUserOf(ctx.teamId), deleted: false, edits: 0 });
    } else {
      this.ephemerals.push({ channel: ctx.channelId, user: ctx.userId, text, blocks: blocks as unknown[], via: 'response_url' });
    }
    answer(200, { ok: true });
  }

  // -------------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------------

  private content(p: Params): { text: string; blocks: unknown[] } {
    const text = typeof p.text === 'string' ? p.text : '';
    const blocks = p.blocks === undefined ? undefined : decodeJson(p.blocks);
    if (blocks !== undefined) {
      const invalid = validateBlocks(blocks);
      if (invalid) throw new SlackApiError('invalid_blocks', { response_metadata: { messages: [`[ERROR] ${invalid}`] } });
    }
    if (text === '' && (blocks === undefined || (blocks as unknown[]).length === 0)) throw new SlackApiError('no_text');
    if (text.length > 40_000) throw new SlackApiError('msg_too_long');
    return { text, blocks: (blocks as unknown[] | undefined) ?? [] };
  }

  private channelFor(ws: FakeSlackWorkspace, id: string): FakeSlackChannel {
    const channel = this.channels.get(id);
    if (channel === undefined || channel.teamId !== ws.teamId) throw new SlackApiError('channel_not_found');
    return channel;
  }

  private dmWith(ws: FakeSlackWorkspace, userId: string): FakeSlackChannel {
    const user = this.users.get(userId);
    if (user === undefined || user.teamId !== ws.teamId) throw new SlackApiError('user_not_found');
    if (user.isBot) throw new SlackApiError('cannot_dm_bot');
    const existing = [...this.channels.values()].find((c) => c.isIm && c.teamId === ws.teamId && c.imUserId === userId);
    return existing ?? this.addChannel({ id: `D${userId.slice(1)}`, teamId: ws.teamId, name: userId, isIm: true, isPrivate: true, imUserId: userId });
  }

  private findMessage(ws: FakeSlackWorkspace, p: Params): FakeSlackMessage {
    const channel = this.channelFor(ws, str(p, 'channel'));
    const m = this.messagesByChannel.get(channel.id)?.find((x) => x.ts === str(p, 'ts') && !x.deleted);
    if (m === undefined) throw new SlackApiError('message_not_found');
    return m;
  }

  private store(m: FakeSlackMessage): void {
    const list = this.messagesByChannel.get(m.channel) ?? [];
    list.push(m);
    this.messagesByChannel.set(m.channel, list);
  }

  private botUserOf(teamId: string | undefined): string {
    return (teamId && this.workspaces.get(teamId)?.botUserId) || FAKE_SLACK.botUserId;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private messageJson(m: FakeSlackMessage, ws: FakeSlackWorkspace): Record<string, unknown> {
    const byBot = m.user === ws.botUserId ? { bot_id: ws.botId, app_id: ws.appId } : {};
    return { type: 'message', user: m.user, ...byBot, text: m.text, ts: m.ts, team: ws.teamId, blocks: m.blocks, ...(m.metadata ? { metadata: m.metadata } : {}) };
  }

  private channelJson(c: FakeSlackChannel): Record<string, unknown> {
    return { id: c.id, name: c.name, is_channel: !c.isPrivate && !c.isIm, is_group: c.isPrivate && !c.isIm, is_im: c.isIm, is_private: c.isPrivate, is_archived: c.isArchived, is_member: c.botIsMember, ...(c.imUserId ? { user: c.imUserId } : {}) };
  }
}


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

/**
 * What Slack checks on a modal Kring opens (https://docs.slack.dev/reference/views/modal-views): type,
 * title and submit of at most 24 characters, callback_id and private_metadata within their limits, and
 * input blocks holding a plain_text_input or a (multi) static select. Returns the problem, or undefined.
 */
function invalidModal(view: Record<string, unknown>): string | undefined {
  const text = (v: unknown) => (isObj(v) && v.type === 'plain_text' && typeof v.text === 'string' ? v.text : undefined);
  if (view.type !== 'modal') return 'type';
  const title = text(view.title);
  if (title === undefined || title.length === 0 || title.length > 24) return 'title';
  if (view.submit !== undefined && ((text(view.submit)?.length ?? 99) > 24)) return 'submit';
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) return 'callback_id';
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'private_metadata';
  if (!Array.isArray(view.blocks) || view.blocks.length > 100) return 'blocks';
  for (const block of view.blocks as unknown[]) {
    if (!isObj(block)) return 'blocks';
    if (block.type === 'input') {
      const element = block.element;
      if (!isObj(element) || typeof element.action_id !== 'string') return 'element';
      if (element.type === 'static_select' || element.type === 'multi_static_select') {
        // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element: 1-100 options, initial ones among them.
        const options = Array.isArray(element.options) ? (element.options as unknown[]) : [];
        if (options.length < 1 || options.length > 100) return 'options';
        const values = new Set(options.map((o) => (isObj(o) && typeof o.value === 'string' && text(o.text) !== undefined ? o.value : undefined)));
        if (values.has(undefined)) return 'options';
        const initial = element.type === 'static_select' ? (element.initial_option === undefined ? [] : [element.initial_option]) : ((element.initial_options as unknown[] | undefined) ?? []);
        if (!initial.every((o) => isObj(o) && values.has(o.value as string))) return 'initial_options';
      } else if (element.type !== 'plain_text_input') return 'element';
      if (text(block.label) === undefined) return 'label';
    }
  }
  return undefined;
}
