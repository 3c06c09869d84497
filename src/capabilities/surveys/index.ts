import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { PLATFORM_LIMITS, type PlatformLimits } from '../../kernel/platform-limits.js';
import type { Platform } from '../../kernel/types.js';
import { toLocale } from '../../kernel/types.js';
import { registerSurveysCli } from './cli.js';
import { surveyCommands } from './commands.js';
import { SurveyService } from './domain/survey.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { QueueSurveyJobs, SURVEY_QUEUE, SurveyWorker } from './jobs/survey.jobs.js';
import type { SurveyRepository } from './ports.js';
import { PrismaSurveyRepository } from './repository/prisma-survey.repository.js';
import { surveyRoutes } from './routes/surveys.routes.js';
import { surveyCsv, surveyXlsx } from './survey-csv.js';
import { invitationView } from './views.js';

/** Parts a test or benchmark may replace. */
export interface SurveysOptions {
  repo?: SurveyRepository;
  limits?: Readonly<Record<Platform, PlatformLimits>>;
  /** Draws samples; uniform in [0, 1). */
  random?: () => number;
}

/** What the surveys capability built, for tests that drive the parts directly. */
export interface SurveysParts extends CapabilityParts {
  service: SurveyService;
  repo: SurveyRepository;
}

/**
 * Surveys (doelgroeponderzoek): a manager writes a multi-question survey (single and multiple choice, a
 * 1–5 scale, NPS, short text) for an audience (everyone, a chapter, a role, optionally a random sample of
 * N), sends it by direct message (one job per member, paced at the platforms' limits), and members answer
 * question by question with buttons and forms, once, from whichever platform; a reminder goes to those who
 * have not finished. Anonymous surveys keep no path from an answer to a member. Results with bars, NPS,
 * averages, texts and a breakdown per chapter for large enough groups; CSV and XLSX export; `survey.closed`.
 */
export const surveys = defineCapability({
  name: 'surveys',
  texts: { en, nl },
  apiScopes: ['surveys:read', 'surveys:write'],
  build(ctx: CapabilityContext, options: SurveysOptions = {}): SurveysParts {
    const repo = options.repo ?? ctx.repository(PrismaSurveyRepository, { secrets: ctx.secrets });
    const jobs = new QueueSurveyJobs(ctx.queue, ctx.clock);
    const service = new SurveyService({
      repo,
      jobs,
      clock: ctx.clock,
      members: ctx.directory.members,
      identities: ctx.directory.identities,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      pacing: { pacer: ctx.pacer, limits: options.limits ?? PLATFORM_LIMITS },
      views: {
        invitation: ({ survey, member, organization, nextQuestion, reminder }) =>
          invitationView(survey, survey.questions[nextQuestion] ?? null, ctx.translator.for(toLocale(member.locale ?? organization.defaultLocale) ?? 'nl'), reminder),
      },
      bus: ctx.bus,
      logger: ctx.logger,
      ...(options.random ? { random: options.random } : {}),
    });
    const worker = new SurveyWorker(service);
    return {
      service,
      repo,
      ...surveyCommands({ surveys: service, chapters: ctx.directory.chapters }),
      api: {
        routes: surveyRoutes({
          surveys: service,
          csv: (survey, answers, locale) => surveyCsv(survey, answers, ctx.translator.for(locale)),
          xlsx: (survey, answers, locale) => surveyXlsx(survey, answers, ctx.translator.for(locale)),
        }),
        tags: [{ name: 'Surveys', description: 'Multi-question surveys sent by direct message; results, per-chapter breakdowns for large enough groups, CSV.' }],
      },
      on: {
        // The insights dashboard gathers each survey's figures through the bus (counts only, group size respected).
        'survey.figures-requested': async (request) => {
          request.surveys.push(...(await service.dashboardFigures(request.organizationId, request.since, request.until, request.limit)));
        },
      },
      async start() {
        ctx.queue.process(SURVEY_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
      },
    };
  },
  cli: (program, host) => registerSurveysCli(program, host),
});
