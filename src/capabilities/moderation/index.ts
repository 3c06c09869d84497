import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { moderationCommands } from './commands.js';
import { ModerationService } from './domain/moderation.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import type { ModerationRepository } from './ports.js';
import { PrismaModerationRepository } from './repository/prisma-moderation.repository.js';
import { moderationRoutes } from './routes/moderation.routes.js';
import { moderationViews } from './views.js';

/** What the moderation capability built (tests use the service directly). */
export interface ModerationParts extends CapabilityParts {
  service: ModerationService;
  repo: ModerationRepository;
}

/**
 * Reports and moderation (issue 16): a reported message (Slack message shortcut, Discord message command,
 * Teams message action) becomes a case in one queue for the moderators (`/kring cases`, a card in every
 * moderators' channel, the admin API); they dismiss, warn, remove the message, suspend the author on every
 * platform (`member.suspended`, carried out by access) or hand the case to the confidential counsellor.
 * Publishes `case.opened` and `case.closed`.
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
    return {
      service,
      repo,
      ...moderationCommands({ moderation: service }),
      api: {
        routes: moderationRoutes({ moderation: service, memberOf: async (organizationId, id) => (id ? ctx.directory.members.findById(organizationId, id) : null) }),
        tags: [{ name: 'Moderation', description: 'Reported messages, the moderators\' decisions and the audit log.' }],
      },
    };
  },
});
