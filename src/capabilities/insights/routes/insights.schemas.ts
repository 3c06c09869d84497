import { z } from 'zod';
import { PERIODS } from '../domain/time.js';
import { retentionMonthsSchema } from '../domain/retention.service.js';
import { PLATFORMS } from '../../../kernel/types.js';

/** Insights operations' schemas. */

export const insightsQuery = z.object({
  period: z.enum(Object.keys(PERIODS) as [keyof typeof PERIODS, ...(keyof typeof PERIODS)[]]).default('month').meta({ description: 'The period ending today (organisation time zone).' }),
  chapterId: z.uuid().optional().meta({ description: 'Only this chapter.' }),
  platform: z.enum(PLATFORMS).optional().meta({ description: 'Only this platform.' }),
});

const compare = z.object({ current: z.number(), previous: z.number() });
/** A channel's messages and replies (distinct members are counted per chapter only: per channel it costs a scan per member). */
const channelGroup = z.object({ key: z.string(), name: z.string().nullable(), count: z.number().int() });
/** A chapter's messages and replies and its distinct active members; `key` null is "no chapter". */
const chapterGroup = z.object({ key: z.string().nullable(), name: z.string().nullable(), count: z.number().int(), members: z.number().int() });

export const insightsSummarySchema = z
  .object({
    period: z.object({ key: z.string(), days: z.number().int(), from: z.string(), to: z.string(), previousFrom: z.string(), previousTo: z.string() }),
    chapterId: z.string().nullable(),
    platform: z.enum(PLATFORMS).nullable(),
    activeMembers: compare,
    dailyActive: z.number().int(),
    weeklyActive: z.number().int(),
    monthlyActive: z.number().int(),
    messages: compare,
    replies: compare,
    votes: compare,
    joined: compare,
    newMembers: z.number().int(),
    returningMembers: z.number().int(),
    channels: z.array(channelGroup),
    chapters: z.array(chapterGroup),
    topics: z.object({ enabled: z.boolean(), rising: z.array(z.object({ term: z.string(), current: z.number(), previous: z.number(), growth: z.number() })) }),
    unanswered: z.object({
      hours: z.number(),
      questions: z.number().int(),
      unanswered: z.number().int(),
      medianFirstReplyMinutes: z.number().nullable(),
      byChannel: z.array(z.object({ channelKey: z.string(), name: z.string().nullable(), unanswered: z.number().int() })),
    }),
    polls: z.object({
      averageRate: z.number().nullable(),
      items: z.array(z.object({
        pollId: z.string(), question: z.string(), createdAt: z.string(), status: z.enum(['open', 'closed']),
        anonymous: z.boolean(), ballots: z.number().int(), eligible: z.number().int(), rate: z.number().nullable(),
      })),
    }),
    meetups: z
      .object({
        meetups: z.number().int(), confirmed: z.number().int(), turnedUp: z.number().int(), walkIns: z.number().int(), firstTimers: z.number().int(),
        rate: z.number().nullable().meta({ description: 'Members with a place who checked in, in percent; null when nobody had a place.' }),
        byChapter: z.array(z.object({
          chapterId: z.string().nullable(), name: z.string().nullable(), confirmed: z.number().int(), turnedUp: z.number().int(), firstTimers: z.number().int(), rate: z.number().nullable(),
        })),
      })
      .meta({ description: 'Turn-up at meet-ups that started in the period (check-ins), first-timers, per chapter.' }),
  })
  .meta({ id: 'InsightsSummary', description: 'Aggregated counts only: no message text, no individual member.' });

export const digestQuery = z.object({
  preview: z.enum(['true', 'false']).default('true').meta({ description: '`true` (default): only show it; `false`: send it now.' }),
});

export const digestResultSchema = z
  .object({
    preview: z.boolean().meta({ description: 'True when nothing was posted.' }),
    queued: z.boolean().meta({ description: 'True when the workers post it to the managers\' channels.' }),
    channels: z.number().int().meta({ description: 'Managers\' channels it goes (or would go) to.' }),
    weekEnding: z.string().meta({ description: 'Last day of the week it covers (YYYY-MM-DD, the organisation\'s time zone).' }),
    text: z.string().meta({ description: 'The digest as plain text, in the organisation\'s language.' }),
  })
  .meta({ id: 'InsightsDigest' });

export const insightsSettingsSchema = z
  .object({
    retentionMonths: z.number().int().meta({ description: 'Months activity rollups and question threads are kept.' }),
    defaultRetentionMonths: z.number().int(),
  })
  .meta({ id: 'InsightsSettings' });

export const insightsSettingsBody = z.object({ retentionMonths: retentionMonthsSchema.meta({ description: 'Whole months, 1–120.' }) }).strict();
