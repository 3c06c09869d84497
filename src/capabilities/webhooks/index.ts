import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createApi } from '../../http/api/api.js';
import { createApiRateLimiter, type ApiRateLimitOptions } from '../../http/api/rate-limit.js';
import { pollCsv } from '../polls/poll-csv.js';
import type { InsightsService } from '../insights/domain/insights.service.js';
import type { NewsService } from '../news/domain/news.service.js';
import type { PollEvents, PollService } from '../polls/domain/poll.service.js';
import type { DeliveryReport } from '../news/domain/announcement.js';
import { announcementPublishedWebhook, webhookPollEvents } from './domain/capability-webhooks.js';
import { mountApi, type ApiRouter } from '../../http/api/router.js';
import { ApiTokenService } from '../api-tokens/domain/api-token.service.js';
import { MemberSyncService } from '../membership/domain/member-sync.service.js';
import { webhookMembershipEvents } from './domain/membership-webhooks.js';
import { WebhookService } from './domain/webhook.service.js';
import { emitMembershipEvent, type MembershipEventName, type MembershipEvents } from '../membership/domain/events.js';
import { MemberImportService } from '../membership/domain/member-import.service.js';
import { createPrismaApiRepositories } from '../api-tokens/repository/prisma-api-token.repository.js';
import type { ChatPlatforms } from '../../kernel/ports/chat-platform.js';
import { JobQueueWebhookOutbox } from './jobs/webhook.queue.js';
import { startWebhookWorker } from './jobs/webhook.worker.js';
import type { CapabilityContext, CapabilityInstall } from '../../capability.js';

/**
 * What the admin API needs beyond the common context. All optional, so today's composition root works
 * unchanged; each one the root passes makes the API complete:
 * - `memberEvents`: the MembershipEvents the MembershipService got (platform role revocation), so a lapse
 *   through the bulk sync or an upsert removes access exactly as elsewhere. Without it the API builds an
 *   equivalent that revokes roles through `ctx.platforms`.
 * - `polls`, `news`, `insights`: the services of those capabilities (installed before the API); the API
 *   offers their operations only when given.
 */
export interface ApiCapabilityContext extends CapabilityContext {
  memberEvents?: MembershipEvents;
  polls?: PollService;
  news?: NewsService;
  insights?: InsightsService;
}

/** Tuning a test or a deployment may change. */
export interface ApiOptions {
  /** Requests per window per token (default 600 per 60 s). */
  rateLimit?: Pick<ApiRateLimitOptions, 'points' | 'durationSec'>;
  /** Delays before webhook attempts 2, 3, … (default: half a minute up to twelve hours). */
  webhookRetryDelaysMs?: readonly number[];
  /** Per-attempt webhook timeout (default 10 s). */
  webhookTimeoutMs?: number;
}

/** What {@link installApi} built: besides the capability parts, the services the root and the CLI reuse. */
export interface ApiInstall extends CapabilityInstall {
  /** The router, its operations and the OpenAPI document (tests compare them). */
  api: ApiRouter;
  tokens: ApiTokenService;
  webhooks: WebhookService;
  /**
   * `member.linked` / `member.unlinked` webhooks. The root chains these after its platform listeners:
   * `events = chainMembershipEvents(platformEvents, api.membershipEvents)` (late-bound, see there).
   */
  membershipEvents: MembershipEvents;
  /**
   * `poll.closed` webhooks (present when `ctx.polls` was given): the polls wiring chains `closed` after its
   * scheduler's listener.
   */
  pollEvents?: PollEvents;
  /** `announcement.published` webhooks: the news status job calls this after `settle` moved a report to published. */
  announcementPublished: (report: DeliveryReport) => Promise<void>;
}

/**
 * Calls every listener of each event in order; all run even when one fails, and the first failure is
 * rethrown afterwards (so the service's `onEventError` still sees it). `listeners` may be a function, so
 * the root can create the chain before later capabilities (the API) have been installed.
 */
export function chainMembershipEvents(...listeners: (MembershipEvents | (() => readonly MembershipEvents[]))[]): MembershipEvents {
  const all = (): MembershipEvents[] => listeners.flatMap((l) => (typeof l === 'function' ? [...l()] : [l]));
  const fire = (event: MembershipEventName) => async (...args: unknown[]) => {
    let first: { error: unknown } | undefined;
    for (const target of all()) {
      await emitMembershipEvent(target, event, args as never, (error) => {
        first ??= { error };
      });
    }
    if (first) throw first.error;
  };
  return { memberLinked: fire('memberLinked'), memberUnlinked: fire('memberUnlinked'), memberLapsed: fire('memberLapsed') };
}

/** Revokes the member role of every linked account of a lapsed member (what the root's listener does). */
function platformRevocation(platforms: ChatPlatforms): MembershipEvents {
  return {
    async memberLapsed(_member, identities) {
      for (const identity of identities) {
        await platforms.get(identity.platform)?.revokeMemberRole?.({ workspaceId: identity.workspaceId, userId: identity.platformUserId });
      }
    },
  };
}

/**
 * Installs the admin API: tokens, member sync (through the CSV importer), outgoing webhooks on the queue,
 * and the `/api/v1` router with its OpenAPI document and docs page.
 */
export function installApi(ctx: ApiCapabilityContext, options: ApiOptions = {}): ApiInstall {
  const log = ctx.logger.child({ capability: 'api' });
  const apiRepos = createPrismaApiRepositories(ctx.database.prisma);
  const tokens = new ApiTokenService({ tokens: apiRepos.apiTokens, organizations: ctx.repos.organizations, clock: ctx.clock });
  const webhooks = new WebhookService({
    webhooks: apiRepos.webhooks,
    organizations: ctx.repos.organizations,
    outbox: new JobQueueWebhookOutbox(ctx.queue),
    clock: ctx.clock,
    requireHttps: ctx.config.env === 'production',
  });
  const importer = new MemberImportService({
    repos: ctx.repos,
    events: ctx.memberEvents ?? platformRevocation(ctx.platforms),
    onEventError: (err, event) => log.error({ event, err: (err as Error)?.message }, 'membership event listener failed'),
  });
  const memberSync = new MemberSyncService({ importer, members: ctx.repos.members });

  // A dedicated connection: the limiter must not queue commands while Redis is away (it falls back to
  // memory at once), unlike BullMQ's connection.
  const redis = ctx.config.redisUrl
    ? new Redis(ctx.config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'api rate-limit redis error'));
  const rateLimiter = createApiRateLimiter({ ...options.rateLimit, ...(redis ? { redis } : {}), logger: log });

  const api = createApi({
    repos: ctx.repos,
    tokens,
    membership: ctx.membership,
    memberSync,
    webhooks,
    rateLimiter,
    logger: ctx.logger,
    ...(ctx.polls ? { polls: ctx.polls, pollCsv: (data, locale) => pollCsv(data, ctx.translator.for(locale)) } : {}),
    ...(ctx.news ? { news: ctx.news } : {}),
    ...(ctx.insights ? { insights: ctx.insights } : {}),
  });

  return {
    name: 'api',
    api,
    tokens,
    webhooks,
    membershipEvents: webhookMembershipEvents(webhooks),
    ...(ctx.polls ? { pollEvents: webhookPollEvents(webhooks, (poll) => ctx.polls!.results(poll)) } : {}),
    announcementPublished: announcementPublishedWebhook(webhooks),
    mount: (app) => mountApi(app, api),
    start: async () => {
      if (redis && redis.status !== 'ready') {
        // Give the limiter's connection a moment, so the first requests already share the Redis budget.
        const ready = await Promise.race([once(redis, 'ready').then(() => true), delay(2_000, false, { ref: false })]);
        if (!ready) log.warn('api rate limiter: Redis not ready yet, limiting in memory until it is');
      }
      startWebhookWorker({
        queue: ctx.queue,
        endpoints: apiRepos.webhooks,
        clock: ctx.clock,
        logger: log,
        ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
        ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
      });
    },
    stop: async () => {
      redis?.disconnect();
    },
  };
}
