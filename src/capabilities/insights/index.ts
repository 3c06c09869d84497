import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import type { SurveyFigures } from '../../kernel/events.js';
import type { PlatformAccount } from '../../kernel/ports/directory.js';
import { insightsCommands, overviewView } from './commands.js';
import { ActivityIngestor, type IngestorSettings } from './domain/activity-ingestor.js';
import { DashboardAccess } from './domain/dashboard-access.js';
import { DigestService } from './domain/digest.service.js';
import { INSIGHTS_SETTINGS, InsightsService } from './domain/insights.service.js';
import { PrivacyService } from './domain/privacy.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { enqueueDigestNow, processInsightsJobs, scheduleInsightsJobs } from './jobs/insights.jobs.js';
import { RetentionService } from './domain/retention.service.js';
import { registerInsightsCli } from './cli.js';
import { privacyCommands } from './privacy.commands.js';
import type { CommunityMetric } from './ports.js';
import { localDay } from './domain/time.js';
import { PrismaInsightsRepository } from './repository/prisma-insights.repository.js';
import { mountDashboard } from './routes/dashboard.routes.js';
import { insightsRoutes } from './routes/insights.routes.js';

/** Options a test or benchmark may pass. */
export interface InsightsOptions {
  /**
   * Base URL for sign-in and download links in chat. An organisation's `insights.publicUrl` setting wins;
   * then this; then the context's `settings.publicUrl`.
   */
  publicUrl?: string;
  /** Ingestion buffer tuning (tests, benchmarks). */
  ingestor?: Partial<IngestorSettings>;
  /** Skip the weekly digest schedule (tests that start Kring many times). */
  schedule?: boolean;
}

/** The insights capability's parts, for tests and benchmarks that drive them directly. */
export interface InsightsParts extends CapabilityParts {
  ingestor: ActivityIngestor;
  insights: InsightsService;
  privacy: PrivacyService;
  access: DashboardAccess;
  digest: DigestService;
  retention: RetentionService;
  repository: PrismaInsightsRepository;
}

/**
 * Insights: what members care about, without storing what they say. Every inbound event (`activity.seen`
 * on the bus) is batched into daily rollups; managers get `/kring insights …`, the dashboard under
 * `/insights` (sign-in by a link from chat) and a weekly digest (Mondays 09:00 in the organisation's time
 * zone, or on demand: `kring insights digest`, the admin API); members get their privacy rights:
 * `/kring privacy`, `mydata`, `forget`. A nightly job deletes what is older than the organisation's
 * retention (`kring insights retention`, default 24 months).
 */
export const insights = defineCapability({
  name: 'insights',
  texts: { en, nl },
  apiScopes: ['insights:read', 'insights:write'],
  build(ctx: CapabilityContext, options: InsightsOptions = {}): InsightsParts {
    const { clock, logger, translator, queue, directory } = ctx;
    const repository = ctx.repository(PrismaInsightsRepository, { secrets: ctx.secrets });
    /** The surveys' figures, gathered over the bus from whoever answers (the surveys capability; none without it). */
    const surveyFigures = async (organizationId: string, since: Date, until: Date, limit: number) => {
      const request = { organizationId, since, until, limit, surveys: [] as SurveyFigures[] };
      await ctx.bus.publish('survey.figures-requested', request);
      return request.surveys.slice(0, limit);
    };
    const insights = new InsightsService({ queries: repository, settings: repository, clock, surveyFigures });
    const ingestor = new ActivityIngestor({
      store: repository,
      clock,
      topicsEnabled: (id) => insights.topicsEnabled(id),
      logger,
      ...(options.ingestor ? { settings: options.ingestor } : {}),
    });
    const access = new DashboardAccess({ links: repository, settings: repository, members: directory.members, clock });
    /** Unlinks one account as `/kring unlink` does, so the platform roles go too (membership listens). */
    const unlink = async (account: PlatformAccount) => {
      const removed = await directory.identities.unlink(account);
      const member = removed ? await directory.members.findById(removed.organizationId, removed.memberId) : null;
      if (!removed) throw new Error('not linked');
      if (member) await ctx.bus.publish('member.unlinked', { member, identity: removed });
    };
    const privacy = new PrivacyService({ store: repository, identities: directory.identities, unlink, flushActivity: () => ingestor.flush(), clock });
    const digest = new DigestService({
      insights,
      organizations: directory.organizations,
      channels: directory.channels,
      chapters: directory.chapters,
      platforms: ctx.platforms,
      logger,
      render: (org, overview, chapterNames) => {
        const t = translator.for(org.defaultLocale);
        return overviewView(t, org.defaultLocale, overview, { chapterNames, heading: t('insights.digest.title', { org: org.name }), intro: t('insights.digest.intro') });
      },
    });

    const retention = new RetentionService({ settings: repository, store: repository, organizations: directory.organizations, clock, logger });

    /** Counts a community event on its day in the organisation's time zone. */
    const countCommunity = async (organizationId: string, at: Date, metric: CommunityMetric) => {
      const org = await directory.organizations.findById(organizationId);
      if (org) await repository.countCommunity(organizationId, localDay(at, org.timezone), metric);
    };

    const fallbackUrl = (options.publicUrl ?? ctx.settings.publicUrl).replace(/\/+$/, '');
    const publicUrl = async (organizationId: string) => {
      const configured = await repository.getSetting(organizationId, INSIGHTS_SETTINGS.publicUrl);
      return typeof configured === 'string' && /^https?:\/\//.test(configured) ? configured.replace(/\/+$/, '') : fallbackUrl;
    };
    const managerCommands = insightsCommands({ insights, access, chapters: directory.chapters, publicUrl });
    const memberCatalogue = privacyCommands({ privacy, access, publicUrl });

    return {
      ingestor,
      insights,
      privacy,
      access,
      digest,
      retention,
      repository,
      commands: managerCommands.concat(memberCatalogue.commands),
      actions: memberCatalogue.actions,
      api: {
        routes: insightsRoutes({
          insights,
          chapters: directory.chapters,
          digest,
          retention,
          sendDigest: (organizationId) => enqueueDigestNow(queue, organizationId, clock.now()),
        }),
        tags: [{ name: 'Insights', description: 'Aggregated activity figures.' }],
      },
      on: {
        'activity.seen': ({ event, organization }) => ingestor.record(event, organization),
        // Community figures: introduction rounds and their follow-ups, and the onboarding funnel's steps.
        'connect.round-completed': async (r) => {
          await repository.recordRound(r.organizationId, { roundId: r.roundId, label: r.label, number: r.number, ranAt: r.ranAt, members: r.members, groups: r.groups });
          await repository.recordMilestone(r.organizationId, r.memberIds, 'introduced', r.ranAt);
        },
        'connect.followup-answered': (f) => repository.recordFollowup(f.organizationId, f.roundId, f.totals),
        'member.linked': ({ member, identity }) => repository.recordMilestone(member.organizationId, [member.id], 'linked', identity.linkedAt),
        'member.rules-agreed': ({ member, agreedAt }) => repository.recordMilestone(member.organizationId, [member.id], 'agreed', agreedAt),
        'connect.profile-saved': ({ member, at }) => repository.recordMilestone(member.organizationId, [member.id], 'profile', at),
        'connect.ask-opened': (e) => countCommunity(e.organizationId, e.at, 'asked'),
        'connect.ask-helped': (e) => countCommunity(e.organizationId, e.at, 'helped'),
        'connect.ask-escalated': (e) => countCommunity(e.organizationId, e.at, 'escalated'),
        'connect.peer-introduced': (e) => countCommunity(e.organizationId, e.at, 'peerIntroductions'),
      },
      mount: (app) =>
        mountDashboard(app, {
          insights, privacy, access, organizations: directory.organizations, chapters: directory.chapters, translator, logger,
          publicUrl: async (organizationId) => (organizationId ? publicUrl(organizationId) : fallbackUrl),
        }),
      async start() {
        ingestor.start();
        processInsightsJobs(
          queue,
          {
            digest: async (id) => void (await digest.post(id)),
            prune: async () => void (await repository.pruneLinks(clock.now())),
            retention: async () => void (await retention.enforce()),
          },
          logger,
        );
      },
      async schedule() {
        if (options.schedule !== false) await scheduleInsightsJobs(queue, await directory.organizations.list());
      },
      async stop() {
        await ingestor.stop();
      },
    };
  },
  cli: (program, host) => registerInsightsCli(program, host),
});
