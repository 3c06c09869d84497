import { z } from 'zod';
import { line } from '../../../http/api/common.schemas.js';

/** Chapter (afdeling) operations' schemas. */

export const chapterIdParam = z.uuid().meta({ description: 'The chapter id.' });

export const chapterBody = z.strictObject({ name: line(100).meta({ example: 'Utrecht' }) }).meta({ id: 'ChapterInput' });

export const chapterSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'Chapter' });

export const chapterListSchema = z.object({ data: z.array(chapterSchema) }).meta({ id: 'ChapterList' });
