import type { ApiTokenRepository } from '../ports.js';
import type { ApiToken } from '../domain/api-token.js';
import { apiScopeSchema, type ApiScope } from '../../../kernel/api-access.js';
import type { ApiToken as ApiTokenRow, PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';

/**
 * The `api_token` table through Prisma. Stored scope names that a later version no longer knows are
 * dropped when mapping, so an old row never grants something unexpected nor breaks the typed domain.
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
