/**
 * The composition root: the only file that imports everything. It parses the configuration, opens the
 * database (PostgreSQL or embedded PGlite) and the queue (BullMQ or in-process), builds the domain
 * services and the command router, connects the configured chat platforms and serves HTTP; SIGTERM/SIGINT
 * stop it gracefully. `startKring` is also what end-to-end tests boot, with parts overridden.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { createLogger } from './infra/logger.js';
import { openDatabase, type Database } from './infra/database/database.js';
import { createPrismaRepositories } from './infra/database/directory.js';
import { BullMqJobQueue } from './infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from './infra/queue/in-process.job-queue.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import { KringApp } from './chat/kring-app.js';
import { membershipCommands } from './capabilities/membership/commands.js';
import { channelCommands } from './capabilities/channels/commands.js';
import { Translator } from './kernel/i18n.js';
import type { CapabilityInstall } from './capability.js';
import { createDiscordPlatform } from '../adapters/discord/index.js';
import { createTeamsPlatform } from '../adapters/teams/index.js';
import { createSlackPlatform } from '../adapters/slack/index.js';
import { installPolls } from './capabilities/polls/index.js';
import { installNews } from './capabilities/news/index.js';
import { installInsights } from './capabilities/insights/index.js';
import { chainMembershipEvents, installApi } from './capabilities/webhooks/index.js';
import type { DeliveryReport } from './capabilities/news/domain/announcement.js';
import type { PollEvents } from './capabilities/polls/domain/poll.service.js';
import { MembershipService } from './capabilities/membership/domain/membership.service.js';
import type { MembershipEvents } from './capabilities/membership/domain/events.js';
import { systemClock, type Clock } from './kernel/clock.js';
import { LogMailer } from './infra/mail/log.mailer.js';
import { NodemailerMailer } from './infra/mail/nodemailer.mailer.js';
import type { ChatPlatform, ChatPlatforms, InboundHandler } from './kernel/ports/chat-platform.js';
import type { JobQueue } from './kernel/ports/job-queue.js';
import type { Logger } from './kernel/ports/logger.js';
import type { Mailer } from './kernel/ports/mailer.js';
import type { Repositories } from './kernel/ports/directory.js';

/** Parts a test may replace; everything else is built from the configuration. */
export interface KringOverrides {
  logger?: Logger;
  database?: Database;
  queue?: JobQueue;
  mailer?: Mailer;
  clock?: Clock;
  /** Prefix for BullMQ keys (tests isolate runs with a unique prefix). */
  queuePrefix?: string;
}

/** A running Kring. */
export interface Kring {
  config: Config;
  logger: Logger;
  database: Database;
  repos: Repositories;
  queue: JobQueue;
  membership: MembershipService;
  app: KringApp;
  platforms: ChatPlatform[];
  capabilities: CapabilityInstall[];
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export async function startKring(config: Config, overrides: KringOverrides = {}): Promise<Kring> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? systemClock;

  const database = overrides.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, logger }));
  if (database.kind === 'pglite') logger.info('database: embedded PGlite (set DATABASE_URL for PostgreSQL)');
  const repos = createPrismaRepositories(database.prisma);

  const queue =
    overrides.queue ??
    (config.redisUrl
      ? new BullMqJobQueue({ url: config.redisUrl, logger, ...(overrides.queuePrefix ? { prefix: overrides.queuePrefix } : {}) })
      : new InProcessJobQueue(logger));
  if (queue.driver === 'in-process') {
    logger.warn('queue: SINGLE-PROCESS MODE (no REDIS_URL): background jobs run in this process and are lost on restart');
  }

  const organization = await repos.organizations.ensure({
    slug: config.org.slug,
    name: config.org.name,
    defaultLocale: config.org.defaultLocale,
    timezone: config.org.timezone,
  });
  logger.info({ org: organization.slug }, 'organisation ready');

  const mailer =
    overrides.mailer ??
    (config.mail.smtpUrl
      ? new NodemailerMailer({ url: config.mail.smtpUrl, from: config.mail.from })
      : new LogMailer({ logger, logBodies: config.env !== 'production' }));
  if (!config.mail.smtpUrl && !overrides.mailer) {
    logger.warn('mail: no SMTP_URL, e-mails (verification codes) are only written to the log');
  }

  // Platforms are created before the membership events are wired, so role changes can reach them.
  const platforms: ChatPlatform[] = [];
  const events: MembershipEvents = {
    async memberLinked(_member, identity) {
      const p = platforms.find((x) => x.platform === identity.platform);
      await p?.grantMemberRole?.({ workspaceId: identity.workspaceId, userId: identity.platformUserId });
    },
    async memberUnlinked(_member, identity) {
      const p = platforms.find((x) => x.platform === identity.platform);
      await p?.revokeMemberRole?.({ workspaceId: identity.workspaceId, userId: identity.platformUserId });
    },
    async memberLapsed(_member, identities) {
      for (const identity of identities) {
        const p = platforms.find((x) => x.platform === identity.platform);
        await p?.revokeMemberRole?.({ workspaceId: identity.workspaceId, userId: identity.platformUserId });
      }
    },
  };
  const lateMemberEvents: MembershipEvents[] = [];
  const memberEvents = chainMembershipEvents(events, () => lateMemberEvents);
  const membership = new MembershipService({
    repos,
    mailer,
    clock,
    settings: { codeTtlMs: config.link.codeTtlMs, maxAttempts: config.link.maxAttempts },
    // Listeners installed later (the admin API's webhooks) join through `lateMemberEvents`.
    events: memberEvents,
    onEventError: (err, event) => logger.warn({ err, event }, 'membership listener failed'),
  });

  const translator = new Translator();
  const registry: ChatPlatforms = {
    get: (name) => platforms.find((p) => p.platform === name),
    all: () => platforms,
  };
  const capabilityContext = {
    config,
    logger,
    clock,
    database,
    repos,
    queue,
    platforms: registry,
    membership,
    translator,
    defaultOrganizationId: organization.id,
  };
  const latePollEvents: PollEvents[] = [];
  const polls = installPolls(capabilityContext, { moreEvents: () => latePollEvents });
  const lateAnnouncementListeners: ((report: DeliveryReport) => Promise<void>)[] = [];
  const news = installNews(capabilityContext, { published: () => lateAnnouncementListeners });
  const insights = installInsights(capabilityContext, config.publicUrl ? { publicUrl: config.publicUrl } : {});
  const api = installApi(
    { ...capabilityContext, memberEvents, polls: polls.service, news: news.service, insights: insights.insights },
    { rateLimit: { points: config.apiRateLimitPerMinute, durationSec: 60 } },
  );
  lateMemberEvents.push(api.membershipEvents);
  if (api.pollEvents) latePollEvents.push(api.pollEvents);
  lateAnnouncementListeners.push(api.announcementPublished);
  const capabilities: CapabilityInstall[] = [polls, news, insights, api];

  const membershipCatalogue = membershipCommands({ membership, codeTtlMinutes: Math.round(config.link.codeTtlMs / 60_000) });
  const app = new KringApp({
    organizations: repos.organizations,
    workspaces: repos.workspaces,
    membership,
    defaultOrganizationSlug: config.org.slug,
    commands: [
      ...membershipCatalogue.commands,
      ...channelCommands({ workspaces: repos.workspaces, channels: repos.channels, chapters: repos.chapters }),
      ...capabilities.flatMap((c) => c.commands ?? []),
    ],
    actions: [...membershipCatalogue.actions, ...capabilities.flatMap((c) => c.actions ?? [])],
    forms: capabilities.flatMap((c) => c.forms ?? []),
    activity: capabilities.flatMap((c) => (c.activity ? [c.activity] : [])),
    translator,
    logger,
  });
  const handler: InboundHandler = app;

  platforms.push(...createPlatforms({ config, handler, logger, repos, organizationId: organization.id, clock }));

  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    logger,
    routes: platforms.flatMap((p) => p.routes),
    readiness: [
      { name: 'database', check: () => database.ping() },
      { name: 'queue', check: () => queue.ping() },
    ],
    mount: (expressApp) => {
      for (const c of capabilities) c.mount?.(expressApp);
    },
  });

  for (const p of platforms) {
    await p.start();
    logger.info({ platform: p.platform }, 'platform connected');
  }
  for (const c of capabilities) await c.start?.();
  if (platforms.length === 0) {
    logger.warn('no chat platform configured: set SLACK_*, DISCORD_* or MICROSOFT_APP_* variables (see README.md)');
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping');
      await http.close();
      await Promise.allSettled(capabilities.map((c) => c.stop?.()));
      await Promise.allSettled(platforms.map((p) => p.stop()));
      await queue.close();
      await database.close();
      logger.info('stopped');
    })());

  return { config, logger, database, repos, queue, membership, app, platforms, capabilities, http, stop };
}

/** The chat platforms the configuration connects (adapters are imported only here). */
function createPlatforms(deps: {
  config: Config;
  handler: InboundHandler;
  logger: Logger;
  repos: Repositories;
  organizationId: string;
  clock: Clock;
}): ChatPlatform[] {
  const { config, handler, logger, repos } = deps;
  const platforms: ChatPlatform[] = [];
  if (config.slack) {
    const s = config.slack;
    const common = {
      signingSecret: s.signingSecret,
      ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}),
      handler,
      logger,
      processedEvents: repos.processedEvents,
      clock: deps.clock,
      organizationId: deps.organizationId,
      workspaces: repos.workspaces,
    };
    platforms.push(
      s.mode === 'oauth'
        ? createSlackPlatform({ ...common, clientId: s.clientId, clientSecret: s.clientSecret, stateSecret: s.stateSecret })
        : createSlackPlatform({ ...common, botToken: s.botToken }),
    );
  }
  if (config.discord) {
    platforms.push(
      createDiscordPlatform({
        token: config.discord.token,
        applicationId: config.discord.applicationId,
        ...(config.discord.apiUrl ? { apiUrl: config.discord.apiUrl } : {}),
        ...(config.discord.memberRoleId ? { memberRoleId: config.discord.memberRoleId } : {}),
        messageContentIntent: config.discord.messageContent,
        handler,
        logger: logger.child({ platform: 'discord' }),
      }),
    );
  }
  if (config.teams) {
    platforms.push(
      createTeamsPlatform({
        appId: config.teams.appId,
        appPassword: config.teams.appPassword,
        tenantId: config.teams.tenantId,
        appType: config.teams.appType,
        ...config.teams.endpoints,
        handler,
        logger: logger.child({ platform: 'teams' }),
        conversationReferences: repos.conversationReferences,
      }),
    );
  }
  return platforms;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  // Filled in as start-up proceeds; the signal handlers below read it.
  const state: { kring?: Kring; stopRequested?: string } = {};
  const stop = (running: Kring, signal: string) => {
    running.logger.info({ signal }, 'shutdown requested');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: string) => {
    // A second signal (process managers and `timeout` often send two) must not cut the drain short.
    if (state.stopRequested) {
      logger.info({ signal }, 'already stopping');
      return;
    }
    state.stopRequested = signal;
    // During start-up, stop as soon as everything that started can be stopped in order.
    if (state.kring) stop(state.kring, signal);
    else logger.info({ signal }, 'shutdown requested during start-up; stopping once started');
  };
  // Registered before start-up: a signal during start must not kill the process half-initialised.
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  state.kring = await startKring(config, { logger });
  if (state.stopRequested) stop(state.kring, state.stopRequested);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`Kring failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
