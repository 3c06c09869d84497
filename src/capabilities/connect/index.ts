import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { askCommands } from './ask.commands.js';
import { askMessageView } from './ask-views.js';
import { connectCommands } from './commands.js';
import { AskService } from './domain/ask.service.js';
import { OnboardingService } from './domain/onboarding.service.js';
import { onboardingCommands } from './onboarding.commands.js';
import { shareCommands } from './share.commands.js';
import { InterestPlaceService } from './domain/interest-places.service.js';
import { interestPlaceCommands } from './interest-places.commands.js';
import { PrismaInterestPlaceRepository } from './repository/prisma-interest-place.repository.js';
import { connectRoutes } from './routes/connect.routes.js';
import { registerConnectCli } from './cli.js';
import { onboardingMessageView } from './onboarding-views.js';
import { IntroService } from './domain/intro.service.js';
import { PeerService } from './domain/peer.service.js';
import { ProfileService } from './domain/profile.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { CONNECT_QUEUE } from './jobs/connect.jobs.js';
import { ConnectScheduler, type ConnectSchedulerOptions } from './jobs/connect.scheduler.js';
import { ConnectWorker } from './jobs/connect.worker.js';
import type { ConnectRepository } from './ports.js';
import { peerCommands } from './peer.commands.js';
import { peerMessageView } from './peer-views.js';
import { PrismaAskRepository } from './repository/prisma-ask.repository.js';
import { PrismaConnectRepository } from './repository/prisma-connect.repository.js';
import { PrismaOnboardingRepository } from './repository/prisma-onboarding.repository.js';
import { PrismaPeerRepository } from './repository/prisma-peer.repository.js';
import { introMessageView } from './views.js';

/** Parts a test or benchmark may tune when building connect. */
export interface ConnectOptions {
  scheduler?: ConnectSchedulerOptions;
  /** Uniform numbers in [0, 1) for pairing and conversation starters (tests pass a seeded one). */
  random?: () => number;
}

/** What the connect capability built, for tests, benchmarks and the CLI. */
export interface ConnectParts extends CapabilityParts {
  profiles: ProfileService;
  intros: IntroService;
  peers: PeerService;
  asks: AskService;
  onboarding: OnboardingService;
  repo: ConnectRepository;
  scheduler: ConnectScheduler;
}

/**
 * Members find each other (issue 13): the association's interests, members' own profiles, `/kring find`,
 * introduction rounds across platforms with a "did you meet?" follow-up, peer support, and asks for help
 * (`/kring ask`: a question to a few members who offered help on its topic, then the managers). Everything is opt-in and seen
 * only by verified active members of the same association. Fills interests from the member import's
 * `interesses` column (`members.imported`). Publishes `connect.*` events.
 */
export const connect = defineCapability({
  name: 'connect',
  texts: { en, nl },
  apiScopes: ['connect:read', 'connect:write'],
  build(ctx: CapabilityContext, options: ConnectOptions = {}): ConnectParts {
    const { directory, translator, clock, logger } = ctx;
    const repo = ctx.repository(PrismaConnectRepository);
    const scheduler = new ConnectScheduler(ctx.queue, clock, options.scheduler);
    const places = new InterestPlaceService({ repo: ctx.repository(PrismaInterestPlaceRepository), identities: directory.identities, platforms: ctx.platforms, logger });
    const profiles = new ProfileService({ repo, members: directory.members, bus: ctx.bus, clock, interestsChanged: (member, before, after) => places.sync(member, before, after) });
    const intros = new IntroService({
      repo,
      jobs: scheduler,
      members: directory.members,
      identities: directory.identities,
      chapters: directory.chapters,
      organizations: directory.organizations,
      platforms: ctx.platforms,
      bus: ctx.bus,
      clock,
      logger,
      render: (message) => introMessageView(translator.for(message.locale), message),
      interestByName: (organizationId, name) => profiles.interestByName(organizationId, name),
      ...(options.random ? { random: options.random } : {}),
    });
    const peers = new PeerService({
      repo: ctx.repository(PrismaPeerRepository, ctx.secrets),
      members: directory.members,
      identities: directory.identities,
      organizations: directory.organizations,
      platforms: ctx.platforms,
      bus: ctx.bus,
      clock,
      logger,
      render: (message) => peerMessageView(translator.for(message.locale), message),
    });
    const asks = new AskService({
      repo: ctx.repository(PrismaAskRepository),
      jobs: scheduler,
      members: directory.members,
      identities: directory.identities,
      organizations: directory.organizations,
      platforms: ctx.platforms,
      bus: ctx.bus,
      clock,
      logger,
      listInterests: (organizationId) => repo.listInterests(organizationId),
      render: (message) => askMessageView(translator.for(message.locale), message),
    });
    const onboarding = new OnboardingService({
      repo: ctx.repository(PrismaOnboardingRepository),
      members: directory.members,
      identities: directory.identities,
      organizations: directory.organizations,
      platforms: ctx.platforms,
      clock,
      logger,
      listInterests: (organizationId) => repo.listInterests(organizationId),
      render: (message) => onboardingMessageView(translator.for(message.locale), message),
    });
    const worker = new ConnectWorker(intros, scheduler, asks, onboarding);
    const main = connectCommands({ profiles, intros, chapters: directory.chapters, identities: directory.identities });
    const peer = peerCommands({ peers });
    const ask = askCommands({ asks });
    const welcome = onboardingCommands({ onboarding });
    const sharing = shareCommands({ profiles });
    const placing = interestPlaceCommands({ profiles, places });
    return {
      profiles,
      intros,
      peers,
      asks,
      onboarding,
      repo,
      scheduler,
      commands: [...main.commands, ...peer.commands, ...ask.commands, ...welcome.commands, ...sharing.commands, ...placing.commands],
      actions: [...main.actions, ...peer.actions, ...ask.actions],
      forms: main.forms,
      api: {
        routes: connectRoutes({ profiles, intros }),
        tags: [{ name: 'Connect', description: 'Members finding each other: interests, profiles members agreed to share, introduction rounds.' }],
      },
      on: {
        'members.imported': async ({ organizationId, rows }) => {
          await profiles.importInterests(organizationId, rows);
        },
        // Through the queue, so the welcome follows the link's own answer instead of overtaking it.
        'member.linked': ({ member, identity }) => scheduler.welcome(member.organizationId, member.id, identity.id),
      },
      async start() {
        ctx.queue.process(CONNECT_QUEUE, (name, payload) => worker.handle(name, payload));
      },
    };
  },
  cli: (program, host) => registerConnectCli(program, host),
});
