import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { panelCommands } from './commands.js';
import { PanelService } from './domain/panel.service.js';
import { PANEL_QUEUE, PanelWorker, QueuePanelJobs } from './jobs/panel.jobs.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import type { PanelRepository } from './ports.js';
import { PrismaPanelRepository } from './repository/prisma-panel.repository.js';
import { panelRoutes } from './routes/panel.routes.js';
import { welcomeView } from './views.js';
import { toLocale } from '../../kernel/types.js';

/** Parts a test may replace. */
export interface PanelOptions {
  repo?: PanelRepository;
  /** A fixed seed for draws that name none (reproducible tests). */
  newSeed?: () => number;
}

/** What the panel capability built, for tests that drive the parts directly. */
export interface PanelParts extends CapabilityParts {
  service: PanelService;
  repo: PanelRepository;
}

/**
 * The sounding-board panel (klankbordgroep): members sign up (`/kring panel join`); a community manager
 * draws a panel of N of them, balanced over chapter and the member import's age-group and membership-type
 * columns (kept from `members.imported`), sees and adjusts it, and gives it a members-only place per
 * workspace (a Slack/Teams private channel or a Discord role), which follows the panel. Surveys sent to
 * the panel (`--panel`) ask this capability for its members over the bus (`audience.members-requested`).
 * Publishes `panel.drawn` (counts only).
 */
export const panel = defineCapability({
  name: 'panel',
  texts: { en, nl },
  apiScopes: ['panel:read', 'panel:write'],
  build(ctx: CapabilityContext, options: PanelOptions = {}): PanelParts {
    const repo = options.repo ?? ctx.repository(PrismaPanelRepository);
    const service = new PanelService({
      repo,
      jobs: new QueuePanelJobs(ctx.queue, ctx.clock),
      members: ctx.directory.members,
      chapters: ctx.directory.chapters,
      identities: ctx.directory.identities,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      welcomeView: (member, organization) => welcomeView(organization.name, ctx.translator.for(toLocale(member.locale ?? organization.defaultLocale) ?? 'nl')),
      bus: ctx.bus,
      clock: ctx.clock,
      logger: ctx.logger,
      ...(options.newSeed ? { newSeed: options.newSeed } : {}),
    });
    const worker = new PanelWorker(service);
    return {
      service,
      repo,
      ...panelCommands({ panel: service }),
      api: {
        routes: panelRoutes({ panel: service }),
        tags: [{ name: 'Panel', description: 'The sounding-board panel: drawn from members who signed up, balanced over chapter, age group and membership type.' }],
      },
      on: {
        'members.imported': async ({ organizationId, rows }) => {
          await service.importColumns(organizationId, rows);
        },
        'member.lapsed': ({ member }) => service.memberLapsed(member),
        'audience.members-requested': async (request) => {
          if (request.group === 'panel') request.memberIds.push(...(await service.reachableMembers(request.organizationId)));
        },
      },
      async start() {
        ctx.queue.process(PANEL_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
      },
    };
  },
});
