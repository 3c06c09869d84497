import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { membershipCommands } from './commands.js';
import { registerMembershipCli } from './cli.js';
import { MemberImportService } from './domain/member-import.service.js';
import { MemberSyncService } from './domain/member-sync.service.js';
import { MembershipService } from './domain/membership.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { PrismaLinkRequestRepository } from './repository/prisma-link-request.repository.js';
import { chapterRoutes } from './routes/chapters.routes.js';
import { memberRoutes } from './routes/members.routes.js';
import { membershipMails } from './views.js';

/** Whether an error is membership's own (the CLI shows its message as it is). */
export { isMembershipError } from './domain/membership.errors.js';

/** What the membership capability built (tests and the CLI use the services directly). */
export interface MembershipParts extends CapabilityParts {
  membership: MembershipService;
  importer: MemberImportService;
  memberSync: MemberSyncService;
}

/**
 * Membership: who is a verified member. Linking a chat account by an e-mailed code (`/kring link`,
 * `verify`, `unlink`, `whoami`), member imports (CSV from the CLI, JSON from the admin API's members and
 * chapters routes), status and role changes. It publishes `member.linked`, `member.unlinked`, `member.updated`,
 * `member.lapsed` and `member.reactivated`. The platforms' member role (Discord) follows from these in the
 * access capability, with the grace period and suspensions (it used to be granted here as well: twice).
 */
export const membership = defineCapability({
  name: 'membership',
  texts: { en, nl },
  apiScopes: ['members:read', 'members:write', 'chapters:read', 'chapters:write'],
  build(ctx: CapabilityContext): MembershipParts {
    const repos = { ...ctx.directory, linkRequests: ctx.repository(PrismaLinkRequestRepository) };
    const membership = new MembershipService({
      repos,
      mailer: ctx.mailer,
      mails: membershipMails(ctx.translator),
      clock: ctx.clock,
      settings: ctx.settings.link,
      bus: ctx.bus,
    });
    const importer = new MemberImportService({ repos, bus: ctx.bus });
    const memberSync = new MemberSyncService({ importer, members: ctx.directory.members });
    const catalogue = membershipCommands({ membership, codeTtlMinutes: Math.round(ctx.settings.link.codeTtlMs / 60_000) });
    return {
      membership,
      importer,
      memberSync,
      commands: catalogue.commands,
      actions: catalogue.actions,
      api: {
        routes: [
          ...memberRoutes({ sync: memberSync, membership, members: ctx.directory.members, chapters: ctx.directory.chapters }),
          ...chapterRoutes({ chapters: ctx.directory.chapters }),
        ],
        tags: [
          { name: 'Members', description: 'The member administration: upsert, full sync, get, list, lapse.' },
          { name: 'Chapters', description: 'Chapters (afdelingen).' },
        ],
      },
    };
  },
  cli: (program, host) => registerMembershipCli(program, host),
});
