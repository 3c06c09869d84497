import { createNewsViews, newsCommands, newsForms } from './commands.js';
import type { DeliveryReport } from './domain/announcement.js';
import type { NewsRepository, NewsViews } from './ports.js';
import { NewsService } from './domain/news.service.js';
import type { Platform } from '../../kernel/types.js';
import { PrismaNewsRepository } from './repository/prisma-news.repository.js';
import { AnnouncementWorker } from './jobs/announcement.worker.js';
import { BullMqJobQueue } from '../../infra/queue/bullmq.job-queue.js';
import { PLATFORM_LIMITS, type PlatformLimits } from '../../kernel/platform-limits.js';
import { InMemoryPacer, RedisPacer, type Pacer } from '../../infra/queue/pacer.js';
import { FanoutDispatcher, type FanoutRetryPolicy } from './jobs/fanout.dispatcher.js';
import { FanoutWorker } from './jobs/fanout.worker.js';
import type { CapabilityContext, CapabilityInstall } from '../../capability.js';

/** Parts a test or benchmark may replace when installing news. */
export interface NewsOptions {
  repo?: NewsRepository;
  pacer?: Pacer;
  limits?: Readonly<Record<Platform, PlatformLimits>>;
  retry?: FanoutRetryPolicy;
  statusWindowMs?: number;
  /** Work only these platforms' fan-out queues in this process (default all). */
  workPlatforms?: readonly Platform[];
  /** Do not work any queue in this process (a web-only process; workers run elsewhere). */
  noWorkers?: boolean;
  /**
   * Listeners told once when an announcement becomes published (the admin API's `announcement.published`
   * webhook). A function, so the composition root can add listeners of capabilities installed later.
   */
  published?: () => readonly ((report: DeliveryReport) => Promise<void>)[];
}

/** What {@link installNews} built, for tests and benchmarks that drive the parts directly. */
export interface NewsInstall extends CapabilityInstall {
  service: NewsService;
  repo: NewsRepository;
  dispatcher: FanoutDispatcher;
  fanout: FanoutWorker;
  announcements: AnnouncementWorker;
  views: NewsViews;
  pacer: Pacer;
}

/**
 * Installs the news capability:
 * - the Prisma news repository and the {@link NewsService};
 * - the dispatcher, which enqueues publish jobs on `news` and one job per delivery on `fanout-discord`,
 *   `fanout-slack` and `fanout-teams`, paced per channel through a pacer in Redis (BullMQ) or memory;
 * - `/kring news post|schedule|status|edit|retract|list` for managers;
 * - on start: the fan-out workers (with each platform's limiter), the `news` queue worker (publish jobs,
 *   live delivery reports, `published` listeners), and a resume of scheduled and unfinished announcements;
 * - on stop: workers hand new jobs back to the queue and let running ones finish; the pacer closes.
 */
export function installNews(ctx: CapabilityContext, options: NewsOptions = {}): NewsInstall {
  const log = ctx.logger.child({ capability: 'news' });
  const repo = options.repo ?? new PrismaNewsRepository(ctx.database.prisma);
  const pacer =
    options.pacer ??
    (ctx.queue instanceof BullMqJobQueue ? new RedisPacer(ctx.queue.duplicateConnection(), { prefix: ctx.queue.prefix }) : new InMemoryPacer());
  const limits = options.limits ?? PLATFORM_LIMITS;
  const dispatcher = new FanoutDispatcher({
    queue: ctx.queue,
    pacer,
    limits,
    clock: ctx.clock,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.statusWindowMs === undefined ? {} : { statusWindowMs: options.statusWindowMs }),
  });
  const service = new NewsService({ news: repo, channels: ctx.repos.channels, dispatcher, clock: ctx.clock });
  const views = createNewsViews(ctx.translator, { timeZone: ctx.config.org?.timezone ?? 'Europe/Amsterdam' });
  const fanout = new FanoutWorker({
    queue: ctx.queue,
    news: repo,
    dispatcher,
    platforms: ctx.platforms,
    pacer,
    limits,
    views,
    clock: ctx.clock,
    logger: log,
    ...(options.workPlatforms ? { only: options.workPlatforms } : {}),
  });
  const announcements = new AnnouncementWorker({
    queue: ctx.queue,
    service,
    news: repo,
    platforms: ctx.platforms,
    views,
    logger: log,
    ...(options.published ? { published: options.published } : {}),
  });
  const commandDeps = { news: service, chapters: ctx.repos.chapters, platforms: ctx.platforms, views, clock: ctx.clock };
  const commands = newsCommands(commandDeps);

  return {
    name: 'news',
    commands,
    forms: newsForms(commandDeps),
    service,
    repo,
    dispatcher,
    fanout,
    announcements,
    views,
    pacer,
    async start() {
      if (options.noWorkers) return;
      fanout.start();
      announcements.start();
      const resumed = await service.resume();
      if (resumed.scheduled + resumed.publishing > 0) log.info(resumed, 'news: resumed scheduled and unfinished announcements');
    },
    async stop() {
      await Promise.all([fanout.stop(), announcements.stop()]);
      await pacer.close();
    },
  };
}
