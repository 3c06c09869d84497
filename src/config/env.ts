import { isIP } from 'node:net';
import { z } from 'zod';
import { decodeSecret, MIN_SECRET_BYTES } from '../infra/secrets/aes-gcm.secret-box.js';
import { slugSchema } from '../kernel/types.js';

/**
 * Kring's whole configuration: one zod schema over the environment, parsed once at start-up by
 * src/main.ts (and the CLI). Nobody else reads process.env. A bad or missing value stops start-up with
 * one message naming every bad key and how to fix it. Every variable is documented in README.md.
 */

/** How a KRING_SECRET looks, and how to make one. */
const SECRET_FORMAT = `must be base64 of at least ${MIN_SECRET_BYTES} random bytes: create one with \`openssl rand -base64 32\``;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = (what: string) =>
  z.preprocess(emptyToUndefined, z.url({ message: `must be a URL (${what})` }).optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));
const bool = (def: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** How the Teams bot's app registration authenticates (`MICROSOFT_APP_TYPE`). */
const TEAMS_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

function canonicalAppType(value: string): (typeof TEAMS_APP_TYPES)[number] | undefined {
  return TEAMS_APP_TYPES.find((t) => t.toLowerCase() === value.trim().toLowerCase());
}

/** Express's `trust proxy`: none, every hop (`true`), a number of hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** An IPv4/IPv6 address, optionally with a `/prefix` (a subnet). */
const isAddressOrSubnet = (entry: string): boolean => {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || !address || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIP(address) === 4 ? 32 : 128);
};
const trustProxySchema = z.string().transform((raw, ctx): TrustProxy => {
  const value = raw.trim().toLowerCase();
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value);
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.filter((e) => !PROXY_NAMES.has(e) && !isAddressOrSubnet(e));
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be false, true, a number of proxy hops, or addresses/subnets of your proxies (e.g. loopback or 10.0.0.0/8); not ${bad.map((b) => `"${b}"`).join(', ') || 'empty'}`,
    });
    return z.NEVER;
  }
  return entries;
});

/** The parts of Kring a process can run (`KRING_ROLES`, `kring start --roles`). */
export const PROCESS_ROLES = ['http', 'workers', 'gateway', 'schedulers'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** `http,workers` or `all`: the roles as a sorted list without repeats. */
const rolesSchema = z.string().transform((raw, ctx): ProcessRole[] => {
  const entries = raw.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  if (entries.includes('all')) return [...PROCESS_ROLES];
  const bad = entries.filter((e) => !(PROCESS_ROLES as readonly string[]).includes(e));
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be "all" or a comma-separated list of ${PROCESS_ROLES.join(', ')}; not ${bad.map((b) => `"${b}"`).join(', ') || 'empty'}`,
    });
    return z.NEVER;
  }
  return PROCESS_ROLES.filter((r) => entries.includes(r));
});

/**
 * `REDIS_PREFIX`: letters, digits, `_`, `.`, `-`, and Redis Cluster hash tags (`{kring}`): BullMQ needs every
 * key of a queue in one slot, which a prefix in braces gives (docs/SCALING.md).
 */
const REDIS_PREFIX_PATTERN = /^(?=.{1,64}$)(?:[A-Za-z0-9]|\{[A-Za-z0-9_.-]+\})(?:[A-Za-z0-9_.-]|\{[A-Za-z0-9_.-]+\})*$/;

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: int(3000, 0, 65535),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    // Pretty lines on a terminal in development (`auto`), JSON everywhere else; or forced either way.
    LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['auto', 'json', 'pretty']).default('auto')),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    ),
    KRING_ORG: z.preprocess(emptyToUndefined, slugSchema.default('default')),
    KRING_ORG_NAME: optionalString,
    KRING_DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(['nl', 'en']).default('nl')),
    KRING_TIMEZONE: z.preprocess(emptyToUndefined, z.string().default('Europe/Amsterdam')).refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be an IANA time zone such as Europe/Amsterdam' },
    ),
    KRING_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    // Encryption at rest for secrets in the database (src/infra/secrets): the current key, and older keys that still open.
    KRING_SECRET: z.preprocess(emptyToUndefined, z.string().refine((v) => decodeSecret(v) !== undefined, { message: SECRET_FORMAT }).optional()),
    KRING_SECRET_PREVIOUS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((v) => v.split(',').map((k) => k.trim()).filter((k) => k !== ''))
        .refine((keys) => keys.every((k) => decodeSecret(k) !== undefined), { message: `must be a comma-separated list of keys; each ${SECRET_FORMAT}` })
        .default([]),
    ),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL (or leave it unset for embedded PGlite)')
        .optional(),
    ),
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// URL (or leave it unset for single-process mode)')
        .optional(),
    ),
    // Every Redis key Kring writes starts with `<REDIS_PREFIX>:`, so several deployments can share a Redis.
    REDIS_PREFIX: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          REDIS_PREFIX_PATTERN,
          'must be 1-64 letters, digits, "_", "." or "-" (no ":"), e.g. kring-utrecht; a Redis Cluster hash tag in braces is allowed, e.g. {kring-utrecht}',
        )
        .default('kring'),
    ),
    // Which parts of Kring this process runs (docs/SCALING.md): any of http, workers, gateway, schedulers, or all.
    KRING_ROLES: z.preprocess(emptyToUndefined, rolesSchema.default([...PROCESS_ROLES])),
    // Discord gateway sharding: the shards this process holds, out of how many in all.
    DISCORD_SHARD_IDS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\s*\d{1,5}(\s*,\s*\d{1,5})*\s*$/, 'must be a comma-separated list of shard numbers, e.g. 0,1')
        .transform((v) => [...new Set(v.split(',').map((n) => Number(n.trim())))].sort((a, b) => a - b))
        .optional(),
    ),
    DISCORD_SHARD_COUNT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65_535).optional()),
    TRUST_PROXY: z.preprocess(emptyToUndefined, trustProxySchema.default(false)),
    SMTP_URL: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL (or leave it unset to only log e-mails)').optional(),
    ),
    MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Kring <kring@localhost>')),
    LINK_CODE_TTL_MINUTES: int(15, 1, 1440),
    LINK_MAX_ATTEMPTS: int(5, 1, 20),
    // Slack
    SLACK_BOT_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SLACK_API_URL: optionalUrl('the Slack Web API base, e.g. https://slack.com/api/'),
    // Discord
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{15,25}$/, 'must be the numeric application id').optional()),
    DISCORD_API_URL: optionalUrl('the Discord REST base, e.g. https://discord.com/api'),
    DISCORD_MEMBER_ROLE_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{15,25}$/, 'must be a numeric role id').optional()),
    DISCORD_MESSAGE_CONTENT: bool(false),
    // Microsoft Teams
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    // Any capitalisation (docs/adapters/teams.md): Azure writes `UserAssignedMSI`, botbuilder `UserAssignedMsi`.
    MICROSOFT_APP_TYPE: z.preprocess(
      (v) => {
        const value = emptyToUndefined(v);
        return typeof value === 'string' ? (canonicalAppType(value) ?? value) : value;
      },
      z.enum(TEAMS_APP_TYPES, { message: `must be one of ${TEAMS_APP_TYPES.join(', ')} (any capitalisation)` }).default('MultiTenant'),
    ),
    TEAMS_ENABLED: bool(false),
    // Kring's own web community under /web (adapters/web); on unless switched off.
    KRING_WEB: bool(true),
    // `kring demo`: a demo association in the embedded database, and a sign-in link for its manager.
    KRING_DEMO: bool(false),
    // Metrics and traces (docs/SCALING.md): `/metrics` is served only to this bearer token; traces are sent
    // only when a collector is named (OTLP/HTTP).
    KRING_METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().regex(/^[\x21-\x7e]{16,200}$/, 'must be 16-200 printable characters without spaces, e.g. the output of `openssl rand -hex 24`').optional()),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl('the OTLP/HTTP collector, e.g. http://127.0.0.1:4318'),
    OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"').default('kring')),
    KRING_PUBLIC_URL: optionalUrl('the address people reach Kring at, e.g. https://kring.example.org'),
    // Where a member whose membership ended renews it: shown in the message they get when their access ends.
    KRING_RENEW_URL: optionalUrl('the page where members renew their membership, e.g. https://example.org/lid-worden'),
    API_RATE_LIMIT: int(600, 1, 1_000_000),
    // Teams authentication endpoints: sovereign clouds, and tests that point them at a local fake.
    TEAMS_OPENID_METADATA_URL: optionalUrl('the OpenID metadata document whose keys sign inbound Bot Framework tokens'),
    TEAMS_TOKEN_ISSUER: optionalString,
    TEAMS_LOGIN_URL: optionalUrl('the login authority for outbound Bot Framework tokens'),
    TEAMS_OAUTH_SCOPE: optionalString,
    TEAMS_TOKEN_ENDPOINT: optionalUrl('the OAuth token endpoint for outbound Bot Framework tokens'),
    // Microsoft Graph (members-only private channels in Teams): sovereign clouds, and tests that point it at a local fake.
    TEAMS_GRAPH_URL: optionalUrl('the Microsoft Graph base, e.g. https://graph.microsoft.com/v1.0'),
    TEAMS_GRAPH_LOGIN_URL: optionalUrl('the Entra login host Graph tokens come from, e.g. https://login.microsoftonline.com'),
  });

/**
 * Checks between variables, on the raw environment so they are reported together with the per-key
 * problems (zod skips refinements of an object whose keys already failed).
 */
function crossFieldProblems(source: Record<string, string | undefined>): { key: string; message: string }[] {
  const has = (k: string) => (source[k] ?? '').trim() !== '';
  const problems: { key: string; message: string }[] = [];
  const pair = (a: string, b: string, hint: string) => {
    if (has(a) !== has(b)) problems.push({ key: has(a) ? b : a, message: `is required together with ${has(a) ? a : b} (${hint})` });
  };
  problems.push(...slackProblems(has, source));
  if ((source['NODE_ENV'] ?? '').trim() === 'production' && !has('KRING_SECRET')) {
    problems.push({
      key: 'KRING_SECRET',
      message:
        'is required in production: it encrypts the Slack tokens and signing keys Kring keeps in its database. ' +
        'Create one with `openssl rand -base64 32` and keep it with your backups (without it those secrets cannot be read)',
    });
  }
  pair('DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'Discord bot');
  problems.push(...roleProblems(has, source));
  const appType = canonicalAppType(source['MICROSOFT_APP_TYPE'] ?? '') ?? 'MultiTenant';
  const teams = has('MICROSOFT_APP_ID');
  if (teams && !has('MICROSOFT_APP_PASSWORD') && appType !== 'UserAssignedMSI') {
    problems.push({ key: 'MICROSOFT_APP_PASSWORD', message: 'is required with MICROSOFT_APP_ID (the Azure Bot client secret)' });
  }
  if (teams && has('MICROSOFT_APP_PASSWORD') && appType === 'UserAssignedMSI') {
    problems.push({ key: 'MICROSOFT_APP_PASSWORD', message: 'must be empty for UserAssignedMSI (the managed identity has no secret)' });
  }
  if (teams && appType !== 'MultiTenant' && !has('MICROSOFT_APP_TENANT_ID')) {
    problems.push({ key: 'MICROSOFT_APP_TENANT_ID', message: `is required for a ${appType} app (your Entra tenant id)` });
  }
  return problems;
}

/**
 * Roles and shards across variables: a process that runs only some roles shares its work with others through
 * Redis, so without REDIS_URL (the in-process queue) only all of them together make a working Kring; shard
 * numbers need the total they are out of.
 */
function roleProblems(has: (key: string) => boolean, source: Record<string, string | undefined>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const roles = rolesSchema.safeParse(source['KRING_ROLES'] ?? 'all');
  if (has('KRING_ROLES') && roles.success && roles.data.length < PROCESS_ROLES.length && !has('REDIS_URL')) {
    problems.push({
      key: 'KRING_ROLES',
      message:
        `runs only ${roles.data.join(', ')}, which needs REDIS_URL: without Redis the queue lives inside one process, so the other roles ` +
        `could never reach this one's work. Set REDIS_URL (and DATABASE_URL) for several processes, or leave KRING_ROLES unset (all roles)`,
    });
  }
  const ids = (source['DISCORD_SHARD_IDS'] ?? '').split(',').map((n) => n.trim()).filter((n) => /^\d+$/.test(n)).map(Number);
  const count = Number((source['DISCORD_SHARD_COUNT'] ?? '').trim());
  if (has('DISCORD_SHARD_IDS') && !has('DISCORD_SHARD_COUNT')) {
    problems.push({ key: 'DISCORD_SHARD_COUNT', message: 'is required together with DISCORD_SHARD_IDS (the total number of shards, the same in every gateway process)' });
  } else if (has('DISCORD_SHARD_COUNT') && Number.isInteger(count) && ids.some((id) => id >= count)) {
    problems.push({ key: 'DISCORD_SHARD_IDS', message: `must be shard numbers below DISCORD_SHARD_COUNT (${count}): 0 to ${count - 1}` });
  }
  return problems;
}

/**
 * Slack is connected one of two ways, never both: one workspace (`SLACK_BOT_TOKEN` + `SLACK_SIGNING_SECRET`)
 * or OAuth installs (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_STATE_SECRET` + `SLACK_SIGNING_SECRET`).
 * The rules the adapter checks again (adapters/slack/config.ts) are checked here too, so a bad value stops
 * start-up with this message before the database is touched.
 */
function slackProblems(has: (key: string) => boolean, source: Record<string, string | undefined>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const oauthKeys = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const oauth = oauthKeys.some(has);
  const single = has('SLACK_BOT_TOKEN');
  if (single && oauth) {
    problems.push({
      key: 'SLACK_BOT_TOKEN',
      message: `conflicts with ${oauthKeys.filter(has).join(', ')}: set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs, not both`,
    });
    return problems;
  }
  if (single) {
    if (!has('SLACK_SIGNING_SECRET')) problems.push({ key: 'SLACK_SIGNING_SECRET', message: 'is required together with SLACK_BOT_TOKEN (single-workspace Slack)' });
    if (!(source['SLACK_BOT_TOKEN'] ?? '').trim().startsWith('xoxb-')) {
      problems.push({ key: 'SLACK_BOT_TOKEN', message: 'must be a bot token (starts with xoxb-), from OAuth & Permissions' });
    }
  } else if (oauth) {
    for (const key of [...oauthKeys, 'SLACK_SIGNING_SECRET']) {
      if (!has(key)) problems.push({ key, message: 'is required for Slack OAuth installs (multi-workspace)' });
    }
    if (has('SLACK_STATE_SECRET') && (source['SLACK_STATE_SECRET'] ?? '').trim().length < 16) {
      problems.push({ key: 'SLACK_STATE_SECRET', message: 'must be at least 16 characters (use a long random string)' });
    }
  } else if (has('SLACK_SIGNING_SECRET')) {
    problems.push({
      key: 'SLACK_BOT_TOKEN',
      message: 'is required together with SLACK_SIGNING_SECRET (single-workspace Slack); for OAuth installs set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead',
    });
  }
  return problems;
}

export type Env = z.output<typeof envSchema>;

/** The demo association's name (`kring demo`). */
export const DEMO_ORG_NAME = 'Fietsclub De Kring (demo)';

/** The organisation slug: `KRING_ORG`, or `demo` in demo mode when KRING_ORG is unset. */
function demoSlug(e: Env): string {
  return e.KRING_DEMO && e.KRING_ORG === 'default' ? 'demo' : e.KRING_ORG;
}

/** Kring's configuration, grouped by concern. */
export interface Config {
  env: Env['NODE_ENV'];
  /**
   * `trustProxy` (`TRUST_PROXY`): which proxies' `X-Forwarded-*` headers Kring believes (client address,
   * https): false (default, none), a number of hops, or addresses / subnets / `loopback`, `linklocal`, `uniquelocal`.
   */
  http: { port: number; host: string; trustProxy: TrustProxy };
  logLevel: Env['LOG_LEVEL'];
  /** `auto`: pretty lines on a terminal in development, JSON elsewhere (`LOG_FORMAT`). */
  logFormat: Env['LOG_FORMAT'];
  org: { slug: string; name: string; defaultLocale: 'nl' | 'en'; timezone: string };
  dataDir: string;
  /** Encryption at rest: `KRING_SECRET` (unset outside production: a key generated into the data directory) and older keys. */
  secrets: { current: string | undefined; previous: readonly string[] };
  /** Where people reach Kring (links in chat: dashboard sign-in, data exports); default http://localhost:PORT. */
  publicUrl: string | undefined;
  /** Where members renew their membership (`KRING_RENEW_URL`), linked from the message they get when access ends. */
  renewUrl: string | undefined;
  /** Admin API requests per minute per token. */
  apiRateLimitPerMinute: number;
  /**
   * `/metrics` (`KRING_METRICS_TOKEN`: served only to that bearer token, off without it) and traces
   * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`: off without an endpoint).
   */
  observability: { metricsToken: string | undefined; otlpEndpoint: string | undefined; serviceName: string };
  /** The web community under /web (`KRING_WEB`, default on). */
  web: { enabled: boolean };
  /** Demo mode (`KRING_DEMO`, `kring demo`): the demo association is seeded and its manager gets a sign-in link. */
  demo: boolean;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** The first part of every Redis key Kring writes (`REDIS_PREFIX`, default `kring`): BullMQ, pacer, rate limiter. */
  redisPrefix: string;
  /**
   * What this process runs (`KRING_ROLES`, default all): `http` serves platform webhooks, the API, the
   * dashboard and the web community; `workers` takes queue jobs; `gateway` holds Discord gateway shards;
   * `schedulers` registers the repeating jobs. /healthz and /readyz are served whatever the roles.
   */
  roles: ReadonlySet<ProcessRole>;
  mail: { smtpUrl: string | undefined; from: string };
  link: { codeTtlMs: number; maxAttempts: number };
  slack:
    | { mode: 'single'; botToken: string; signingSecret: string; apiUrl: string | undefined }
    | { mode: 'oauth'; clientId: string; clientSecret: string; stateSecret: string; signingSecret: string; apiUrl: string | undefined }
    | undefined;
  discord:
    | {
        token: string;
        applicationId: string;
        apiUrl: string | undefined;
        memberRoleId: string | undefined;
        messageContent: boolean;
        /** `DISCORD_SHARD_IDS` of `DISCORD_SHARD_COUNT`: the gateway shards this process holds; unset: every shard (discord.js decides). */
        shards: { ids: readonly number[]; count: number } | undefined;
      }
    | undefined;
  teams:
    | {
        appId: string | undefined;
        appPassword: string | undefined;
        tenantId: string | undefined;
        appType: Env['MICROSOFT_APP_TYPE'];
        /** Authentication endpoint overrides (sovereign clouds, tests); unset means botbuilder's public Azure ones. */
        endpoints: {
          openIdMetadataUrl: string | undefined;
          tokenIssuer: string | undefined;
          loginUrl: string | undefined;
          oauthScope: string | undefined;
          tokenEndpoint: string | undefined;
        };
        /** Microsoft Graph for private-channel membership (`TEAMS_GRAPH_URL`, `TEAMS_GRAPH_LOGIN_URL`); unset: Microsoft's. */
        graph: { url: string | undefined; loginUrl: string | undefined };
      }
    | undefined;
}

/** Thrown when the environment is not usable; `message` lists every bad key and how to fix it. */
export class ConfigError extends Error {
  readonly problems: readonly { key: string; message: string }[];
  constructor(problems: readonly { key: string; message: string }[]) {
    super(
      `Kring cannot start: the configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p.key} ${p.message}`).join('\n') +
        '\nSet these environment variables (see the configuration table in README.md) and start again.',
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment once. Throws {@link ConfigError} naming every bad key. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          key: String(i.path[0] ?? '(environment)'),
          message: i.message.startsWith('Invalid input') ? `is invalid: ${i.message}` : i.message,
        }))),
    ...crossFieldProblems(source),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  let slack: Config['slack'];
  if (e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_SIGNING_SECRET) {
    slack = { mode: 'oauth', clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET, signingSecret: e.SLACK_SIGNING_SECRET, apiUrl: e.SLACK_API_URL };
  } else if (e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET) {
    slack = { mode: 'single', botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, apiUrl: e.SLACK_API_URL };
  }
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, trustProxy: e.TRUST_PROXY },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    // Demo mode keeps its association apart from a real one: organisation `demo` unless KRING_ORG names another.
    org: { slug: demoSlug(e), name: e.KRING_ORG_NAME ?? (e.KRING_DEMO && !source['KRING_ORG'] ? DEMO_ORG_NAME : demoSlug(e)), defaultLocale: e.KRING_DEFAULT_LOCALE, timezone: e.KRING_TIMEZONE },
    dataDir: e.KRING_DATA_DIR,
    secrets: { current: e.KRING_SECRET, previous: e.KRING_SECRET_PREVIOUS },
    publicUrl: e.KRING_PUBLIC_URL,
    renewUrl: e.KRING_RENEW_URL,
    apiRateLimitPerMinute: e.API_RATE_LIMIT,
    observability: { metricsToken: e.KRING_METRICS_TOKEN, otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    web: { enabled: e.KRING_WEB },
    demo: e.KRING_DEMO,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    roles: new Set(e.KRING_ROLES),
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    link: { codeTtlMs: e.LINK_CODE_TTL_MINUTES * 60_000, maxAttempts: e.LINK_MAX_ATTEMPTS },
    slack,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            apiUrl: e.DISCORD_API_URL,
            memberRoleId: e.DISCORD_MEMBER_ROLE_ID,
            messageContent: e.DISCORD_MESSAGE_CONTENT,
            shards:
              e.DISCORD_SHARD_COUNT === undefined
                ? undefined
                : { ids: e.DISCORD_SHARD_IDS ?? Array.from({ length: e.DISCORD_SHARD_COUNT }, (_, i) => i), count: e.DISCORD_SHARD_COUNT },
          }
        : undefined,
    teams:
      e.TEAMS_ENABLED || e.MICROSOFT_APP_ID
        ? {
            appId: e.MICROSOFT_APP_ID,
            appPassword: e.MICROSOFT_APP_PASSWORD,
            tenantId: e.MICROSOFT_APP_TENANT_ID,
            appType: e.MICROSOFT_APP_TYPE,
            endpoints: {
              openIdMetadataUrl: e.TEAMS_OPENID_METADATA_URL,
              tokenIssuer: e.TEAMS_TOKEN_ISSUER,
              loginUrl: e.TEAMS_LOGIN_URL,
              oauthScope: e.TEAMS_OAUTH_SCOPE,
              tokenEndpoint: e.TEAMS_TOKEN_ENDPOINT,
            },
            graph: { url: e.TEAMS_GRAPH_URL, loginUrl: e.TEAMS_GRAPH_LOGIN_URL },
          }
        : undefined,
  };
}
