import type { Command } from 'commander';
import type { Express } from 'express';
import type { Config } from './config/env.js';
import type { ActionDefinition, CommandDefinition, FormHandlerDefinition, ReportHandlerDefinition } from './chat/command.js';
import type { ApiContribution } from './http/api/route.js';
import type { ApiTokenVerifier } from './http/api/auth.js';
import type { ApiScope } from './kernel/api-access.js';
import type { Clock } from './kernel/clock.js';
import type { EventBus, KringEventListeners, KringEventName } from './kernel/events.js';
import type { Catalogue, Translator } from './kernel/i18n.js';
import type { ChatPlatforms } from './kernel/ports/chat-platform.js';
import type { Directory } from './kernel/ports/directory.js';
import type { JobQueue } from './kernel/ports/job-queue.js';
import type { Logger } from './kernel/ports/logger.js';
import type { Mailer } from './kernel/ports/mailer.js';
import { noMetrics, type Metrics } from './kernel/ports/metrics.js';
import type { Pacer } from './kernel/ports/pacer.js';
import type { SecretBox } from './kernel/ports/secret-box.js';

/**
 * The capability contract: what a capability gets ({@link CapabilityContext}), what it gives
 * ({@link CapabilityParts}), and {@link defineCapability}, which each `src/capabilities/<name>/index.ts`
 * calls once. `src/capabilities.ts` lists them; the server (src/main.ts), the CLI and the tests' harness
 * all build from that one list with {@link buildCapabilities}.
 */

export type RepositoryFactory = <T, Args extends unknown[] = []>(Repository: new (client: never, ...args: Args) => T, ...args: Args) => T;

/** The settings capabilities read (parsed once from the environment by src/config/env.ts). */
export interface CapabilitySettings {
  /** `NODE_ENV=production`: stricter checks (webhook URLs must be https). */
  production: boolean;
  /** Where people reach Kring's HTTP server (`KRING_PUBLIC_URL`, else `http://localhost:<PORT>`), no trailing slash. */
  publicUrl: string;
  /** The default organisation's time zone (`KRING_TIMEZONE`), for texts that have no organisation at hand. */
  timeZone: string;
  /** Verification codes: lifetime and wrong attempts allowed (`LINK_CODE_TTL_MINUTES`, `LINK_MAX_ATTEMPTS`). */
  link: { codeTtlMs: number; maxAttempts: number };
  /** Where a member whose membership ended renews it (`KRING_RENEW_URL`), shown in the lapse message; optional. */
  renewUrl?: string | undefined;
}

/** What capabilities read of the configuration. */
export function settingsOf(config: Config): CapabilitySettings {
  return {
    production: config.env === 'production',
    publicUrl: (config.publicUrl ?? `http://${localHost(config.http.host)}:${config.http.port}`).replace(/\/+$/, ''),
    timeZone: config.org.timezone,
    link: config.link,
    renewUrl: config.renewUrl,
  };
}

/** A host to put in links when the server listens on every interface. */
function localHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
}

/**
 * What every capability's `build` gets: the kernel's ports, the shared directory of organisations,
 * members and channels, a factory for its own repositories, and the bus. Never the Prisma client nor the
 * whole configuration.
 */
export interface CapabilityContext {
  /** A child logger named after the capability. */
  logger: Logger;
  clock: Clock;
  bus: EventBus;
  queue: JobQueue;
  /** Paces sends to the platforms' limits (in Redis with BullMQ, in memory otherwise). */
  pacer: Pacer;
  /**
   * The connected platforms. Filled after the capabilities are built (adapters need the finished
   * router), so look a platform up when acting, never while building.
   */
  platforms: ChatPlatforms;
  /** Organisations, chapters, members, linked accounts, workspaces and channels: the records every capability reads. */
  directory: Directory;
  repository: RepositoryFactory;
  /** Encryption at rest (`KRING_SECRET`): a repository that stores secrets gets it through its constructor. */
  secrets: SecretBox;
  mailer: Mailer;
  translator: Translator;
  settings: CapabilitySettings;
  /** Every admin-API scope the capabilities declare, in list order (what a token may be given). */
  apiScopes: readonly ApiScope[];
  /** Counts for `/metrics` (a no-op unless metrics are on); capabilities never see the Prometheus client. */
  metrics: Metrics;
}

/**
 * What the composition root hands {@link buildCapabilities}: the context without what the list itself knows;
 * `metrics` may be left out (the CLI and tests count nothing).
 */
export type SharedContext = Omit<CapabilityContext, 'apiScopes' | 'metrics'> & { metrics?: Metrics };

/** What a capability adds to Kring. Every part is optional. */
export interface CapabilityParts {
  /** `/kring …` commands, button/select handlers and form handlers; the chat router authorises them. */
  commands?: readonly CommandDefinition[];
  actions?: readonly ActionDefinition[];
  forms?: readonly FormHandlerDefinition[];
  /** What happens to a reported message (the moderation capability); the chat router uses the first. */
  messageReports?: readonly ReportHandlerDefinition[];
  /** Admin-API operations (`/api/v1/orgs/{org}/…`), their tags and webhooks, validated and documented by src/http/api. */
  api?: ApiContribution;
  /** Other HTTP pages on the shared server (the insights dashboard, the moderators' case desk). */
  mount?: (app: Express) => void;
  /** Checks admin-API bearer tokens (the api-tokens capability). */
  apiTokens?: ApiTokenVerifier;
  /** Listeners on the event bus, subscribed in capability-list order. */
  on?: KringEventListeners;
  /** Starts workers and schedulers; called once the platforms are connected (not by the CLI). */
  start?: () => Promise<void>;
  /**
   * Registers the capability's per-organisation repeating jobs for every organisation in the database
   * (upserted by key, so calling it again registers nothing twice). A `schedulers` process calls it after
   * `start` and again every few minutes (src/kernel/schedule-keeper.ts), so an organisation created by
   * another process gets its schedules without a restart, and a changed time zone is picked up.
   */
  schedule?: () => Promise<void>;
  /** Stops what `start` started (the queue itself is closed by the composition root). */
  stop?: () => Promise<void>;
}

/**
 * The queue behind CLI commands whose effect reaches the chat platforms (closing a poll refreshes its
 * posted copies, retracting news deletes them). The CLI never talks to a platform itself: it enqueues the
 * very jobs the server's own services enqueue, and the server's workers run them.
 *
 * - With REDIS_URL (BullMQ, the server's default `kring` key prefix): the jobs land in the server's queues.
 * - Without REDIS_URL the server runs in single-process mode: its queue lives inside the server process and
 *   nothing outside it can add to it. The CLI then refuses, unless the operator passes `--record-only`: the
 *   change is stored in the database, and the jobs are dropped (counted and reported), so posted copies are
 *   NOT touched, now or after a restart of the server.
 */
export interface CliQueue {
  readonly mode: 'bullmq' | 'record-only';
  readonly queue: JobQueue;
  readonly pacer: Pacer;
  /** Jobs dropped in record-only mode. */
  dropped(): number;
  close(): Promise<void>;
}

/** What the CLI gives a capability's `cli` hook. */
export interface CliHost<Parts> {
  /**
   * Opens the database (and, with `queue`, hands jobs to it) and builds every capability the way the
   * server does, without connecting any platform or starting any worker; resolves this capability's parts.
   */
  parts(queue?: Pick<CliQueue, 'queue' | 'pacer'>): Promise<Parts>;
  /** Opens the queue for commands whose effect reaches the platforms (see {@link CliQueue}); close it when done. */
  openQueue(options: { recordOnly: boolean }): Promise<CliQueue>;
  /** The directory over the CLI's database. */
  directory(): Promise<Directory>;
  /** The catalogue's translator. */
  translator: Translator;
  /** Every admin-API scope the capabilities declare (known without building anything). */
  apiScopes: readonly ApiScope[];
  out(line?: string): void;
  write(text: string): void;
  err(line: string): void;
  /** Standard error as a stream (progress displays). */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The process's exit code when the command finishes without an error (e.g. 1: done, some rows skipped). */
  setExitCode(code: number): void;
  env: Record<string, string | undefined>;
}

/** A capability: its name, its texts, how to build it, and its CLI commands. */
export interface Capability<Name extends string = string, Parts extends CapabilityParts = CapabilityParts, Options = unknown> {
  readonly name: Name;
  /** Its part of the message catalogue. */
  readonly texts?: Catalogue['texts'];
  /** The admin-API scopes its routes require (`polls:read`, `polls:write`); tokens may be given these. */
  readonly apiScopes?: readonly ApiScope[];
  /** Builds the services, commands, routes and workers (cheap: nothing connects until `start`). */
  build(ctx: CapabilityContext, options?: Options): Parts;
  /** Adds its `kring …` commands to the CLI. */
  cli?(program: Command, host: CliHost<NoInfer<Parts>>): void;
}

/** Declares a capability (the one export of its `index.ts`), keeping its parts' and options' types. */
export function defineCapability<Name extends string, Parts extends CapabilityParts, Options = undefined>(
  capability: Capability<Name, Parts, Options>,
): Capability<Name, Parts, Options> {
  return capability;
}

/** Any capability, as the list holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the list mixes capabilities of different part and option types
export type AnyCapability = Capability<string, CapabilityParts, any>;

/** Options per capability name, for the capabilities of `List` (what tests and benchmarks tune). */
export type CapabilityOptions<List extends readonly AnyCapability[]> = {
  [C in List[number] as C['name']]?: C extends Capability<string, CapabilityParts, infer O> ? O : never;
};

/** The built parts of each capability of `List`, by name. */
export type BuiltParts<List extends readonly AnyCapability[]> = {
  [C in List[number] as C['name']]: C extends Capability<string, infer P, unknown> ? P : never;
};

/** Every admin-API scope the capabilities of `list` declare, in list order, each once. */
export function apiScopesOf(list: readonly AnyCapability[]): ApiScope[] {
  return [...new Set(list.flatMap((c) => c.apiScopes ?? []))];
}

/** The whole catalogue: the chat router's part and every capability's. */
export function catalogues(base: readonly Catalogue[], list: readonly AnyCapability[]): Catalogue[] {
  return [...base, ...list.flatMap((c) => (c.texts ? [{ owner: c.name, texts: c.texts }] : []))];
}

/** Capabilities built and subscribed to the bus, in list order. */
export interface BuiltCapabilities<List extends readonly AnyCapability[]> {
  /** Each capability's parts, by name. */
  parts: BuiltParts<List>;
  /** Every capability's parts, in list order (commands, routes, start/stop collect from these). */
  all: readonly (CapabilityParts & { name: string })[];
}

/**
 * Builds each capability with `ctx` (its logger named after it) and subscribes its `on` listeners to
 * the bus, in list order. The one way capabilities come to life: the server, the CLI and the tests.
 */
export function buildCapabilities<const List extends readonly AnyCapability[]>(
  list: List,
  ctx: SharedContext,
  options: CapabilityOptions<List> = {},
): BuiltCapabilities<List> {
  const apiScopes = apiScopesOf(list);
  const parts: Record<string, CapabilityParts> = {};
  const all: (CapabilityParts & { name: string })[] = [];
  const seen = new Set<string>();
  for (const capability of list) {
    if (seen.has(capability.name)) throw new Error(`capability "${capability.name}" is listed twice`);
    seen.add(capability.name);
    const built = capability.build(
      { ...ctx, apiScopes, metrics: ctx.metrics ?? noMetrics, logger: ctx.logger.child({ capability: capability.name }) },
      (options as Record<string, unknown>)[capability.name],
    );
    for (const [event, listener] of Object.entries(built.on ?? {})) {
      if (listener) ctx.bus.on(event as KringEventName, listener as never, capability.name);
    }
    parts[capability.name] = built;
    all.push({ ...built, name: capability.name });
  }
  return { parts: parts as BuiltParts<List>, all };
}
