import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { QUEUE_HELP, findOrg, orFail, table } from '../../capability-cli.js';
import type { Audience } from './domain/access.js';
import type { AccessService } from './domain/access.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type AccessCliParts = { service: AccessService };

/** Adds `access …` to the `kring` program: the places, and the sweep on demand. */
export function registerAccessCli(program: Command, host: CliHost<AccessCliParts>): void {
  const access = program.command('access').description('members-only places, the grace period and the sweep').exitOverride();
  access
    .command('list')
    .description('list the members-only places and the grace period')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (opts: { org: string }, cmd: Command) => {
      const organization = await findOrg(cmd, await host.directory(), opts.org);
      const parts = await host.parts();
      const [places, settings] = await Promise.all([parts.service.listPlaces(organization.id), parts.service.settings(organization.id)]);
      host.out(
        places.length === 0
          ? 'No members-only places yet.'
          : table(['ID', 'PLATFORM', 'KIND', 'PLACE', 'AUDIENCE'], places.map((p) => [p.id.slice(0, 8), p.platform, p.kind, p.name ?? p.externalId, audienceWords(p.audience)])),
      );
      host.out(`\nGrace period: ${settings.graceDays} day(s). House rules: ${settings.rulesVersion === 0 ? 'none' : `version ${settings.rulesVersion}`}.`);
    });
  access
    .command('sweep')
    .description('hand the members whose access must change now (grace over, suspension ended) to the server\'s workers')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only count what is due; the server\'s daily sweep does the work')
    .addHelpText('after', QUEUE_HELP)
    .action(async (opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => host.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const organization = await findOrg(cmd, await host.directory(), opts.org);
        const result = await (await host.parts(queue)).service.sweep(organization.id);
        host.out(`Due: ${result.lapses} ended membership(s), ${result.suspensions} ended suspension(s), ${result.unrecorded} unrecorded lapse(s).`);
        host.out(queue.mode === 'bullmq' ? 'Queued for the running server\'s workers.' : `Record-only: ${queue.dropped()} job(s) dropped; the server's daily sweep does the work.`);
      } finally {
        await queue.close();
      }
    });
}

function audienceWords(audience: Audience): string {
  if (audience.kind === 'all') return 'all';
  if (audience.kind === 'roles') return `role=${audience.roles.join(',')}`;
  return `chapter=${audience.chapterIds.map((id) => id.slice(0, 8)).join(',')}`;
}
