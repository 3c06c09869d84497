import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Platform } from '../../src/kernel/types.js';
import {
  ChatPlatformError,
  type ChannelRef,
  type ChatPlatform,
  type ChatPlatformErrorCode,
  type ChatPlatforms,
  type HttpRoute,
  type MessageRef,
  type PostOptions,
  type UserRef,
  type View,
} from '../../src/kernel/ports/chat-platform.js';

/**
 * A working in-memory {@link ChatPlatform}: it keeps every message per channel, so tests assert on what
 * the "platform" holds (exactly one copy per channel, copies updated, copies deleted). It models each
 * platform's means of recognising a repeated post: `nonce` (Discord: a repeated key in the same channel
 * answers with the first message), `metadata` (Slack: the key is stored on the message and `findPosted`
 * reads it back; a repeated post is a new message) and `none` (Teams). It can inject RATE_LIMITED,
 * TRANSIENT (also *after* the message was stored: the answer got lost), NOT_FOUND and PERMISSION_DENIED,
 * enforce sliding-window limits (global and per channel) and add latency.
 *
 * {@link serveFakeChatPlatforms} puts fakes behind a loopback HTTP server and {@link RemoteChatPlatform}
 * talks to it, so a worker in another process (that a test kills) posts into the test's fake.
 */

/** How a platform recognises a repeated post. */
export type Idempotency = 'nonce' | 'metadata' | 'none';

/** "At most `max` requests per `windowMs`", sliding. */
export interface FakeLimitRule {
  max: number;
  windowMs: number;
}

export type FakeOp = 'post' | 'update' | 'delete' | 'sendDirect' | 'findPosted';

/** A limit the fake enforces: `rules` over the calls of `ops` (default every op), per scope. */
export interface FakeLimit {
  /** Counted across every channel, per workspace, or per channel. */
  scope: 'global' | 'workspace' | 'channel';
  ops?: readonly FakeOp[];
  rules: readonly FakeLimitRule[];
}

export interface FakeChatPlatformOptions {
  platform: Platform;
  /** Default by platform: discord `nonce`, slack `metadata`, teams `none`. */
  idempotency?: Idempotency;
  /** Limits across every channel (Discord: 50 requests/s), counted over every operation. */
  globalLimits?: readonly FakeLimitRule[];
  /** Limits per channel (Slack: 1 post/s; Teams: 7/1 s, 8/2 s, 60/30 s). */
  channelLimits?: readonly FakeLimitRule[];
  /** Which operations count toward `channelLimits` (default `post` only, as Slack counts chat.postMessage). */
  channelLimitOps?: 'post' | 'all';
  /** Further limits (Slack's Tier 3 per workspace for updates and deletes, Teams' 50/s per tenant, ...). */
  limits?: readonly FakeLimit[];
  /** Milliseconds before each answer (fixed or drawn per call). */
  latencyMs?: number | (() => number);
}

/** One message the fake holds. */
export interface FakeMessage {
  channel: ChannelRef;
  channelId: string;
  messageId: string;
  /** The message as it looks now (after updates). */
  view: View;
  text: string;
  idempotencyKey: string | undefined;
  deleted: boolean;
  updates: number;
  postedAt: number;
}

/** A failure to inject. */
export interface InjectedFailure {
  code: ChatPlatformErrorCode;
  /** Only for this operation (default any). */
  op?: FakeOp;
  /** Only in this channel (default any). */
  channelId?: string;
  /** For RATE_LIMITED (default 1000). */
  retryAfterMs?: number;
  /** TRANSIENT after the message was stored: the platform posted, the caller never heard. */
  afterCommit?: boolean;
}

/** Random failures, for fan-out soak tests. Probabilities per call, 0–1. */
export interface RandomFailures {
  rateLimited?: number;
  transient?: number;
  /** TRANSIENT after storing (meaningful for post). */
  transientAfterCommit?: number;
  retryAfterMs?: number;
  /** Deterministic draws (default seed 1). */
  seed?: number;
}

/** A recorded call, with what it carried. */
export interface FakeCall {
  op: FakeOp;
  channelId: string;
  at: number;
  outcome: 'ok' | ChatPlatformErrorCode;
  channel?: ChannelRef;
  message?: MessageRef;
  user?: UserRef;
  view?: View;
  options?: PostOptions;
  /** RATE_LIMITED because a configured limit was exceeded (not injected). */
  enforced?: boolean;
  /** For RATE_LIMITED: the wait the fake asked for. */
  retryAfterMs?: number;
  /** The platform stored the message, then the answer was lost (injected TRANSIENT after commit). */
  lost?: boolean;
}

export class FakeChatPlatform implements ChatPlatform {
  readonly platform: Platform;
  readonly routes: readonly HttpRoute[] = [];
  readonly calls: FakeCall[] = [];
  /** Messages people can see now, by message id (deleted ones leave this map). */
  readonly messages = new Map<string, FakeMessage>();
  private readonly idempotency: Idempotency;
  private readonly perChannel = new Map<string, FakeMessage[]>();
  private readonly byId = new Map<string, FakeMessage>();
  private readonly queue: InjectedFailure[] = [];
  private readonly missing = new Set<string>();
  private readonly forbidden = new Set<string>();
  /** Arrival times per limit and scope key. */
  private readonly limitLogs = new Map<string, number[]>();
  private random: (RandomFailures & { next: () => number }) | undefined;
  private seq = 0;

  private readonly options: FakeChatPlatformOptions;

  /** `new FakeChatPlatform('slack')` for the defaults, or options. */
  constructor(options: FakeChatPlatformOptions | Platform) {
    this.options = typeof options === 'string' ? { platform: options } : options;
    options = this.options;
    this.platform = options.platform;
    this.idempotency = options.idempotency ?? (options.platform === 'discord' ? 'nonce' : options.platform === 'slack' ? 'metadata' : 'none');
    if (this.idempotency === 'metadata') this.findPosted = (channel, key) => this.run({ op: 'findPosted', channelId: channel.channelId, channel }, () => this.lookup(channel.channelId, key));
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Channel names the fake knows (set with {@link nameChannel}); renaming is setting it again. */
  private readonly channelNames = new Map<string, string>();

  private readonly renameListeners: ((channel: ChannelRef, name: string) => void | Promise<void>)[] = [];

  /** Gives a channel a name, as the platform shows it. */
  nameChannel(channelId: string, name: string): void {
    this.channelNames.set(channelId, name);
  }

  /** Renames a channel and tells the rename listeners, as a platform's rename event would. */
  async renameChannel(channel: ChannelRef, name: string): Promise<void> {
    this.channelNames.set(channel.channelId, name);
    for (const listener of this.renameListeners) await listener(channel, name);
  }

  onChannelRenamed(listener: (channel: ChannelRef, name: string) => void | Promise<void>): void {
    this.renameListeners.push(listener);
  }

  /** The name given with {@link nameChannel}, or null. */
  async channelName(channel: ChannelRef): Promise<string | null> {
    return this.channelNames.get(channel.channelId) ?? null;
  }

  /** Set for `metadata` platforms only (Slack), as real adapters leave it out when they cannot look. */
  findPosted?: (channel: ChannelRef, idempotencyKey: string) => Promise<MessageRef | null>;

  post(channel: ChannelRef, view: View, options: PostOptions = {}): Promise<MessageRef> {
    return this.run({ op: 'post', channelId: channel.channelId, channel, view, options }, () => this.store(channel, view, options.idempotencyKey));
  }

  update(message: MessageRef, view: View): Promise<void> {
    return this.run({ op: 'update', channelId: message.channelId, message, view }, () => {
      const m = this.byId.get(message.messageId);
      if (!m || m.deleted || m.channelId !== message.channelId) throw new ChatPlatformError('NOT_FOUND', `message ${message.messageId} not found`);
      m.view = view;
      m.text = viewText(view);
      m.updates++;
    });
  }

  delete(message: MessageRef): Promise<void> {
    return this.run({ op: 'delete', channelId: message.channelId, message }, () => {
      const m = this.byId.get(message.messageId);
      if (!m || m.deleted || m.channelId !== message.channelId) throw new ChatPlatformError('NOT_FOUND', `message ${message.messageId} not found`);
      m.deleted = true;
      this.messages.delete(m.messageId);
    });
  }

  /** Direct messages land in the channel `dm-<userId>`. */
  sendDirect(user: UserRef, view: View, options: PostOptions = {}): Promise<MessageRef> {
    const channelId = `dm-${user.userId}`;
    return this.run({ op: 'sendDirect', channelId, user, view, options }, () => this.store({ workspaceId: user.workspaceId, channelId }, view, options.idempotencyKey));
  }

  // -- test controls ---------------------------------------------------------------------------

  /** The next matching call fails with this (queued: several calls inject in order). */
  failNext(failure: InjectedFailure): void {
    this.queue.push(failure);
  }

  /** Fails calls at random with these probabilities (deterministic for a seed); `undefined` switches off. */
  failRandomly(config: RandomFailures | undefined): void {
    if (!config) {
      this.random = undefined;
      return;
    }
    let state = config.seed ?? 1;
    // mulberry32: small, seedable, good enough for spreading failures.
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    this.random = { ...config, next };
  }

  /** Calls to this channel answer NOT_FOUND from now on (channel deleted). */
  removeChannel(channelId: string): void {
    this.missing.add(channelId);
  }

  /** Calls to this channel answer PERMISSION_DENIED from now on (bot removed). */
  denyChannel(channelId: string): void {
    this.forbidden.add(channelId);
  }

  /** Every message of a channel, deleted ones included. */
  messagesIn(channelId: string): FakeMessage[] {
    return [...(this.perChannel.get(channelId) ?? [])];
  }

  /** The messages of a channel people can see. */
  visibleIn(channelId: string): FakeMessage[] {
    return this.messagesIn(channelId).filter((m) => !m.deleted);
  }

  /** Every channel that holds a message. */
  channels(): string[] {
    return [...this.perChannel.keys()];
  }

  /** The calls of one operation, oldest first. */
  callsOf(op: 'post' | 'sendDirect'): (FakeCall & { view: View; options: PostOptions })[];
  callsOf(op: 'update'): (FakeCall & { view: View; message: MessageRef })[];
  callsOf(op: 'delete'): (FakeCall & { message: MessageRef })[];
  callsOf(op: FakeOp): FakeCall[];
  callsOf(op: FakeOp): FakeCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** A message by id. */
  message(messageId: string): FakeMessage | undefined {
    return this.byId.get(messageId);
  }

  /** Times the fake answered RATE_LIMITED because a limit was exceeded (not injected ones). */
  limitHits(): number[] {
    return this.calls.filter((c) => c.outcome === 'RATE_LIMITED' && c.enforced).map((c) => c.at);
  }

  // -- internals -------------------------------------------------------------------------------

  private async run<T>(what: Omit<FakeCall, 'at' | 'outcome'>, act: () => T): Promise<T> {
    const { op, channelId } = what;
    const now = Date.now();
    const call: FakeCall = { ...what, at: now, outcome: 'ok' };
    this.calls.push(call);
    let result: T | undefined;
    let error: ChatPlatformError | undefined;
    try {
      const injected = this.takeFailure(op, channelId);
      if (injected && !injected.afterCommit) throw toError(injected);
      if (this.missing.has(channelId)) throw new ChatPlatformError('NOT_FOUND', `channel ${channelId} not found`);
      if (this.forbidden.has(channelId)) throw new ChatPlatformError('PERMISSION_DENIED', `no access to ${channelId}`);
      const wait = this.overLimit(op, channelId, workspaceOf(what), now);
      if (wait > 0) {
        call.enforced = true;
        throw new ChatPlatformError('RATE_LIMITED', `limit reached on ${channelId}`, { retryAfterMs: wait });
      }
      result = act();
      if (injected?.afterCommit) {
        call.lost = true;
        throw toError(injected);
      }
    } catch (err) {
      error = err instanceof ChatPlatformError ? err : new ChatPlatformError('INVALID', (err as Error).message);
      call.outcome = error.code;
      if (error.retryAfterMs !== undefined) call.retryAfterMs = error.retryAfterMs;
    }
    const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs() : (this.options.latencyMs ?? 0);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (error) throw error;
    return result as T;
  }

  private takeFailure(op: FakeOp, channelId: string): InjectedFailure | undefined {
    const i = this.queue.findIndex((f) => (f.op === undefined || f.op === op) && (f.channelId === undefined || f.channelId === channelId));
    if (i >= 0) return this.queue.splice(i, 1)[0];
    const r = this.random;
    if (!r || op === 'findPosted') return undefined;
    const x = r.next();
    const p429 = r.rateLimited ?? 0;
    const p5xx = r.transient ?? 0;
    const pLost = op === 'post' || op === 'sendDirect' ? (r.transientAfterCommit ?? 0) : 0;
    if (x < p429) return { code: 'RATE_LIMITED', retryAfterMs: r.retryAfterMs ?? 200 };
    if (x < p429 + p5xx) return { code: 'TRANSIENT' };
    if (x < p429 + p5xx + pLost) return { code: 'TRANSIENT', afterCommit: true };
    return undefined;
  }

  /** Every limit in force: the explicit ones and those of `globalLimits` / `channelLimits`. */
  private get allLimits(): FakeLimit[] {
    const o = this.options;
    const channelOps: readonly FakeOp[] = (o.channelLimitOps ?? 'post') === 'all' ? ['post', 'update', 'delete', 'sendDirect'] : ['post', 'sendDirect'];
    return [
      ...(o.globalLimits && o.globalLimits.length > 0 ? [{ scope: 'global' as const, rules: o.globalLimits }] : []),
      ...(o.channelLimits && o.channelLimits.length > 0 ? [{ scope: 'channel' as const, ops: channelOps, rules: o.channelLimits }] : []),
      ...(o.limits ?? []),
    ];
  }

  /** Milliseconds until the request would fit every limit, or 0 (and the request is counted). */
  private overLimit(op: FakeOp, channelId: string, workspaceId: string, now: number): number {
    if (op === 'findPosted') return 0;
    const applicable = this.allLimits
      .map((limit, i) => ({ limit, key: `${i}|${limit.scope === 'global' ? '' : limit.scope === 'workspace' ? workspaceId : channelId}` }))
      .filter(({ limit }) => (limit.ops ?? ['post', 'update', 'delete', 'sendDirect']).includes(op));
    let wait = 0;
    for (const { limit, key } of applicable) {
      const log = this.limitLogs.get(key) ?? [];
      for (const rule of limit.rules) {
        const inWindow = log.filter((t) => t > now - rule.windowMs);
        if (inWindow.length >= rule.max) wait = Math.max(wait, inWindow[inWindow.length - rule.max]! + rule.windowMs - now);
      }
    }
    if (wait > 0) return wait;
    for (const { limit, key } of applicable) {
      const log = this.limitLogs.get(key) ?? [];
      log.push(now);
      prune(log, now, Math.max(...limit.rules.map((r) => r.windowMs)));
      this.limitLogs.set(key, log);
    }
    return 0;
  }

  private store(channel: ChannelRef, view: View, key: string | undefined): MessageRef {
    const list = this.perChannel.get(channel.channelId) ?? [];
    if (this.idempotency === 'nonce' && key !== undefined) {
      const first = list.find((m) => m.idempotencyKey === key);
      if (first) return this.refOf(channel.workspaceId, first);
    }
    const m: FakeMessage = {
      channel: { workspaceId: channel.workspaceId, channelId: channel.channelId },
      channelId: channel.channelId,
      messageId: `${this.platform}-m${++this.seq}`,
      view,
      text: viewText(view),
      idempotencyKey: this.idempotency === 'none' ? undefined : key,
      deleted: false,
      updates: 0,
      postedAt: Date.now(),
    };
    list.push(m);
    this.perChannel.set(channel.channelId, list);
    this.byId.set(m.messageId, m);
    this.messages.set(m.messageId, m);
    return this.refOf(channel.workspaceId, m);
  }

  private lookup(channelId: string, key: string): MessageRef | null {
    const m = (this.perChannel.get(channelId) ?? []).find((x) => x.idempotencyKey === key && !x.deleted);
    return m ? this.refOf('', m) : null;
  }

  private refOf(workspaceId: string, m: FakeMessage): MessageRef {
    return { platform: this.platform, workspaceId, channelId: m.channelId, messageId: m.messageId };
  }
}

/** A {@link ChatPlatforms} registry over the given platforms (as the composition root builds it). */
export function platformRegistry(platforms: readonly ChatPlatform[]): ChatPlatforms {
  return { get: (name) => platforms.find((p) => p.platform === name), all: () => platforms };
}

/** The workspace a call is in. */
function workspaceOf(what: Pick<FakeCall, 'channel' | 'message' | 'user'>): string {
  return what.channel?.workspaceId ?? what.message?.workspaceId ?? what.user?.workspaceId ?? '';
}

function prune(log: number[], now: number, windowMs: number): void {
  let i = 0;
  while (i < log.length && log[i]! <= now - windowMs) i++;
  if (i > 0) log.splice(0, i);
}

function toError(f: InjectedFailure): ChatPlatformError {
  return new ChatPlatformError(f.code, `injected ${f.code}${f.afterCommit ? ' after commit' : ''}`, f.code === 'RATE_LIMITED' ? { retryAfterMs: f.retryAfterMs ?? 1000 } : {});
}

/** All human-visible text of a view, one line per block. */
export function viewText(view: View): string {
  return view.blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
        case 'text':
        case 'context':
          return b.text;
        case 'fields':
          return b.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
        case 'bars':
          return b.bars.map((x) => `${x.label} ${x.count} ${x.percent}%`).join('\n');
        case 'buttons':
          return b.buttons.map((x) => x.label).join(' ');
        case 'select':
          return b.placeholder;
        case 'divider':
          return '';
      }
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Cross-process bridge
// ---------------------------------------------------------------------------------------------

/** Serves fakes on 127.0.0.1 so another process can use them through {@link RemoteChatPlatform}. */
export async function serveFakeChatPlatforms(fakes: readonly FakeChatPlatform[]): Promise<{ url: string; close(): Promise<void> }> {
  const byName = new Map(fakes.map((f) => [f.platform, f]));
  const server: Server = createServer((req, res) => {
    void (async () => {
      const [, platform, op] = (req.url ?? '').split('/');
      const fake = byName.get(platform as Platform);
      const body = JSON.parse((await readBody(req)) || '{}') as { channel: ChannelRef; user: UserRef; message: MessageRef; view: View; options?: PostOptions; key: string };
      let answer: unknown;
      try {
        if (!fake) throw new ChatPlatformError('INVALID', `no fake for ${platform}`);
        if (op === 'post') answer = await fake.post(body.channel, body.view, body.options);
        else if (op === 'update') answer = await fake.update(body.message, body.view);
        else if (op === 'delete') answer = await fake.delete(body.message);
        else if (op === 'sendDirect') answer = await fake.sendDirect(body.user, body.view, body.options);
        else if (op === 'findPosted') answer = fake.findPosted ? await fake.findPosted(body.channel, body.key) : null;
        else throw new ChatPlatformError('INVALID', `unknown operation ${op}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, answer: answer ?? null }));
      } catch (err) {
        const e = err instanceof ChatPlatformError ? err : new ChatPlatformError('INVALID', (err as Error).message);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, code: e.code, message: e.message, retryAfterMs: e.retryAfterMs }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A {@link ChatPlatform} that forwards every call to a fake served by {@link serveFakeChatPlatforms}. */
export class RemoteChatPlatform implements ChatPlatform {
  readonly routes: readonly HttpRoute[] = [];
  findPosted?: (channel: ChannelRef, idempotencyKey: string) => Promise<MessageRef | null>;

  constructor(readonly platform: Platform, private readonly url: string, options: { findPosted: boolean }) {
    if (options.findPosted) this.findPosted = (channel, key) => this.call<MessageRef | null>('findPosted', { channel, key });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  post(channel: ChannelRef, view: View, options?: PostOptions): Promise<MessageRef> {
    return this.call('post', { channel, view, options });
  }
  async update(message: MessageRef, view: View): Promise<void> {
    await this.call('update', { message, view });
  }
  async delete(message: MessageRef): Promise<void> {
    await this.call('delete', { message });
  }
  sendDirect(user: UserRef, view: View, options?: PostOptions): Promise<MessageRef> {
    return this.call('sendDirect', { user, view, options });
  }

  private async call<T>(op: FakeOp, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/${this.platform}/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (err) {
      throw new ChatPlatformError('TRANSIENT', 'fake platform unreachable', { cause: err });
    }
    const answer = (await res.json()) as { ok: boolean; answer?: T; code?: ChatPlatformErrorCode; message?: string; retryAfterMs?: number };
    if (!answer.ok) throw new ChatPlatformError(answer.code ?? 'INVALID', answer.message ?? 'failed', answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs });
    return answer.answer as T;
  }
}
