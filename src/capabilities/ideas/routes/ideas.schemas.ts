import { z } from 'zod';
import { timestamp } from '../../../http/api/common.schemas.js';
import { IDEA_LIMITS, IDEA_STATUSES } from '../domain/idea.js';

/** Idea-box operations' schemas; limits and statuses are the idea domain's. */

export const ideaIdParam = z.uuid().meta({ description: 'The idea id.' });

export const ideaListQuery = z.object({
  status: z.enum(IDEA_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ideaStatusBody = z
  .strictObject({
    status: z.enum(IDEA_STATUSES),
    reason: z.string().trim().max(IDEA_LIMITS.reasonLength).nullable().default(null).meta({ description: 'Required when declining; ignored otherwise.' }),
  })
  .meta({ id: 'IdeaStatusInput' });

export const ideaSchema = z
  .object({
    id: z.uuid(),
    text: z.string(),
    status: z.enum(IDEA_STATUSES),
    reason: z.string().nullable().meta({ description: 'Why it was declined (declined ideas only).' }),
    votes: z.number().int().meta({ description: 'Upvotes: one per member across platforms (never who).' }),
    createdAt: timestamp,
    statusChangedAt: timestamp,
  })
  .meta({ id: 'Idea' });

export const ideaListSchema = z.object({ data: z.array(ideaSchema) }).meta({ id: 'IdeaList' });
