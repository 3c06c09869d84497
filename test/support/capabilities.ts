import { buildCapabilities, type BuiltCapabilities, type CapabilityContext, type CapabilityOptions, type SharedContext } from '../../src/capability.js';
import { capabilities, kringTranslator, type Capabilities } from '../../src/capabilities.js';
import { ChatRouter } from '../../src/chat/chat-router.js';
import { InProcessEventBus } from '../../src/kernel/events.js';
import type { Database } from '../../src/infra/database/database.js';
import { InMemoryPacer } from '../../src/infra/queue/pacer.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { Translator } from '../../src/kernel/i18n.js';
import type { ChatPlatforms } from '../../src/kernel/ports/chat-platform.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Mailer } from '../../src/kernel/ports/mailer.js';
import type { Pacer } from '../../src/kernel/ports/pacer.js';
import type { SecretBox } from '../../src/kernel/ports/secret-box.js';
import { silentLogger } from './logger.js';
import { testSecretBox } from './secrets.js';

/** A capability's name in the list. */
export type CapabilityName = Capabilities[number]['name'];

/** What a test builds capabilities over; the rest gets test defaults. */
export interface TestContextOptions {
  directory: Directory;
  /** For the capabilities' own Prisma repositories; without it, give in-memory repositories as options. */
  database?: Database;
  queue: JobQueue;
  platforms: ChatPlatforms;
  pacer?: Pacer;
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  translator?: Translator;
  settings?: Partial<CapabilityContext['settings']>;
  /** Default: the test key (test/support/secrets.ts). */
  secrets?: SecretBox;
}

/**
 * The context src/main.ts builds, over the test's parts: the same bus, translator and settings shape,
 * with no platform unless the test gives some.
 */
export function testContext(options: TestContextOptions): SharedContext {
  const logger = options.logger ?? silentLogger;
  const database = options.database;
  return {
    logger,
    clock: options.clock ?? systemClock,
    bus: new InProcessEventBus(logger),
    queue: options.queue,
    pacer: options.pacer ?? new InMemoryPacer(),
    platforms: options.platforms,
    directory: options.directory,
    repository: (Repository, ...args) => {
      if (!database) throw new Error('this test context has no database: pass the capability an in-memory repository');
      return new Repository(database.prisma as never, ...args);
    },
    secrets: options.secrets ?? testSecretBox,
    mailer: options.mailer ?? { send: async () => undefined },
    translator: options.translator ?? kringTranslator(),
    settings: { production: false, publicUrl: 'http://localhost:3000', timeZone: 'Europe/Amsterdam', link: { codeTtlMs: 15 * 60_000, maxAttempts: 5 }, ...options.settings },
  };
}

/**
 * Builds some capabilities of the one list (in list order) over `ctx`, subscribed to its bus, and a chat
 * router over their commands: what src/main.ts does, for the capabilities a test is about.
 */
export function buildTestCapabilities(
  names: readonly CapabilityName[],
  ctx: SharedContext,
  options: { capabilityOptions?: CapabilityOptions<Capabilities>; defaultOrganizationSlug: string },
): { built: BuiltCapabilities<Capabilities>; router: ChatRouter } {
  const chosen = capabilities.filter((c) => names.includes(c.name));
  const built = buildCapabilities(chosen, ctx, options.capabilityOptions as never) as unknown as BuiltCapabilities<Capabilities>;
  const router = new ChatRouter({
    directory: ctx.directory,
    defaultOrganizationSlug: options.defaultOrganizationSlug,
    commands: built.all.flatMap((c) => c.commands ?? []),
    actions: built.all.flatMap((c) => c.actions ?? []),
    forms: built.all.flatMap((c) => c.forms ?? []),
    reports: built.all.flatMap((c) => c.messageReports ?? []),
    bus: ctx.bus,
    translator: ctx.translator,
    logger: ctx.logger,
  });
  return { built, router };
}
