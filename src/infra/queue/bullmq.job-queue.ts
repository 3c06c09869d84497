import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DeferJobError,
  PermanentJobError,
  RateLimitedJobError,
  type BulkJob,
  type EnqueueOptions,
  type JobQueue,
  type ProcessOptions,
  type QueueHandler,
  type ScheduleOptions,
} from '../../kernel/ports/job-queue.js';
import type { Logger } from '../../kernel/ports/logger.js';

/** Options of {@link BullMqJobQueue}. */
export interface BullMqJobQueueOptions {
  url: string;
  /** Key prefix in Redis (default `kring`); tests isolate runs with a unique one. */
  prefix?: string;
  logger: Logger;
  /** Default concurrency of a queue's worker when `process` names none (default 4). */
  concurrency?: number;
  /**
   * How long a worker's lock on a running job lasts (default {@link DEFAULT_LOCK_DURATION_MS}; BullMQ's own
   * is 30 s). A job whose worker died (kill -9) is handed to another worker once its lock expires, at the
   * next stalled check; a live worker renews its locks every half of this.
   */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default {@link DEFAULT_STALLED_INTERVAL_MS}; BullMQ's 30 s). */
  stalledIntervalMs?: number;
  /** Times a job may stall before it fails for good (default {@link DEFAULT_MAX_STALLED_COUNT}; BullMQ's 1). */
  maxStalledCount?: number;
}

/**
 * Lock and stalled-check defaults: the jobs of a worker killed with SIGKILL go back to the waiting list at
 * most lock + 2 x interval = 9 s after the kill (a job is marked at one check and moved at the next),
 * instead of about a minute with BullMQ's 30 s defaults. The lock is renewed every 2.5 s, so only an event
 * loop blocked for 5 s loses one; Kring's handlers are idempotent (conditional claims and records), so a
 * job that another worker takes over meanwhile does no harm.
 */
export const DEFAULT_LOCK_DURATION_MS = 5000;
export const DEFAULT_STALLED_INTERVAL_MS = 2000;
/** A job may stall a few times (a crash, a restart, a long pause) before it fails for good. */
export const DEFAULT_MAX_STALLED_COUNT = 5;

/**
 * BullMQ's limiter is also what makes `rateLimit` (a 429's Retry-After) hold every worker of the queue: it is
 * only consulted when the worker has a limiter. Queues without a limit of their own get one that never binds.
 */
const UNBOUNDED_LIMITER = { max: 1_000_000_000, duration: 1000 } as const;

/**
 * BullMQ's `addBulk` runs as one MULTI: chunks keep one call's memory and latency bounded. The first chunk
 * is small, so that workers start on the first jobs of a large fan-out while the rest is added.
 */
const BULK_CHUNK = 1000;
const FIRST_BULK_CHUNK = 100;

/**
 * {@link JobQueue} on BullMQ + Redis: jobs survive restarts and spread over processes. One BullMQ queue
 * (and, once `process` is called, one worker) per Kring queue name.
 */
export class BullMqJobQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  /** The Redis key prefix of every queue (and of anything else this deployment keeps beside them). */
  readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: Redis;

  constructor(private readonly options: BullMqJobQueueOptions) {
    this.prefix = options.prefix ?? 'kring';
    // BullMQ requires maxRetriesPerRequest: null on connections used by workers.
    this.connection = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => options.logger.warn({ err: err.message }, 'redis connection error'));
  }

  /**
   * A new Redis connection to the same server, for neighbours that keep their own state beside the queues
   * (e.g. the fan-out pacer). The caller closes it.
   */
  duplicateConnection(): Redis {
    return this.connection.duplicate({ maxRetriesPerRequest: null });
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection as ConnectionOptions, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  private jobOptions(options: EnqueueOptions): JobsOptions {
    return {
      ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
      ...(options.delayMs === undefined || options.delayMs <= 0 ? {} : { delay: Math.ceil(options.delayMs) }),
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.queue(queue).add(name, payload, this.jobOptions(options));
  }

  async enqueueBulk(queue: string, jobs: readonly BulkJob[]): Promise<void> {
    const q = this.queue(queue);
    for (let i = 0; i < jobs.length; ) {
      const size = i === 0 ? FIRST_BULK_CHUNK : BULK_CHUNK;
      await q.addBulk(jobs.slice(i, i + size).map((j) => ({ name: j.name, data: j.payload, opts: this.jobOptions(j.options ?? {}) })));
      i += size;
    }
  }

  async repeat(queue: string, name: string, cron: string, tz: string, options: ScheduleOptions = {}): Promise<void> {
    // A job scheduler (BullMQ >= 5.16) is upserted by id: every process may call this at start-up and
    // there is still one schedule, producing one job per match.
    await this.queue(queue).upsertJobScheduler(
      options.key ?? `${queue}-${name}`,
      { pattern: cron, tz },
      {
        name,
        data: options.payload ?? {},
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600, count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
      },
    );
  }

  process(queue: string, handler: QueueHandler, options: ProcessOptions = {}): void {
    // Known as a queue too (not only a worker): its depth is scraped and Bull Board shows it.
    this.queue(queue);
    const worker: Worker = new Worker(
      queue,
      async (job, token) => {
        try {
          await handler(job.name, job.data, {
            jobId: job.id ?? '',
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
            // attemptsStarted counts every start (deferrals too): only the first run waited in the queue.
            ...(job.attemptsStarted <= 1 ? { readyAt: job.timestamp + (job.opts.delay ?? 0) } : {}),
          });
        } catch (err) {
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          if (err instanceof RateLimitedJobError) {
            // Every worker of this queue (in every process) waits; the job returns to the front, attempt kept.
            await this.queue(queue).rateLimit(err.retryAfterMs);
            throw Worker.RateLimitError();
          }
          if (err instanceof DeferJobError) {
            await job.moveToDelayed(Date.now() + err.delayMs, token);
            throw new DelayedError();
          }
          throw err;
        }
      },
      {
        connection: this.connection.duplicate({ maxRetriesPerRequest: null }) as ConnectionOptions,
        prefix: this.prefix,
        concurrency: options.concurrency ?? this.options.concurrency ?? 4,
        limiter: options.limiter ? { max: options.limiter.max, duration: options.limiter.durationMs } : UNBOUNDED_LIMITER,
        lockDuration: this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
        stalledInterval: this.options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
        maxStalledCount: this.options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
      },
    );
    worker.on('failed', (job, err) =>
      this.options.logger.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => this.options.logger.error({ queue, err: err.message }, 'worker error'));
    this.workers.push(worker);
  }

  /** Job counts per state of every queue this process has used, read from Redis (for `/metrics`). */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      [...this.queues].map(async ([name, q]) => [name, await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')] as const),
    );
    return Object.fromEntries(entries);
  }

  /** The BullMQ queues this process has used (Bull Board shows them). */
  bullQueues(): Queue[] {
    return [...this.queues.values()];
  }

  async ping(): Promise<void> {
    const answer = await this.connection.ping();
    if (answer !== 'PONG') throw new Error(`unexpected Redis ping answer: ${answer}`);
  }

  async close(): Promise<void> {
    // Workers first: close() waits for running jobs to finish; waiting and delayed jobs stay in Redis.
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.workers.map((w) => w.disconnect().catch(() => undefined)));
    this.connection.disconnect();
  }
}
