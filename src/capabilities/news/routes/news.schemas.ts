import { z } from 'zod';
import { ANNOUNCEMENT_STATUSES, DELIVERY_STATUSES } from '../domain/announcement.js';
import { announcementContentSchema, MAX_BODY, MAX_TITLE } from '../domain/news.schemas.js';
import { PLATFORMS } from '../../../kernel/types.js';
import { audienceSchema } from '../../../http/api/audience.schemas.js';
import { timestamp } from '../../../http/api/common.schemas.js';

/** News (announcement) operations' schemas; limits are the news domain's. */

export const announcementIdParam = z.uuid().meta({ description: 'The announcement id.' });

/** The domain's own field rules (trimmed lengths, http(s) links, https images), so one pass lists every error. */
const content = announcementContentSchema.shape;
const contentFields = {
  title: content.title.meta({ description: `At most ${MAX_TITLE} characters.`, example: 'Ledenvergadering 12 maart' }),
  body: content.body.meta({ description: `Markdown subset, at most ${MAX_BODY} characters.`, example: 'De agenda staat op de website.' }),
  linkUrl: content.linkUrl.meta({ description: 'A link under the text (http or https).' }),
  imageUrl: content.imageUrl.meta({ description: 'An image shown with it (https).' }),
};

export const newsCreateBody = z
  .strictObject({
    title: contentFields.title,
    body: contentFields.body,
    linkUrl: contentFields.linkUrl,
    imageUrl: contentFields.imageUrl,
    audience: audienceSchema.default({ kind: 'all' }),
    directMessages: z.boolean().default(false).meta({ description: "Also send it to the audience's linked members as a direct message." }),
    publishAt: z.iso.datetime({ offset: true }).nullable().default(null).meta({ description: 'Publish later; null or absent: now.' }),
  })
  .meta({ id: 'AnnouncementInput' });

export const newsEditBody = z
  .strictObject({
    title: contentFields.title.optional(),
    body: contentFields.body.optional(),
    // Without the create defaults: an absent link must mean "unchanged", not "remove".
    linkUrl: contentFields.linkUrl.unwrap().optional(),
    imageUrl: contentFields.imageUrl.unwrap().optional(),
  })
  .meta({ id: 'AnnouncementEdit', description: 'Only the given fields change; copies already posted are updated.' });

export const newsListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const announcementSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    body: z.string(),
    linkUrl: z.string().nullable(),
    imageUrl: z.string().nullable(),
    audience: audienceSchema,
    directMessages: z.boolean(),
    status: z.enum(ANNOUNCEMENT_STATUSES),
    publishAt: timestamp.nullable(),
    version: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    publishedAt: timestamp.nullable(),
    retractedAt: timestamp.nullable(),
  })
  .meta({ id: 'Announcement' });

export const announcementCreatedSchema = z
  .object({ announcement: announcementSchema, targets: z.number().int().meta({ description: 'Channels and members it goes to.' }) })
  .meta({ id: 'AnnouncementCreated' });

export const announcementListSchema = z.object({ data: z.array(announcementSchema) }).meta({ id: 'AnnouncementList' });

const tally = z.object(Object.fromEntries([...DELIVERY_STATUSES, 'total'].map((s) => [s, z.number().int()])) as Record<(typeof DELIVERY_STATUSES)[number] | 'total', z.ZodNumber>);
const reported = z.object({ platform: z.enum(PLATFORMS), kind: z.enum(['channel', 'direct']), target: z.string(), reason: z.string().nullable() });

export const deliveryReportSchema = z
  .object({
    announcement: announcementSchema,
    totals: tally,
    byPlatform: z.array(z.object({ platform: z.enum(PLATFORMS), tally })),
    failures: z.array(reported).meta({ description: 'Some failed deliveries.' }),
    pending: z.array(reported).meta({ description: 'Some deliveries still waiting.' }),
    at: timestamp,
  })
  .meta({ id: 'DeliveryReport' });

export const newsChangeSchema = z
  .object({ announcement: announcementSchema, copies: z.number().int().meta({ description: 'Posted copies being updated or deleted.' }) })
  .meta({ id: 'AnnouncementChange' });
