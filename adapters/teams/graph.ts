import { ConfidentialClientApplication } from '@azure/msal-node';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { retryAfterMs, toChatPlatformError } from './errors.js';

/**
 * Membership of Teams private channels through Microsoft Graph, with an app-only token (client
 * credentials of the bot's own app registration, per tenant, from MSAL; MSAL caches it until it nearly
 * expires). Three calls, written against the Graph REST reference with the global `fetch`:
 *
 * - list: `GET /teams/{team-id}/channels/{channel-id}/members` (follows `@odata.nextLink`)
 * - add: `POST /teams/{team-id}/channels/{channel-id}/members` with an `aadUserConversationMember`
 * - remove: `DELETE /teams/{team-id}/channels/{channel-id}/members/{membership-id}`
 *
 * The app needs the application permission `ChannelMember.ReadWrite.All` (or resource-specific consent
 * `ChannelMember.ReadWrite.Group`). Errors are mapped once, here: 429 -> RATE_LIMITED with Retry-After, 401/403
 * -> PERMISSION_DENIED, 404 -> NOT_FOUND, 5xx and network failures -> TRANSIENT, the rest INVALID. Graph's
 * error bodies (`{"error":{"code","message"}}`) only go into messages, never a token.
 *
 * @see https://learn.microsoft.com/graph/api/channel-list-members
 * @see https://learn.microsoft.com/graph/api/channel-post-members
 * @see https://learn.microsoft.com/graph/api/channel-delete-members
 */

export interface GraphSettings {
  /** The bot's app (client) id and secret: the same registration authenticates to Graph. */
  appId: string;
  appPassword: string;
  /** Graph's base, e.g. `https://graph.microsoft.com/v1.0` (no trailing slash). */
  graphUrl: string;
  /** The Entra login host (`https://login.microsoftonline.com`); another value is used as a known authority (tests, sovereign clouds). */
  loginUrl: string | undefined;
}

/** One member of a channel as Graph lists it (only what Kring reads). */
interface ConversationMember {
  /** The membership id (what DELETE takes). */
  id: string;
  /** The person's Entra object id. */
  userId?: string | null;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_PAGES = 50;
const MEMBER_TYPE = '#microsoft.graph.aadUserConversationMember';

export class GraphChannelMembers {
  private readonly clients = new Map<string, ConfidentialClientApplication>();
  private readonly scope: string;

  constructor(
    private readonly settings: GraphSettings,
    private readonly logger: Logger,
  ) {
    this.scope = `${new URL(settings.graphUrl).origin}/.default`;
  }

  /** Adds the person to the private channel; nothing happens when they are a member already. */
  async add(tenantId: string, teamId: string, channelId: string, userObjectId: string): Promise<void> {
    const members = await this.list(tenantId, teamId, channelId);
    if (members.some((m) => m.userId === userObjectId)) return;
    const body = { '@odata.type': MEMBER_TYPE, roles: [], 'user@odata.bind': `${this.settings.graphUrl}/users('${encodeURIComponent(userObjectId)}')` };
    try {
      await this.request(tenantId, 'POST', this.membersPath(teamId, channelId), 'add a channel member', body);
    } catch (err) {
      // Added meanwhile (another worker): the person is in, which is what was asked.
      if (err instanceof GraphConflict) return;
      throw err;
    }
  }

  /** Removes the person from the private channel; nothing happens when they are not in it. */
  async remove(tenantId: string, teamId: string, channelId: string, userObjectId: string): Promise<void> {
    const members = await this.list(tenantId, teamId, channelId);
    for (const member of members.filter((m) => m.userId === userObjectId)) {
      try {
        await this.request(tenantId, 'DELETE', `${this.membersPath(teamId, channelId)}/${encodeURIComponent(member.id)}`, 'remove a channel member');
      } catch (err) {
        // Removed meanwhile: gone is what was asked.
        if (err instanceof ChatPlatformError && err.code === 'NOT_FOUND') continue;
        throw err;
      }
    }
  }

  /** Every member of the channel (all pages). */
  async list(tenantId: string, teamId: string, channelId: string): Promise<ConversationMember[]> {
    const members: ConversationMember[] = [];
    let next: string | undefined = `${this.settings.graphUrl}${this.membersPath(teamId, channelId)}`;
    for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
      const body = (await this.request(tenantId, 'GET', next, 'list channel members')) as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
      for (const item of Array.isArray(body?.value) ? body.value : []) {
        const m = item as { id?: unknown; userId?: unknown };
        if (typeof m.id === 'string') members.push({ id: m.id, userId: typeof m.userId === 'string' ? m.userId : null });
      }
      const link = body?.['@odata.nextLink'];
      // Only follow links to Graph itself: a token never travels anywhere else.
      next = typeof link === 'string' && link.startsWith(this.settings.graphUrl) ? link : undefined;
    }
    return members;
  }

  private membersPath(teamId: string, channelId: string): string {
    return `/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}/members`;
  }

  /** One Graph call with the tenant's app token; resolves with the JSON body (undefined for 204). */
  private async request(tenantId: string, method: 'GET' | 'POST' | 'DELETE', pathOrUrl: string, what: string, body?: unknown): Promise<unknown> {
    const token = await this.token(tenantId, what);
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.settings.graphUrl}${pathOrUrl}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new ChatPlatformError('TRANSIENT', `Microsoft Graph unreachable during ${what}`, { cause });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) return json;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `HTTP ${res.status}`;
    this.logger.debug({ status: res.status, code, what }, 'Teams: Graph call failed');
    if (res.status === 409) throw new GraphConflict(`Microsoft Graph: conflict during ${what} (${code})`);
    if (res.status === 429) {
      throw new ChatPlatformError('RATE_LIMITED', `Microsoft Graph throttled ${what} (${code})`, { retryAfterMs: retryAfterMs(res.headers.get('retry-after') ?? undefined) ?? 1000 });
    }
    if (res.status === 401 || res.status === 403) throw new ChatPlatformError('PERMISSION_DENIED', `Microsoft Graph refused ${what} (${code}); does the app have ChannelMember.ReadWrite.All?`);
    if (res.status === 404) throw new ChatPlatformError('NOT_FOUND', `Microsoft Graph: not found during ${what} (${code})`);
    if (res.status >= 500) throw new ChatPlatformError('TRANSIENT', `Microsoft Graph failed ${what} with ${res.status} (${code})`);
    throw new ChatPlatformError('INVALID', `Microsoft Graph rejected ${what} with ${res.status} (${code})`);
  }

  /** An app-only Graph token for the tenant (client credentials; MSAL keeps it cached). */
  private async token(tenantId: string, what: string): Promise<string> {
    try {
      const result = await this.client(tenantId).acquireTokenByClientCredential({ scopes: [this.scope] });
      if (!result?.accessToken) throw new ChatPlatformError('TRANSIENT', `No Microsoft Graph token for ${what}`);
      return result.accessToken;
    } catch (err) {
      throw toChatPlatformError(err, `a Microsoft Graph token for ${what}`);
    }
  }

  private client(tenantId: string): ConfidentialClientApplication {
    let client = this.clients.get(tenantId);
    if (client) return client;
    const { appId, appPassword, loginUrl } = this.settings;
    const tenant = encodeURIComponent(tenantId);
    if (loginUrl === undefined) {
      client = new ConfidentialClientApplication({ auth: { clientId: appId, clientSecret: appPassword, authority: `https://login.microsoftonline.com/${tenant}` } });
    } else {
      // A login host of our own (a sovereign cloud, a test's fake): declared up front, so MSAL contacts
      // nothing but its token endpoint (and accepts it on plain http for a loopback fake).
      const base = loginUrl.replace(/\/+$/, '');
      const host = new URL(base).host;
      client = new ConfidentialClientApplication({
        auth: {
          clientId: appId,
          clientSecret: appPassword,
          authority: `https://${host}/${tenant}`,
          knownAuthorities: [host],
          authorityMetadata: JSON.stringify({
            token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
            issuer: `${base}/${tenant}/v2.0`,
            jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
          }),
        },
      });
    }
    this.clients.set(tenantId, client);
    return client;
  }
}

/** A 409 from Graph: the change was made already (kept inside this file). */
class GraphConflict extends ChatPlatformError {
  constructor(message: string) {
    super('INVALID', message);
  }
}
