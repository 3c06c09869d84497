/**
 * Pacing for the fan-out: "at most `max` requests per `windowMs`" per key, where a key is one bucket of a
 * platform's limits for one channel, workspace or the whole app (src/kernel/platform-limits.ts: Slack 1
 * post/s per channel and 50 edits/min per workspace, Teams 7/1 s per conversation and 50/s per tenant,
 * Discord 50/s per bot). Open-source BullMQ has no per-group limiter, and its queue limiter counts job
 * starts in fixed windows while platforms count request arrivals in sliding ones; so pacing has two parts,
 * both sliding-window logs (a sorted set per key):
 *
 * - `reserve` (planning, when jobs are enqueued): hands out send slots in order, the earliest free one
 *   being `max(now, last slot, slot[n - max] + window)` over every rule of every key; the job is delayed to
 *   its slot, so a thousand Discord posts become twenty batches a second apart instead of a thousand jobs
 *   bouncing off the limit. Asking again for the same holder returns the same slot (a repeated enqueue).
 * - `take` (enforcing, right before the request): records the request if every rule allows it now, else
 *   says how long to wait; `sent` then moves the record to the moment the platform's answer came back.
 *   The request reached the platform no later than that, so the next slot, counted from the answer, is
 *   safe whatever the latency and its jitter (a busy machine, a slow network). Jobs that run late never
 *   crowd the next one.
 */
/** "At most `max` per `windowMs`", on a sliding window. */
export interface WindowRule {
  max: number;
  windowMs: number;
}

/** One job's reservation request: the same slot on every key (e.g. the channel and its workspace). */
export interface PaceRequest {
  /** Who holds the slot (job id and attempt); asking again with the same holder returns the same slot. */
  holder: string;
  keys: readonly { key: string; rules: readonly WindowRule[] }[];
}

/** The answer of {@link Pacer.take}. */
export interface TakeResult {
  /** 0: the slot is taken (with `ticket`); else how many milliseconds to wait before asking again. */
  waitMs: number;
  ticket?: string;
  /**
   * When waiting: the index (in the request's keys) of the key that needs the longest wait. A wait on a key
   * shared by many requests (a workspace's or the app's) holds for all of them alike.
   */
  blockedBy?: number;
}

/** Hands out and enforces send slots. */
export interface Pacer {
  /** Plans a slot per request (in order); returns each slot's epoch milliseconds. */
  reserve(requests: readonly PaceRequest[]): Promise<number[]>;
  /**
   * Takes a send slot now if every rule of every key allows it (`waitMs` 0, with a ticket), else says how
   * many milliseconds to wait (nothing is taken).
   */
  take(request: PaceRequest): Promise<TakeResult>;
  /**
   * Moves a taken slot to `at`, the moment the platform's answer (or the failure) came back: the platform
   * counts arrivals, and this is the latest the request can have arrived, so the log never runs ahead of
   * the platform's count. Call it once per taken ticket, also when the request failed.
   */
  sent(request: PaceRequest, ticket: string, at: number): Promise<void>;
  close(): Promise<void>;
}
