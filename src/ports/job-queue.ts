/**
 * Background jobs. Two implementations behind this port: BullMQ on Redis (multi-process), and an
 * in-process driver for single-process mode (no REDIS_URL). Payloads are validated by the job's
 * definition in src/queue/jobs.ts on both ends.
 */
export interface EnqueueOptions {
  /** Deterministic id: a second enqueue with the same id is ignored while the first exists. No `:`. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Attempts before the job fails for good (default 5), with exponential backoff. */
  attempts?: number;
}

/** Handles one job; throw to retry (until attempts run out), throw `PermanentJobError` to fail at once. */
export type JobHandler<P> = (payload: P, meta: { jobId: string; attempt: number }) => Promise<void>;

export interface JobQueue {
  /** `bullmq` or `in-process`. */
  readonly driver: 'bullmq' | 'in-process';
  /** Adds a job to the named queue. */
  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /** Starts processing the named queue's jobs with `handler` (one call per queue). */
  process(queue: string, handler: (name: string, payload: unknown, meta: { jobId: string; attempt: number }) => Promise<void>): void;
  /** Resolves when the backing store answers (readiness). */
  ping(): Promise<void>;
  /** Stops taking new jobs, lets running ones finish, closes connections. */
  close(): Promise<void>;
}

/** Thrown by a job handler when retrying cannot help (bad payload, target gone). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
