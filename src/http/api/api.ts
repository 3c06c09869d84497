import type { ApiTokenService } from '../../capabilities/api-tokens/domain/api-token.service.js';
import type { MemberSyncService } from '../../capabilities/membership/domain/member-sync.service.js';
import type { WebhookService } from '../../capabilities/webhooks/domain/webhook.service.js';
import type { MembershipService } from '../../capabilities/membership/domain/membership.service.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { Repositories } from '../../kernel/ports/directory.js';
import type { ApiRateLimiter } from './rate-limit.js';
import type { ApiRoute } from './route.js';
import { insightsRoutes, type InsightsRoutesDeps } from '../../capabilities/insights/routes/insights.routes.js';
import { newsRoutes, type NewsRoutesDeps } from '../../capabilities/news/routes/news.routes.js';
import { pollRoutes, type PollRoutesDeps } from '../../capabilities/polls/routes/polls.routes.js';
import { createApiRouter, type ApiRouter } from './router.js';
import { chapterRoutes } from '../../capabilities/membership/routes/chapters.routes.js';
import { memberRoutes } from '../../capabilities/membership/routes/members.routes.js';
import { webhookRoutes } from '../../capabilities/webhooks/routes/webhooks.routes.js';

/** The application services the API exposes; the API itself holds no business rules. */
export interface ApiServices {
  repos: Pick<Repositories, 'organizations' | 'members' | 'chapters' | 'channels'>;
  tokens: Pick<ApiTokenService, 'authenticate'>;
  membership: Pick<MembershipService, 'setStatus'>;
  memberSync: Pick<MemberSyncService, 'upsert' | 'sync'>;
  webhooks: Pick<WebhookService, 'add' | 'list' | 'remove'>;
  rateLimiter: ApiRateLimiter;
  logger: Logger;
  /** Capabilities installed before the API; their operations exist only when they are given. */
  polls?: PollRoutesDeps['polls'];
  /** The poll CSV (required with `polls`). */
  pollCsv?: PollRoutesDeps['csv'];
  news?: NewsRoutesDeps['news'];
  insights?: InsightsRoutesDeps['insights'];
}

/** Every operation of the API, in document order. */
export function apiRoutes(services: ApiServices): ApiRoute[] {
  return [
    ...memberRoutes({ sync: services.memberSync, membership: services.membership, members: services.repos.members, chapters: services.repos.chapters }),
    ...chapterRoutes({ chapters: services.repos.chapters }),
    ...(services.news ? newsRoutes({ news: services.news, chapters: services.repos.chapters }) : []),
    ...(services.polls && services.pollCsv
      ? pollRoutes({ polls: services.polls, channels: services.repos.channels, chapters: services.repos.chapters, csv: services.pollCsv })
      : []),
    ...(services.insights ? insightsRoutes({ insights: services.insights, chapters: services.repos.chapters }) : []),
    ...webhookRoutes({ webhooks: services.webhooks }),
  ];
}

/** Builds the admin API (router + OpenAPI document) over the services. */
export function createApi(services: ApiServices): ApiRouter {
  return createApiRouter({
    routes: apiRoutes(services),
    tokens: services.tokens,
    organizations: services.repos.organizations,
    rateLimiter: services.rateLimiter,
    logger: services.logger.child({ component: 'api' }),
  });
}
