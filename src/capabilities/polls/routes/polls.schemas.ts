import { z } from 'zod';
import { CHOICE_MODES, POLL_LIMITS, RESULTS_VISIBILITIES } from '../domain/poll.js';
import { PLATFORMS } from '../../../kernel/types.js';
import { audienceSchema } from '../../../http/api/audience.schemas.js';
import { line, timestamp } from '../../../http/api/common.schemas.js';

/** Poll operations' schemas; limits are the poll domain's. */

export const pollIdParam = z.uuid().meta({ description: 'The poll id.' });

export const pollCreateBody = z
  .strictObject({
    question: line(POLL_LIMITS.questionLength).meta({ example: 'Zullen we de ALV naar maart verplaatsen?' }),
    options: z
      .array(line(POLL_LIMITS.optionLength))
      .min(POLL_LIMITS.minOptions)
      .max(POLL_LIMITS.maxOptions)
      .meta({ example: ['Ja', 'Nee', 'Maakt niet uit'] }),
    choiceMode: z.enum(CHOICE_MODES).default('single'),
    maxChoices: z.number().int().min(1).max(POLL_LIMITS.maxOptions).nullable().default(null).meta({ description: 'Multiple choice only: at most this many options per member.' }),
    anonymous: z.boolean().default(false).meta({ description: 'Store no member with a ballot; exports then hold counts only.' }),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).default('live').meta({ description: 'When members see the counts (the API always does).' }),
    deadline: z.iso.datetime({ offset: true }).nullable().default(null).meta({ description: 'When voting stops; null: until closed.' }),
    audience: audienceSchema.default({ kind: 'all' }),
    channels: z
      .array(
        z.strictObject({
          platform: z.enum(PLATFORMS),
          workspaceId: line(200).meta({ description: 'Slack team id, Discord guild id or Teams tenant id.' }),
          channelId: line(200),
        }),
      )
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Where to post it. Omitted: the organisation's general and news channels (chapter audiences: those chapters' channels)." }),
  })
  .meta({ id: 'PollInput' });

export const pollListQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const pollSchema = z
  .object({
    id: z.uuid(),
    question: z.string(),
    options: z.array(z.string()),
    choiceMode: z.enum(CHOICE_MODES),
    maxChoices: z.number().int().nullable(),
    anonymous: z.boolean(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES),
    deadline: timestamp.nullable(),
    status: z.enum(['open', 'closed']),
    audience: audienceSchema,
    createdAt: timestamp,
    closedAt: timestamp.nullable(),
  })
  .meta({ id: 'Poll' });

export const pollListSchema = z.object({ data: z.array(pollSchema) }).meta({ id: 'PollList' });

export const pollResultsSchema = z
  .object({
    poll: pollSchema,
    open: z.boolean(),
    visibleToMembers: z.boolean().meta({ description: 'Whether members see these counts in chat now.' }),
    voters: z.number().int(),
    results: z.array(z.object({ position: z.number().int(), label: z.string(), votes: z.number().int(), percent: z.number().int() })),
  })
  .meta({ id: 'PollResults' });

export const pollExportQuery = z.object({
  lang: z.enum(['nl', 'en']).optional().meta({ description: "Column headers' language (default: the organisation's)." }),
});
