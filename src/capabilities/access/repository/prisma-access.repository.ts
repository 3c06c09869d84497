import type { AccessGrant as GrantRow, AccessLapse as LapseRow, AccessPlace as PlaceRow, AccessSuspension as SuspensionRow, PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Locale, Platform } from '../../../kernel/types.js';
import type { AccessGrant, AccessLapse, AccessPlace, AccessSettings, Audience, Suspension } from '../domain/access.js';
import type { AccessRepository, NewAccessPlace } from '../ports.js';

function toAudience(row: Pick<PlaceRow, 'audienceKind' | 'audienceRoles' | 'audienceChapterIds'>): Audience {
  if (row.audienceKind === 'roles') return { kind: 'roles', roles: [...row.audienceRoles] };
  if (row.audienceKind === 'chapters') return { kind: 'chapters', chapterIds: [...row.audienceChapterIds] };
  return { kind: 'all' };
}

function audienceColumns(audience: Audience) {
  return {
    audienceKind: audience.kind,
    audienceRoles: audience.kind === 'roles' ? audience.roles : [],
    audienceChapterIds: audience.kind === 'chapters' ? audience.chapterIds : [],
  };
}

function toPlace(row: PlaceRow): AccessPlace {
  return {
    id: row.id,
    organizationId: row.organizationId,
    platform: row.platform,
    workspaceId: row.workspaceExternalId,
    kind: row.kind,
    externalId: row.externalId,
    name: row.name,
    audience: toAudience(row),
    createdAt: row.createdAt,
  };
}

function toGrant(row: GrantRow): AccessGrant {
  return {
    platform: row.platform,
    workspaceId: row.workspaceExternalId,
    platformUserId: row.platformUserId,
    placeKey: row.placeKey,
    organizationId: row.organizationId,
    memberId: row.memberId,
    grantedAt: row.grantedAt,
  };
}

function toLapse(row: LapseRow): AccessLapse {
  return { memberId: row.memberId, organizationId: row.organizationId, lapsedAt: row.lapsedAt, notifiedAt: row.notifiedAt, revokedAt: row.revokedAt };
}

function toSuspension(row: SuspensionRow): Suspension {
  return { id: row.id, organizationId: row.organizationId, memberId: row.memberId, until: row.until, caseNumber: row.caseNumber, createdAt: row.createdAt, endedAt: row.endedAt };
}

/** {@link AccessRepository} on PostgreSQL/PGlite (tables access_*, house_rules_agreement). */
export class PrismaAccessRepository implements AccessRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async savePlace(input: NewAccessPlace): Promise<AccessPlace> {
    const key = {
      organizationId: input.organizationId,
      platform: input.platform,
      workspaceExternalId: input.workspaceId,
      kind: input.kind,
      externalId: input.externalId,
    };
    const row = await this.prisma.accessPlace.upsert({
      where: { organizationId_platform_workspaceExternalId_kind_externalId: key },
      create: { ...key, name: input.name, ...audienceColumns(input.audience) },
      update: { ...(input.name !== null ? { name: input.name } : {}), ...audienceColumns(input.audience) },
    });
    return toPlace(row);
  }

  async listPlaces(organizationId: string): Promise<AccessPlace[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.accessPlace.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toPlace);
  }

  async findPlace(organizationId: string, id: string): Promise<AccessPlace | null> {
    if (!isUuid(id) || !isUuid(organizationId)) return null;
    const row = await this.prisma.accessPlace.findFirst({ where: { organizationId, id } });
    return row ? toPlace(row) : null;
  }

  async removePlace(organizationId: string, id: string): Promise<AccessPlace | null> {
    const place = await this.findPlace(organizationId, id);
    if (!place) return null;
    await this.prisma.accessPlace.deleteMany({ where: { organizationId, id } });
    return place;
  }

  async hasNarrowPlaces(organizationId: string): Promise<boolean> {
    if (!isUuid(organizationId)) return false;
    return (await this.prisma.accessPlace.count({ where: { organizationId, audienceKind: { not: 'all' } } })) > 0;
  }

  async grantsOfMember(memberId: string): Promise<AccessGrant[]> {
    if (!isUuid(memberId)) return [];
    return (await this.prisma.accessGrant.findMany({ where: { memberId } })).map(toGrant);
  }

  async grantsOfPlace(placeKey: string): Promise<AccessGrant[]> {
    return (await this.prisma.accessGrant.findMany({ where: { placeKey } })).map(toGrant);
  }

  async recordGrant(grant: AccessGrant): Promise<void> {
    const id = { platform: grant.platform, workspaceExternalId: grant.workspaceId, platformUserId: grant.platformUserId, placeKey: grant.placeKey };
    await this.prisma.accessGrant.upsert({
      where: { platform_workspaceExternalId_platformUserId_placeKey: id },
      create: { ...id, organizationId: grant.organizationId, memberId: grant.memberId, grantedAt: grant.grantedAt },
      update: { organizationId: grant.organizationId, memberId: grant.memberId, grantedAt: grant.grantedAt },
    });
  }

  async removeGrant(account: PlatformAccount, placeKey: string): Promise<void> {
    await this.prisma.accessGrant.deleteMany({ where: { platform: account.platform, workspaceExternalId: account.workspaceId, platformUserId: account.platformUserId, placeKey } });
  }

  async recordLapse(organizationId: string, memberId: string, at: Date): Promise<AccessLapse> {
    // The first lapse counts: a second "lapsed" (a re-import) does not restart the grace period.
    const row = await this.prisma.accessLapse.upsert({ where: { memberId }, create: { memberId, organizationId, lapsedAt: at }, update: {} });
    return toLapse(row);
  }

  async findLapse(memberId: string): Promise<AccessLapse | null> {
    if (!isUuid(memberId)) return null;
    const row = await this.prisma.accessLapse.findUnique({ where: { memberId } });
    return row ? toLapse(row) : null;
  }

  async clearLapse(memberId: string): Promise<void> {
    await this.prisma.accessLapse.deleteMany({ where: { memberId } });
  }

  async markLapse(memberId: string, field: 'notifiedAt' | 'revokedAt', at: Date): Promise<void> {
    await this.prisma.accessLapse.updateMany({ where: { memberId, [field]: null }, data: { [field]: at } });
  }

  async dueLapses(organizationId: string, before: Date, limit: number): Promise<AccessLapse[]> {
    const rows = await this.prisma.accessLapse.findMany({ where: { organizationId, revokedAt: null, lapsedAt: { lte: before } }, orderBy: { lapsedAt: 'asc' }, take: limit });
    return rows.map(toLapse);
  }

  async unrecordedLapses(organizationId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ member_id: string }[]>`
      SELECT DISTINCT g.member_id::text AS member_id
        FROM access_grant g
        JOIN member m ON m.id = g.member_id
       WHERE g.organization_id = ${organizationId}::uuid
         AND m.status <> 'active'
         AND NOT EXISTS (SELECT 1 FROM access_lapse l WHERE l.member_id = g.member_id)
       LIMIT ${limit}`;
    return rows.map((r) => r.member_id);
  }

  async addSuspension(input: Omit<Suspension, 'id' | 'endedAt'>): Promise<Suspension> {
    const row = await this.prisma.accessSuspension.create({ data: { ...input } });
    return toSuspension(row);
  }

  async openSuspension(memberId: string): Promise<Suspension | null> {
    if (!isUuid(memberId)) return null;
    const row = await this.prisma.accessSuspension.findFirst({ where: { memberId, endedAt: null }, orderBy: { createdAt: 'desc' } });
    return row ? toSuspension(row) : null;
  }

  async endSuspension(id: string, at: Date): Promise<void> {
    await this.prisma.accessSuspension.updateMany({ where: { id, endedAt: null }, data: { endedAt: at } });
  }

  async dueSuspensions(organizationId: string, now: Date, limit: number): Promise<Suspension[]> {
    const rows = await this.prisma.accessSuspension.findMany({ where: { organizationId, endedAt: null, until: { lte: now } }, orderBy: { until: 'asc' }, take: limit });
    return rows.map(toSuspension);
  }

  async settings(organizationId: string): Promise<AccessSettings> {
    const row = isUuid(organizationId) ? await this.prisma.accessSettings.findUnique({ where: { organizationId } }) : null;
    return {
      organizationId,
      graceDays: row?.graceDays ?? 0,
      rulesVersion: row?.rulesVersion ?? 0,
      rules: { nl: row?.rulesNl ?? null, en: row?.rulesEn ?? null },
      rulesUpdatedAt: row?.rulesUpdatedAt ?? null,
    };
  }

  async setGraceDays(organizationId: string, days: number): Promise<AccessSettings> {
    await this.prisma.accessSettings.upsert({ where: { organizationId }, create: { organizationId, graceDays: days }, update: { graceDays: days } });
    return this.settings(organizationId);
  }

  async setRules(organizationId: string, rules: Partial<Record<Locale, string | null>>, at: Date): Promise<AccessSettings> {
    const data = {
      ...(rules.nl !== undefined ? { rulesNl: rules.nl } : {}),
      ...(rules.en !== undefined ? { rulesEn: rules.en } : {}),
      rulesUpdatedAt: at,
    };
    await this.prisma.accessSettings.upsert({
      where: { organizationId },
      create: { organizationId, ...data, rulesVersion: 1 },
      update: { ...data, rulesVersion: { increment: 1 } },
    });
    return this.settings(organizationId);
  }

  async agreement(memberId: string): Promise<{ version: number; agreedAt: Date } | null> {
    if (!isUuid(memberId)) return null;
    const row = await this.prisma.houseRulesAgreement.findUnique({ where: { memberId } });
    return row ? { version: row.version, agreedAt: row.agreedAt } : null;
  }

  async agree(organizationId: string, memberId: string, version: number, at: Date): Promise<void> {
    await this.prisma.houseRulesAgreement.upsert({ where: { memberId }, create: { memberId, organizationId, version, agreedAt: at }, update: { version, agreedAt: at } });
  }

  async membersInWorkspace(organizationId: string, platform: Platform, workspaceId: string): Promise<string[]> {
    const rows = await this.prisma.platformIdentity.findMany({
      where: { organizationId, platform, workspaceId, member: { status: 'active' } },
      select: { memberId: true },
      distinct: ['memberId'],
    });
    return rows.map((r) => r.memberId);
  }
}
