import { insightsCommands, overviewView } from './commands.js';
import { privacyCommands } from './privacy.commands.js';
import { mountDashboard } from './routes/dashboard.routes.js';
import { ActivityIngestor, type IngestorSettings } from './domain/activity-ingestor.js';
import { DashboardAccess } from './domain/dashboard-access.js';
import { INSIGHTS_SETTINGS, InsightsService } from './domain/insights.service.js';
import { PrivacyService } from './domain/privacy.service.js';
import { PrismaInsightsRepository } from './repository/prisma-insights.repository.js';
import { ChatPlatformError } from '../../kernel/ports/chat-platform.js';
import { processInsightsJobs, scheduleInsightsJobs } from './jobs/insights.jobs.js';
import type { CapabilityContext, CapabilityInstall } from '../../capability.js';

/** Options the composition root (or a test) may pass. */
export interface InsightsOptions {
  /**
   * Base URL members reach Kring's HTTP server at, for sign-in and download links in chat. An
   * organisation's `insights.publicUrl` setting wins; without either, `http://localhost:<PORT>`.
   */
  publicUrl?: string;
  /** Ingestion buffer tuning (tests, benchmarks). */
  ingestor?: Partial<IngestorSettings>;
  /** Skip the weekly digest schedule (tests that start Kring many times). */
  schedule?: boolean;
}

/** The insights capability's parts, for tests and benchmarks that drive them directly. */
export interface InsightsInstall extends CapabilityInstall {
  ingestor: ActivityIngestor;
  insights: InsightsService;
  privacy: PrivacyService;
  access: DashboardAccess;
  repository: PrismaInsightsRepository;
  /** Posts the weekly digest of one organisation now (what the scheduled job does). */
  postDigest(organizationId: string): Promise<number>;
}

/**
 * Installs insights: the activity listener (every inbound event, batched into rollups), the managers'
 * commands (`insights`, `insights export`, `insights topics`, `dashboard`), the members' privacy
 * commands (`privacy`, `mydata`, `forget`), the dashboard routes under `/insights`, and the weekly digest
 * (one job scheduler per organisation, Mondays 09:00 in its time zone) plus nightly link pruning.
 */
export function installInsights(ctx: CapabilityContext, options: InsightsOptions = {}): InsightsInstall {
  const { repos, clock, logger: rootLogger, translator, queue } = ctx;
  const logger = rootLogger.child({ capability: 'insights' });
  const repository = new PrismaInsightsRepository(ctx.database.prisma);
  const insights = new InsightsService({ queries: repository, settings: repository, clock });
  const ingestor = new ActivityIngestor({
    store: repository,
    clock,
    topicsEnabled: (id) => insights.topicsEnabled(id),
    logger,
    ...(options.ingestor ? { settings: options.ingestor } : {}),
  });
  const access = new DashboardAccess({ links: repository, settings: repository, members: repos.members, clock });
  const privacy = new PrivacyService({
    store: repository,
    identities: repos.identities,
    unlink: async (account) => {
      await ctx.membership.unlink(account);
    },
    flushActivity: () => ingestor.flush(),
    clock,
  });

  const fallbackUrl = (options.publicUrl ?? `http://${localHost(ctx.config.http.host)}:${ctx.config.http.port}`).replace(/\/+$/, '');
  const publicUrl = async (organizationId: string) => {
    const configured = await repository.getSetting(organizationId, INSIGHTS_SETTINGS.publicUrl);
    return typeof configured === 'string' && /^https?:\/\//.test(configured) ? configured.replace(/\/+$/, '') : fallbackUrl;
  };

  const managerCommands = insightsCommands({ insights, access, chapters: repos.chapters, publicUrl });
  const memberCatalogue = privacyCommands({ privacy, access, publicUrl });

  /** Posts the digest to every managers' channel of the organisation; returns how many got it. */
  const postDigest = async (organizationId: string): Promise<number> => {
    const org = await repos.organizations.findById(organizationId);
    if (!org) return 0;
    const channels = await repos.channels.list(org.id, 'managers');
    if (channels.length === 0) {
      logger.info({ organization: org.slug }, 'insights: no managers channel, weekly digest skipped');
      return 0;
    }
    const overview = await insights.overview(org, { period: 'week' });
    const t = translator.for(org.defaultLocale);
    const chapterNames = new Map((await repos.chapters.list(org.id)).map((c) => [c.id, c.name]));
    const view = overviewView(t, org.defaultLocale, overview, {
      chapterNames,
      heading: t('insights.digest.title', { org: org.name }),
      intro: t('insights.digest.intro'),
    });
    let posted = 0;
    for (const channel of channels) {
      const platform = ctx.platforms.get(channel.platform);
      if (!platform) continue;
      try {
        await platform.post({ workspaceId: channel.workspaceExternalId, channelId: channel.externalId }, view, {
          idempotencyKey: `insights-digest-${channel.id}-${overview.period.to}`,
        });
        posted++;
      } catch (err) {
        // A channel that is gone or forbids posting must not hold up the others; a transient failure retries the job.
        if (err instanceof ChatPlatformError && !err.retryable) {
          logger.warn({ organization: org.slug, channel: channel.id, code: err.code }, 'insights: digest not posted');
        } else throw err;
      }
    }
    return posted;
  };

  return {
    name: 'insights',
    ingestor,
    insights,
    privacy,
    access,
    repository,
    postDigest,
    commands: managerCommands.concat(memberCatalogue.commands),
    actions: memberCatalogue.actions,
    activity: { onActivity: (event, organization) => ingestor.record(event, organization) },
    mount: (app) => mountDashboard(app, { insights, privacy, access, organizations: repos.organizations, chapters: repos.chapters, translator, logger }),
    async start() {
      ingestor.start();
      processInsightsJobs(queue, { digest: async (id) => void (await postDigest(id)), prune: async () => void (await repository.pruneLinks(clock.now())) }, logger);
      if (options.schedule !== false) await scheduleInsightsJobs(queue, await repos.organizations.list());
    },
    async stop() {
      await ingestor.stop();
    },
  };
}

/** A host to put in links when the server listens on every interface. */
function localHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
}
