import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { close, listen, readBody, sendJson } from './http-util.js';

/**
 * A fake Bot Connector service (the `serviceUrl` Teams puts on activities), on 127.0.0.1. It serves the
 * calls botbuilder makes for a Teams bot, keeps the conversations' messages, records every call, and can
 * fail the next calls (or a share of them at random, also after storing the message), add latency, and
 * enforce Teams' published limits in sliding windows: per conversation 7 sends / 1 s, 8 / 2 s, 60 / 30 s,
 * 1800 / 1 h, and 50 requests / s per app per tenant
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
 *
 * @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
 */

export type ConnectorFailure = 'rate-limited' | 'forbidden' | 'not-found' | 'server-error' | 'precondition-failed';

export interface RecordedConnectorCall {
  method: string;
  /** Path as received (conversation id still percent-encoded). */
  path: string;
  /** Decoded conversation id (with any `;messageid=` suffix). */
  conversationId?: string;
  activityId?: string;
  authorization?: string;
  body: unknown;
  status: number;
  at: Date;
  /** A 429 the fake's limits answered (not an injected one). */
  enforced?: boolean;
  /** The message was stored, then the answer was a 5xx (injected at random). */
  lost?: boolean;
}

export interface ConnectorActivity {
  id: string;
  conversationId: string;
  /** Root message of the channel thread it was posted in, if any. */
  replyToId?: string;
  activity: Record<string, unknown>;
  deleted: boolean;
  updates: number;
}

export interface FakeConversation {
  id: string;
  isGroup: boolean;
  tenantId?: string;
  members: { id: string; name?: string; aadObjectId?: string }[];
  activities: ConnectorActivity[];
}

/** "At most `max` per `windowMs`", sliding. */
export interface ConnectorLimitRule {
  max: number;
  windowMs: number;
}

/** The limits the fake enforces. */
export interface ConnectorLimits {
  /** Sends (POST activities, create conversation) per conversation. */
  perConversation: readonly ConnectorLimitRule[];
  /** Every request per tenant (the app's global limit). */
  perTenant: readonly ConnectorLimitRule[];
}

/** Teams' published limits (see the class comment). */
export const TEAMS_PUBLISHED_LIMITS: ConnectorLimits = {
  perConversation: [
    { max: 7, windowMs: 1000 },
    { max: 8, windowMs: 2000 },
    { max: 60, windowMs: 30_000 },
    { max: 1800, windowMs: 3_600_000 },
  ],
  perTenant: [{ max: 50, windowMs: 1000 }],
};

/** Random 5xx on sends, for fan-out soak tests and benchmarks. */
export interface ConnectorRandomFailures {
  /** Share of sends answered 502 (0–1). */
  serverError: number;
  /** Share of those that store the message first (the answer is lost), 0–1. */
  afterStore?: number;
  /** Deterministic draws (default 1). */
  seed?: number;
}

export interface FakeBotConnectorOptions {
  /** Enforce Teams' limits with 429 + Retry-After (`true`: {@link TEAMS_PUBLISHED_LIMITS}). */
  enforceLimits?: boolean | ConnectorLimits;
  /** Milliseconds each call takes: half before the fake handles it, half before it answers. */
  latencyMs?: number | (() => number);
  /** When set, every call must carry `Authorization: Bearer <token>` with a token this returns true for. */
  acceptToken?: (token: string) => boolean;
  /** Clock for the rate limit (milliseconds); freeze it to make limit tests independent of machine load. */
  now?: () => number;
}

const FAILURES: Record<ConnectorFailure, { status: number; code: string }> = {
  'rate-limited': { status: 429, code: 'Throttled' },
  forbidden: { status: 403, code: 'BotNotInConversationRoster' },
  'not-found': { status: 404, code: 'ConversationNotFound' },
  'server-error': { status: 502, code: 'ServiceError' },
  'precondition-failed': { status: 412, code: 'PreconditionFailed' },
};

export class FakeBotConnector {
  readonly calls: RecordedConnectorCall[] = [];
  private readonly conversations = new Map<string, FakeConversation>();
  /** team id -> its channels as Teams lists them (`GET v3/teams/{id}/conversations`). */
  private readonly teamChannels = new Map<string, { id: string; name?: string }[]>();
  /** team id -> what `GET v3/teams/{id}` answers besides the id. */
  private readonly teamDetails = new Map<string, { name: string; aadGroupId: string }>();
  private readonly failures: { failure: ConnectorFailure; retryAfterSeconds: number }[] = [];
  private readonly logs = new Map<string, number[]>();
  private random: { config: ConnectorRandomFailures; next: () => number } | undefined;
  private server: Server | undefined;
  private base = '';
  private nextActivity = 1;

  constructor(private readonly options: FakeBotConnectorOptions = {}) {}

  /** Starts on a fresh ephemeral port. */
  async start(): Promise<this> {
    const { server, baseUrl } = await listen((req, res) => {
      this.handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: { code: 'FakeError', message: String(err) } }));
    });
    this.server = server;
    this.base = baseUrl;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.server = undefined;
  }

  /** The service URL to put on activities (with the trailing slash Teams uses). */
  get serviceUrl(): string {
    return `${this.base}/`;
  }

  /**
   * Lists a channel in a team, as `GET v3/teams/{teamId}/conversations` answers (the General channel has
   * no `name`); renaming is calling it again with the new name.
   */
  setTeamChannel(teamId: string, channel: { id: string; name?: string }): void {
    const channels = (this.teamChannels.get(teamId) ?? []).filter((c) => c.id !== channel.id);
    this.teamChannels.set(teamId, [...channels, channel]);
  }

  /** Makes `GET v3/teams/{teamId}` answer the team's name and Entra group id. */
  setTeamDetails(teamId: string, details: { name: string; aadGroupId: string }): void {
    this.teamDetails.set(teamId, details);
  }

  /** Makes a conversation exist (a channel, group chat or personal chat). */
  addConversation(id: string, init: { isGroup?: boolean; tenantId?: string; members?: FakeConversation['members'] } = {}): FakeConversation {
    const conversation: FakeConversation = {
      id,
      isGroup: init.isGroup ?? true,
      ...(init.tenantId ? { tenantId: init.tenantId } : {}),
      members: init.members ?? [],
      activities: [],
    };
    this.conversations.set(id, conversation);
    return conversation;
  }

  conversation(id: string): FakeConversation | undefined {
    return this.conversations.get(baseId(id));
  }

  /** Messages in a conversation (deleted ones included, flagged). */
  activities(conversationId: string): ConnectorActivity[] {
    return this.conversation(conversationId)?.activities ?? [];
  }

  /** Personal (1:1) conversations created with or registered for this member (Teams id or Entra id). */
  personalConversationsOf(userId: string): FakeConversation[] {
    return [...this.conversations.values()].filter(
      (c) => !c.isGroup && c.members.some((m) => m.id === userId || m.aadObjectId === userId),
    );
  }

  /** Answers the next `count` calls with this failure. A 429 carries `Retry-After: retryAfterSeconds`. */
  failNext(failure: ConnectorFailure, count = 1, retryAfterSeconds = 1): void {
    for (let i = 0; i < count; i++) this.failures.push({ failure, retryAfterSeconds });
  }

  /** Answers a share of the sends with 502 from now on, some after storing the message; `undefined` stops. */
  failRandomly(config: ConnectorRandomFailures | undefined): void {
    this.random = config ? { config, next: seeded(config.seed ?? 1) } : undefined;
  }

  /** The limits in force, or undefined. */
  private get limits(): ConnectorLimits | undefined {
    const l = this.options.enforceLimits;
    return l === true ? TEAMS_PUBLISHED_LIMITS : l || undefined;
  }

  /** Forgets what the limits counted so far and every recorded call (a benchmark after its warm-up). */
  resetLimits(): void {
    this.logs.clear();
    this.calls.length = 0;
  }

  /** 429s the limits answered (not injected ones), with their times. */
  limitHits(): RecordedConnectorCall[] {
    return this.calls.filter((c) => c.enforced);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const text = await readBody(req);
    const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs() : (this.options.latencyMs ?? 0);
    if (latency > 0) await sleep(latency / 2);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const conversationId = segments[2] === undefined ? undefined : decodeURIComponent(segments[2]);
    const activityId = segments[4] === undefined ? undefined : decodeURIComponent(segments[4]);
    const call: RecordedConnectorCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(conversationId === undefined ? {} : { conversationId }),
      ...(activityId === undefined ? {} : { activityId }),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      body,
      status: 0,
      at: new Date(),
    };
    this.calls.push(call);
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (latency > 0) setTimeout(() => sendJson(res, status, payload, headers), latency / 2);
      else sendJson(res, status, payload, headers);
    };

    if (this.options.acceptToken) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !this.options.acceptToken(token)) return reply(401, { message: 'Authorization has been denied for this request.' });
    }
    const injected = this.failures.shift();
    if (injected) {
      const { status, code } = FAILURES[injected.failure];
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(injected.retryAfterSeconds) } : {};
      return reply(status, { error: { code, message: `Injected ${injected.failure}` } }, headers);
    }
    // GET v3/teams/{teamId} (TeamsInfo.getTeamDetails): the team's Entra group id is what Graph addresses it by.
    if (req.method === 'GET' && segments[0] === 'v3' && segments[1] === 'teams' && segments.length === 3) {
      const teamId = decodeURIComponent(segments[2] ?? '');
      const details = this.teamDetails.get(teamId);
      return details ? reply(200, { id: teamId, ...details }) : reply(404, { error: { code: 'NotFound', message: 'Team not found.' } });
    }
    // GET v3/teams/{teamId}/conversations (TeamsInfo.getTeamChannels)
    if (req.method === 'GET' && segments[0] === 'v3' && segments[1] === 'teams' && segments[3] === 'conversations' && segments.length === 4) {
      const channels = this.teamChannels.get(decodeURIComponent(segments[2] ?? ''));
      return channels ? reply(200, { conversations: channels }) : reply(404, { error: { code: 'NotFound', message: 'Team not found.' } });
    }
    if (segments[0] !== 'v3' || segments[1] !== 'conversations') return reply(404, { error: { code: 'NotFound', message: 'Unknown route' } });

    // POST v3/conversations
    if (req.method === 'POST' && conversationId === undefined) return this.createConversation(body, reply);
    const conversation = conversationId === undefined ? undefined : this.conversation(conversationId);
    if (!conversation || conversationId === undefined) {
      return reply(404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
    }
    const send = req.method === 'POST' && segments[3] === 'activities';
    const wait = this.overLimit(conversation, send, Date.now());
    if (wait > 0) {
      call.enforced = true;
      return reply(429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    // GET v3/conversations/{id}/members
    if (req.method === 'GET' && segments[3] === 'members') return reply(200, conversation.members);
    if (segments[3] !== 'activities') return reply(404, { error: { code: 'NotFound', message: 'Unknown route' } });

    if (req.method === 'POST') {
      const draw = this.random && this.random.next() < this.random.config.serverError ? this.random.next() : undefined;
      if (draw !== undefined && draw >= (this.random!.config.afterStore ?? 0)) return reply(502, { error: { code: 'ServiceError', message: 'Injected at random' } });
      const id = `${Date.now()}${String(this.nextActivity++).padStart(4, '0')}`;
      const replyToId = activityId ?? threadOf(conversationId);
      const stored: ConnectorActivity = {
        id,
        conversationId: conversation.id,
        ...(replyToId ? { replyToId } : {}),
        activity: { ...(body as Record<string, unknown>), id },
        deleted: false,
        updates: 0,
      };
      conversation.activities.push(stored);
      if (draw !== undefined) {
        call.lost = true;
        return reply(502, { error: { code: 'ServiceError', message: 'Injected at random, after storing' } });
      }
      return reply(201, { id });
    }
    const existing = conversation.activities.find((a) => a.id === activityId && !a.deleted);
    if (!existing) return reply(404, { error: { code: 'ActivityNotFound', message: 'Activity not found.' } });
    if (req.method === 'PUT') {
      existing.activity = { ...(body as Record<string, unknown>), id: existing.id };
      existing.updates++;
      return reply(200, { id: existing.id });
    }
    if (req.method === 'DELETE') {
      existing.deleted = true;
      return reply(200);
    }
    return reply(405, { error: { code: 'MethodNotAllowed', message: 'Method not allowed' } });
  }

  private createConversation(body: unknown, reply: (status: number, payload?: unknown) => void): void {
    const params = (body ?? {}) as { isGroup?: boolean; members?: FakeConversation['members']; tenantId?: string; channelData?: { tenant?: { id?: string } } };
    if (!params.members || params.members.length === 0) {
      return reply(400, { error: { code: 'BadArgument', message: 'Members required.' } });
    }
    const tenantId = params.tenantId ?? params.channelData?.tenant?.id;
    // Teams returns the existing 1:1 chat when there is one.
    const existing = !params.isGroup ? this.personalConversationsOf(params.members[0]!.id)[0] : undefined;
    const conversation =
      existing ??
      this.addConversation(`a:${randomUUID().replace(/-/g, '')}`, {
        isGroup: params.isGroup ?? false,
        ...(tenantId ? { tenantId } : {}),
        members: params.members,
      });
    reply(201, { id: conversation.id, serviceUrl: this.serviceUrl });
  }

  /**
   * Milliseconds until this request fits every window (nothing counted), or 0 (counted): sends count per
   * conversation, every request per tenant.
   */
  private overLimit(conversation: FakeConversation, send: boolean, wallNow: number): number {
    const limits = this.limits;
    if (!limits) return 0;
    const now = this.options.now ? this.options.now() : wallNow;
    const checks: [string, readonly ConnectorLimitRule[]][] = [[`tenant:${conversation.tenantId ?? ''}`, limits.perTenant]];
    if (send) checks.push([`conversation:${conversation.id}`, limits.perConversation]);
    let wait = 0;
    for (const [key, rules] of checks) {
      const log = this.logs.get(key) ?? [];
      for (const rule of rules) {
        const inWindow = log.filter((t) => t > now - rule.windowMs);
        if (inWindow.length >= rule.max) wait = Math.max(wait, inWindow[inWindow.length - rule.max]! + rule.windowMs - now);
      }
    }
    if (wait > 0) return wait;
    for (const [key, rules] of checks) {
      if (rules.length === 0) continue;
      const widest = Math.max(...rules.map((r) => r.windowMs));
      const log = (this.logs.get(key) ?? []).filter((t) => t > now - widest);
      log.push(now);
      this.logs.set(key, log);
    }
    return 0;
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

function baseId(conversationId: string): string {
  return conversationId.replace(/;messageid=\d+$/, '');
}

function threadOf(conversationId: string): string | undefined {
  return /;messageid=(\d+)$/.exec(conversationId)?.[1];
}
