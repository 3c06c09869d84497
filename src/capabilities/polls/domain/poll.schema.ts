import { z } from 'zod';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import { platformSchema } from '../../../kernel/types.js';
import { CHOICE_MODES, POLL_LIMITS, RESULTS_VISIBILITIES } from './poll.js';

/** Who may vote. */
export const pollAudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('chapters'), chapterIds: z.array(z.string().min(1)).min(1, 'name at least one chapter').max(50) }),
  z.object({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)).min(1, 'name at least one role').max(MEMBER_ROLES.length) }),
]);

/** One channel a poll is posted in. */
export const pollTargetSchema = z.object({
  platform: platformSchema,
  workspaceExternalId: z.string().min(1).max(200),
  channelExternalId: z.string().min(1).max(200),
});

/**
 * Input of {@link PollService.create}. Rules that need no clock live here: 2–10 distinct options,
 * `maxChoices` only for multi choice and at most the number of options. The deadline being in the future
 * is checked by the service (it owns the clock).
 */
export const createPollSchema = z
  .object({
    organizationId: z.string().min(1),
    createdByMemberId: z.string().min(1).nullable().default(null),
    question: z.string().trim().min(1, 'ask a question').max(POLL_LIMITS.questionLength),
    options: z
      .array(z.string().trim().min(1, 'an option may not be empty').max(POLL_LIMITS.optionLength))
      .min(POLL_LIMITS.minOptions, `give at least ${POLL_LIMITS.minOptions} options`)
      .max(POLL_LIMITS.maxOptions, `give at most ${POLL_LIMITS.maxOptions} options`),
    choiceMode: z.enum(CHOICE_MODES).default('single'),
    maxChoices: z.number().int().min(1).max(POLL_LIMITS.maxOptions).nullable().default(null),
    anonymous: z.boolean().default(false),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES).default('live'),
    deadline: z.date().nullable().default(null),
    audience: pollAudienceSchema.default({ kind: 'all' }),
    targets: z.array(pollTargetSchema).max(100).default([]),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.options.forEach((label, i) => {
      const key = label.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['options', i], message: `"${label}" is listed twice` });
      seen.add(key);
    });
    if (input.maxChoices !== null && input.choiceMode === 'single') {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: 'a maximum only applies to multiple choice' });
    }
    if (input.maxChoices !== null && input.maxChoices > input.options.length) {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: `the maximum cannot exceed the ${input.options.length} options` });
    }
  });

/** What {@link createPollSchema} accepts (defaults optional). */
export type CreatePollInput = z.input<typeof createPollSchema>;
/** A validated new poll. */
export type NewPoll = z.output<typeof createPollSchema>;
