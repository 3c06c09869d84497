import { z } from 'zod';
import { validate } from '../../src/kernel/validate.js';
import type { Clock } from '../../src/kernel/clock.js';
import { systemClock } from '../../src/kernel/clock.js';
import type { Translator } from '../../src/kernel/i18n.js';
import type { InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { ProcessedEventRepository, WorkspaceRepository } from '../../src/kernel/ports/directory.js';
import { LOCALES, type Locale } from '../../src/kernel/types.js';

/** Slack's Web API base URL. */
export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

/**
 * Bot scopes Kring asks for on an OAuth install. Keep in step with `adapters/slack/manifest.yml`.
 * https://docs.slack.dev/reference/scopes
 */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'users:read',
  'reactions:read',
  'groups:write',
] as const;

/** What every Slack setup needs, whichever way workspaces are connected. */
export interface SlackPlatformCommonConfig {
  /**
   * Basic Information → App Credentials → Signing Secret (env `SLACK_SIGNING_SECRET`). Needed in both modes:
   * Slack signs every request to `/slack/events` with it, OAuth or not.
   */
  signingSecret: string;
  /** Web API base URL (env `SLACK_API_URL`); default Slack's. Tests point it at the fake. */
  apiUrl?: string;
  /** The application: gets every inbound event, answers with a Reply. */
  handler: InboundHandler;
  logger: Logger;
  /** Remembers handled event ids so Slack's retried deliveries run once. */
  processedEvents: ProcessedEventRepository;
  /** Time source for the request-timestamp check; the system clock by default. */
  clock?: Clock;
}

/** One workspace, connected by a bot token (env `SLACK_BOT_TOKEN`). */
export interface SlackSingleWorkspaceConfig extends SlackPlatformCommonConfig {
  /** `xoxb-…` bot token of the installed app. */
  botToken: string;
  /**
   * When both `workspaces` and `organizationId` are given, `start()` records the token's workspace as
   * connected to that organisation (so the router can find the organisation for its events).
   */
  organizationId?: string;
  workspaces?: WorkspaceRepository;
}

/** Many workspaces, each connected by "Add to Slack" (OAuth v2); installations kept in our database. */
export interface SlackOAuthConfig extends SlackPlatformCommonConfig {
  /** env `SLACK_CLIENT_ID`. */
  clientId: string;
  /** env `SLACK_CLIENT_SECRET`. */
  clientSecret: string;
  /** Secret that signs the OAuth `state` parameter (env `SLACK_STATE_SECRET`); any long random string. */
  stateSecret: string;
  /** The organisation every installed workspace is connected to. */
  organizationId: string;
  /** Where installations are stored (the blob is opaque to the repository). */
  workspaces: WorkspaceRepository;
  /** Bot scopes to request; default {@link SLACK_BOT_SCOPES}. */
  scopes?: readonly string[];
  /** Must match a Redirect URL of the Slack app when given (`https://<host>/slack/oauth_redirect`). */
  redirectUri?: string;
  /** When set, installs from other workspaces (team ids) are refused. */
  allowedWorkspaceIds?: readonly string[];
  /** The catalogue, for the pages shown at the end of an install (`site.slackInstall.*`). */
  translator: Translator;
  /** Language of those pages when the browser asks for neither nl nor en (the organisation's); default `nl`. */
  defaultLocale?: Locale;
}

/** Configuration of {@link createSlackPlatform}: a bot token for one workspace, or OAuth for many. */
export type SlackPlatformConfig = SlackSingleWorkspaceConfig | SlackOAuthConfig;

interface ParsedCommon {
  signingSecret: string;
  apiUrl: string;
  handler: InboundHandler;
  logger: Logger;
  processedEvents: ProcessedEventRepository;
  clock: Clock;
}

/** The validated configuration, with defaults applied and the mode made explicit. */
export type ParsedSlackConfig =
  | (ParsedCommon & {
      mode: 'single';
      botToken: string;
      registration: { organizationId: string; workspaces: WorkspaceRepository } | undefined;
    })
  | (ParsedCommon & {
      mode: 'oauth';
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      organizationId: string;
      workspaces: WorkspaceRepository;
      scopes: string[];
      redirectUri: string | undefined;
      allowedWorkspaceIds: string[] | undefined;
      translator: Translator;
      defaultLocale: Locale;
    });

/** An object with these methods (ports are checked by shape, not class). */
function implementing<T>(port: string, methods: readonly string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function'),
    { message: `must implement ${port} (${methods.join(', ')})` },
  );
}

const optionalSecret = (hint: string) => z.string().trim().min(1, hint).optional();

/** zod schema of {@link SlackPlatformConfig}; every problem is reported with the env var that fixes it. */
export const slackPlatformConfigSchema = z
  .object({
    signingSecret: z
      .string({ message: 'set SLACK_SIGNING_SECRET (Slack app → Basic Information → Signing Secret)' })
      .trim()
      .min(1, 'set SLACK_SIGNING_SECRET (Slack app → Basic Information → Signing Secret)'),
    apiUrl: z
      .url({ protocol: /^https?$/, message: 'SLACK_API_URL must be an absolute http(s) URL, e.g. https://slack.com/api/' })
      .optional(),
    botToken: z
      .string()
      .trim()
      .regex(/^xoxb-/, 'SLACK_BOT_TOKEN must be a bot token (starts with xoxb-), from OAuth & Permissions')
      .optional(),
    clientId: optionalSecret('SLACK_CLIENT_ID must not be empty'),
    clientSecret: optionalSecret('SLACK_CLIENT_SECRET must not be empty'),
    stateSecret: z.string().min(16, 'SLACK_STATE_SECRET must be at least 16 characters (use a random string)').optional(),
    organizationId: z.string().min(1).optional(),
    workspaces: implementing<WorkspaceRepository>('WorkspaceRepository', ['upsert', 'getInstallation', 'deleteInstallation']).optional(),
    scopes: z.array(z.string().min(1)).min(1).optional(),
    redirectUri: z.url({ protocol: /^https?$/, message: 'the OAuth redirect URI must be https://<host>/slack/oauth_redirect' }).optional(),
    allowedWorkspaceIds: z.array(z.string().min(1)).optional(),
    translator: implementing<Translator>('Translator', ['for']).optional(),
    defaultLocale: z.enum(LOCALES).optional(),
    handler: implementing<InboundHandler>('InboundHandler', ['handle']),
    logger: implementing<Logger>('Logger', ['debug', 'info', 'warn', 'error', 'child']),
    processedEvents: implementing<ProcessedEventRepository>('ProcessedEventRepository', ['markProcessed']),
    clock: implementing<Clock>('Clock', ['now']).optional(),
  })
  .superRefine((c, ctx) => {
    const oauthKeys = ['clientId', 'clientSecret', 'stateSecret'] as const;
    const oauthGiven = oauthKeys.filter((k) => c[k] !== undefined);
    if (c.botToken !== undefined && oauthGiven.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['botToken'],
        message: 'set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET (OAuth), not both',
      });
      return;
    }
    if (c.botToken === undefined && oauthGiven.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['botToken'],
        message: 'set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs',
      });
      return;
    }
    if (c.botToken !== undefined) return;
    const env: Record<(typeof oauthKeys)[number], string> = {
      clientId: 'SLACK_CLIENT_ID',
      clientSecret: 'SLACK_CLIENT_SECRET',
      stateSecret: 'SLACK_STATE_SECRET',
    };
    for (const key of oauthKeys) {
      if (c[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `OAuth mode needs ${env[key]} too` });
    }
    if (c.organizationId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['organizationId'], message: 'OAuth mode needs the organisation installs connect to (KRING_ORG)' });
    }
    if (c.workspaces === undefined) {
      ctx.addIssue({ code: 'custom', path: ['workspaces'], message: 'OAuth mode needs a WorkspaceRepository to keep installations' });
    }
    if (c.translator === undefined) {
      ctx.addIssue({ code: 'custom', path: ['translator'], message: 'OAuth mode needs the translator for the install pages' });
    }
  });

/** Validates the configuration (throws ValidationError naming every bad key) and applies defaults. */
export function parseSlackConfig(config: SlackPlatformConfig): ParsedSlackConfig {
  const c = validate(slackPlatformConfigSchema, config);
  const common: ParsedCommon = {
    signingSecret: c.signingSecret,
    apiUrl: withTrailingSlash(c.apiUrl ?? SLACK_DEFAULT_API_URL),
    handler: c.handler,
    logger: c.logger,
    processedEvents: c.processedEvents,
    clock: c.clock ?? systemClock,
  };
  if (c.botToken !== undefined) {
    return {
      ...common,
      mode: 'single',
      botToken: c.botToken,
      registration:
        c.organizationId !== undefined && c.workspaces !== undefined
          ? { organizationId: c.organizationId, workspaces: c.workspaces }
          : undefined,
    };
  }
  // superRefine guarantees these in OAuth mode.
  return {
    ...common,
    mode: 'oauth',
    clientId: c.clientId!,
    clientSecret: c.clientSecret!,
    stateSecret: c.stateSecret!,
    organizationId: c.organizationId!,
    workspaces: c.workspaces!,
    scopes: c.scopes ?? [...SLACK_BOT_SCOPES],
    redirectUri: c.redirectUri,
    allowedWorkspaceIds: c.allowedWorkspaceIds,
    translator: c.translator!,
    defaultLocale: c.defaultLocale ?? 'nl',
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
