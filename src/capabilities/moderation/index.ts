import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { moderationCommands } from './commands.js';
import { DeskAccess } from './domain/desk-access.js';
import { ModerationService } from './domain/moderation.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import type { ModerationRepository } from './ports.js';
import { PrismaDeskLinkRepository } from './repository/prisma-desk-link.repository.js';
import { PrismaModerationRepository } from './repository/prisma-moderation.repository.js';
import { mountDesk } from './routes/desk.routes.js';
import { moderationRoutes } from './routes/moderation.routes.js';
import { moderationViews } from './views.js';

/** What the moderation capability built (tests use the service directly). */
export interface ModerationParts extends CapabilityParts {
  service: ModerationService;
  repo: ModerationRepository;
  /** Sign-in links and sessions of the case desk. */
  desk: DeskAccess;
}

/**
 * Reports and moderation (issue 16): a reported message (Slack message shortcut, Discord message command,
 * Teams message action) becomes a case in one queue for the moderators (`/kring cases`, a card in every
 * moderators' channel, the admin API); they dismiss, warn, remove the message, suspend the author on every
 * platform (`member.suspended`, carried out by access) or hand the case to the confidential counsellor.
 * The case desk under `/moderation` (sign-in link: `/kring case desk`) shows the queue and takes the same
 * decisions in a browser. Publishes `case.opened` and `case.closed`.
 */
export const moderation = defineCapability({
  name: 'moderation',
  texts: { en, nl },
  apiScopes: ['cases:read', 'cases:write'],
  build(ctx: CapabilityContext): ModerationParts {
    const repo = ctx.repository(PrismaModerationRepository);
    const service = new ModerationService({
      repo,
      members: ctx.directory.members,
      identities: ctx.directory.identities,
      channels: ctx.directory.channels,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      bus: ctx.bus,
      clock: ctx.clock,
      views: moderationViews(ctx.translator),
      logger: ctx.logger,
    });
    const desk = new DeskAccess({ links: ctx.repository(PrismaDeskLinkRepository), secrets: ctx.secrets, members: ctx.directory.members, clock: ctx.clock });
    const publicUrl = ctx.settings.publicUrl;
    return {
      service,
      repo,
      desk,
      ...moderationCommands({ moderation: service, desk, publicUrl }),
      api: {
        routes: moderationRoutes({ moderation: service, memberOf: async (organizationId, id) => (id ? ctx.directory.members.findById(organizationId, id) : null) }),
        tags: [{ name: 'Moderation', description: 'Reported messages, the moderators\' decisions and the audit log.' }],
      },
      mount: (app) => mountDesk(app, { moderation: service, access: desk, organizations: ctx.directory.organizations, translator: ctx.translator, logger: ctx.logger, publicUrl }),
    };
  },
});
