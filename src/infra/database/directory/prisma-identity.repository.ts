import type { PlatformIdentity } from '../../../kernel/community.js';
import type { IdentityRepository, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { isUuid, toIdentity } from '../prisma-rows.js';

/** {@link IdentityRepository} on PostgreSQL/PGlite through Prisma. Links are created by LinkRequestRepository.confirm. */
export class PrismaIdentityRepository implements IdentityRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByAccount(account: PlatformAccount): Promise<PlatformIdentity | null> {
    const row = await this.prisma.platformIdentity.findUnique({ where: { platform_workspaceId_platformUserId: accountKey(account) } });
    return row ? toIdentity(row) : null;
  }

  async listByMember(memberId: string): Promise<PlatformIdentity[]> {
    if (!isUuid(memberId)) return [];
    const rows = await this.prisma.platformIdentity.findMany({ where: { memberId }, orderBy: [{ linkedAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toIdentity);
  }

  async unlink(account: PlatformAccount): Promise<PlatformIdentity | null> {
    // deleteMany instead of delete: a missing (or concurrently removed) link is an answer, not an error.
    // The count decides: of two concurrent unlinks only the one that deleted the row reports it.
    const [rows, deleted] = await this.prisma.$transaction([
      this.prisma.platformIdentity.findMany({ where: accountKey(account) }),
      this.prisma.platformIdentity.deleteMany({ where: accountKey(account) }),
    ]);
    const row = rows[0];
    return row && deleted.count > 0 ? toIdentity(row) : null;
  }
}

/** The unique key of a chat account. */
export function accountKey(account: PlatformAccount): { platform: PlatformAccount['platform']; workspaceId: string; platformUserId: string } {
  return { platform: account.platform, workspaceId: account.workspaceId, platformUserId: account.platformUserId };
}
