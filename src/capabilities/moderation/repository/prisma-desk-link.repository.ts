import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import type { DeskLinkStore } from '../ports.js';

/** {@link DeskLinkStore} on PostgreSQL/PGlite (table `moderation_desk_link`). */
export class PrismaDeskLinkRepository implements DeskLinkStore {
  constructor(private readonly prisma: PrismaClient) {}

  async createDeskLink(link: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.prisma.moderationDeskLink.create({ data: link });
  }

  async consumeDeskLink(tokenHash: string, now: Date): Promise<{ organizationId: string; memberId: string } | null> {
    // One statement: two presses of the same link at once cannot both sign in.
    const rows = await this.prisma.$queryRaw<{ organizationId: string; memberId: string }[]>`
      UPDATE moderation_desk_link SET used_at = ${now}
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}
      RETURNING organization_id::text AS "organizationId", member_id::text AS "memberId"`;
    return rows[0] ?? null;
  }

  async pruneDeskLinks(now: Date): Promise<void> {
    await this.prisma.moderationDeskLink.deleteMany({ where: { expiresAt: { lt: now } } });
  }
}
