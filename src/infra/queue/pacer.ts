import type { Redis } from 'ioredis';
import type { Pacer, PaceRequest, TakeResult, WindowRule } from '../../kernel/ports/pacer.js';

export type { Pacer } from '../../kernel/ports/pacer.js';

/**
 * Extra spacing added to every window. Latency and its jitter are absorbed by recording each request at
 * the moment its answer came back (`sent`); the margin only covers clock granularity and the platform
 * rounding its windows.
 */
export const DEFAULT_PACE_MARGIN_MS = 10;

/**
 * A taken slot whose answer has not come back yet is logged at its take time plus this offset: it counts
 * in every window until `sent` moves it to the answer's time (the request may still arrive at any moment).
 * Scores at or above the offset are such slots; the take time is the score minus the offset.
 */
const IN_FLIGHT_OFFSET = 10_000_000_000_000;
/**
 * An answer that has not come back after this long (a process that died mid-request) counts at its take
 * time again, so a lost `sent` cannot hold a slot for ever.
 */
export const IN_FLIGHT_STALE_MS = 60_000;
/** When the slot a request needs is held by requests still in flight: ask again this much later. */
export const IN_FLIGHT_POLL_MS = 100;

const RESERVE_LUA = `
local now = tonumber(ARGV[1])
local holder = ARGV[2]
local margin = tonumber(ARGV[3])
local existing = redis.call('ZSCORE', KEYS[1], holder)
if existing then return existing end
local t = now
local idx = 4
local widest = {}
for i = 1, #KEYS do
  local count = tonumber(ARGV[idx]); idx = idx + 1
  local rules = {}
  local w0 = 0
  for r = 1, count do
    rules[r] = { tonumber(ARGV[idx]), tonumber(ARGV[idx + 1]) }
    if rules[r][2] > w0 then w0 = rules[r][2] end
    idx = idx + 2
  end
  widest[i] = w0
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. tostring(now - w0 - margin))
  local n = redis.call('ZCARD', KEYS[i])
  if n > 0 then
    local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
    local ls = tonumber(last[2])
    if ls > t then t = ls end
    for r = 1, count do
      local mx = rules[r][1]
      if n >= mx then
        local e = redis.call('ZRANGE', KEYS[i], n - mx, n - mx, 'WITHSCORES')
        local s = tonumber(e[2]) + rules[r][2] + margin
        if s > t then t = s end
      end
    end
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], t, holder)
  redis.call('PEXPIRE', KEYS[i], math.ceil(t - now + widest[i] + margin + 1000))
end
return tostring(t)
`;

const TAKE_LUA = `
local now = tonumber(ARGV[1])
local margin = tonumber(ARGV[2])
local member = ARGV[3]
local inflight = ${IN_FLIGHT_OFFSET}
local idx = 4
local wait = 0
local blocking = 0
local widest = {}
for i = 1, #KEYS do
  local count = tonumber(ARGV[idx]); idx = idx + 1
  local w0 = 0
  local rules = {}
  for r = 1, count do
    rules[r] = { tonumber(ARGV[idx]), tonumber(ARGV[idx + 1]) }
    if rules[r][2] > w0 then w0 = rules[r][2] end
    idx = idx + 2
  end
  widest[i] = w0
  -- In flight for too long (the process died): back to its take time.
  local stale = redis.call('ZRANGEBYSCORE', KEYS[i], string.format('%.0f', inflight), '(' .. string.format('%.0f', inflight + now - ${IN_FLIGHT_STALE_MS}), 'WITHSCORES')
  for s = 1, #stale, 2 do redis.call('ZADD', KEYS[i], string.format('%.0f', tonumber(stale[s + 1]) - inflight), stale[s]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. tostring(now - w0 - margin))
  local n = redis.call('ZCARD', KEYS[i])
  for r = 1, count do
    local mx = rules[r][1]
    if n >= mx then
      local e = redis.call('ZRANGE', KEYS[i], n - mx, n - mx, 'WITHSCORES')
      local score = tonumber(e[2])
      local w = ${IN_FLIGHT_POLL_MS}
      if score < inflight then w = score + rules[r][2] + margin - now end
      if w > wait then
        wait = w
        blocking = i - 1
      end
    end
  end
end
if wait > 0 then return tostring(wait) .. ':' .. tostring(blocking) end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], string.format('%.0f', inflight + now), member)
  redis.call('PEXPIRE', KEYS[i], math.ceil(widest[i] + margin + ${IN_FLIGHT_STALE_MS}))
end
return '0'
`;

/** Moves a taken slot to the answer's time on every key (one command rather than a pipeline). */
const SENT_LUA = `
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[2]) end
return 0
`;

/** Requests per Redis pipeline. */
const PIPELINE_CHUNK = 500;

/** {@link Pacer} in Redis: one Lua script per reservation, so every worker process shares the slots. */
export class RedisPacer implements Pacer {
  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; marginMs?: number; now?: () => number } = { prefix: 'kring' },
  ) {
    if (!('kringPaceReserve' in redis)) redis.defineCommand('kringPaceReserve', { lua: RESERVE_LUA });
    if (!('kringPaceTake' in redis)) redis.defineCommand('kringPaceTake', { lua: TAKE_LUA });
    if (!('kringPaceSent' in redis)) redis.defineCommand('kringPaceSent', { lua: SENT_LUA });
  }

  async take(request: PaceRequest): Promise<TakeResult> {
    if (request.keys.length === 0) return { waitMs: 0 };
    const now = (this.options.now ?? Date.now)();
    const keys = this.sentKeys(request);
    const ticket = `${request.holder}@${now}-${Math.random().toString(36).slice(2, 8)}`;
    const args = [String(now), String(this.options.marginMs ?? DEFAULT_PACE_MARGIN_MS), ticket, ...ruleArgs(request)];
    const answer = await (this.redis as unknown as { kringPaceTake(n: number, ...a: string[]): Promise<string> }).kringPaceTake(keys.length, ...keys, ...args);
    const [wait, blocking] = answer.split(':').map(Number);
    return wait! > 0 ? { waitMs: wait!, blockedBy: blocking! } : { waitMs: 0, ticket };
  }

  async sent(request: PaceRequest, ticket: string, at: number): Promise<void> {
    const keys = this.sentKeys(request);
    if (keys.length === 0) return;
    await (this.redis as unknown as { kringPaceSent(n: number, ...a: string[]): Promise<number> }).kringPaceSent(keys.length, ...keys, String(Math.round(at)), ticket);
  }

  private sentKeys(request: PaceRequest): string[] {
    return request.keys.map((k) => `${this.options.prefix}:pace:sent:${k.key}`);
  }

  async reserve(requests: readonly PaceRequest[]): Promise<number[]> {
    const out: number[] = [];
    const now = this.options.now ?? Date.now;
    const margin = this.options.marginMs ?? DEFAULT_PACE_MARGIN_MS;
    for (let i = 0; i < requests.length; i += PIPELINE_CHUNK) {
      const pipeline = this.redis.pipeline();
      const chunk = requests.slice(i, i + PIPELINE_CHUNK);
      for (const req of chunk) {
        const keys = req.keys.map((k) => `${this.options.prefix}:pace:plan:${k.key}`);
        const args = [String(now()), req.holder, String(margin), ...ruleArgs(req)];
        (pipeline as unknown as { kringPaceReserve(n: number, ...a: string[]): void }).kringPaceReserve(keys.length, ...keys, ...args);
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [err, value] of results) {
        if (err) throw err;
        out.push(Number(value));
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Script arguments of a request's keys: rule count, then max and window per rule. */
function ruleArgs(req: PaceRequest): string[] {
  return req.keys.flatMap((k) => [String(k.rules.length), ...k.rules.flatMap((r) => [String(r.max), String(r.windowMs)])]);
}

/** {@link Pacer} in memory, for single-process mode and tests. Same algorithms as the Lua scripts. */
export class InMemoryPacer implements Pacer {
  private readonly logs = new Map<string, { holder: string; at: number }[]>();
  private readonly sentLogs = new Map<string, { ticket: string; at: number; inFlight: boolean }[]>();
  private seq = 0;

  constructor(private readonly options: { marginMs?: number; now?: () => number } = {}) {}

  async reserve(requests: readonly PaceRequest[]): Promise<number[]> {
    return requests.map((r) => this.reserveOne(r));
  }

  async take(request: PaceRequest): Promise<TakeResult> {
    const now = (this.options.now ?? Date.now)();
    const margin = this.options.marginMs ?? DEFAULT_PACE_MARGIN_MS;
    let wait = 0;
    let blockedBy = 0;
    for (const [i, { key, rules }] of request.keys.entries()) {
      const widest = Math.max(0, ...rules.map((r) => r.windowMs));
      for (const e of this.sentLogs.get(key) ?? []) if (e.inFlight && e.at < now - IN_FLIGHT_STALE_MS) e.inFlight = false;
      const log = (this.sentLogs.get(key) ?? []).filter((e) => e.inFlight || e.at >= now - widest - margin);
      this.sentLogs.set(key, log);
      // In flight counts as the most recent: it may arrive at any moment.
      const times = log.map((e) => (e.inFlight ? Number.POSITIVE_INFINITY : e.at)).sort((a, b) => a - b);
      for (const r of rules) {
        if (times.length < r.max) continue;
        const t = times[times.length - r.max]!;
        const w = t === Number.POSITIVE_INFINITY ? IN_FLIGHT_POLL_MS : t + r.windowMs + margin - now;
        if (w > wait) {
          wait = w;
          blockedBy = i;
        }
      }
    }
    if (wait > 0) return { waitMs: wait, blockedBy };
    const ticket = `${request.holder}@${++this.seq}`;
    for (const { key } of request.keys) this.sentLogs.get(key)!.push({ ticket, at: now, inFlight: true });
    return { waitMs: 0, ticket };
  }

  async sent(request: PaceRequest, ticket: string, at: number): Promise<void> {
    for (const { key } of request.keys) {
      for (const e of this.sentLogs.get(key) ?? []) {
        if (e.ticket !== ticket) continue;
        e.at = at;
        e.inFlight = false;
      }
    }
  }

  async close(): Promise<void> {
    this.logs.clear();
    this.sentLogs.clear();
  }

  private reserveOne(req: PaceRequest): number {
    const now = (this.options.now ?? Date.now)();
    const margin = this.options.marginMs ?? DEFAULT_PACE_MARGIN_MS;
    if (req.keys.length === 0) return now;
    const first = this.logs.get(req.keys[0]!.key);
    const existing = first?.find((e) => e.holder === req.holder);
    if (existing) return existing.at;
    let t = now;
    for (const { key, rules } of req.keys) {
      const widest = Math.max(0, ...rules.map((r) => r.windowMs));
      const log = (this.logs.get(key) ?? []).filter((e) => e.at >= now - widest - margin);
      this.logs.set(key, log);
      const n = log.length;
      if (n === 0) continue;
      t = Math.max(t, log[n - 1]!.at);
      for (const r of rules) if (n >= r.max) t = Math.max(t, log[n - r.max]!.at + r.windowMs + margin);
    }
    for (const { key } of req.keys) this.logs.get(key)!.push({ holder: req.holder, at: t });
    return t;
  }
}

/**
 * The earliest completion of `count` sends to one target under `rules`, starting at 0 (greedy earliest
 * slots, which is optimal for sliding windows).
 */
export function minimumSpanMs(count: number, rules: readonly WindowRule[]): number {
  return Math.max(0, ...minimumSchedule(Array.from({ length: count }, (_, i) => ({ holder: String(i), keys: [{ key: 'target', rules }] }))));
}

/**
 * The theoretical schedule of these requests on a virtual clock starting at 0: each request's earliest
 * slot under every rule of every key, in order, with no margin and no latency (greedy earliest slots, which
 * is optimal for sliding windows). The benchmark's minimum is its last slot plus one round trip.
 */
export function minimumSchedule(requests: readonly PaceRequest[]): number[] {
  const logs = new Map<string, number[]>();
  return requests.map((req) => {
    let t = 0;
    for (const { key, rules } of req.keys) {
      const log = logs.get(key) ?? [];
      for (const r of rules) if (log.length >= r.max) t = Math.max(t, log[log.length - r.max]! + r.windowMs);
    }
    for (const { key } of req.keys) {
      const log = logs.get(key) ?? [];
      log.push(t);
      log.sort((a, b) => a - b);
      logs.set(key, log);
    }
    return t;
  });
}
