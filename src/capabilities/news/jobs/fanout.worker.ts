import type { DeliveryService } from '../domain/delivery.service.js';
import { PLATFORMS, type Platform } from '../../../kernel/types.js';
import { DeferJobError, PermanentJobError, type JobMeta, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { PlatformLimits } from '../../../kernel/platform-limits.js';
import { NEWS_JOBS, fanoutQueue, parseJob } from './news.jobs.js';

/** Dependencies of {@link FanoutWorker}. */
export interface FanoutWorkerDeps {
  queue: JobQueue;
  deliveries: Pick<DeliveryService, 'deliver' | 'update' | 'retract'>;
  limits: Readonly<Record<Platform, PlatformLimits>>;
  /** Platforms whose queues this process works (default: every platform). */
  only?: readonly Platform[];
}

/**
 * Works the per-platform fan-out queues (`fanout-discord`, `fanout-slack`, `fanout-teams`): parses each
 * job and hands it to the {@link DeliveryService}. Each queue gets its platform's concurrency; there is no
 * queue limiter: the delivery service paces every request in the platform's sliding windows, and a 429
 * defers only the job that got it.
 */
export class FanoutWorker {
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: FanoutWorkerDeps) {}

  /** Starts one worker per platform queue, with that platform's concurrency. */
  start(): void {
    for (const platform of this.deps.only ?? PLATFORMS) {
      this.deps.queue.process(fanoutQueue(platform), (name, payload, meta) => this.track(this.handle(platform, name, payload, meta)), {
        concurrency: this.deps.limits[platform].concurrency,
      });
    }
  }

  /**
   * Graceful stop: jobs that start from now on go back to the queue untouched (deferred 1 s, no attempt
   * used) and running ones finish. The queue itself is closed by the composition root.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async handle(platform: Platform, name: string, payload: unknown, meta: JobMeta): Promise<void> {
    if (this.stopping) throw new DeferJobError(1000, 'worker stopping: job returned to the queue');
    switch (name) {
      case NEWS_JOBS.deliver.name: {
        const job = parseJob(NEWS_JOBS.deliver.schema, payload, name);
        return this.deps.deliveries.deliver(job.deliveryId, meta);
      }
      case NEWS_JOBS.update.name: {
        const job = parseJob(NEWS_JOBS.update.schema, payload, name);
        return this.deps.deliveries.update(job.deliveryId, job.version, meta);
      }
      case NEWS_JOBS.retract.name: {
        const job = parseJob(NEWS_JOBS.retract.schema, payload, name);
        return this.deps.deliveries.retract(job.deliveryId, meta);
      }
      default:
        throw new PermanentJobError(`unknown job ${name} on ${fanoutQueue(platform)}`);
    }
  }
}
