import type { DigestService } from '../domain/digest.service.js';
import type { InsightsService } from '../domain/insights.service.js';
import { DEFAULT_RETENTION_MONTHS, type RetentionService } from '../domain/retention.service.js';
import { digestText } from '../digest-text.js';
import { KringError, ValidationError } from '../../../kernel/errors.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, type ApiRoute } from '../../../http/api/route.js';
import {
  digestQuery,
  digestResultSchema,
  insightsQuery,
  insightsSettingsBody,
  insightsSettingsSchema,
  insightsSummarySchema,
} from './insights.schemas.js';

export interface InsightsRoutesDeps {
  insights: Pick<InsightsService, 'overview'>;
  chapters: Pick<ChapterRepository, 'findById'>;
  digest: Pick<DigestService, 'preview'>;
  retention: Pick<RetentionService, 'months' | 'setMonths'>;
  /** Hands the digest to the workers, which post it to the managers' channels. */
  sendDigest(organizationId: string): Promise<void>;
}

/** Insights: the summary of a period (aggregates only), the weekly digest on demand, the settings (retention). */
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
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/insights/digest',
      operationId: 'sendInsightsDigest',
      summary: 'Preview or send the weekly digest now',
      description:
        'The digest managers get on Mondays at 09:00: the last 7 days against the week before. With `preview=true` ' +
        '(the default) only its text is returned; with `preview=false` it is handed to the workers, which post it to ' +
        'every managers\' channel (once per channel and week, however often it is sent).',
      tag: 'Insights',
      scope: 'insights:write',
      query: digestQuery,
      responses: {
        200: { description: 'The preview: nothing was posted.', schema: digestResultSchema },
        202: { description: 'Queued: the workers post it to the managers\' channels.', schema: digestResultSchema },
      },
      errors: { 422: '`INSIGHTS.NO_MANAGERS_CHANNEL`: the organisation has no managers\' channel to send it to (connect one with `/kring channel connect managers`).' },
      async handle({ organization, query }) {
        const preview = await deps.digest.preview(organization.id);
        if (!preview) throw new Error(`organisation ${organization.id} vanished`);
        const send = query.preview === 'false';
        if (send && preview.channels === 0) {
          throw new KringError('INSIGHTS.NO_MANAGERS_CHANNEL', 'The organisation has no managers channel.', { messageKey: 'insights.digest.noChannel' });
        }
        if (send) await deps.sendDigest(organization.id);
        return {
          status: send ? 202 : 200,
          json: { preview: !send, queued: send, channels: preview.channels, weekEnding: preview.weekEnding, text: digestText(preview.view) },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/insights/settings',
      operationId: 'getInsightsSettings',
      summary: 'Insights settings',
      description: `How long insights keep activity rollups and question threads (default ${DEFAULT_RETENTION_MONTHS} months).`,
      tag: 'Insights',
      scope: 'insights:read',
      responses: { 200: { description: 'The settings.', schema: insightsSettingsSchema } },
      async handle({ organization }) {
        return { status: 200, json: { retentionMonths: await deps.retention.months(organization.id), defaultRetentionMonths: DEFAULT_RETENTION_MONTHS } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/orgs/{org}/insights/settings',
      operationId: 'updateInsightsSettings',
      summary: 'Change insights settings',
      description:
        'Sets the retention in whole months (1–120). The nightly retention job deletes daily rollups, weekly topic counts and ' +
        'question threads older than that (the organisation\'s local days).',
      tag: 'Insights',
      scope: 'insights:write',
      body: insightsSettingsBody,
      responses: { 200: { description: 'The settings now.', schema: insightsSettingsSchema } },
      async handle({ organization, body }) {
        const retentionMonths = await deps.retention.setMonths(organization.id, body.retentionMonths);
        return { status: 200, json: { retentionMonths, defaultRetentionMonths: DEFAULT_RETENTION_MONTHS } };
      },
    }),
  ];
}
