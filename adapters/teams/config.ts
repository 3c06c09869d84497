import { z } from 'zod';
import type { InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { ConversationReferenceRepository } from '../../src/kernel/ports/directory.js';
import { validate } from '../../src/kernel/validate.js';

/**
 * How the Azure Bot's app registration authenticates (`MICROSOFT_APP_TYPE`). Matched case-insensitively
 * because Azure's own templates spell it `UserAssignedMSI` and botbuilder `UserAssignedMsi`.
 */
export const TEAMS_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

const appTypeSchema = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value.trim() === ''
        ? undefined
        : (TEAMS_APP_TYPES.find((t) => t.toLowerCase() === value.trim().toLowerCase()) ?? value)
      : value,
  // The default sits inside: an empty env value becomes undefined only after preprocessing.
  z.enum(TEAMS_APP_TYPES, { error: `use one of ${TEAMS_APP_TYPES.join(', ')} (MICROSOFT_APP_TYPE)` }).default('MultiTenant'),
);

/** Empty strings (unset env vars in a .env file) count as absent. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).optional());
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

/**
 * The serialisable part of the Teams configuration, parsed once at start.
 *
 * The four endpoint overrides exist for tests (a local OpenID document, key set and token endpoint, so
 * that real JWT validation runs offline) and for sovereign clouds; production leaves them unset and
 * botbuilder uses the public Azure constants.
 */
export const teamsSettingsSchema = z
  .object({
    /** Azure Bot app (client) id, `MICROSOFT_APP_ID`. Absent: auth off (Bot Framework Emulator only). */
    appId: optionalString,
    /** Client secret, `MICROSOFT_APP_PASSWORD`. Required for MultiTenant/SingleTenant, forbidden for MSI. */
    appPassword: optionalString,
    /** Entra tenant id, `MICROSOFT_APP_TENANT_ID`. Required for SingleTenant and UserAssignedMSI. */
    tenantId: optionalString,
    /** `MICROSOFT_APP_TYPE`. */
    appType: appTypeSchema,
    /** OpenID metadata document whose `jwks_uri` lists the keys that sign inbound tokens. */
    openIdMetadataUrl: optionalUrl,
    /** The `iss` inbound channel tokens must carry. */
    tokenIssuer: optionalString,
    /** Login URL (authority) the bot gets its outbound tokens from. */
    loginUrl: optionalUrl,
    /** Scope (audience) of outbound tokens. */
    oauthScope: optionalString,
    /**
     * OAuth token endpoint used for outbound tokens instead of Microsoft's login host (tests). When set,
     * MSAL is told the authority is known, so no instance discovery leaves the machine.
     */
    tokenEndpoint: optionalUrl,
    /**
     * Service URL for creating a personal chat with someone no conversation is known for yet. Teams'
     * global service URL works for every tenant; a URL seen on an inbound activity is preferred.
     */
    defaultServiceUrl: z.url().default('https://smba.trafficmanager.net/teams/'),
    /**
     * How long a button press or form (an invoke, answered in the HTTP response) may take before it is
     * answered without a reply. Teams documents five seconds for invokes (message extensions); card
     * actions are held to the same. The work goes on after the answer.
     */
    invokeDeadlineMs: z.number().int().min(100).max(4500).default(3000),
    /** Microsoft Graph's base (members-only private channels), `TEAMS_GRAPH_URL`; no trailing slash. */
    graphUrl: z
      .preprocess((v) => (v === '' ? undefined : v), z.url().optional())
      .transform((u) => (u ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '')),
    /** The Entra login host Graph tokens come from, `TEAMS_GRAPH_LOGIN_URL`; unset: login.microsoftonline.com. */
    graphLoginUrl: optionalUrl,
  })
  .superRefine((s, ctx) => {
    if (!s.appId) {
      if (s.appPassword) ctx.addIssue({ code: 'custom', path: ['appId'], message: 'MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not' });
      return;
    }
    if (s.appType === 'UserAssignedMSI') {
      if (s.appPassword) ctx.addIssue({ code: 'custom', path: ['appPassword'], message: 'leave MICROSOFT_APP_PASSWORD empty for UserAssignedMSI (the managed identity has no secret)' });
    } else if (!s.appPassword) {
      ctx.addIssue({ code: 'custom', path: ['appPassword'], message: `set MICROSOFT_APP_PASSWORD (the client secret of the bot's app registration) for ${s.appType}` });
    }
    if (s.appType !== 'MultiTenant' && !s.tenantId) {
      ctx.addIssue({ code: 'custom', path: ['tenantId'], message: `set MICROSOFT_APP_TENANT_ID for ${s.appType}` });
    }
    if (s.tokenEndpoint && s.appType === 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['tokenEndpoint'], message: 'a token endpoint override needs a client secret; not supported with UserAssignedMSI' });
    }
  });

/** Parsed settings (defaults applied). */
export type TeamsSettings = z.output<typeof teamsSettingsSchema>;

/**
 * Everything `createTeamsPlatform` needs: the settings (validated by {@link teamsSettingsSchema}; each
 * accepts `undefined` so env values can be passed straight through) plus the collaborators it calls.
 */
export interface TeamsPlatformConfig {
  /** `MICROSOFT_APP_ID`. Absent: authentication off (emulator mode), with a loud warning at start. */
  appId?: string | undefined;
  /** `MICROSOFT_APP_PASSWORD`. */
  appPassword?: string | undefined;
  /** `MICROSOFT_APP_TENANT_ID`; also the tenant assumed for activities that name none (emulator). */
  tenantId?: string | undefined;
  /** `MICROSOFT_APP_TYPE`: MultiTenant (default), SingleTenant or UserAssignedMSI, any case. */
  appType?: TeamsAppType | string | undefined;
  /** Test/sovereign-cloud override: OpenID metadata URL for inbound tokens. */
  openIdMetadataUrl?: string | undefined;
  /** Test/sovereign-cloud override: issuer of inbound tokens. */
  tokenIssuer?: string | undefined;
  /** Test/sovereign-cloud override: login URL for outbound tokens. */
  loginUrl?: string | undefined;
  /** Test/sovereign-cloud override: scope of outbound tokens. */
  oauthScope?: string | undefined;
  /** Test override: OAuth token endpoint for outbound tokens (MSAL treats it as a known authority). */
  tokenEndpoint?: string | undefined;
  /** Service URL for opening a personal chat when none was seen yet. */
  defaultServiceUrl?: string | undefined;
  /** Time a press or form gets before it is answered without a reply (default 3,000 ms; at most 4,500). */
  invokeDeadlineMs?: number | undefined;
  /** Microsoft Graph's base URL for private-channel membership (default `https://graph.microsoft.com/v1.0`). */
  graphUrl?: string | undefined;
  /** The login host for Graph tokens (default Microsoft's; tests point it at a fake identity). */
  graphLoginUrl?: string | undefined;
  /** Receives every inbound event; its Reply is rendered back into Teams. */
  handler: InboundHandler;
  logger: Logger;
  /** Where per-channel / per-member conversation references are kept for proactive messages. */
  conversationReferences: ConversationReferenceRepository;
}

/** Parses the settings part of the config; throws a ValidationError naming every bad key. */
export function parseTeamsSettings(config: TeamsPlatformConfig): TeamsSettings {
  const { handler: _h, logger: _l, conversationReferences: _c, ...settings } = config;
  return validate(teamsSettingsSchema, settings);
}
