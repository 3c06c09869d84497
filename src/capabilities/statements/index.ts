import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { toLocale } from '../../kernel/types.js';
import { registerStatementsCli } from './cli.js';
import { statementCommands } from './commands.js';
import { StatementCopiesService } from './domain/statement-copies.service.js';
import { StatementService } from './domain/statement.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { QueueStatementJobs, STATEMENT_QUEUE, type StatementSchedulerOptions } from './jobs/statement.jobs.js';
import { StatementWorker } from './jobs/statement.worker.js';
import type { StatementRepository } from './ports.js';
import { PrismaStatementRepository } from './repository/prisma-statement.repository.js';
import { statementRoutes } from './routes/statements.routes.js';
import { discussIntroView, statementMessageView } from './views.js';

/** Parts a test or benchmark may replace. */
export interface StatementsOptions {
  repo?: StatementRepository;
  scheduler?: StatementSchedulerOptions;
}

/** What the statements capability built, for tests that drive the parts directly. */
export interface StatementsParts extends CapabilityParts {
  service: StatementService;
  repo: StatementRepository;
  copies: StatementCopiesService;
}

/**
 * Statements (stellingen): a manager posts a statement to channels on every platform; members answer
 * agree / neutral / disagree (one answer per member across platforms, the last press counts), every copy
 * shows live bars (coalesced edits), a discuss button opens the platform's thread under that copy,
 * managers see a breakdown per chapter, and closing posts the summary. Publishes `statement.closed`.
 */
export const statements = defineCapability({
  name: 'statements',
  texts: { en, nl },
  apiScopes: ['statements:read', 'statements:write'],
  build(ctx: CapabilityContext, options: StatementsOptions = {}): StatementsParts {
    const repo = options.repo ?? ctx.repository(PrismaStatementRepository);
    const jobs = new QueueStatementJobs(ctx.queue, ctx.clock, options.scheduler);
    const service = new StatementService({
      repo,
      clock: ctx.clock,
      jobs,
      bus: ctx.bus,
      onError: (what, statementId, err) => ctx.logger.error({ what, statementId, err: (err as Error).message }, 'statement follow-up failed'),
    });
    const copies = new StatementCopiesService({
      repo,
      platforms: ctx.platforms,
      organizations: ctx.directory.organizations,
      jobs,
      logger: ctx.logger,
      render: ({ statement, tally, organization }) => statementMessageView(statement, tally, ctx.translator.for(toLocale(organization.defaultLocale) ?? 'nl')),
      renderIntro: ({ statement, organization }) => discussIntroView(statement, ctx.translator.for(toLocale(organization.defaultLocale) ?? 'nl')),
    });
    const worker = new StatementWorker(copies);
    const { channels, chapters } = ctx.directory;
    return {
      service,
      repo,
      copies,
      ...statementCommands({ statements: service, copies, channels, chapters }),
      api: {
        routes: statementRoutes({ statements: service, channels }),
        tags: [{ name: 'Statements', description: 'Statements members answer agree / neutral / disagree; answers per chapter.' }],
      },
      async start() {
        ctx.queue.process(STATEMENT_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
      },
    };
  },
  cli: (program, host) => registerStatementsCli(program, host),
});
