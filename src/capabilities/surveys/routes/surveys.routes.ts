import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../kernel/errors.js';
import type { Locale } from '../../../kernel/types.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { AudienceBase, Survey } from '../domain/survey.js';
import { audienceToText, questionInput } from '../domain/survey.js';
import type { QuestionSummary, ResultAnswer, SurveyResultsData } from '../domain/survey-results.js';
import type { SurveyService } from '../domain/survey.service.js';
import { SurveyError } from '../domain/survey.errors.js';
import { surveyCreateBody, surveyExportQuery, surveyIdParam, surveyListQuery, surveyListSchema, surveyResultsSchema, surveySchema } from './surveys.schemas.js';

export interface SurveyRoutesDeps {
  surveys: Pick<SurveyService, 'create' | 'addQuestion' | 'send' | 'findById' | 'list' | 'results' | 'close' | 'exportAnswers'>;
  /** The CSV the chat command exports, in a language (survey-csv.ts). */
  csv(survey: Survey, answers: readonly ResultAnswer[], locale: Locale): string;
  /** The same as an XLSX workbook. */
  xlsx(survey: Survey, answers: readonly ResultAnswer[], locale: Locale): Promise<Uint8Array>;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function surveyView(s: Survey): z.output<typeof surveySchema> {
  return {
    id: s.id,
    title: s.title,
    anonymous: s.anonymous,
    status: s.status,
    audience: audienceToText(s.audience),
    minGroupSize: s.minGroupSize,
    questions: s.questions.map((q) => ({ ...q, options: [...q.options] })),
    opensAt: s.opensAt?.toISOString() ?? null,
    closesAt: s.closesAt?.toISOString() ?? null,
    sentAt: s.sentAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    closedAt: s.closedAt?.toISOString() ?? null,
  };
}

const summaryView = (q: QuestionSummary, anonymous: boolean) => ({
  position: q.question.position,
  answered: q.answered,
  bars: q.bars.map((b) => ({ ...b })),
  average: q.average,
  nps: q.nps ? { ...q.nps } : null,
  texts: q.texts.map((x) => ({ text: x.text, name: anonymous ? null : x.name })),
});

function resultsView(r: SurveyResultsData): z.output<typeof surveyResultsSchema> {
  return {
    survey: surveyView(r.survey),
    invited: r.invited,
    completed: r.completed,
    respondents: r.respondents,
    waiting: r.waiting,
    questions: r.questions.map((q) => summaryView(q, r.survey.anonymous)),
    chapters: r.chapters?.map((c) => ({ chapterId: c.chapterId, chapterName: c.chapterName, respondents: c.respondents, questions: c.questions.map((q) => summaryView(q, false)) })) ?? null,
    hiddenGroups: r.hiddenGroups,
  };
}

const path = z.object({ surveyId: surveyIdParam });

/** A rule of the survey domain the schema cannot check (a choice question without options): a 400 on the body. */
async function bodyRule<T>(where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await inBody(run);
  } catch (err) {
    if (err instanceof SurveyError) throw new ValidationError([{ path: where, message: `${err.code}${err.params['details'] ? `: ${String(err.params['details'])}` : ''}` }], { cause: err });
    throw err;
  }
}

/** Surveys: create (and send), list, results, close, CSV and XLSX export. */
export function surveyRoutes(deps: SurveyRoutesDeps): ApiRoute[] {
  const find = async (organizationId: string, id: string): Promise<Survey> => {
    const s = await deps.surveys.findById(id);
    if (!s || s.organizationId !== organizationId) throw new NotFoundError('SURVEY.NOT_FOUND', 'No such survey.');
    return s;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/surveys',
      operationId: 'createSurvey',
      summary: 'Create a survey',
      description: 'A survey with its questions; with `send` it goes out by direct message to its audience at once (or at `opensAt`).',
      tag: 'Surveys',
      scope: 'surveys:write',
      body: surveyCreateBody,
      responses: { 201: { description: 'Created (and sent when asked).', schema: surveySchema } },
      errors: { 409: '`SURVEY.EMPTY_AUDIENCE`: nobody in the audience can be reached.' },
      async handle({ organization, body }) {
        // Every question checked before anything is stored: a bad one leaves no half-made draft.
        const issues = body.questions.flatMap((q, i) => {
          const r = questionInput.safeParse(q);
          return r.success ? [] : r.error.issues.map((issue) => ({ path: `body.questions.${i}${issue.path.length ? `.${issue.path.join('.')}` : ''}`, message: issue.message }));
        });
        if (issues.length > 0) throw new ValidationError(issues);
        const base: AudienceBase = body.audience.chapterId
          ? { kind: 'chapter', chapterId: body.audience.chapterId }
          : body.audience.role
            ? { kind: 'role', role: body.audience.role }
            : body.audience.panel
              ? { kind: 'panel' }
              : { kind: 'all' };
        let survey = await bodyRule('body', () =>
          deps.surveys.create({
            organizationId: organization.id,
            createdByMemberId: null,
            title: body.title,
            anonymous: body.anonymous,
            audience: { base, sample: body.audience.sample ?? null },
            minGroupSize: body.minGroupSize,
            opensAt: body.opensAt ? new Date(body.opensAt) : null,
            closesAt: body.closesAt ? new Date(body.closesAt) : null,
          }),
        );
        for (const [i, q] of body.questions.entries()) {
          const current = survey;
          survey = await bodyRule(`body.questions.${i}`, () => deps.surveys.addQuestion(current, q));
        }
        if (body.send) {
          try {
            await deps.surveys.send(survey);
          } catch (err) {
            if (err instanceof SurveyError && err.code === 'SURVEY.EMPTY_AUDIENCE') throw new ConflictError('SURVEY.EMPTY_AUDIENCE', 'Nobody in the audience can be reached.');
            throw err;
          }
          survey = (await deps.surveys.findById(survey.id)) ?? survey;
        }
        return { status: 201, json: surveyView(survey) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/surveys',
      operationId: 'listSurveys',
      summary: 'List surveys',
      description: 'Newest first.',
      tag: 'Surveys',
      scope: 'surveys:read',
      query: surveyListQuery,
      responses: { 200: { description: 'The newest surveys.', schema: surveyListSchema } },
      async handle({ organization, query }) {
        const list = await deps.surveys.list(organization.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}) });
        return { status: 200, json: { data: list.map(surveyView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/surveys/{surveyId}',
      operationId: 'getSurveyResults',
      summary: 'Get a survey with its results',
      description: 'Counts per question, bars, scale averages, NPS, text answers (without names on anonymous surveys), and per chapter for groups of at least `minGroupSize` (named surveys only).',
      tag: 'Surveys',
      scope: 'surveys:read',
      params: path,
      responses: { 200: { description: 'The survey and its results.', schema: surveyResultsSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: resultsView(await deps.surveys.results(await find(organization.id, params.surveyId))) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/surveys/{surveyId}/close',
      operationId: 'closeSurvey',
      summary: 'Close a survey',
      description: 'Stops answering; publishes `survey.closed`. 409 when it is not open.',
      tag: 'Surveys',
      scope: 'surveys:write',
      params: path,
      responses: { 200: { description: 'The closed survey and its final results.', schema: surveyResultsSchema } },
      errors: { 409: '`SURVEY.NOT_OPEN`: the survey is a draft or closed already.' },
      async handle({ organization, params }) {
        const survey = await find(organization.id, params.surveyId);
        if (survey.status !== 'open') throw new ConflictError('SURVEY.NOT_OPEN', 'Not open.');
        try {
          return { status: 200, json: resultsView(await deps.surveys.close(survey)) };
        } catch (err) {
          if (err instanceof SurveyError && (err.code === 'SURVEY.CLOSED' || err.code === 'SURVEY.NOT_OPEN')) throw new ConflictError('SURVEY.NOT_OPEN', 'Not open.');
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/surveys/{surveyId}/export.csv',
      operationId: 'exportSurveyCsv',
      summary: 'Export a survey as CSV',
      description: 'One line per response, one column per question. Named surveys start with member number, name and chapter; anonymous ones with a running number only.',
      tag: 'Surveys',
      scope: 'surveys:read',
      params: path,
      query: surveyExportQuery,
      responses: { 200: { description: 'RFC 4180 CSV.', schema: z.string(), contentType: 'text/csv' } },
      async handle({ organization, params, query }) {
        const survey = await find(organization.id, params.surveyId);
        const csv = deps.csv(survey, await deps.surveys.exportAnswers(survey), query.lang ?? organization.defaultLocale);
        return { status: 200, text: csv, contentType: 'text/csv; charset=utf-8', headers: { 'Content-Disposition': `attachment; filename="survey-${survey.id.slice(0, 8)}.csv"` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/surveys/{surveyId}/export.xlsx',
      operationId: 'exportSurveyXlsx',
      summary: 'Export a survey as XLSX',
      description: 'The CSV export as an Excel workbook: one sheet, numbers as numbers, no cell starts like a formula.',
      tag: 'Surveys',
      scope: 'surveys:read',
      params: path,
      query: surveyExportQuery,
      responses: { 200: { description: 'An Excel workbook.', schema: z.string().meta({ format: 'binary' }), contentType: XLSX } },
      async handle({ organization, params, query }) {
        const survey = await find(organization.id, params.surveyId);
        const bytes = await deps.xlsx(survey, await deps.surveys.exportAnswers(survey), query.lang ?? organization.defaultLocale);
        return { status: 200, bytes, contentType: XLSX, headers: { 'Content-Disposition': `attachment; filename="survey-${survey.id.slice(0, 8)}.xlsx"` } };
      },
    }),
  ];
}
