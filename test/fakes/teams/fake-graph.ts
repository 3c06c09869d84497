import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { close, listen, readBody, sendJson } from './http-util.js';

/**
 * A protocol-faithful fake of the parts of Microsoft Graph Kring uses for members-only Teams channels, on
 * 127.0.0.1, with the Entra token endpoint beside it:
 *
 * - `POST /{tenant}/oauth2/v2.0/token`: client credentials (`grant_type=client_credentials`, the app's
 *   id and secret, `scope=<graph origin>/.default`) -> an opaque bearer token valid for this tenant;
 *   a wrong secret gets 401 `invalid_client` (AADSTS7000215), a wrong scope 400 `invalid_scope`.
 * - `GET /v1.0/teams/{team}/channels/{channel}/members` -> `{ value: [aadUserConversationMember…] }`,
 *   paged with `@odata.nextLink` (page size settable).
 * - `POST /v1.0/teams/{team}/channels/{channel}/members` with `@odata.type`
 *   `#microsoft.graph.aadUserConversationMember`, `roles` and `user@odata.bind` `…/users('<object id>')`
 *   -> 201 with the membership; 409 when the person is a member already; 400 for a standard channel
 *   (members are managed on private and shared channels only) or a malformed body.
 * - `DELETE /v1.0/teams/{team}/channels/{channel}/members/{membership-id}` -> 204; 404 when unknown.
 *
 * Every Graph call needs `Authorization: Bearer <token>` issued for the tenant the team belongs to (401
 * `InvalidAuthenticationToken` otherwise). Error bodies have Graph's shape `{ error: { code, message } }`.
 *
 * @see https://learn.microsoft.com/graph/api/channel-list-members
 * @see https://learn.microsoft.com/graph/api/channel-post-members
 * @see https://learn.microsoft.com/graph/api/channel-delete-members
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */

export interface FakeGraphOptions {
  /** The app registration allowed to ask tokens: its id and secret (or set later with {@link FakeGraph.allowClient}). */
  clientId?: string;
  clientSecret?: string;
  /** Members listed per page (default 100, as Graph). */
  pageSize?: number;
}

interface Membership {
  id: string;
  userId: string;
  displayName: string | null;
  roles: string[];
}

interface FakeChannel {
  teamId: string;
  channelId: string;
  membershipType: 'standard' | 'private' | 'shared';
  members: Membership[];
}

/** One recorded request (tests assert what Kring called). */
export interface GraphCall {
  method: string;
  path: string;
  status: number;
}

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly teams = new Map<string, string>();
  private readonly channels = new Map<string, FakeChannel>();
  private server: Server | undefined;
  private base = '';

  private client: { id: string; secret: string } | undefined;

  constructor(private readonly options: FakeGraphOptions = {}) {
    if (options.clientId && options.clientSecret) this.client = { id: options.clientId, secret: options.clientSecret };
  }

  /** The app registration whose client credentials get tokens. */
  allowClient(id: string, secret: string): void {
    this.client = { id, secret };
  }

  async start(): Promise<this> {
    const { server, baseUrl } = await listen((req, res) => {
      this.handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: { code: 'generalException', message: String(err) } }));
    });
    this.server = server;
    this.base = baseUrl;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.server = undefined;
  }

  /** Graph's base as `TEAMS_GRAPH_URL` takes it. */
  get graphUrl(): string {
    return `${this.base}/v1.0`;
  }

  /** The login host as `TEAMS_GRAPH_LOGIN_URL` takes it. */
  get loginUrl(): string {
    return this.base;
  }

  /** Makes a team (by its Entra group id) of a tenant exist. */
  addTeam(teamGroupId: string, tenantId: string): void {
    this.teams.set(teamGroupId, tenantId);
  }

  /** Makes a channel of a team exist (private by default). */
  addChannel(teamGroupId: string, channelId: string, membershipType: FakeChannel['membershipType'] = 'private', members: { userId: string; displayName?: string }[] = []): void {
    this.channels.set(`${teamGroupId}|${channelId}`, {
      teamId: teamGroupId,
      channelId,
      membershipType,
      members: members.map((m) => ({ id: membershipId(), userId: m.userId, displayName: m.displayName ?? null, roles: [] })),
    });
  }

  /** The Entra object ids of a channel's members. */
  memberIds(teamGroupId: string, channelId: string): string[] {
    return this.channels.get(`${teamGroupId}|${channelId}`)?.members.map((m) => m.userId) ?? [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const body = await readBody(req);
    const reply = (status: number, json?: unknown) => {
      this.calls.push({ method: req.method ?? '', path: url.pathname, status });
      sendJson(res, status, json);
    };
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'POST' && segments.length === 4 && segments[1] === 'oauth2' && segments[2] === 'v2.0' && segments[3] === 'token') return this.token(segments[0]!, body, reply);
    if (segments[0] !== 'v1.0') return reply(404, graphError('UnknownError', 'Unknown route'));

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const tenant = token ? this.tokens.get(token) : undefined;
    if (!tenant) return reply(401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));

    // /v1.0/teams/{team}/channels/{channel}/members[/{id}]
    if (segments[1] !== 'teams' || segments[3] !== 'channels' || segments[5] !== 'members' || segments.length > 7) return reply(404, graphError('UnknownError', 'Unknown route'));
    const teamId = segments[2]!;
    if (this.teams.get(teamId) !== tenant) return reply(404, graphError('NotFound', `No team found with Group Id ${teamId}`));
    const channel = this.channels.get(`${teamId}|${segments[4]!}`);
    if (!channel) return reply(404, graphError('NotFound', 'Channel not found'));

    if (req.method === 'GET' && segments.length === 6) {
      const pageSize = this.options.pageSize ?? 100;
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
      const page = channel.members.slice(skip, skip + pageSize);
      const next = skip + pageSize < channel.members.length ? `${this.graphUrl}/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channel.channelId)}/members?$skiptoken=${skip + pageSize}` : undefined;
      return reply(200, {
        '@odata.context': `${this.graphUrl}/$metadata#teams('${teamId}')/channels('${channel.channelId}')/members`,
        ...(next ? { '@odata.nextLink': next } : {}),
        value: page.map((m) => memberJson(m, tenant)),
      });
    }
    if (req.method === 'POST' && segments.length === 6) {
      if (channel.membershipType === 'standard') return reply(400, graphError('BadRequest', 'Members of a standard channel are the members of the team.'));
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(400, graphError('BadRequest', 'Invalid JSON'));
      }
      const bind = typeof input['user@odata.bind'] === 'string' ? input['user@odata.bind'] : '';
      const userId = /\/users\('([^']+)'\)$/.exec(bind)?.[1];
      if (input['@odata.type'] !== '#microsoft.graph.aadUserConversationMember' || !userId || !Array.isArray(input['roles'])) {
        return reply(400, graphError('BadRequest', 'Expected an aadUserConversationMember with roles and user@odata.bind'));
      }
      const objectId = decodeURIComponent(userId);
      if (channel.members.some((m) => m.userId === objectId)) return reply(409, graphError('Conflict', 'The user is already a member of the channel.'));
      const membership: Membership = { id: membershipId(), userId: objectId, displayName: null, roles: (input['roles'] as unknown[]).filter((r): r is string => typeof r === 'string') };
      channel.members.push(membership);
      return reply(201, memberJson(membership, tenant));
    }
    if (req.method === 'DELETE' && segments.length === 7) {
      const index = channel.members.findIndex((m) => m.id === segments[6]);
      if (index < 0) return reply(404, graphError('NotFound', 'Member not found'));
      channel.members.splice(index, 1);
      return reply(204);
    }
    return reply(405, graphError('BadRequest', 'Method not allowed'));
  }

  /** The client-credentials grant. */
  private token(tenant: string, body: string, reply: (status: number, json?: unknown) => void): void {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return reply(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' });
    if (!this.client || form.get('client_id') !== this.client.id || form.get('client_secret') !== this.client.secret) {
      return reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    const origin = new URL(this.base).origin;
    if (!(form.get('scope') ?? '').split(' ').includes(`${origin}/.default`)) return reply(400, { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' });
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, tenant);
    return reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } };
}

/** Membership ids look like Graph's (base64 of the ids); opaque to clients. */
function membershipId(): string {
  return Buffer.from(`${randomUUID()}##${randomUUID()}`).toString('base64');
}

function memberJson(m: Membership, tenantId: string) {
  return { '@odata.type': '#microsoft.graph.aadUserConversationMember', id: m.id, roles: m.roles, displayName: m.displayName, userId: m.userId, email: null, tenantId, visibleHistoryStartDateTime: '0001-01-01T00:00:00Z' };
}
