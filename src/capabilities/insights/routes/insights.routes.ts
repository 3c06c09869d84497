import type { InsightsService } from '../domain/insights.service.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, type ApiRoute } from '../../../http/api/route.js';
import { insightsQuery, insightsSummarySchema } from './insights.schemas.js';

export interface InsightsRoutesDeps {
  insights: Pick<InsightsService, 'overview'>;
  chapters: Pick<ChapterRepository, 'findById'>;
}

/** Insights: the summary of a period (aggregates only). */
export function insightsRoutes(deps: InsightsRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/insights',
      operationId: 'getInsightsSummary',
      summary: 'Insights summary for a period',
      description:
        'The numbers of `/kring insights`: active members, messages, replies, votes, joins, busiest channels and chapters, ' +
        'unanswered questions and poll participation, each compared with the period before. Aggregates only.',
      tag: 'Insights',
      scope: 'insights:read',
      query: insightsQuery,
      responses: { 200: { description: 'The summary.', schema: insightsSummarySchema } },
      async handle({ organization, query }) {
        if (query.chapterId && !(await deps.chapters.findById(organization.id, query.chapterId))) {
          throw new ValidationError([{ path: 'query.chapterId', message: 'no such chapter' }]);
        }
        const o = await deps.insights.overview(organization, { period: query.period, chapterId: query.chapterId, platform: query.platform });
        return {
          status: 200,
          json: {
            ...o,
            chapterId: o.chapterId ?? null,
            platform: o.platform ?? null,
            polls: { ...o.polls, items: o.polls.items.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })) },
          },
        };
      },
    }),
  ];
}
