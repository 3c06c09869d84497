import { z } from 'zod';
import type { Announcement, DeliveryReport } from '../domain/announcement.js';
import type { NewsService } from '../domain/news.service.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import {
  announcementCreatedSchema,
  announcementIdParam,
  announcementListSchema,
  type announcementSchema,
  deliveryReportSchema,
  newsChangeSchema,
  newsCreateBody,
  newsEditBody,
  newsListQuery,
} from './news.schemas.js';

export interface NewsRoutesDeps {
  news: Pick<NewsService, 'create' | 'list' | 'report' | 'edit' | 'retract' | 'resolve'>;
  chapters: Pick<ChapterRepository, 'list'>;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An announcement as the API shows it. */
export function announcementView(a: Announcement): z.output<typeof announcementSchema> {
  return {
    id: a.id,
    title: a.title,
    body: a.body,
    linkUrl: a.linkUrl,
    imageUrl: a.imageUrl,
    audience: a.audience,
    directMessages: a.directMessages,
    status: a.status,
    publishAt: iso(a.publishAt),
    version: a.version,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    publishedAt: iso(a.publishedAt),
    retractedAt: iso(a.retractedAt),
  };
}

function reportView(r: DeliveryReport): z.output<typeof deliveryReportSchema> {
  return { announcement: announcementView(r.announcement), totals: r.totals, byPlatform: r.byPlatform, failures: r.failures, pending: r.pending, at: r.at.toISOString() };
}

const announcementPath = z.object({ announcementId: announcementIdParam });

/** News: create (now or later), list, delivery report, edit, retract. */
export function newsRoutes(deps: NewsRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/news',
      operationId: 'createAnnouncement',
      summary: 'Publish news',
      description:
        'Posts the announcement to the audience\'s channels on every platform, now or at `publishAt`. ' +
        '422 `NEWS.NO_TARGETS` when no connected channel (or linked member) would receive it.',
      tag: 'News',
      scope: 'news:write',
      body: newsCreateBody,
      responses: { 201: { description: 'Created; publishing (or scheduled).', schema: announcementCreatedSchema } },
      errors: { 422: '`NEWS.NO_TARGETS`: no connected channel (or linked member) would receive it; `NEWS.BAD_PUBLISH_TIME`: `publishAt` cannot be used.' },
      async handle({ organization, body }) {
        if (body.audience.kind === 'chapters') {
          const known = new Set((await deps.chapters.list(organization.id)).map((c) => c.id));
          const unknown = body.audience.chapterIds.flatMap((id, i) => (known.has(id) ? [] : [{ path: `body.audience.chapterIds.${i}`, message: 'no such chapter' }]));
          if (unknown.length > 0) throw new ValidationError(unknown);
        }
        const { announcement, targets } = await inBody(() =>
          deps.news.create({
            organizationId: organization.id,
            authorMemberId: null,
            title: body.title,
            body: body.body,
            linkUrl: body.linkUrl,
            imageUrl: body.imageUrl,
            audience: body.audience,
            directMessages: body.directMessages,
            publishAt: body.publishAt === null ? null : new Date(body.publishAt),
          }),
        );
        return { status: 201, json: { announcement: announcementView(announcement), targets } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/news',
      operationId: 'listAnnouncements',
      summary: 'List news',
      description: 'Newest first.',
      tag: 'News',
      scope: 'news:read',
      query: newsListQuery,
      responses: { 200: { description: 'The newest announcements.', schema: announcementListSchema } },
      async handle({ organization, query }) {
        return { status: 200, json: { data: (await deps.news.list(organization.id, query.limit)).map(announcementView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/news/{announcementId}',
      operationId: 'getAnnouncementStatus',
      summary: 'Get news with its delivery report',
      description: 'What arrived where: deliveries per state and platform, with some failed and pending ones named.',
      tag: 'News',
      scope: 'news:read',
      params: announcementPath,
      responses: { 200: { description: 'The delivery report.', schema: deliveryReportSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: reportView(await deps.news.report(organization.id, params.announcementId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/orgs/{org}/news/{announcementId}',
      operationId: 'editAnnouncement',
      summary: 'Edit news',
      description: 'Changes title, body, link or image; copies already posted are updated in place. 409 once retracted.',
      tag: 'News',
      scope: 'news:write',
      params: announcementPath,
      body: newsEditBody,
      responses: { 200: { description: 'The edited announcement.', schema: newsChangeSchema } },
      errors: { 409: '`NEWS.RETRACTED`: the announcement was retracted.' },
      async handle({ organization, params, body }) {
        const current = await deps.news.resolve(organization.id, params.announcementId);
        const { announcement, copies } = await inBody(() =>
          deps.news.edit(organization.id, current.id, {
            title: body.title ?? current.title,
            body: body.body ?? current.body,
            linkUrl: body.linkUrl === undefined ? current.linkUrl : body.linkUrl,
            imageUrl: body.imageUrl === undefined ? current.imageUrl : body.imageUrl,
          }),
        );
        return { status: 200, json: { announcement: announcementView(announcement), copies } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/news/{announcementId}/retract',
      operationId: 'retractAnnouncement',
      summary: 'Retract news',
      description: 'Stops further posting and deletes every posted copy. 409 when retracted already.',
      tag: 'News',
      scope: 'news:write',
      params: announcementPath,
      responses: { 200: { description: 'The retracted announcement.', schema: newsChangeSchema } },
      errors: { 409: '`NEWS.RETRACTED`: retracted already.' },
      async handle({ organization, params }) {
        const { announcement, copies } = await deps.news.retract(organization.id, params.announcementId);
        return { status: 200, json: { announcement: announcementView(announcement), copies } };
      },
    }),
  ];
}
