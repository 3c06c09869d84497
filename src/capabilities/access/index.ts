import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { registerAccessCli } from './cli.js';
import { accessCommands } from './commands.js';
import { AccessService } from './domain/access.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { ACCESS_JOB, ACCESS_QUEUE, QueuedAccessJobs } from './jobs/access.jobs.js';
import { AccessWorker } from './jobs/access.worker.js';
import type { AccessRepository } from './ports.js';
import { PrismaAccessRepository } from './repository/prisma-access.repository.js';
import { accessRoutes } from './routes/access.routes.js';
import { accessViews } from './views.js';

export { accessError } from './domain/access.errors.js';
export type { Standing } from './domain/access.js';

/** What the access capability built (tests and the CLI use the service directly). */
export interface AccessParts extends CapabilityParts {
  service: AccessService;
  repo: AccessRepository;
}

/** When the daily sweep runs (in the organisation's default time zone: early morning, before people read). */
export const ACCESS_SWEEP_CRON = '15 5 * * *';

/**
 * Members-only access on every platform (issue 16): Discord roles and Slack and Teams private channels
 * Kring opens to verified members and closes to members whose membership ended (after the grace period,
 * with a direct message that links to the renewal page) or who were suspended by the moderators; house
 * rules members agree to. Listens to membership's events and `member.suspended`; publishes
 * `access.changed`, `member.suspension-ended` and `member.rules-agreed`. Platform work goes through the
 * `access` queue, so a change made in the CLI reaches the platforms through the server's workers.
 */
export const access = defineCapability({
  name: 'access',
  texts: { en, nl },
  apiScopes: ['access:read', 'access:write'],
  build(ctx: CapabilityContext): AccessParts {
    const repo = ctx.repository(PrismaAccessRepository);
    const service = new AccessService({
      repo,
      members: ctx.directory.members,
      identities: ctx.directory.identities,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      jobs: new QueuedAccessJobs(ctx.queue, ctx.clock),
      bus: ctx.bus,
      clock: ctx.clock,
      views: accessViews(ctx.translator),
      renewUrl: ctx.settings.renewUrl,
      logger: ctx.logger,
    });
    const worker = new AccessWorker(service);
    const catalogue = accessCommands({ access: service, chapters: ctx.directory.chapters, translator: ctx.translator });
    return {
      service,
      repo,
      ...catalogue,
      api: {
        routes: accessRoutes({ access: service, members: ctx.directory.members }),
        tags: [{ name: 'Access', description: 'Members-only places, the grace period, house rules and one member\'s access.' }],
      },
      on: {
        'member.linked': async ({ member, identity }) => {
          await service.linked(member, identity);
          await service.askToAgree(member, identity);
        },
        'member.unlinked': ({ member, identity }) => service.unlinked(member, identity),
        'member.lapsed': ({ member }) => service.lapsed(member),
        'member.reactivated': ({ member }) => service.reactivated(member),
        'member.updated': ({ member }) => service.updated(member),
        'member.suspended': ({ member, until, caseNumber }) => service.suspended(member, until, caseNumber),
      },
      async start() {
        ctx.queue.process(ACCESS_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta), { concurrency: 4 });
        await ctx.queue.repeat(ACCESS_QUEUE, ACCESS_JOB.sweep, ACCESS_SWEEP_CRON, ctx.settings.timeZone, { key: 'access-sweep' });
      },
    };
  },
  cli: (program, host) => registerAccessCli(program, host),
});
