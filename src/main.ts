/**
 * The composition root: config -> infrastructure -> bus -> capabilities -> chat router -> platforms ->
 * HTTP. It parses the configuration, opens the database (PostgreSQL or embedded PGlite) and the queue
 * (BullMQ or in-process), builds every capability of src/capabilities.ts, connects the configured chat
 * platforms and serves HTTP; SIGTERM/SIGINT stop it gracefully. `startKring` is also what end-to-end tests
 * boot, with parts overridden. It imports no capability folder: capabilities come from the one list.
 */
import { pathToFileURL } from 'node:url';
import { createWebPlatform, webCatalogue, type WebPlatform } from '../adapters/web/index.js';
import { buildCapabilities, settingsOf, type BuiltParts, type CapabilityOptions, type SharedContext } from './capability.js';
import { capabilities, kringTranslator, type Capabilities } from './capabilities.js';
import { ChatRouter } from './chat/chat-router.js';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { openApiRateLimiter } from './http/api/rate-limit.js';
import { createApiRouter, mountApi } from './http/api/router.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import { openDatabase, type Database } from './infra/database/database.js';
import { createPrismaDirectory } from './infra/database/directory.js';
import { PrismaWebMessageStore, PrismaWebSessionStore } from './infra/database/web-space.js';
import { landingCatalogue } from './http/i18n/index.js';
import { mountLanding } from './http/landing.js';
import { DemoMailer } from './demo/demo-mailer.js';
import { seedDemo, type SeededDemo } from './demo/demo-seed.js';
import { createLogger, wantsPrettyLogs } from './infra/logger.js';
import { LogMailer } from './infra/mail/log.mailer.js';
import { openJobQueue, pacerFor } from './infra/queue/open-queue.js';
import { observeInbound, observePlatform, ObservedJobQueue } from './infra/observability/observed.js';
import { openObservability } from './infra/observability/open-observability.js';
import { mountBullBoard } from './infra/observability/bull-board.js';
import type { QueueCounts } from './infra/observability/prometheus.metrics.js';
import type { BullMqJobQueue } from './infra/queue/bullmq.job-queue.js';
import { mountMetrics } from './http/metrics-route.js';
import { RoleJobQueue } from './infra/queue/role-job-queue.js';
import { keepSchedules } from './kernel/schedule-keeper.js';
import { broadcastFor } from './infra/pubsub/broadcast.js';
import { openSecretBox } from './infra/secrets/open-secret-box.js';
import { sealStoredSecretsAtStart, UnreadableSecretsError } from './infra/secrets/stored-secrets.js';
import { systemClock, type Clock } from './kernel/clock.js';
import { InProcessEventBus } from './kernel/events.js';
import type { Translator } from './kernel/i18n.js';
import type { ChatPlatform, ChatPlatforms, InboundHandler } from './kernel/ports/chat-platform.js';
import type { Directory } from './kernel/ports/directory.js';
import type { JobQueue } from './kernel/ports/job-queue.js';
import type { Logger } from './kernel/ports/logger.js';
import type { Mailer } from './kernel/ports/mailer.js';
import type { Pacer } from './kernel/ports/pacer.js';
import type { SecretBox } from './kernel/ports/secret-box.js';

/** Parts a test may replace; everything else is built from the configuration. */
export interface KringOverrides {
  logger?: Logger;
  database?: Database;
  queue?: JobQueue;
  /** Default: in the queue's Redis with BullMQ, in memory otherwise. */
  pacer?: Pacer;
  mailer?: Mailer;
  clock?: Clock;
  /** Default: over KRING_SECRET (or, outside production, the key generated into the data directory). */
  secrets?: SecretBox;
  /** Replaces `REDIS_PREFIX` for every Redis key (tests keep runs apart with a unique prefix). */
  queuePrefix?: string;
  /** Tuning per capability (tests and benchmarks). */
  capabilityOptions?: CapabilityOptions<Capabilities>;
  /** How often a `schedulers` process registers the per-organisation schedules again (default every five minutes). */
  keepSchedulesCron?: string;
}

/** A running Kring. */
export interface Kring {
  config: Config;
  logger: Logger;
  database: Database;
  directory: Directory;
  queue: JobQueue;
  bus: InProcessEventBus;
  translator: Translator;
  /** Each capability's parts, by name. */
  parts: BuiltParts<Capabilities>;
  router: ChatRouter;
  platforms: ChatPlatform[];
  /** The web community, unless KRING_WEB=false. */
  web: WebPlatform | undefined;
  /** Demo mode: the seeded association's manager and their one-time sign-in link. */
  demo: SeededDemo | undefined;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export async function startKring(config: Config, overrides: KringOverrides = {}): Promise<Kring> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? systemClock;

  // Infrastructure.
  const secrets =
    overrides.secrets ??
    (await openSecretBox({ secret: config.secrets.current, previous: config.secrets.previous, dataDir: config.dataDir, production: config.env === 'production', logger }));
  const database = overrides.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, logger }));
  if (database.kind === 'pglite') logger.info('database: embedded PGlite (set DATABASE_URL for PostgreSQL)');
  try {
    await sealStoredSecretsAtStart(database.prisma, secrets, logger);
  } catch (err) {
    if (!overrides.database) await database.close().catch(() => undefined);
    throw err;
  }
  const directory = createPrismaDirectory(database.prisma, secrets);
  const driverQueue = overrides.queue ?? await openJobQueue({ redisUrl: config.redisUrl, logger, prefix: overrides.queuePrefix ?? config.redisPrefix });
  // Metrics and traces, each loaded only when switched on (docs/SCALING.md "Metrics and traces"); off, the
  // queue, the router and the platforms are used as they are.
  const counted = driverQueue as JobQueue & { jobCounts?: () => Promise<QueueCounts> };
  const observability = await openObservability(config.observability, {
    logger,
    ...(counted.jobCounts ? { queueCounts: () => counted.jobCounts!() } : {}),
    ...(database.poolStats ? { poolStats: () => database.poolStats?.() } : {}),
  });
  const observers = { metrics: observability.metrics, tracing: observability.tracing };
  const observing = observability.scrape !== undefined || observability.tracing.enabled;
  const sharedQueue: JobQueue = observing ? new ObservedJobQueue(driverQueue, observers) : driverQueue;
  if (sharedQueue.driver === 'in-process') {
    logger.warn('queue: SINGLE-PROCESS MODE (no REDIS_URL): background jobs run in this process and are lost on restart');
  }
  const roles = config.roles;
  // A process with only some roles (KRING_ROLES) enqueues like any other, but takes jobs only as `workers`
  // and registers schedules only as `schedulers` (docs/SCALING.md). All roles: the queue as it is.
  const queue: JobQueue =
    roles.has('workers') && roles.has('schedulers')
      ? sharedQueue
      : new RoleJobQueue(sharedQueue, { workers: roles.has('workers'), schedulers: roles.has('schedulers') }, logger);
  logger.info({ roles: [...roles] }, 'process roles');
  const pacer = overrides.pacer ?? pacerFor(driverQueue);
  // Redis pub/sub beside the queues: cache invalidations and web live events reach every process.
  const broadcast = broadcastFor(driverQueue, logger);
  // nodemailer is loaded only when SMTP is configured.
  const baseMailer =
    overrides.mailer ??
    (config.mail.smtpUrl
      ? new (await import('./infra/mail/nodemailer.mailer.js')).NodemailerMailer({ url: config.mail.smtpUrl, from: config.mail.from })
      : new LogMailer({ logger, logBodies: config.env !== 'production' }));
  // Demo mode signs its seeded members in with their codes; everyone else's mail goes out as usual.
  const demoMailer = config.demo ? new DemoMailer(baseMailer) : undefined;
  const mailer: Mailer = demoMailer ?? baseMailer;
  if (!config.mail.smtpUrl && !overrides.mailer) logger.warn('mail: no SMTP_URL, e-mails (verification codes) are only written to the log');

  const organization = await directory.organizations.ensure({
    slug: config.org.slug,
    name: config.org.name,
    defaultLocale: config.org.defaultLocale,
    timezone: config.org.timezone,
  });
  logger.info({ org: organization.slug }, 'organisation ready');

  // The bus and the capabilities. Platforms are looked up when acting: they connect after the router exists.
  const bus = new InProcessEventBus(logger);
  const translator = kringTranslator([webCatalogue, landingCatalogue]);
  const platforms: ChatPlatform[] = [];
  const registry: ChatPlatforms = { get: (name) => platforms.find((p) => p.platform === name), all: () => platforms };
  const ctx: SharedContext = {
    logger,
    clock,
    bus,
    queue,
    pacer,
    platforms: registry,
    directory,
    repository: (Repository, ...args) => new Repository(database.prisma as never, ...args),
    secrets,
    mailer,
    translator,
    settings: settingsOf(config),
    metrics: observability.metrics,
  };
  const built = buildCapabilities(capabilities, ctx, overrides.capabilityOptions);

  // The chat router over every capability's commands, then the platforms that feed it.
  const router = new ChatRouter({
    directory,
    defaultOrganizationSlug: config.org.slug,
    commands: built.all.flatMap((c) => c.commands ?? []),
    actions: built.all.flatMap((c) => c.actions ?? []),
    forms: built.all.flatMap((c) => c.forms ?? []),
    reports: built.all.flatMap((c) => c.messageReports ?? []),
    bus,
    broadcast,
    translator,
    logger,
  });
  const inbound: InboundHandler = observing ? observeInbound(router, observers) : router;
  const observed = <P extends ChatPlatform>(p: P): P => (observing ? observePlatform(p, observers) : p);
  platforms.push(...(await createPlatforms({ config, handler: inbound, logger, directory, organizationId: organization.id, clock, translator })).map(observed));
  // Kring's own web community: on by default, so there is something to try before any chat app is connected.
  const web = config.web.enabled
    ? createWebPlatform({
        space: organization.slug,
        organizationId: organization.id,
        organizationName: organization.name,
        defaultLocale: organization.defaultLocale,
        timeZone: organization.timezone,
        publicUrl: ctx.settings.publicUrl,
        handler: inbound,
        logger,
        translator,
        clock,
        directory,
        messages: new PrismaWebMessageStore(database.prisma),
        sessions: new PrismaWebSessionStore(database.prisma),
      })
    : undefined;
  if (web) platforms.push(observed(web));
  // A page's event stream is held by the HTTP process it opened on; the change may come from any worker.
  if (web && broadcast.driver === 'redis') await web.live.relayThrough(broadcast, `web-live-${organization.slug}`);

  // HTTP: the platforms' webhooks, the admin API and the capabilities' pages.
  const started = new Set<ChatPlatform>();
  const rateLimit = await openApiRateLimiter({
    redisUrl: config.redisUrl,
    redisPrefix: overrides.queuePrefix ?? config.redisPrefix,
    points: config.apiRateLimitPerMinute,
    durationSec: 60,
    logger: logger.child({ component: 'api' }),
  });
  const api = createApiRouter({
    contributions: built.all.flatMap((c) => (c.api ? [c.api] : [])),
    tokens: built.all.find((c) => c.apiTokens)?.apiTokens,
    organizations: directory.organizations,
    rateLimiter: rateLimit.limiter,
    logger: logger.child({ component: 'api' }),
  });
  // Without the `http` role the server answers only the probes (/healthz, /readyz): platform webhooks, the
  // API, the dashboard and the web community are served by the `http` processes.
  const servesHttp = roles.has('http');
  // Bull Board at /queues: only with BullMQ, behind an admin-API token (loaded on the first signed-in visit).
  const bullQueues = (driverQueue as JobQueue & Partial<Pick<BullMqJobQueue, 'bullQueues'>>).bullQueues?.bind(driverQueue);
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    trustProxy: config.http.trustProxy,
    ...(observability.scrape
      ? { observeRequest: (r: { route: string; method: string; status: string; seconds: number }) => observability.metrics.observe('kring_http_request_duration_seconds', { route: r.route, method: r.method, status: r.status }, r.seconds) }
      : {}),
    logger,
    routes: servesHttp ? platforms.flatMap((p) => p.routes) : [],
    readiness: [
      { name: 'database', check: () => database.ping() },
      { name: 'queue', check: () => queue.ping() },
      // The server listens before the platforms connect (liveness answers meanwhile), but a platform's route
      // refuses requests (503) until its start() is done: not ready before every platform has started.
      ...platforms.map((p) => ({
        name: p.platform,
        check: async () => {
          if (!started.has(p)) throw new Error('not started yet');
        },
      })),
    ],
    mount: (app) => {
      // Every role is scraped (workers count jobs and deliveries), so /metrics comes before the role check.
      if (observability.scrape && config.observability.metricsToken) mountMetrics(app, { token: config.observability.metricsToken, scrape: observability.scrape });
      if (!servesHttp) return;
      if (bullQueues) mountBullBoard(app, { queues: bullQueues, tokens: built.all.find((c) => c.apiTokens)?.apiTokens });
      // Kring's landing page at `/`, before the capabilities' pages.
      mountLanding(app, {
        translator,
        organizationName: organization.name,
        defaultLocale: organization.defaultLocale,
        connected: () => platforms.map((p) => p.platform),
        webUrl: web?.url,
        demo: config.demo,
      });
      mountApi(app, api);
      for (const c of built.all) c.mount?.(app);
    },
  });

  for (const p of platforms) {
    await p.start();
    started.add(p);
    logger.info({ platform: p.platform }, 'platform connected');
  }
  await rateLimit.ready();
  for (const c of built.all) await c.start?.();
  // Per-organisation schedules, now and every few minutes, so an organisation created by another process
  // (`kring org create`) gets its digest and monthly draft without a restart (docs/SCALING.md).
  if (roles.has('schedulers')) {
    await keepSchedules(sharedQueue, async () => {
      for (const c of built.all) await c.schedule?.();
    }, logger, overrides.keepSchedulesCron ? { cron: overrides.keepSchedulesCron } : {});
  }
  // `kring demo`: the demo association, once the workers run (its poll is posted by a job).
  const demo =
    demoMailer && web
      ? await seedDemo({
          organization,
          directory,
          router,
          mailer: demoMailer,
          importCsv: async (csv) => {
            await built.parts.membership.importer.importCsv((async function* () {
              yield csv;
            })(), { organizationId: organization.id });
          },
          web: { space: organization.slug, newUserId: () => web.newUserId(), signInLink: (userId) => web.signInLink(userId), messages: web.config.messages },
          logger,
        })
      : undefined;
  // One line that says where to click (the landing page lists what is connected and links onwards).
  const chatApps = platforms.filter((p) => p.platform !== 'web').map((p) => p.platform);
  logger.info(
    { url: `${ctx.settings.publicUrl}/`, platforms: platforms.map((p) => p.platform) },
    chatApps.length === 0
      ? `Kring is ready: open ${ctx.settings.publicUrl}/ in your browser${web ? ` (web community: ${web.url})` : ''}. No chat app connected yet: set SLACK_*, DISCORD_* or MICROSOFT_APP_* (see README.md).`
      : `Kring is ready: open ${ctx.settings.publicUrl}/ in your browser (connected: ${platforms.map((p) => p.platform).join(', ')}).`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping');
      // Open web pages hold event streams: end them first, or closing the server would wait for them.
      web?.live.close();
      await http.close();
      await Promise.allSettled(built.all.map((c) => c.stop?.()));
      await Promise.allSettled(platforms.map((p) => p.stop()));
      rateLimit.close();
      await broadcast.close();
      await pacer.close();
      await queue.close();
      await database.close();
      await observability.tracing.shutdown();
      logger.info('stopped');
    })());

  return { config, logger, database, directory, queue, bus, translator, parts: built.parts, router, platforms, web, demo, http, stop };
}

/**
 * The chat platforms the configuration connects (adapters are imported only here). Each SDK is loaded only
 * when its platform is configured: discord.js, Bolt and botbuilder together cost a second of start-up and
 * tens of MiB that an unconfigured platform should not pay.
 */
async function createPlatforms(deps: {
  config: Config;
  handler: InboundHandler;
  logger: Logger;
  directory: Directory;
  organizationId: string;
  clock: Clock;
  translator: Translator;
}): Promise<ChatPlatform[]> {
  const { config, handler, logger, directory } = deps;
  const platforms: ChatPlatform[] = [];
  if (config.slack) {
    const { createSlackPlatform } = await import('../adapters/slack/index.js');
    const s = config.slack;
    const common = {
      signingSecret: s.signingSecret,
      ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}),
      handler,
      logger,
      processedEvents: directory.processedEvents,
      clock: deps.clock,
      organizationId: deps.organizationId,
      workspaces: directory.workspaces,
    };
    platforms.push(
      s.mode === 'oauth'
        ? createSlackPlatform({
            ...common,
            clientId: s.clientId,
            clientSecret: s.clientSecret,
            stateSecret: s.stateSecret,
            // The pages at the end of "Add to Slack" come from the catalogue, in the browser's language.
            translator: deps.translator,
            defaultLocale: config.org.defaultLocale,
          })
        : createSlackPlatform({ ...common, botToken: s.botToken }),
    );
  }
  if (config.discord) {
    const { createDiscordPlatform } = await import('../adapters/discord/index.js');
    platforms.push(
      createDiscordPlatform({
        token: config.discord.token,
        applicationId: config.discord.applicationId,
        ...(config.discord.apiUrl ? { apiUrl: config.discord.apiUrl } : {}),
        ...(config.discord.memberRoleId ? { memberRoleId: config.discord.memberRoleId } : {}),
        messageContentIntent: config.discord.messageContent,
        // Only `gateway` processes hold gateway sessions; every other process posts and edits over REST.
        gateway: config.roles.has('gateway'),
        ...(config.discord.shards ? { shards: { ids: [...config.discord.shards.ids], count: config.discord.shards.count } } : {}),
        handler,
        logger: logger.child({ platform: 'discord' }),
      }),
    );
  }
  if (config.teams) {
    const { createTeamsPlatform } = await import('../adapters/teams/index.js');
    platforms.push(
      createTeamsPlatform({
        appId: config.teams.appId,
        appPassword: config.teams.appPassword,
        tenantId: config.teams.tenantId,
        appType: config.teams.appType,
        ...config.teams.endpoints,
        graphUrl: config.teams.graph.url,
        graphLoginUrl: config.teams.graph.loginUrl,
        handler,
        logger: logger.child({ platform: 'teams' }),
        conversationReferences: directory.conversationReferences,
      }),
    );
  }
  return platforms;
}

async function main(env: Record<string, string | undefined>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, pretty: wantsPrettyLogs(config.env, process.stdout, config.logFormat === 'auto' ? undefined : config.logFormat) });
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
  if (state.kring.demo) {
    const { manager, member, signInUrl } = state.kring.demo;
    process.stdout.write(
      `\n  Kring demo is ready. Sign in as community manager ${manager.name} (a one-time link, valid 15 minutes):\n\n    ${signInUrl}\n\n` +
        `  To vote as a second member in another browser, sign in at ${state.kring.web?.url ?? ''} with member number ${member.memberNumber}; the code appears in this log.\n\n`,
    );
  }
  if (state.stopRequested) stop(state.kring, state.stopRequested);
}

/**
 * Runs the server as `npm start` does: configuration from the environment, signals handled, a failure to
 * start reported on stderr with an exit code. scripts/start.mjs (the compiled build) and `kring demo` call
 * this; `tsx src/main.ts` reaches it below.
 */
export function runServer(env: Record<string, string | undefined> = process.env): void {
  main(env).catch((err: unknown) => {
    if (err instanceof UnreadableSecretsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG: the key, not the code, is wrong
    }
    process.stderr.write(`Kring failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runServer();
