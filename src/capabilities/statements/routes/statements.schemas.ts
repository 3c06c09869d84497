import { z } from 'zod';
import { PLATFORMS } from '../../../kernel/types.js';
import { line, timestamp } from '../../../http/api/common.schemas.js';
import { STATEMENT_LIMITS, STATEMENT_STATUSES } from '../domain/statement.js';

/** Statement operations' schemas; limits are the statement domain's. */

export const statementIdParam = z.uuid().meta({ description: 'The statement id.' });

export const statementCreateBody = z
  .strictObject({
    text: z.string().trim().min(3).max(STATEMENT_LIMITS.textLength).meta({ example: 'We zouden elke maand moeten afspreken.' }),
    chapterId: z.uuid().nullable().default(null).meta({ description: "Post in this chapter's channels (ignored when `channels` is given)." }),
    channels: z
      .array(z.strictObject({ platform: z.enum(PLATFORMS), workspaceId: line(200), channelId: line(200) }))
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Where to post it. Omitted: the organisation's general and news channels, or the chapter's channels." }),
  })
  .meta({ id: 'StatementInput' });

export const statementListQuery = z.object({
  status: z.enum(STATEMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const tallySchema = z.object({ agree: z.number().int(), neutral: z.number().int(), disagree: z.number().int(), total: z.number().int() });

export const statementSchema = z
  .object({ id: z.uuid(), text: z.string(), status: z.enum(STATEMENT_STATUSES), createdAt: timestamp, closedAt: timestamp.nullable() })
  .meta({ id: 'Statement' });

export const statementListSchema = z.object({ data: z.array(statementSchema) }).meta({ id: 'StatementList' });

export const statementResultsSchema = z
  .object({
    statement: statementSchema,
    answers: tallySchema,
    chapters: z.array(tallySchema.extend({ chapterId: z.uuid().nullable(), chapterName: z.string().nullable() })).meta({ description: 'Per chapter of the answering members; `chapterId` null: members without a chapter.' }),
  })
  .meta({ id: 'StatementResults' });
