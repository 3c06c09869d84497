import { pollCommands } from './commands.js';
import { pollMessageView } from './views.js';
import { PollService, type PollEvents } from './domain/poll.service.js';
import type { PollRepository } from './ports.js';
import { toLocale } from '../../kernel/types.js';
import { PrismaPollRepository } from './repository/prisma-poll.repository.js';
import { POLL_QUEUE } from './jobs/poll.jobs.js';
import { PollScheduler, type PollSchedulerOptions } from './jobs/poll.scheduler.js';
import { PollWorker } from './jobs/poll.worker.js';
import type { CapabilityContext, CapabilityInstall } from '../../capability.js';

/** Parts a test or benchmark may replace when installing polls. */
export interface PollsOptions {
  repo?: PollRepository;
  scheduler?: PollSchedulerOptions;
  /**
   * Listeners called after the scheduler's (e.g. the admin API's `poll.closed` webhooks). A function, so
   * the root can install polls before the capabilities that listen.
   */
  moreEvents?: () => readonly PollEvents[];
}

/** What {@link installPolls} built, for tests and benchmarks that drive the parts directly. */
export interface PollsInstall extends CapabilityInstall {
  service: PollService;
  repo: PollRepository;
  scheduler: PollScheduler;
  worker: PollWorker;
}

/**
 * Installs the polls capability: the Prisma repository, the PollService (its events feed the scheduler),
 * the manager commands and the vote action, and on start the `polls` queue worker plus the close jobs of
 * open polls with a deadline (the in-process queue forgets them on restart; BullMQ ignores the repeats).
 */
export function installPolls(ctx: CapabilityContext, options: PollsOptions = {}): PollsInstall {
  const repo = options.repo ?? new PrismaPollRepository(ctx.database.prisma);
  const scheduler = new PollScheduler(ctx.queue, ctx.clock, options.scheduler);
  const log = ctx.logger.child({ capability: 'polls' });
  const service = new PollService({
    repo,
    clock: ctx.clock,
    events: chainPollEvents(scheduler, options.moreEvents ?? (() => [])),
    deliveries: ctx.repos.processedEvents,
    // Only the poll id: never who voted (anonymous polls).
    onEventError: (event, poll, err) => log.error({ event, pollId: poll.id, err: (err as Error).message }, 'poll event listener failed'),
  });
  const worker = new PollWorker({
    polls: service,
    repo,
    platforms: ctx.platforms,
    organizations: ctx.repos.organizations,
    chapters: ctx.repos.chapters,
    scheduler,
    logger: log,
    skipUnchanged: ctx.queue.driver === 'in-process',
    render: ({ poll, tally, organization, chapterNames }) => {
      const locale = toLocale(organization.defaultLocale) ?? 'nl';
      return pollMessageView(poll, tally, {
        t: ctx.translator.for(locale),
        locale,
        timeZone: organization.timezone,
        now: ctx.clock.now(),
        chapterNames,
      });
    },
  });
  const { commands, actions, forms } = pollCommands({ polls: service, channels: ctx.repos.channels, chapters: ctx.repos.chapters, clock: ctx.clock });

  return {
    name: 'polls',
    commands,
    actions,
    forms,
    service,
    repo,
    scheduler,
    worker,
    async start() {
      ctx.queue.process(POLL_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
      for (const poll of await repo.listOpenWithDeadline(10_000)) await scheduler.scheduleClose(poll);
    },
  };
}

/** The scheduler's listeners first, then the late-bound ones; each event awaits them in order. */
function chainPollEvents(first: PollEvents, more: () => readonly PollEvents[]): PollEvents {
  const call = async (event: keyof PollEvents, poll: Parameters<NonNullable<PollEvents['closed']>>[0]) => {
    for (const listener of [first, ...more()]) await listener[event]?.call(listener, poll);
  };
  return {
    created: (poll) => call('created', poll),
    ballotChanged: (poll) => call('ballotChanged', poll),
    closed: (poll) => call('closed', poll),
  };
}
