import { apiScopesOf, buildCapabilities, settingsOf, type AnyCapability, type BuiltCapabilities, type CliHost, type CliQueue, type SharedContext } from '../capability.js';
import { capabilities, kringTranslator, type Capabilities } from '../capabilities.js';
import { ChatRouter } from '../chat/chat-router.js';
import { UsageError } from '../capability-cli.js';
import { ConfigError, loadConfig, type Config } from '../config/env.js';
import type { CommandDefinition } from '../chat/command.js';
import { openDatabase, type Database } from '../infra/database/database.js';
import { createPrismaDirectory } from '../infra/database/directory.js';
import { LogMailer } from '../infra/mail/log.mailer.js';
import { InMemoryPacer } from '../infra/queue/pacer.js';
import { openSecretBox } from '../infra/secrets/open-secret-box.js';
import { systemClock } from '../kernel/clock.js';
import { InProcessEventBus } from '../kernel/events.js';
import type { Translator } from '../kernel/i18n.js';
import type { ChatPlatforms } from '../kernel/ports/chat-platform.js';
import type { Directory } from '../kernel/ports/directory.js';
import type { JobQueue } from '../kernel/ports/job-queue.js';
import type { Logger } from '../kernel/ports/logger.js';
import type { SecretBox } from '../kernel/ports/secret-box.js';
import { openCliQueue, stderrLogger } from './cli-queue.js';

/**
 * How the CLI builds Kring: from the same capability list as the server (src/capabilities.ts), over the
 * database of DATABASE_URL or KRING_DATA_DIR, with no platform connected and no worker started. Each
 * capability's `cli` hook gets a {@link CliHost} whose `parts()` builds the whole list on first use (so
 * `--help` opens nothing) and hands back that capability's parts.
 */

/** What the CLI writes to and reads from (process streams in production, buffers in tests). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/**
 * The CLI's configuration: the same zod schema over the environment as the server's (src/config/env.ts),
 * so the CLI reads DATABASE_URL, KRING_DATA_DIR, the link settings and the rest exactly as the server does.
 * A bad variable is a usage error (exit 2) naming it, as at server start.
 */
export function loadCliConfig(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** The CLI's one way to the database: where the server's configuration says it is. */
export async function openCliDatabase(env: Record<string, string | undefined>): Promise<Database> {
  const config = loadCliConfig(env);
  // Beside a running server on the embedded default, the CLI uses the server's database (its PGlite socket).
  return openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, attachToRunning: true });
}

/**
 * The CLI's secret box: the server's key (KRING_SECRET, or outside production the key generated into the
 * data directory; created here if the CLI runs first, which the server then uses too).
 */
export async function openCliSecretBox(env: Record<string, string | undefined>, logger: Logger): Promise<SecretBox> {
  const config = loadCliConfig(env);
  return openSecretBox({ secret: config.secrets.current, previous: config.secrets.previous, dataDir: config.dataDir, production: config.env === 'production', logger, warn: 'when-created' });
}

/** The CLI's queue when a command asked for none: reading commands never enqueue. */
const NO_QUEUE: JobQueue = {
  driver: 'in-process',
  enqueue: () => Promise.reject(new Error('this command does not enqueue jobs')),
  enqueueBulk: () => Promise.reject(new Error('this command does not enqueue jobs')),
  repeat: () => Promise.reject(new Error('this command does not schedule jobs')),
  process: () => {
    throw new Error('the CLI runs no workers');
  },
  ping: async () => undefined,
  close: async () => undefined,
};

const NO_PLATFORMS: ChatPlatforms = { get: () => undefined, all: () => [] };

/** The context every capability is built with in the CLI. */
function cliContext(
  prisma: Database['prisma'],
  options: { logger: Logger; translator: Translator; queue: JobQueue; pacer: CliQueue['pacer']; secrets: SecretBox; env: Record<string, string | undefined> },
): SharedContext {
  return {
    logger: options.logger,
    clock: systemClock,
    bus: new InProcessEventBus(options.logger),
    queue: options.queue,
    pacer: options.pacer,
    platforms: NO_PLATFORMS,
    directory: createPrismaDirectory(prisma, options.secrets),
    repository: (Repository, ...args) => new Repository(prisma as never, ...args),
    secrets: options.secrets,
    // The CLI sends no verification codes; anything else would only be logged.
    mailer: new LogMailer(),
    translator: options.translator,
    settings: settingsOf(loadCliConfig(options.env)),
  };
}

/** Builds the CLI's capabilities lazily and closes what it opened. */
export class CliCapabilities {
  private database: Database | undefined;
  private secretBox: Promise<SecretBox> | undefined;
  private readonly built = new Map<JobQueue, Promise<BuiltCapabilities<Capabilities>>>();
  readonly translator = kringTranslator();
  private readonly logger: Logger;

  constructor(
    private readonly io: CliIo,
    private readonly out: { out(line?: string): void; err(line: string): void; setExitCode(code: number): void },
  ) {
    this.logger = stderrLogger(out.err);
  }

  /** The database, opened on first use (so `--help` never touches it). */
  async db(): Promise<Database> {
    return (this.database ??= await openCliDatabase(this.io.env));
  }

  /** The secret box, opened on first use. */
  secrets(): Promise<SecretBox> {
    return (this.secretBox ??= openCliSecretBox(this.io.env, this.logger));
  }

  async directory(): Promise<Directory> {
    return createPrismaDirectory((await this.db()).prisma, await this.secrets());
  }

  /** Every capability built over the CLI's database, handing jobs to `queue` (none: reading only). */
  async build(queue?: Pick<CliQueue, 'queue' | 'pacer'>): Promise<BuiltCapabilities<Capabilities>> {
    const key = queue?.queue ?? NO_QUEUE;
    let built = this.built.get(key);
    if (!built) {
      built = Promise.all([this.db(), this.secrets()]).then(([db, secrets]) =>
        buildCapabilities(
          capabilities,
          cliContext(db.prisma, { logger: this.logger, translator: this.translator, queue: key, pacer: queue?.pacer ?? new InMemoryPacer(), secrets, env: this.io.env }),
        ),
      );
      this.built.set(key, built);
    }
    return built;
  }

  /** The host a capability's `cli` hook gets. */
  hostFor<C extends AnyCapability>(capability: C): CliHost<C extends { build(...args: never[]): infer P } ? P : never> {
    const name = capability.name;
    return {
      parts: async (queue) => (await this.build(queue)).parts[name as keyof BuiltCapabilities<Capabilities>['parts']] as never,
      directory: () => this.directory(),
      openQueue: ({ recordOnly }) => openCliQueue(this.io.env, { recordOnly, stderr: this.out.err, prefix: loadCliConfig(this.io.env).redisPrefix }),
      translator: this.translator,
      apiScopes: apiScopesOf(capabilities),
      out: this.out.out,
      write: (text) => void this.io.stdout.write(text),
      err: this.out.err,
      stderr: this.io.stderr,
      setExitCode: this.out.setExitCode,
      env: this.io.env,
    };
  }

  async close(): Promise<void> {
    await this.database?.close().catch((e: unknown) => this.out.err(`warning: closing the database failed: ${(e as Error).message}`));
  }
}

/**
 * Every capability built without connecting anything: a database stand-in that throws if anything
 * touches it, and no queue, so building opens no connection. Commands and API routes need their services
 * only when they run, so their definitions come out whole (the Discord command menu, the API document).
 */
export function offlineCapabilities(env: Record<string, string | undefined> = {}): { built: BuiltCapabilities<Capabilities>; ctx: SharedContext } {
  const offlinePrisma = new Proxy({} as Database['prisma'], {
    get(_target, property) {
      // Not a database call: promise checks (`then`) and inspection (symbols) see a plain object.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      throw new Error(`built offline, but something used the database (${String(property)}) while building`);
    },
  });
  const offlineSecrets: SecretBox = {
    currentKeyId: 'offline',
    keyIds: ['offline'],
    seal: () => Promise.reject(new Error('built offline, but something sealed a secret')),
    open: () => Promise.reject(new Error('built offline, but something opened a secret')),
    isSealed: (_value): _value is string => false,
    keyIdOf: () => undefined,
  };
  const logger = stderrLogger(() => undefined);
  const ctx = cliContext(offlinePrisma, { logger, translator: kringTranslator(), queue: NO_QUEUE, pacer: new InMemoryPacer(), secrets: offlineSecrets, env });
  return { built: buildCapabilities(capabilities, ctx), ctx };
}

/**
 * The `/kring` catalogue exactly as the server's router holds it (help first, then every capability's
 * commands in list order), built offline (see {@link offlineCapabilities}).
 */
export function offlineCatalogue(defaultOrganizationSlug: string, env: Record<string, string | undefined> = {}): readonly CommandDefinition[] {
  const { built, ctx } = offlineCapabilities(env);
  const router = new ChatRouter({
    directory: ctx.directory,
    defaultOrganizationSlug,
    commands: built.all.flatMap((c) => c.commands ?? []),
    actions: [],
    translator: ctx.translator,
    logger: ctx.logger,
  });
  return router.commands;
}
