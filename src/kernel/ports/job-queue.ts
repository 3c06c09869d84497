/**
 * Background jobs. Two implementations behind this port: BullMQ on Redis (multi-process), and an
 * in-process driver for single-process mode (no REDIS_URL). Payloads are validated by the job's
 * definition in its capability's jobs/ folder on both ends.
 *
 * Deliberately left out: job priorities, flows/parent jobs and reading job state back (repeating jobs:
 * only a cron pattern per key, see {@link JobQueue.repeat}). Work that must survive is recorded in the
 * database by the handler; the queue only carries "do this".
 */
export interface EnqueueOptions {
  /** Deterministic id: a second enqueue with the same id is ignored while the first exists. No `:`. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Attempts before the job fails for good (default 5), with exponential backoff. */
  attempts?: number;
  /**
   * First retry delay of the exponential backoff (default 1000 ms); attempt n waits about
   * `backoffMs * 2^(n-1)`, with jitter so retries of a failed batch do not arrive together.
   */
  backoffMs?: number;
}

/** One job of {@link JobQueue.enqueueBulk}. */
export interface BulkJob {
  name: string;
  payload: unknown;
  options?: EnqueueOptions;
}

/** What a handler knows about the run it is in. */
export interface JobMeta {
  jobId: string;
  /** 1 for the first try; retries count up. Rate-limit pauses and deferrals do not consume attempts. */
  attempt: number;
  /** The job's attempt budget (`EnqueueOptions.attempts`): on the last attempt a handler can record the give-up. */
  maxAttempts: number;
  /**
   * On a job's first run only: when it became ready to run (epoch ms: enqueued plus its delay), for the
   * queue-wait metric. Undefined on retries and after deferrals.
   */
  readyAt?: number;
}

/** A repeating job: `name` runs on `queue` whenever the cron pattern matches in time zone `tz`. */
export interface ScheduleOptions {
  /**
   * Identifies the schedule (default `<queue>-<name>`); scheduling again with the same key replaces the
   * pattern, time zone and payload instead of adding a second schedule. No `:`.
   */
  key?: string;
  /** Payload of every run (validated by the job's handler like any other payload). */
  payload?: unknown;
}

/** Handles one job; throw to retry (until attempts run out), throw `PermanentJobError` to fail at once. */
export type JobHandler<P> = (payload: P, meta: JobMeta) => Promise<void>;

/** The handler `process` takes: the job's name, its (unvalidated) payload and the run's meta. */
export type QueueHandler = (name: string, payload: unknown, meta: JobMeta) => Promise<void>;

/** How a queue's jobs are taken; every member optional. */
export interface ProcessOptions {
  /** Jobs of this queue running at once in this process (BullMQ default 4; in-process default unlimited). */
  concurrency?: number;
  /**
   * At most `max` jobs start per `durationMs`, across every process working this queue (BullMQ keeps the
   * counter in Redis). Match it to the platform limit behind the queue, e.g. Discord's 50 requests/s.
   */
  limiter?: { max: number; durationMs: number };
}

export interface JobQueue {
  /** `bullmq` or `in-process`. */
  readonly driver: 'bullmq' | 'in-process';
  /** Adds a job to the named queue. */
  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /**
   * Adds many jobs to the named queue in few round trips (a fan-out of thousands). Same semantics per job as
   * {@link enqueue}, including de-duplication by `jobId`.
   */
  enqueueBulk(queue: string, jobs: readonly BulkJob[]): Promise<void>;
  /**
   * Runs `name` on `queue` on a five-field cron pattern (`0 9 * * 1`: Mondays 09:00) in IANA time zone
   * `tz`, daylight saving included. BullMQ keeps the schedule in Redis (one run per match across
   * processes); the in-process driver keeps it in memory until `close`.
   */
  repeat(queue: string, name: string, cron: string, tz: string, options?: ScheduleOptions): Promise<void>;
  /** Starts processing the named queue's jobs with `handler` (one call per queue). */
  process(queue: string, handler: QueueHandler, options?: ProcessOptions): void;
  /** Resolves when the backing store answers (readiness). */
  ping(): Promise<void>;
  /** Stops taking new jobs, lets running ones finish, closes connections. Waiting jobs stay queued (BullMQ). */
  close(): Promise<void>;
}

/** Thrown by a job handler when retrying cannot help (bad payload, target gone). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Thrown by a job handler when the service behind the queue answered "too many requests" (HTTP 429):
 * the whole queue pauses for `retryAfterMs` (in BullMQ across every process: `rateLimit` +
 * `Worker.RateLimitError`), the job goes back to the front of the queue and no attempt is consumed.
 */
export class RateLimitedJobError extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, message = `rate limited for ${retryAfterMs} ms`, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitedJobError';
    this.retryAfterMs = Math.max(1, Math.ceil(retryAfterMs));
  }
}

/**
 * Thrown by a job handler to run this job again no earlier than `delayMs` from now, without consuming an
 * attempt and without holding up the rest of the queue (per-target pacing: "this channel's next free slot
 * is in 800 ms"). BullMQ moves the job to its delayed set.
 */
export class DeferJobError extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, message = `deferred for ${delayMs} ms`) {
    super(message);
    this.name = 'DeferJobError';
    this.delayMs = Math.max(1, Math.ceil(delayMs));
  }
}
