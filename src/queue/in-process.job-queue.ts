import { PermanentJobError, type EnqueueOptions, type JobQueue } from '../ports/job-queue.js';
import type { Logger } from '../ports/logger.js';

type Handler = (name: string, payload: unknown, meta: { jobId: string; attempt: number }) => Promise<void>;

interface PendingJob {
  queue: string;
  name: string;
  payload: unknown;
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

/**
 * {@link JobQueue} for single-process mode (no REDIS_URL): jobs run in this process, with delays,
 * de-duplication by job id and exponential-backoff retries, but nothing survives a restart. Start-up logs
 * that clearly. Jobs enqueued before `process` is called wait for their handler.
 */
export class InProcessJobQueue implements JobQueue {
  readonly driver = 'in-process' as const;
  private readonly handlers = new Map<string, Handler>();
  private readonly waiting = new Map<string, PendingJob[]>();
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
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
    const job: PendingJob = { queue, name, payload, jobId, attempt: 1, maxAttempts: options.attempts ?? 5 };
    this.schedule(job, options.delayMs ?? 0);
  }

  process(queue: string, handler: Handler): void {
    this.handlers.set(queue, handler);
    const backlog = this.waiting.get(queue) ?? [];
    this.waiting.delete(queue);
    for (const job of backlog) this.schedule(job, 0);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(job: PendingJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(job);
    }, delayMs);
    this.timers.add(timer);
  }

  private run(job: PendingJob): void {
    if (this.closed) return;
    const handler = this.handlers.get(job.queue);
    if (!handler) {
      const list = this.waiting.get(job.queue) ?? [];
      list.push(job);
      this.waiting.set(job.queue, list);
      return;
    }
    const p = handler(job.name, job.payload, { jobId: job.jobId, attempt: job.attempt })
      .then(() => {
        this.known.delete(`${job.queue}/${job.jobId}`);
      })
      .catch((err: unknown) => {
        const permanent = err instanceof PermanentJobError;
        if (!permanent && job.attempt < job.maxAttempts) {
          const delay = this.baseBackoffMs * 2 ** (job.attempt - 1) * (0.5 + Math.random() / 2);
          this.logger.warn({ queue: job.queue, job: job.name, attempt: job.attempt, err: (err as Error).message }, 'job failed, retrying');
          this.schedule({ ...job, attempt: job.attempt + 1 }, delay);
        } else {
          this.known.delete(`${job.queue}/${job.jobId}`);
          this.logger.error({ queue: job.queue, job: job.name, attempt: job.attempt, err: (err as Error).message }, 'job failed for good');
        }
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
}
