import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import type { OnboardingRepository } from '../ports.js';

/** The welcome of new members over Prisma: one `connect_onboarding` row per member, written once. */
export class PrismaOnboardingRepository implements OnboardingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async setBuddy(organizationId: string, memberId: string, on: boolean): Promise<void> {
    await this.prisma.connectProfile.upsert({ where: { memberId }, create: { memberId, organizationId, buddy: on }, update: { buddy: on } });
  }

  async claimWelcome(organizationId: string, memberId: string, at: Date): Promise<{ buddyId: string | null } | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.connectProfile.createMany({ data: [{ memberId, organizationId }], skipDuplicates: true });
      const [buddy] = await tx.$queryRaw<{ member_id: string }[]>`
        SELECT p.member_id::text AS member_id
          FROM connect_profile p JOIN member m ON m.id = p.member_id
         WHERE p.organization_id = ${organizationId}::uuid AND p.buddy AND p.member_id <> ${memberId}::uuid
           AND m.status = 'active' AND 'ambassador' = ANY(m.roles)
           AND EXISTS (SELECT 1 FROM platform_identity i WHERE i.member_id = m.id)
         ORDER BY p.last_buddy_at ASC NULLS FIRST, random()
         LIMIT 1
         FOR UPDATE OF p SKIP LOCKED`;
      const buddyId = buddy?.member_id ?? null;
      const created = await tx.connectOnboarding.createMany({ data: [{ memberId, organizationId, welcomedAt: at, buddyId }], skipDuplicates: true });
      if (created.count === 0) return null;
      if (buddyId) await tx.connectProfile.update({ where: { memberId: buddyId }, data: { lastBuddyAt: at } });
      return { buddyId };
    });
  }
}
