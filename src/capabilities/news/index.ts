import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { PLATFORM_LIMITS, type PlatformLimits } from '../../kernel/platform-limits.js';
import type { Pacer } from '../../kernel/ports/pacer.js';
import type { Platform } from '../../kernel/types.js';
import { registerNewsCli } from './cli.js';
import { newsCommands, newsForms } from './commands.js';
import { DeliveryService, type InDoubtRetry } from './domain/delivery.service.js';
import { NewsService } from './domain/news.service.js';
import { NewsDraftService } from './domain/draft.service.js';
import { shortId } from './domain/announcement.js';
import { ReportService } from './domain/report.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { AnnouncementWorker } from './jobs/announcement.worker.js';
import { FanoutDispatcher, type FanoutRetryPolicy } from './jobs/fanout.dispatcher.js';
import { FanoutWorker } from './jobs/fanout.worker.js';
import type { NewsRepository, NewsViews } from './ports.js';
import { PrismaNewsRepository } from './repository/prisma-news.repository.js';
import { newsRoutes } from './routes/news.routes.js';
import { createNewsViews } from './views.js';

/** Parts a test or benchmark may replace when building news. */
export interface NewsOptions {
  repo?: NewsRepository;
  /** Default: the shared pacer of the context (Redis with BullMQ, memory otherwise). */
  pacer?: Pacer;
  limits?: Readonly<Record<Platform, PlatformLimits>>;
  retry?: FanoutRetryPolicy;
  /** How deliveries in doubt whose look-up fails are retried (tests shorten it). */
  inDoubtRetry?: InDoubtRetry;
  statusWindowMs?: number;
  /** Work only these platforms' fan-out queues in this process (default all). */
  workPlatforms?: readonly Platform[];
  /** Do not work any queue in this process (a web-only process; workers run elsewhere). */
  noWorkers?: boolean;
}

/** What the news capability built, for tests and benchmarks that drive the parts directly. */
export interface NewsParts extends CapabilityParts {
  service: NewsService;
  repo: NewsRepository;
  dispatcher: FanoutDispatcher;
  deliveries: DeliveryService;
  reports: ReportService;
  fanout: FanoutWorker;
  announcements: AnnouncementWorker;
  views: NewsViews;
  pacer: Pacer;
}

/**
 * News: announcements fanned out to every connected channel (and optionally members' DMs) on every
 * platform, exactly once per channel, paced at the platforms' limits; live delivery reports, edit and
 * retract. Managers post with `/kring news …`, the admin API or schedule them; the CLI lists, reports and
 * retracts. Publishes `announcement.published`.
 *
 * Queues: `news` (publish jobs, report refreshes) and one `fanout-<platform>` queue per platform, paced in
 * the platform's sliding windows (kernel/platform-limits.ts). On stop, workers hand new jobs back to the
 * queue and let running ones finish.
 */
export const news = defineCapability({
  name: 'news',
  texts: { en, nl },
  apiScopes: ['news:read', 'news:write'],
  build(ctx: CapabilityContext, options: NewsOptions = {}): NewsParts {
    const repo = options.repo ?? ctx.repository(PrismaNewsRepository);
    const pacer = options.pacer ?? ctx.pacer;
    const limits = options.limits ?? PLATFORM_LIMITS;
    const dispatcher = new FanoutDispatcher({
      queue: ctx.queue,
      pacer,
      limits,
      clock: ctx.clock,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.statusWindowMs === undefined ? {} : { statusWindowMs: options.statusWindowMs }),
    });
    const service = new NewsService({ news: repo, channels: ctx.directory.channels, dispatcher, clock: ctx.clock });
    const views = createNewsViews(ctx.translator, { timeZone: ctx.settings.timeZone });
    const deliveries = new DeliveryService({
      news: repo,
      dispatcher,
      platforms: ctx.platforms,
      pacer,
      limits,
      views,
      clock: ctx.clock,
      logger: ctx.logger,
      metrics: ctx.metrics,
      ...(options.inDoubtRetry ? { inDoubtRetry: options.inDoubtRetry } : {}),
    });
    const reports = new ReportService({ service, news: repo, platforms: ctx.platforms, views, bus: ctx.bus, logger: ctx.logger, pacing: { pacer, limits } });
    const fanout = new FanoutWorker({ queue: ctx.queue, deliveries, limits, ...(options.workPlatforms ? { only: options.workPlatforms } : {}) });
    const announcements = new AnnouncementWorker({ queue: ctx.queue, service, reports });
    const commandDeps = { news: service, chapters: ctx.directory.chapters, platforms: ctx.platforms, views, clock: ctx.clock };
    const drafts = new NewsDraftService({
      news: service,
      channels: ctx.directory.channels,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      logger: ctx.logger,
      render: ({ organization, announcement, source }) => {
        const t = ctx.translator.for(organization.defaultLocale);
        const from = source === 'ideas' ? t('news.draft.sources.ideas') : source;
        const text = t('news.draft.ready', { source: from, title: announcement.title, id: shortId(announcement.id) });
        return { fallback: text, blocks: [{ type: 'text', text }, { type: 'divider' }, { type: 'text', text: `**${announcement.title}**\n${announcement.body}` }] };
      },
    });
    return {
      service,
      repo,
      dispatcher,
      deliveries,
      reports,
      fanout,
      announcements,
      views,
      pacer,
      commands: newsCommands(commandDeps),
      on: {
        // A draft another capability proposes (the ideas' "you said, we did"): kept for the managers, never sent by itself.
        'news.draft-proposed': async (event) => void (await drafts.proposed(event)),
      },
      forms: newsForms(commandDeps),
      api: {
        routes: newsRoutes({ news: service, chapters: ctx.directory.chapters }),
        tags: [{ name: 'News', description: 'Announcements fanned out to the chat platforms.' }],
      },
      async start() {
        if (options.noWorkers) return;
        fanout.start();
        announcements.start();
        const resumed = await service.resume();
        if (resumed.scheduled + resumed.publishing > 0) ctx.logger.info(resumed, 'news: resumed scheduled and unfinished announcements');
      },
      async stop() {
        await Promise.all([fanout.stop(), announcements.stop()]);
      },
    };
  },
  cli: (program, host) => registerNewsCli(program, host),
});
