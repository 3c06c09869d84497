import type { Express } from 'express';
import type { ActionDefinition, CommandDefinition, FormHandlerDefinition } from './chat/command.js';
import type { Translator } from './kernel/i18n.js';
import type { ActivityListener } from './chat/kring-app.js';
import type { Config } from './config/env.js';
import type { MembershipService } from './capabilities/membership/domain/membership.service.js';
import type { Clock } from './kernel/clock.js';
import type { Database } from './infra/database/database.js';
import type { ChatPlatforms } from './kernel/ports/chat-platform.js';
import type { JobQueue } from './kernel/ports/job-queue.js';
import type { Logger } from './kernel/ports/logger.js';
import type { Repositories } from './kernel/ports/directory.js';

/**
 * What the composition root hands each capability (polls, news, insights, admin API) so it can build
 * its services, commands, queue workers and HTTP routes. `platforms` is filled after the capabilities
 * are installed (adapters need the finished command router), so look platforms up when acting, not
 * when installing.
 */
export interface CapabilityContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  repos: Repositories;
  queue: JobQueue;
  platforms: ChatPlatforms;
  membership: MembershipService;
  translator: Translator;
  /** The organisation env-connected platforms belong to (KRING_ORG). */
  defaultOrganizationId: string;
}

/** What a capability adds to Kring. Every part is optional. */
export interface CapabilityInstall {
  name: string;
  commands?: CommandDefinition[];
  actions?: ActionDefinition[];
  /** Handlers of the forms its commands open (Reply.form). */
  forms?: FormHandlerDefinition[];
  /** Receives non-command inbound events (messages seen, joins, leaves). */
  activity?: ActivityListener;
  /** Mounts HTTP routes on the shared server (admin API, dashboard). */
  mount?: (app: Express) => void;
  /** Starts queue workers and schedulers; called once the platforms are connected. */
  start?: () => Promise<void>;
  /** Stops what `start` started (the queue itself is closed by the composition root). */
  stop?: () => Promise<void>;
}

/** A capability's entry point: `src/wiring/<capability>.ts` exports one. */
export type InstallCapability = (ctx: CapabilityContext) => CapabilityInstall | Promise<CapabilityInstall>;
