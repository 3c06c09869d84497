import type { ApiTokenRepository, WebhookEndpointRepository, ApiRepositories } from '../ports.js';
import type { ApiToken } from '../domain/api-token.js';
import { apiScopeSchema, type ApiScope } from '../../../kernel/api-scopes.js';
import { webhookEventSchema, type WebhookEndpoint, type WebhookEventType } from '../../webhooks/domain/webhook-events.js';
import type { ApiToken as ApiTokenRow, PrismaClient, WebhookEndpoint as WebhookEndpointRow } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';

/**
 * The admin API's tables (`api_token`, `webhook_endpoint`) through Prisma. Stored scope and event names
 * that a later version no longer knows are dropped when mapping, so an old row never grants something
 * unexpected nor breaks the typed domain.
 */

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    scopes: row.scopes.flatMap((s): ApiScope[] => {
      const parsed = apiScopeSchema.safeParse(s);
      return parsed.success ? [parsed.data] : [];
    }),
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    secret: row.secret,
    events: row.events.flatMap((e): WebhookEventType[] => {
      const parsed = webhookEventSchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    }),
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

/** {@link ApiTokenRepository} on PostgreSQL/PGlite. */
export class PrismaApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { organizationId: string; name: string; tokenHash: string; scopes: readonly string[]; createdAt: Date }): Promise<ApiToken> {
    const row = await this.prisma.apiToken.create({
      data: { organizationId: input.organizationId, name: input.name, tokenHash: input.tokenHash, scopes: [...input.scopes], createdAt: input.createdAt },
    });
    return toApiToken(row);
  }

  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { tokenHash } });
    return row ? toApiToken(row) : null;
  }

  async findById(id: string): Promise<ApiToken | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.apiToken.findUnique({ where: { id } });
    return row ? toApiToken(row) : null;
  }

  async list(organizationId?: string): Promise<ApiToken[]> {
    if (organizationId !== undefined && !isUuid(organizationId)) return [];
    const rows = await this.prisma.apiToken.findMany({
      where: organizationId === undefined ? {} : { organizationId },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    return rows.map(toApiToken);
  }

  async revoke(id: string, at: Date): Promise<ApiToken | null> {
    if (!isUuid(id)) return null;
    // Only the first revocation sets the time, so revoking twice reports when it really stopped working.
    await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return this.findById(id);
  }

  async touch(id: string, at: Date): Promise<void> {
    if (!isUuid(id)) return;
    await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}

/** {@link WebhookEndpointRepository} on PostgreSQL/PGlite. */
export class PrismaWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { organizationId: string; url: string; secret: string; events: readonly WebhookEventType[]; createdAt: Date }): Promise<WebhookEndpoint> {
    const row = await this.prisma.webhookEndpoint.create({
      data: { organizationId: input.organizationId, url: input.url, secret: input.secret, events: [...input.events], createdAt: input.createdAt },
    });
    return toWebhookEndpoint(row);
  }

  async findById(id: string): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.webhookEndpoint.findUnique({ where: { id } });
    return row ? toWebhookEndpoint(row) : null;
  }

  async list(organizationId?: string, options: { includeDisabled?: boolean } = {}): Promise<WebhookEndpoint[]> {
    if (organizationId !== undefined && !isUuid(organizationId)) return [];
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: {
        ...(organizationId === undefined ? {} : { organizationId }),
        ...(options.includeDisabled ? {} : { disabledAt: null }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toWebhookEndpoint);
  }

  async listSubscribed(organizationId: string, event: WebhookEventType): Promise<WebhookEndpoint[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { organizationId, disabledAt: null, events: { has: event } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toWebhookEndpoint);
  }

  async disable(id: string, at: Date): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    await this.prisma.webhookEndpoint.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: at } });
    return this.findById(id);
  }
}

/** Both admin API repositories over one Prisma client. */
export function createPrismaApiRepositories(prisma: PrismaClient): ApiRepositories {
  return { apiTokens: new PrismaApiTokenRepository(prisma), webhooks: new PrismaWebhookEndpointRepository(prisma) };
}
