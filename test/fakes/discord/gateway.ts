import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { FakeDiscordState } from './state.js';

/**
 * The fake's gateway WebSocket, speaking Discord gateway v10 (JSON encoding, no compression):
 * op 10 Hello on connect; op 2 Identify -> READY (with `guilds: []`, so discord.js is ready at once);
 * op 1 Heartbeat -> op 11; op 6 Resume -> missed dispatches replayed, then RESUMED; dispatches carry
 * increasing `s`. Intents are checked as Discord does (privileged intents need enabling; events a
 * session has no intent for are not sent; MESSAGE_CREATE content is blanked without Message Content).
 * Tests can drop the connection (close code or abrupt terminate), refuse the next resume (op 9), or
 * ask the client to reconnect (op 7).
 *
 * Sharding as Discord does it: Identify may carry `shard: [id, count]`; each shard is a session of its own,
 * and a dispatch goes only to the shard of its guild, `(guild_id >> 22) % count`, DMs and guildless events
 * to shard 0. Without `shard` a session is shard 0 of 1 and gets everything. A shard identified again
 * replaces its earlier session; identifying with a count other than the open sessions' closes with 4010
 * (Invalid shard), as Discord does for a shard number out of range.
 *
 * @see https://discord.com/developers/docs/events/gateway#sharding
 * @see https://discord.com/developers/docs/events/gateway
 */

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents enabled "in the developer portal". */
  privilegedIntents: { guildMembers: boolean; messageContent: boolean };
}

/** Intent bits used by the events the fake dispatches. */
export const INTENTS = {
  guilds: 1 << 0,
  guildMembers: 1 << 1,
  guildMessages: 1 << 9,
  guildMessageReactions: 1 << 10,
  directMessages: 1 << 12,
  directMessageReactions: 1 << 13,
  messageContent: 1 << 15,
} as const;

interface Dispatch {
  op: 0;
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  /** `[shard id, shard count]` from Identify (`[0, 1]` when none was sent). */
  shard: [number, number];
  intents: number;
  seq: number;
  /** Every dispatch of this session, for replay on resume. */
  sent: Dispatch[];
  socket: WebSocket | undefined;
  invalid: boolean;
}

export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
}

/** Events: `identify`, `ready`, `resumed`, `closed` (client or server side), `heartbeat`. */
export class FakeGateway extends EventEmitter {
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0 };
  private readonly wss: WebSocketServer;
  /** Sessions by shard id. */
  private readonly sessions = new Map<number, Session>();
  private refuseNextResume = false;
  private sessionCounter = 0;

  constructor(
    server: Server,
    private readonly state: FakeDiscordState,
    private readonly options: GatewayOptions,
    private readonly url: () => string,
  ) {
    super();
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, new URL(req.url ?? '/', 'ws://fake')));
  }

  /** Shard 0's session (the only one when the client does not shard). */
  private get session(): Session | undefined {
    return this.sessions.get(0);
  }

  /** The current session's intents bitfield (0 before the first identify). */
  get intents(): number {
    return this.session?.intents ?? 0;
  }

  /** Whether a session is identified or resumed on an open socket. */
  get connected(): boolean {
    return this.session?.socket?.readyState === WebSocket.OPEN;
  }

  /** The shards with a session on an open socket, as `[id, count]`, by id. */
  get connectedShards(): [number, number][] {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).map((s) => s.shard).sort((a, b) => a[0] - b[0]);
  }

  /** The shard a guild's events go to, out of the sessions' shard count: `(guild_id >> 22) % count`. */
  shardOf(guildId: string | undefined): number {
    const count = this.session?.shard[1] ?? [...this.sessions.values()][0]?.shard[1] ?? 1;
    return guildId === undefined ? 0 : shardFor(guildId, count);
  }

  /**
   * Sends a dispatch with the next sequence number of the session of its guild's shard. While the client
   * is disconnected it is kept and replayed on resume, as Discord does. Returns false when the session
   * lacks the intent for it.
   */
  dispatch(t: string, d: unknown): boolean {
    const shard = this.shardOf(guildOf(d));
    const session = this.sessions.get(shard);
    if (!session || session.invalid) throw new Error(`fake gateway: no session of shard ${shard} to dispatch ${t} to (wait for READY first)`);
    const needed = requiredIntent(t, d);
    if (needed !== 0 && (session.intents & needed) === 0) return false;
    const payload: Dispatch = { op: 0, s: ++session.seq, t, d: t === 'MESSAGE_CREATE' ? this.blankContent(session, d) : d };
    session.sent.push(payload);
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(payload));
    return true;
  }

  /** Drops the connection: a close frame with `code` (default 4000, resumable) or, abruptly, a TCP reset. */
  drop(options: { code?: number; abrupt?: boolean } = {}): void {
    const socket = this.session?.socket;
    if (!socket) throw new Error('fake gateway: not connected');
    if (this.session) this.session.socket = undefined;
    if (options.abrupt) socket.terminate();
    else socket.close(options.code ?? 4000, 'fake gateway: connection dropped');
  }

  /** Answers the next Resume with op 9 Invalid Session (d: false): the client must identify again. */
  invalidateNextResume(): void {
    this.refuseNextResume = true;
  }

  /** Sends op 7 Reconnect: the client closes and resumes. */
  requestReconnect(): void {
    this.session?.socket?.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  /** Resolves on the next `event` (`ready`, `resumed`, `identify`, ...). */
  next(event: 'ready' | 'resumed' | 'identify' | 'closed' | 'heartbeat', timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake gateway: no ${event} within ${timeoutMs} ms`)), timeoutMs);
      this.once(event, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket, url: URL): void {
    this.stats.connections += 1;
    if (url.searchParams.get('v') !== '10') {
      socket.close(4012, 'Invalid API version');
      return;
    }
    if (url.searchParams.get('encoding') !== 'json' || url.searchParams.has('compress')) {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    let authenticated = false;
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ['["gateway-prd-fake",{"micros":0}]'] }, s: null, t: null }));
    socket.on('message', (data: RawData) => {
      let payload: { op?: number; d?: unknown };
      try {
        payload = JSON.parse(data.toString()) as { op?: number; d?: unknown };
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case 1:
          this.stats.heartbeats += 1;
          socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          this.emit('heartbeat');
          return;
        case 2:
          if (authenticated) return void socket.close(4005, 'Already authenticated.');
          authenticated = this.identify(socket, payload.d as IdentifyData);
          return;
        case 6:
          if (authenticated) return void socket.close(4005, 'Already authenticated.');
          authenticated = this.resume(socket, payload.d as ResumeData);
          return;
        case 3: // presence update
        case 4: // voice state
        case 8: // request guild members
          if (!authenticated) socket.close(4003, 'Not authenticated.');
          return;
        default:
          socket.close(4001, 'Unknown opcode.');
      }
    });
    socket.on('close', (code) => {
      // Closing with 1000/1001 ends the session at Discord; any other code keeps it resumable.
      for (const session of this.sessions.values()) {
        if (session.socket !== socket) continue;
        session.socket = undefined;
        if (code === 1000 || code === 1001) session.invalid = true;
      }
      this.emit('closed', code);
    });
  }

  private identify(socket: WebSocket, d: IdentifyData): boolean {
    this.stats.identifies += 1;
    if (d?.token !== this.options.token) {
      socket.close(4004, 'Authentication failed.');
      return false;
    }
    const intents = Number(d.intents);
    const disallowed =
      ((intents & INTENTS.guildMembers) !== 0 && !this.options.privilegedIntents.guildMembers) ||
      ((intents & INTENTS.messageContent) !== 0 && !this.options.privilegedIntents.messageContent);
    if (disallowed) {
      socket.close(4014, 'Disallowed intent(s).');
      return false;
    }
    const shard: [number, number] = Array.isArray(d.shard) ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    const otherCount = [...this.sessions.values()].find((s) => s.shard[0] !== shard[0] && s.socket?.readyState === WebSocket.OPEN)?.shard[1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1]) || (otherCount !== undefined && otherCount !== shard[1])) {
      socket.close(4010, 'Invalid shard.');
      return false;
    }
    const previous = this.sessions.get(shard[0]);
    if (previous?.socket && previous.socket !== socket) previous.socket.terminate();
    // Sessions of another shard count belong to an earlier layout: gone.
    for (const [id, s] of this.sessions) if (s.shard[1] !== shard[1]) this.sessions.delete(id);
    const session: Session = { id: `fake-session-${++this.sessionCounter}`, shard, intents, seq: 0, sent: [], socket, invalid: false };
    this.sessions.set(shard[0], session);
    this.emit('identify', d);
    this.send(session, 'READY', {
      v: 10,
      user: { ...this.state.userPayload(this.state.bot), flags: 0, mfa_enabled: false, verified: true, email: null },
      user_settings: {},
      session_type: 'normal',
      session_id: session.id,
      resume_gateway_url: this.url(),
      guilds: [],
      guild_join_requests: [],
      presences: [],
      private_channels: [],
      relationships: [],
      geo_ordered_rtc_regions: ['rotterdam', 'frankfurt'],
      auth: {},
      application: { id: this.state.applicationId, flags: 8_953_856 },
      shard,
      _trace: ['["gateway-prd-fake",{"micros":0}]'],
    });
    this.emit('ready', shard[0]);
    return true;
  }

  private send(session: Session, t: string, d: unknown): void {
    const payload: Dispatch = { op: 0, s: ++session.seq, t, d };
    session.sent.push(payload);
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(payload));
  }

  private resume(socket: WebSocket, d: ResumeData): boolean {
    this.stats.resumes += 1;
    const session = [...this.sessions.values()].find((s) => s.id === d?.session_id) ?? this.session;
    if (d?.token !== this.options.token) {
      socket.close(4004, 'Authentication failed.');
      return false;
    }
    if (this.refuseNextResume || !session || session.invalid || session.id !== d.session_id || d.seq > session.seq) {
      this.refuseNextResume = false;
      if (session && session.id === d.session_id) session.invalid = true;
      socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return false;
    }
    session.socket = socket;
    for (const missed of session.sent.filter((p) => p.s > d.seq)) socket.send(JSON.stringify(missed));
    socket.send(JSON.stringify({ op: 0, s: ++session.seq, t: 'RESUMED', d: { _trace: ['["gateway-prd-fake",{"micros":0}]'] } }));
    this.emit('resumed');
    return true;
  }

  private blankContent(session: Session, d: unknown): unknown {
    if ((session.intents & INTENTS.messageContent) !== 0) return d;
    const message = d as { mentions?: { id: string }[] };
    // Discord still sends content when the bot is mentioned.
    if (message.mentions?.some((m) => m.id === this.state.bot.id)) return d;
    return { ...message, content: '', embeds: [], attachments: [], components: [] };
  }
}

interface IdentifyData {
  token: string;
  intents: number;
  shard?: [number, number];
}

interface ResumeData {
  token: string;
  session_id: string;
  seq: number;
}

function requiredIntent(t: string, d: unknown): number {
  switch (t) {
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_REMOVE':
    case 'GUILD_MEMBER_UPDATE':
      return INTENTS.guildMembers;
    case 'MESSAGE_CREATE':
    case 'MESSAGE_UPDATE':
    case 'MESSAGE_DELETE':
      return (d as { guild_id?: string }).guild_id === undefined ? INTENTS.directMessages : INTENTS.guildMessages;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
      return (d as { guild_id?: string }).guild_id === undefined ? INTENTS.directMessageReactions : INTENTS.guildMessageReactions;
    default:
      return 0;
  }
}

/** Discord's shard formula: `(guild_id >> 22) % shard_count`. */
export function shardFor(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** The guild a dispatch belongs to (`guild_id`, or a GUILD_CREATE's own `id`); undefined for DMs. */
function guildOf(d: unknown): string | undefined {
  const payload = d as { guild_id?: unknown } | null;
  return typeof payload?.guild_id === 'string' ? payload.guild_id : undefined;
}
