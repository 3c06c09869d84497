import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentJobError, type EnqueueOptions, type JobQueue } from '../ports/job-queue.js';
import type { Logger } from '../ports/logger.js';

/**
 * {@link JobQueue} on BullMQ + Redis: jobs survive restarts and spread over processes. One BullMQ queue
 * (and, once `process` is called, one worker) per Kring queue name.
 */
export class BullMqJobQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: Redis;

  constructor(
    private readonly options: { url: string; prefix?: string; logger: Logger; concurrency?: number },
  ) {
    // BullMQ requires maxRetriesPerRequest: null on connections used by workers.
    this.connection = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => options.logger.warn({ err: err.message }, 'redis connection error'));
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection as ConnectionOptions, prefix: this.options.prefix ?? 'kring' });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(queue: string, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.queue(queue).add(name, payload, {
      ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
      ...(options.delayMs === undefined ? {} : { delay: options.delayMs }),
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  process(queue: string, handler: (name: string, payload: unknown, meta: { jobId: string; attempt: number }) => Promise<void>): void {
    const worker = new Worker(
      queue,
      async (job) => {
        try {
          await handler(job.name, job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
        } catch (err) {
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection: this.connection.duplicate({ maxRetriesPerRequest: null }) as ConnectionOptions,
        prefix: this.options.prefix ?? 'kring',
        concurrency: this.options.concurrency ?? 4,
      },
    );
    worker.on('failed', (job, err) =>
      this.options.logger.warn({ queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => this.options.logger.error({ queue, err: err.message }, 'worker error'));
    this.workers.push(worker);
  }

  async ping(): Promise<void> {
    const answer = await this.connection.ping();
    if (answer !== 'PONG') throw new Error(`unexpected Redis ping answer: ${answer}`);
  }

  async close(): Promise<void> {
    // Workers first: close() waits for running jobs to finish.
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.workers.map((w) => w.disconnect().catch(() => undefined)));
    this.connection.disconnect();
  }
}
