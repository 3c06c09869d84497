import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import type { InterestPlace, InterestPlaceRepository } from '../ports.js';

/** Interest places over Prisma; they go with their interest (cascade). */
export class PrismaInterestPlaceRepository implements InterestPlaceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async setPlace(place: InterestPlace): Promise<void> {
    const key = { interestId: place.interestId, platform: place.platform, workspaceExternalId: place.workspaceId };
    await this.prisma.connectInterestPlace.upsert({
      where: { interestId_platform_workspaceExternalId: key },
      create: { ...key, kind: place.kind, externalId: place.externalId },
      update: { kind: place.kind, externalId: place.externalId },
    });
  }

  async placesOf(organizationId: string): Promise<InterestPlace[]> {
    const rows = await this.prisma.connectInterestPlace.findMany({ where: { interest: { organizationId } }, orderBy: [{ interestId: 'asc' }, { platform: 'asc' }] });
    return rows.map((r) => ({ interestId: r.interestId, platform: r.platform, workspaceId: r.workspaceExternalId, kind: r.kind as InterestPlace['kind'], externalId: r.externalId }));
  }
}
