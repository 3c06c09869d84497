import type { DeliveryReport } from '../domain/announcement.js';
import type { NewsRepository, NewsViews } from '../ports.js';
import type { NewsService } from '../domain/news.service.js';
import { ChatPlatformError, type ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import { DeferJobError, PermanentJobError, type JobMeta, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import { NEWS_JOBS, NEWS_QUEUE, parseJob } from './news.jobs.js';

/** Dependencies of {@link AnnouncementWorker}. */
export interface AnnouncementWorkerDeps {
  queue: JobQueue;
  service: NewsService;
  news: NewsRepository;
  platforms: ChatPlatforms;
  views: NewsViews;
  logger: Logger;
  /** Jobs of the news queue running at once (default 4). */
  concurrency?: number;
  /**
   * Told once per announcement when it becomes published (nothing pending any more), e.g. the admin API's
   * `announcement.published` webhook. A function, so listeners installed later can join.
   */
  published?: () => readonly ((report: DeliveryReport) => Promise<void>)[];
}

/**
 * Works the `news` queue: publish jobs (now or at the scheduled time; they create the deliveries and hand
 * them to the fan-out queues) and the coalesced refresh of live delivery reports, which also marks an
 * announcement published once nothing is pending.
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
        await this.refresh(job.announcementId);
        return;
      }
      default:
        throw new PermanentJobError(`unknown job ${name} on ${NEWS_QUEUE}`);
    }
  }

  private async announcePublished(report: DeliveryReport): Promise<void> {
    for (const listener of this.deps.published?.() ?? []) {
      try {
        await listener(report);
      } catch (err) {
        this.deps.logger.warn({ announcement: report.announcement.id, err: (err as Error).message }, 'news: published listener failed');
      }
    }
  }

  /** Settles the announcement if nothing is pending, then redraws every live report of it. */
  private async refresh(announcementId: string): Promise<void> {
    const current = await this.deps.service.reportById(announcementId);
    if (!current) return;
    const report = await this.deps.service.settle(current);
    // `settle` moves the row conditionally: only the refresh that made the move sees this transition.
    if (current.announcement.status === 'publishing' && report.announcement.status === 'published') await this.announcePublished(report);
    const messages = await this.deps.news.listStatusMessages(report.announcement.organizationId, announcementId);
    for (const m of messages) {
      const chat = this.deps.platforms.get(m.platform);
      if (!chat) continue;
      try {
        await chat.update({ platform: m.platform, workspaceId: m.workspaceId, channelId: m.channelId, messageId: m.messageId }, this.deps.views.report(report, m.locale));
      } catch (err) {
        // A report is a convenience: the next refresh (or the manager's next `status`) draws it again.
        const code = err instanceof ChatPlatformError ? err.code : 'ERROR';
        this.deps.logger.info({ announcement: announcementId, code }, 'news: live report not refreshed');
      }
    }
  }
}
