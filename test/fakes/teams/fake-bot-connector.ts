import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { close, listen, readBody, sendJson } from './http-util.js';

/**
 * A fake Bot Connector service (the `serviceUrl` Teams puts on activities), on 127.0.0.1. It serves the
 * calls botbuilder makes for a Teams bot, keeps the conversations' messages, records every call, and can
 * fail the next calls or enforce Teams' per-conversation limit (7 messages per second).
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

export interface FakeBotConnectorOptions {
  /** Enforce 7 messages per 1 s per conversation with 429 + Retry-After, like Teams. */
  enforceLimits?: boolean;
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
  private readonly failures: { failure: ConnectorFailure; retryAfterSeconds: number }[] = [];
  private readonly sends = new Map<string, number[]>();
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const text = await readBody(req);
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
      sendJson(res, status, payload, headers);
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
    // GET v3/conversations/{id}/members
    if (req.method === 'GET' && segments[3] === 'members') return reply(200, conversation.members);
    if (segments[3] !== 'activities') return reply(404, { error: { code: 'NotFound', message: 'Unknown route' } });

    if (req.method === 'POST') {
      if (this.options.enforceLimits && this.overLimit(conversation.id)) {
        return reply(429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': '1' });
      }
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

  private overLimit(conversationId: string): boolean {
    const now = (this.options.now ?? Date.now)();
    const recent = (this.sends.get(conversationId) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= 7) {
      this.sends.set(conversationId, recent);
      return true;
    }
    recent.push(now);
    this.sends.set(conversationId, recent);
    return false;
  }
}

function baseId(conversationId: string): string {
  return conversationId.replace(/;messageid=\d+$/, '');
}

function threadOf(conversationId: string): string | undefined {
  return /;messageid=(\d+)$/.exec(conversationId)?.[1];
}
