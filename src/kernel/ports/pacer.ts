/**
 * Pacing for the fan-out: "at most `max` sends per `windowMs`" per channel (Slack 1 message/s; Teams 7/1 s,
 * 8/2 s, 60/30 s per conversation) and per platform (Discord 50 requests/s). Open-source BullMQ has no
 * per-group limiter, and its queue limiter counts job starts in fixed windows while platforms count request
 * arrivals in sliding ones; so pacing has two parts, both sliding-window logs (a sorted set per key):
 *
 * - `reserve` (planning, when jobs are enqueued): hands out send slots in order, the earliest free one
 *   being `max(now, last slot, slot[n - max] + window)` over every rule; the job is delayed to its slot, so
 *   ten posts to one Slack channel are spread a second apart instead of bouncing off each other. Asking
 *   again for the same holder returns the same slot (a repeated enqueue).
 * - `take` (enforcing, right before the request): records the send if every rule allows it now, else
 *   says how long to wait; `sent` then moves the record to the moment the request left. Jobs that run late
 *   (a busy queue) therefore never crowd the next one.
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

/** Hands out and enforces send slots. */
export interface Pacer {
  /** Plans a slot per request (in order); returns each slot's epoch milliseconds. */
  reserve(requests: readonly PaceRequest[]): Promise<number[]>;
  /**
   * Takes a send slot now if every rule of every key allows it (`waitMs` 0, with a ticket), else says how
   * many milliseconds to wait (nothing is taken).
   */
  take(request: PaceRequest): Promise<{ waitMs: number; ticket?: string }>;
  /**
   * Moves a taken slot to the moment the request actually left (after the round trip to the pacer): the
   * platform counts arrivals, so the log must not run ahead of them.
   */
  sent(request: PaceRequest, ticket: string, at: number): Promise<void>;
  close(): Promise<void>;
}
