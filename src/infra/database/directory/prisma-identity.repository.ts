import type { PlatformIdentity } from '../../../kernel/community.js';
import type { IdentityRepository, LinkedAccount, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Member as MemberRow, PlatformIdentity as PlatformIdentityRow, PrismaClient } from '../generated/prisma/client.js';
import { isUuid, toIdentity, toMember } from '../prisma-rows.js';

/** A row of {@link PrismaIdentityRepository.findLinked}: identity and member columns side by side. */
interface LinkedRow {
  ord: number;
  identityId: string;
  organizationId: string;
  memberId: string;
  platform: string;
  workspaceId: string;
  platformUserId: string;
  displayName: string | null;
  linkedAt: Date;
  memberNumber: string;
  name: string;
  email: string | null;
  status: string;
  roles: string[] | null;
  chapterId: string | null;
  locale: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** {@link IdentityRepository} on PostgreSQL/PGlite through Prisma. Links are created by LinkRequestRepository.confirm. */
export class PrismaIdentityRepository implements IdentityRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByAccount(account: PlatformAccount): Promise<PlatformIdentity | null> {
    const row = await this.prisma.platformIdentity.findUnique({ where: { platform_workspaceId_platformUserId: accountKey(account) } });
    return row ? toIdentity(row) : null;
  }

  async findLinked(accounts: readonly PlatformAccount[]): Promise<(LinkedAccount | null)[]> {
    if (accounts.length === 0) return [];
    // One statement for the batch; columns named as the Prisma models so the shared row mappings apply.
    const rows = await this.prisma.$queryRaw<LinkedRow[]>`
      SELECT a.ord::int AS ord,
             i.id AS "identityId", i.organization_id AS "organizationId", i.member_id AS "memberId",
             i.platform::text AS platform, i.workspace_id AS "workspaceId", i.platform_user_id AS "platformUserId",
             i.display_name AS "displayName", i.linked_at AS "linkedAt",
             m.member_number AS "memberNumber", m.name, m.email, m.status::text AS status, m.roles::text[] AS roles,
             m.chapter_id AS "chapterId", m.locale, m.created_at AS "createdAt", m.updated_at AS "updatedAt"
        FROM unnest(${accounts.map((a) => a.platform)}::text[], ${accounts.map((a) => a.workspaceId)}::text[],
                    ${accounts.map((a) => a.platformUserId)}::text[]) WITH ORDINALITY AS a(platform, workspace_id, platform_user_id, ord)
        JOIN platform_identity i
          ON i.platform = a.platform::"Platform" AND i.workspace_id = a.workspace_id AND i.platform_user_id = a.platform_user_id
        JOIN member m ON m.id = i.member_id`;
    const found: (LinkedAccount | null)[] = accounts.map(() => null);
    for (const r of rows) {
      found[r.ord - 1] = {
        identity: toIdentity({ ...r, id: r.identityId } as unknown as PlatformIdentityRow),
        member: toMember({ ...r, id: r.memberId } as unknown as MemberRow),
      };
    }
    return found;
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
