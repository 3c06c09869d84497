import type { PlatformIdentity } from '../../../kernel/community.js';
import type { LinkRequest } from '../domain/link-request.js';
import { NotFoundError } from '../../../kernel/errors.js';
import type { PlatformAccount } from '../../../kernel/ports/directory.js';
import type { LinkRequestRepository } from '../ports.js';
import type { LinkRequest as LinkRequestRow, PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { accountKey } from '../../../infra/database/directory/prisma-identity.repository.js';
import { isUuid, mapUniqueViolation, toIdentity } from '../../../infra/database/prisma-rows.js';

/** {@link LinkRequestRepository} on PostgreSQL/PGlite through Prisma. */
export class PrismaLinkRequestRepository implements LinkRequestRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(
    request: Omit<LinkRequest, 'id' | 'attempts' | 'consumedAt' | 'createdAt'> & { createdAt: Date; id?: string },
  ): Promise<LinkRequest> {
    const row = await mapUniqueViolation('Link request', () =>
      this.prisma.linkRequest.create({
        data: {
          ...(request.id === undefined ? {} : { id: request.id }),
          organizationId: request.organizationId,
          memberId: request.memberId,
          platform: request.platform,
          workspaceId: request.workspaceId,
          platformUserId: request.platformUserId,
          codeHash: request.codeHash,
          expiresAt: request.expiresAt,
          createdAt: request.createdAt,
        },
      }),
    );
    return toLinkRequest(row);
  }

  async findLatestOpen(account: PlatformAccount): Promise<LinkRequest | null> {
    const row = await this.prisma.linkRequest.findFirst({
      where: { ...accountKey(account), consumedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    return row ? toLinkRequest(row) : null;
  }

  async findLatest(account: PlatformAccount): Promise<LinkRequest | null> {
    const row = await this.prisma.linkRequest.findFirst({ where: accountKey(account), orderBy: { createdAt: 'desc' } });
    return row ? toLinkRequest(row) : null;
  }

  async countSince(account: PlatformAccount, since: Date): Promise<number> {
    return this.prisma.linkRequest.count({ where: { ...accountKey(account), createdAt: { gte: since } } });
  }

  async recordFailedAttempt(id: string): Promise<number> {
    // One statement: concurrent wrong guesses each count (no read-modify-write race).
    const rows = isUuid(id)
      ? await this.prisma.$queryRaw<{ attempts: number }[]>`
          UPDATE link_request SET attempts = attempts + 1 WHERE id = ${id}::uuid RETURNING attempts`
      : [];
    const row = rows[0];
    if (!row) throw new NotFoundError('MEMBERSHIP.LINK_REQUEST_NOT_FOUND', `Link request ${id} does not exist.`);
    return Number(row.attempts);
  }

  async consume(id: string, at: Date): Promise<void> {
    if (!isUuid(id)) return;
    await this.prisma.linkRequest.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
  }

  async confirm(id: string, at: Date, displayName: string | null): Promise<PlatformIdentity | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      // The conditional update is the lock: a concurrent confirm waits for this row, then matches nothing.
      const { count } = await tx.linkRequest.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
      if (count !== 1) return null;
      const request = await tx.linkRequest.findUniqueOrThrow({ where: { id } });
      const key = accountKey(request);
      const link = {
        organizationId: request.organizationId,
        memberId: request.memberId,
        displayName,
        linkedAt: at,
      };
      const identity = await mapUniqueViolation('Platform identity', () =>
        tx.platformIdentity.upsert({
          where: { platform_workspaceId_platformUserId: key },
          create: { ...key, ...link },
          // The account was linked before (maybe to another member): the new link replaces it.
          update: link,
        }),
      );
      return toIdentity(identity);
    });
  }
}

function toLinkRequest(row: LinkRequestRow): LinkRequest {
  return {
    id: row.id,
    organizationId: row.organizationId,
    memberId: row.memberId,
    platform: row.platform,
    workspaceId: row.workspaceId,
    platformUserId: row.platformUserId,
    codeHash: row.codeHash,
    attempts: row.attempts,
    expiresAt: row.expiresAt,
    consumedAt: row.consumedAt,
    createdAt: row.createdAt,
  };
}
