import type { NewsService } from '../domain/news.service.js';
import type { ReportService } from '../domain/report.service.js';
import { DeferJobError, PermanentJobError, type JobMeta, type JobQueue } from '../../../kernel/ports/job-queue.js';
import { NEWS_JOBS, NEWS_QUEUE, parseJob } from './news.jobs.js';

/** Dependencies of {@link AnnouncementWorker}. */
export interface AnnouncementWorkerDeps {
  queue: JobQueue;
  service: Pick<NewsService, 'publish'>;
  reports: Pick<ReportService, 'refresh'>;
  /** Jobs of the news queue running at once (default 4). */
  concurrency?: number;
}

/**
 * Works the `news` queue: publish jobs (now or at the scheduled time; they create the deliveries and hand
 * them to the fan-out queues) and the coalesced refresh of live delivery reports ({@link ReportService},
 * which also marks an announcement published once nothing is pending).
 */
export class AnnouncementWorker {
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: AnnouncementWorkerDeps) {}

  start(): void {
    this.deps.queue.process(
      NEWS_QUEUE,
      (name, payload, meta) => {
        const work = this.handle(name, payload, meta);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
        return work;
      },
      { concurrency: this.deps.concurrency ?? 4 },
    );
  }

  /** Running jobs finish; jobs that start from now on return to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(name: string, payload: unknown, _meta: JobMeta): Promise<void> {
    if (this.stopping) throw new DeferJobError(1000, 'worker stopping: job returned to the queue');
    switch (name) {
      case NEWS_JOBS.publish.name: {
        const job = parseJob(NEWS_JOBS.publish.schema, payload, name);
        await this.deps.service.publish(job.announcementId, job.publishAt === undefined ? undefined : new Date(job.publishAt));
        return;
      }
      case NEWS_JOBS.status.name: {
        const job = parseJob(NEWS_JOBS.status.schema, payload, name);
        await this.deps.reports.refresh(job.announcementId);
        return;
      }
      default:
        throw new PermanentJobError(`unknown job ${name} on ${NEWS_QUEUE}`);
    }
  }
}
