import type { BulkJob, EnqueueOptions, JobQueue, ProcessOptions, QueueHandler, ScheduleOptions } from '../../kernel/ports/job-queue.js';
import type { Logger } from '../../kernel/ports/logger.js';

/** What a process's roles allow it to do with the queue (`KRING_ROLES`). */
export interface QueueRoles {
  /** `workers`: take jobs (`process`). */
  workers: boolean;
  /** `schedulers`: register repeating jobs (`repeat`). */
  schedulers: boolean;
}

/**
 * The queue as a process with only some roles sees it (docs/SCALING.md): every process enqueues, but only a
 * `workers` process takes jobs and only a `schedulers` process registers the repeating ones. Capabilities
 * are built the same way in every process and call `process` and `repeat` at start-up; here those calls
 * become no-ops where the role is missing, so the composition root does not branch per capability.
 *
 * The queue underneath is shared (BullMQ on Redis): jobs enqueued by an `http` process are taken by any
 * `workers` process, and a schedule registered by one `schedulers` process runs once per match however many
 * of them register it (BullMQ job schedulers are upserted by key).
 */
export class RoleJobQueue implements JobQueue {
  readonly driver: JobQueue['driver'];
  /** Queue names this process would have worked, had it the `workers` role (logged once at start). */
  readonly skippedQueues: string[] = [];
  /** Schedules this process would have registered, had it the `schedulers` role. */
  readonly skippedSchedules: string[] = [];

  constructor(
    /** The real queue; also what the pacer and readiness use. */
    readonly inner: JobQueue,
    private readonly roles: QueueRoles,
    private readonly logger: Logger,
  ) {
    this.driver = inner.driver;
  }

  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<void> {
    return this.inner.enqueue(queue, name, payload, options);
  }

  enqueueBulk(queue: string, jobs: readonly BulkJob[]): Promise<void> {
    return this.inner.enqueueBulk(queue, jobs);
  }

  async repeat(queue: string, name: string, cron: string, tz: string, options?: ScheduleOptions): Promise<void> {
    if (!this.roles.schedulers) {
      this.skippedSchedules.push(options?.key ?? `${queue}-${name}`);
      return;
    }
    await this.inner.repeat(queue, name, cron, tz, options);
  }

  process(queue: string, handler: QueueHandler, options?: ProcessOptions): void {
    if (!this.roles.workers) {
      this.skippedQueues.push(queue);
      return;
    }
    this.inner.process(queue, handler, options);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    if (this.skippedQueues.length > 0 || this.skippedSchedules.length > 0) {
      this.logger.debug({ queues: this.skippedQueues.length, schedules: this.skippedSchedules.length }, 'queue roles: skipped workers and schedules');
    }
    return this.inner.close();
  }
}
