import { z } from 'zod';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { AnnouncementContent } from './announcement.js';
import { NewsErrors } from './news.errors.js';
import { zonedParts, zonedTimeToUtc } from '../../../kernel/zoned-time.js';

/**
 * Input schemas of the news capability, and the parsers of the text forms managers type in chat.
 * Limits follow the strictest platform: a Slack header holds 150 characters, a Discord message 2,000.
 */

/** Longest title (Slack header block: 150 characters). */
export const MAX_TITLE = 150;
/** Longest body: fits a Discord message with title and footer around it. */
export const MAX_BODY = 1800;

const httpUrl = z
  .string()
  .trim()
  .max(500)
  .url('use a full web address starting with https://')
  .refine((u) => /^https?:\/\//i.test(u), 'use a web address starting with https:// or http://');

/** Title, body, optional link and image of an announcement. */
export const announcementContentSchema = z.object({
  title: z.string().trim().min(1, 'the title is empty').max(MAX_TITLE, `keep the title under ${MAX_TITLE} characters`),
  body: z.string().trim().min(1, 'the text is empty').max(MAX_BODY, `keep the text under ${MAX_BODY} characters`),
  linkUrl: httpUrl.nullable().default(null),
  imageUrl: httpUrl
    .refine((u) => /^https:\/\//i.test(u), 'images must be served over https://')
    .nullable()
    .default(null),
});

/** Who an announcement is for. */
export const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('chapters'), chapterIds: z.array(z.uuid()).min(1).max(100) }),
  z.object({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)).min(1) }),
]);

/** Everything needed to create an announcement. */
export const newAnnouncementSchema = announcementContentSchema.extend({
  organizationId: z.uuid(),
  authorMemberId: z.uuid().nullable().default(null),
  audience: audienceSchema.default({ kind: 'all' }),
  directMessages: z.boolean().default(false),
  /** Absent or null: publish now. */
  publishAt: z.date().nullable().default(null),
});
export type NewAnnouncementInput = z.input<typeof newAnnouncementSchema>;

/**
 * Parses the text form `<title> | <body> [| <link>] [| <image>]`. The title is the first segment; trailing
 * segments that are web addresses become the link and then the image; everything between is the body (a
 * `|` inside the body stays). Throws a ValidationError naming what is missing.
 */
export function parseAnnouncementText(text: string): Pick<AnnouncementContent, 'title' | 'body'> & Partial<AnnouncementContent> {
  const parts = text.split('|').map((p) => p.trim());
  if (parts.length < 2 || parts[0] === '' || parts.slice(1).every((p) => p === '')) {
    throw new ValidationError([{ path: 'text', message: 'write `<title> | <text>`' }], { messageKey: 'news.errors.textForm' });
  }
  const [title, ...rest] = parts as [string, ...string[]];
  const urls: string[] = [];
  while (rest.length > 1 && urls.length < 2 && /^https?:\/\/\S+$/i.test(rest[rest.length - 1]!)) urls.unshift(rest.pop()!);
  const body = rest.join(' | ');
  return {
    title,
    body,
    ...(urls[0] === undefined ? {} : { linkUrl: urls[0] }),
    ...(urls[1] === undefined ? {} : { imageUrl: urls[1] }),
  };
}

/** Latest publish time accepted: a year ahead. */
const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/**
 * Parses when to publish, relative to `now` and in the organisation's time zone:
 * `+30m`, `+2h`, `+1d`; `HH:MM` (the next time it is that o'clock); `YYYY-MM-DDTHH:MM` (also with `@` or `_`
 * instead of `T`). Throws NEWS.BAD_PUBLISH_TIME when it cannot be read, is not in the future, or is more
 * than a year ahead.
 */
export function parsePublishTime(input: string, now: Date, timeZone: string): Date {
  const text = input.trim();
  let at: Date | undefined;
  const rel = /^\+(\d{1,4})([mhd])$/i.exec(text);
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  const full = /^(\d{4})-(\d{2})-(\d{2})[T@_ ](\d{1,2}):(\d{2})$/i.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2]!.toLowerCase() === 'm' ? 60_000 : rel[2]!.toLowerCase() === 'h' ? 3_600_000 : 86_400_000;
    at = new Date(now.getTime() + n * unit);
  } else if (clock) {
    const [h, m] = [Number(clock[1]), Number(clock[2])];
    if (h > 23 || m > 59) throw NewsErrors.badPublishTime(input);
    const today = zonedParts(now, timeZone);
    at = zonedTimeToUtc({ year: today.year, month: today.month, day: today.day, hour: h, minute: m }, timeZone);
    if (at.getTime() <= now.getTime()) {
      const tomorrow = zonedParts(new Date(now.getTime() + 86_400_000), timeZone);
      at = zonedTimeToUtc({ year: tomorrow.year, month: tomorrow.month, day: tomorrow.day, hour: h, minute: m }, timeZone);
    }
  } else if (full) {
    const [y, mo, d, h, mi] = full.slice(1).map(Number) as [number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) throw NewsErrors.badPublishTime(input);
    at = zonedTimeToUtc({ year: y, month: mo, day: d, hour: h, minute: mi }, timeZone);
    // 2026-02-31 rolls over in Date.UTC: refuse instead of publishing on another day.
    if (zonedParts(at, timeZone).day !== d) throw NewsErrors.badPublishTime(input);
  }
  if (!at || at.getTime() <= now.getTime() || at.getTime() - now.getTime() > MAX_AHEAD_MS) throw NewsErrors.badPublishTime(input);
  return at;
}

