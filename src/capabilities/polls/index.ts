import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { toLocale } from '../../kernel/types.js';
import { registerPollsCli } from './cli.js';
import { pollCommands } from './commands.js';
import { PollCopiesService } from './domain/poll-copies.service.js';
import { PollService } from './domain/poll.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { POLL_QUEUE } from './jobs/poll.jobs.js';
import { PollScheduler, type PollSchedulerOptions } from './jobs/poll.scheduler.js';
import { PollWorker } from './jobs/poll.worker.js';
import { pollCsv } from './poll-csv.js';
import type { PollRepository } from './ports.js';
import { PrismaPollRepository } from './repository/prisma-poll.repository.js';
import { pollRoutes } from './routes/polls.routes.js';
import { pollMessageView } from './views.js';

/** Parts a test or benchmark may replace when building polls. */
export interface PollsOptions {
  repo?: PollRepository;
  scheduler?: PollSchedulerOptions;
}

/** What the polls capability built, for tests and benchmarks that drive the parts directly. */
export interface PollsParts extends CapabilityParts {
  service: PollService;
  repo: PollRepository;
  scheduler: PollScheduler;
  copies: PollCopiesService;
}

/**
 * Polls: one tally across platforms, one ballot per member (the database holds it), anonymous voter
 * keys, live results on every posted copy (coalesced edits), deadlines. Managers create them with
 * `/kring poll …`, the CLI or the admin API. Publishes `poll.closed` with the final results.
 */
export const polls = defineCapability({
  name: 'polls',
  texts: { en, nl },
  apiScopes: ['polls:read', 'polls:write'],
  build(ctx: CapabilityContext, options: PollsOptions = {}): PollsParts {
    const repo = options.repo ?? ctx.repository(PrismaPollRepository, { secrets: ctx.secrets });
    const scheduler = new PollScheduler(ctx.queue, ctx.clock, options.scheduler);
    const service = new PollService({
      repo,
      clock: ctx.clock,
      events: scheduler,
      bus: ctx.bus,
      deliveries: ctx.directory.processedEvents,
      // Only the poll id: never who voted (anonymous polls).
      onEventError: (event, poll, err) => ctx.logger.error({ event, pollId: poll.id, err: (err as Error).message }, 'poll event listener failed'),
    });
    const copies = new PollCopiesService({
      polls: service,
      repo,
      platforms: ctx.platforms,
      organizations: ctx.directory.organizations,
      chapters: ctx.directory.chapters,
      jobs: scheduler,
      logger: ctx.logger,
      skipUnchanged: ctx.queue.driver === 'in-process',
      render: ({ poll, tally, organization, chapterNames }) => {
        const locale = toLocale(organization.defaultLocale) ?? 'nl';
        return pollMessageView(poll, tally, { t: ctx.translator.for(locale), locale, timeZone: organization.timezone, now: ctx.clock.now(), chapterNames });
      },
    });
    const worker = new PollWorker(copies);
    const { channels, chapters } = ctx.directory;
    const catalogue = pollCommands({ polls: service, channels, chapters, clock: ctx.clock });
    return {
      service,
      repo,
      scheduler,
      copies,
      ...catalogue,
      api: {
        routes: pollRoutes({ polls: service, channels, chapters, csv: (data, locale) => pollCsv(data, ctx.translator.for(locale)) }),
        tags: [{ name: 'Polls', description: 'Polls posted to channels; results and CSV export.' }],
      },
      async start() {
        ctx.queue.process(POLL_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
        // The in-process queue forgets close jobs on restart; BullMQ ignores the repeats.
        for (const poll of await repo.listOpenWithDeadline(10_000)) await scheduler.scheduleClose(poll);
      },
    };
  },
  cli: (program, host) => registerPollsCli(program, host),
});
