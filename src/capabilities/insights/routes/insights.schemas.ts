import { z } from 'zod';
import { PERIODS } from '../domain/time.js';
import { PLATFORMS } from '../../../kernel/types.js';

/** Insights operations' schemas. */

export const insightsQuery = z.object({
  period: z.enum(Object.keys(PERIODS) as [keyof typeof PERIODS, ...(keyof typeof PERIODS)[]]).default('month').meta({ description: 'The period ending today (organisation time zone).' }),
  chapterId: z.uuid().optional().meta({ description: 'Only this chapter.' }),
  platform: z.enum(PLATFORMS).optional().meta({ description: 'Only this platform.' }),
});

const compare = z.object({ current: z.number(), previous: z.number() });
const group = z.object({ key: z.string().nullable(), name: z.string().nullable(), count: z.number().int(), members: z.number().int() });

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
    channels: z.array(group),
    chapters: z.array(group),
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
  })
  .meta({ id: 'InsightsSummary', description: 'Aggregated counts only: no message text, no individual member.' });
