import { CronExpressionParser } from 'cron-parser';
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

interface PendingJob {
  queue: string;
  name: string;
  payload: unknown;
  jobId: string;
  attempt: number;
  maxAttempts: number;
  backoffMs: number;
  /** When the job became ready (enqueued plus delay); cleared once it ran (JobMeta.readyAt). */
  readyAt: number | undefined;
}

/** One queue's worker state: what is ready to run, what runs, and when it may start the next job. */
interface Lane {
  handler: QueueHandler | undefined;
  options: ProcessOptions;
  ready: PendingJob[];
  running: number;
  /** Start times inside the limiter's current window (sliding). */
  starts: number[];
  /** Paused by a 429 until this time (epoch ms). */
  pausedUntil: number;
  wakeTimer: NodeJS.Timeout | undefined;
}

/**
 * {@link JobQueue} for single-process mode (no REDIS_URL): jobs run in this process, with delays,
 * de-duplication by job id, exponential-backoff retries, per-queue concurrency and limiter, 429 pauses and
 * deferrals, but nothing survives a restart. Start-up logs that clearly. Jobs enqueued before `process` is
 * called wait for their handler.
 */
export class InProcessJobQueue implements JobQueue {
  readonly driver = 'in-process' as const;
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Cron schedules by key: the timer of the next run, replaced on every run and on re-scheduling. */
  private readonly repeats = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private seq = 0;

  constructor(private readonly logger: Logger, private readonly baseBackoffMs = 1000) {}

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const jobId = options.jobId ?? `job-${++this.seq}`;
    const key = `${queue}/${jobId}`;
    if (this.known.has(key)) return; // same deterministic id: ignored, as BullMQ does
    this.known.add(key);
    const job: PendingJob = {
      queue,
      name,
      payload,
      jobId,
      attempt: 1,
      maxAttempts: options.attempts ?? 5,
      backoffMs: options.backoffMs ?? this.baseBackoffMs,
      readyAt: Date.now() + Math.max(0, options.delayMs ?? 0),
    };
    this.schedule(job, options.delayMs ?? 0);
  }

  async enqueueBulk(queue: string, jobs: readonly BulkJob[]): Promise<void> {
    for (const j of jobs) await this.enqueue(queue, j.name, j.payload, j.options);
  }

  async repeat(queue: string, name: string, cron: string, tz: string, options: ScheduleOptions = {}): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const key = options.key ?? `${queue}-${name}`;
    // Parse now, so a bad pattern or time zone fails the caller instead of a timer later.
    CronExpressionParser.parse(cron, { tz });
    const previous = this.repeats.get(key);
    if (previous) clearTimeout(previous);
    const arm = () => {
      const next = CronExpressionParser.parse(cron, { tz, currentDate: new Date() }).next().toDate();
      // setTimeout holds at most ~24.8 days; a longer wait re-arms on the way without running.
      const wait = Math.min(next.getTime() - Date.now(), 2 ** 31 - 1);
      const timer = setTimeout(() => {
        if (this.closed) return;
        if (Date.now() >= next.getTime() - 5) {
          this.enqueue(queue, name, options.payload ?? {}, { jobId: `${key}-${next.getTime()}`, attempts: 3 }).catch((err: unknown) =>
            this.logger.warn({ queue, job: name, err: (err as Error).message }, 'repeating job not enqueued'),
          );
        }
        arm();
      }, Math.max(wait, 0));
      timer.unref();
      this.repeats.set(key, timer);
    };
    arm();
  }

  process(queue: string, handler: QueueHandler, options: ProcessOptions = {}): void {
    const lane = this.lane(queue);
    lane.handler = handler;
    lane.options = options;
    this.pump(queue);
  }

  /** Jobs per queue that are ready to run and running in this process (for `/metrics`; delayed ones are not counted per queue). */
  async jobCounts(): Promise<Record<string, { waiting: number; active: number }>> {
    return Object.fromEntries([...this.lanes].map(([queue, lane]) => [queue, { waiting: lane.ready.length, active: lane.running }]));
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.repeats.values()) clearTimeout(t);
    this.repeats.clear();
    for (const lane of this.lanes.values()) if (lane.wakeTimer) clearTimeout(lane.wakeTimer);
    await Promise.allSettled([...this.running]);
  }

  private lane(queue: string): Lane {
    let lane = this.lanes.get(queue);
    if (!lane) {
      lane = { handler: undefined, options: {}, ready: [], running: 0, starts: [], pausedUntil: 0, wakeTimer: undefined };
      this.lanes.set(queue, lane);
    }
    return lane;
  }

  private schedule(job: PendingJob, delayMs: number, front = false): void {
    if (delayMs <= 0) {
      this.makeReady(job, front);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.makeReady(job, front);
    }, delayMs);
    this.timers.add(timer);
  }

  private makeReady(job: PendingJob, front: boolean): void {
    if (this.closed) return;
    const lane = this.lane(job.queue);
    if (front) lane.ready.unshift(job);
    else lane.ready.push(job);
    this.pump(job.queue);
  }

  /** Starts as many ready jobs as concurrency, limiter and a 429 pause allow; sets a wake-up otherwise. */
  private pump(queue: string): void {
    const lane = this.lane(queue);
    if (this.closed || !lane.handler) return;
    const concurrency = lane.options.concurrency ?? Number.POSITIVE_INFINITY;
    const limiter = lane.options.limiter;
    while (lane.ready.length > 0 && lane.running < concurrency) {
      const now = Date.now();
      let waitMs = lane.pausedUntil - now;
      if (limiter) {
        lane.starts = lane.starts.filter((t) => t > now - limiter.durationMs);
        if (lane.starts.length >= limiter.max) waitMs = Math.max(waitMs, lane.starts[0]! + limiter.durationMs - now);
      }
      if (waitMs > 0) {
        this.wakeAfter(queue, waitMs);
        return;
      }
      const job = lane.ready.shift()!;
      lane.starts.push(now);
      this.run(lane, job);
    }
  }

  private wakeAfter(queue: string, ms: number): void {
    const lane = this.lane(queue);
    if (lane.wakeTimer) return;
    lane.wakeTimer = setTimeout(() => {
      lane.wakeTimer = undefined;
      this.pump(queue);
    }, ms);
  }

  private run(lane: Lane, job: PendingJob): void {
    lane.running++;
    const key = `${job.queue}/${job.jobId}`;
    const readyAt = job.readyAt;
    job.readyAt = undefined;
    const p = lane.handler!(job.name, job.payload, { jobId: job.jobId, attempt: job.attempt, maxAttempts: job.maxAttempts, ...(readyAt === undefined ? {} : { readyAt }) })
      .then(() => {
        this.known.delete(key);
      })
      .catch((err: unknown) => {
        if (err instanceof RateLimitedJobError) {
          // The whole queue waits; the job goes back to the front with the same attempt.
          lane.pausedUntil = Math.max(lane.pausedUntil, Date.now() + err.retryAfterMs);
          this.schedule(job, 0, true);
          return;
        }
        if (err instanceof DeferJobError) {
          this.schedule(job, err.delayMs);
          return;
        }
        const permanent = err instanceof PermanentJobError;
        if (!permanent && job.attempt < job.maxAttempts) {
          const delay = job.backoffMs * 2 ** (job.attempt - 1) * (0.5 + Math.random() / 2);
          this.logger.warn({ queue: job.queue, job: job.name, attempt: job.attempt, err: (err as Error).message }, 'job failed, retrying');
          this.schedule({ ...job, attempt: job.attempt + 1 }, delay);
        } else {
          this.known.delete(key);
          this.logger.error({ queue: job.queue, job: job.name, attempt: job.attempt, err: (err as Error).message }, 'job failed for good');
        }
      })
      .finally(() => {
        this.running.delete(p);
        lane.running--;
        this.pump(job.queue);
      });
    this.running.add(p);
  }
}
