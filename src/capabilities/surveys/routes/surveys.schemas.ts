import { z } from 'zod';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import { timestamp } from '../../../http/api/common.schemas.js';
import { QUESTION_KINDS, SURVEY_LIMITS, SURVEY_STATUSES } from '../domain/survey.js';

/** Survey operations' schemas; limits are the survey domain's. */

export const surveyIdParam = z.uuid().meta({ description: 'The survey id.' });

const questionBody = z
  .strictObject({
    kind: z.enum(QUESTION_KINDS).meta({ description: '`single` or `multiple` choice, `scale` (1–5), `nps` (0–10), `text`.' }),
    prompt: z.string().trim().min(3).max(SURVEY_LIMITS.promptLength),
    options: z.array(z.string().trim().min(1).max(SURVEY_LIMITS.optionLength)).max(SURVEY_LIMITS.options).default([]).meta({ description: 'Choice questions: 2 to 10 options; others none.' }),
  })
  .meta({ id: 'SurveyQuestionInput' });

export const surveyCreateBody = z
  .strictObject({
    title: z.string().trim().min(3).max(SURVEY_LIMITS.titleLength).meta({ example: 'Ledentevredenheid 2026' }),
    anonymous: z.boolean().default(false).meta({ description: 'No answer can be joined to a member; no per-chapter breakdown.' }),
    audience: z
      .strictObject({
        chapterId: z.uuid().optional(),
        role: z.enum(MEMBER_ROLES).optional(),
        panel: z.boolean().optional().meta({ description: 'Ask the sounding-board panel (`/kring panel draw`).' }),
        sample: z.number().int().min(1).max(SURVEY_LIMITS.sample).optional().meta({ description: 'Ask a random N of them.' }),
      })
      .refine((a) => [a.chapterId, a.role, a.panel].filter(Boolean).length <= 1, { message: 'one of a chapter, a role or the panel' })
      .default({})
      .meta({ description: 'Omitted: every active member with a linked chat account.' }),
    minGroupSize: z.number().int().min(SURVEY_LIMITS.minGroupSize).max(1000).default(SURVEY_LIMITS.minGroupSize),
    opensAt: z.iso.datetime({ offset: true }).nullable().default(null),
    closesAt: z.iso.datetime({ offset: true }).nullable().default(null),
    questions: z.array(questionBody).min(1).max(SURVEY_LIMITS.questions),
    send: z.boolean().default(false).meta({ description: 'Send it at once (or at `opensAt`); else it stays a draft.' }),
  })
  .meta({ id: 'SurveyInput' });

export const surveyListQuery = z.object({
  status: z.enum(SURVEY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const surveyExportQuery = z.object({
  lang: z.enum(['nl', 'en']).optional().meta({ description: "Column headers' language (default: the organisation's)." }),
});

export const surveySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    anonymous: z.boolean(),
    status: z.enum(SURVEY_STATUSES),
    audience: z.string().meta({ description: '`all`, `chapter:<id>`, `role:<role>`, `panel`, optionally `+sample:<n>`.' }),
    minGroupSize: z.number().int(),
    questions: z.array(z.object({ position: z.number().int(), kind: z.enum(QUESTION_KINDS), prompt: z.string(), options: z.array(z.string()) })),
    opensAt: timestamp.nullable(),
    closesAt: timestamp.nullable(),
    sentAt: timestamp.nullable(),
    createdAt: timestamp,
    closedAt: timestamp.nullable(),
  })
  .meta({ id: 'Survey' });

export const surveyListSchema = z.object({ data: z.array(surveySchema) }).meta({ id: 'SurveyList' });

const barSchema = z.object({ label: z.string(), count: z.number().int(), percent: z.number().int() });
const summarySchema = z.object({
  position: z.number().int(),
  answered: z.number().int(),
  bars: z.array(barSchema),
  average: z.number().nullable(),
  nps: z.object({ score: z.number().int(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int() }).nullable(),
  texts: z.array(z.object({ text: z.string(), name: z.string().nullable().meta({ description: 'Named surveys only; always null on anonymous ones.' }) })),
});

export const surveyResultsSchema = z
  .object({
    survey: surveySchema,
    invited: z.number().int(),
    completed: z.number().int(),
    respondents: z.number().int(),
    waiting: z.number().int().meta({ description: 'Anonymous surveys: finished responses not yet released into the results (released in groups of at least `minGroupSize`).' }),
    questions: z.array(summarySchema),
    chapters: z
      .array(z.object({ chapterId: z.uuid().nullable(), chapterName: z.string().nullable(), respondents: z.number().int(), questions: z.array(summarySchema) }))
      .nullable()
      .meta({ description: 'Named surveys: chapters with at least `minGroupSize` responses. Null for anonymous surveys.' }),
    hiddenGroups: z.number().int(),
  })
  .meta({ id: 'SurveyResults' });
