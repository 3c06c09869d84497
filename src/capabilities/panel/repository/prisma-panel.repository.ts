import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { DrawablePanelCandidate, Panel, PanelCandidate, PanelColumn, PanelPlace, PanelSeat, PanelSeatSource } from '../domain/panel.js';
import type { NewPanelRecord, PanelRepository } from '../ports.js';

/** Rows per statement when an import's columns are written. */
const IMPORT_CHUNK = 500;

/** {@link PanelRepository} on PostgreSQL/PGlite. */
export class PrismaPanelRepository implements PanelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async candidate(memberId: string): Promise<PanelCandidate | null> {
    if (!isUuid(memberId)) return null;
    const row = await this.prisma.panelCandidate.findUnique({ where: { memberId } });
    return row ? { memberId: row.memberId, organizationId: row.organizationId, optedIn: row.optedIn, optedInAt: row.optedInAt, ageGroup: row.ageGroup, membershipType: row.membershipType } : null;
  }

  async setOptIn(organizationId: string, memberId: string, optedIn: boolean, at: Date): Promise<void> {
    await this.prisma.panelCandidate.upsert({
      where: { memberId },
      create: { memberId, organizationId, optedIn, optedInAt: optedIn ? at : null, updatedAt: at },
      update: { optedIn, optedInAt: optedIn ? at : null, updatedAt: at },
    });
  }

  async drawable(organizationId: string): Promise<DrawablePanelCandidate[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.panelCandidate.findMany({
      where: { organizationId, optedIn: true, member: { status: 'active' } },
      select: { memberId: true, ageGroup: true, membershipType: true, member: { select: { chapterId: true } } },
      orderBy: { memberId: 'asc' },
    });
    return rows.map((r) => ({ memberId: r.memberId, chapterId: r.member.chapterId, ageGroup: r.ageGroup, membershipType: r.membershipType }));
  }

  async countDrawable(organizationId: string): Promise<number> {
    if (!isUuid(organizationId)) return 0;
    return this.prisma.panelCandidate.count({ where: { organizationId, optedIn: true, member: { status: 'active' } } });
  }

  async importColumns(organizationId: string, rows: readonly { memberNumber: string; values: Partial<Record<PanelColumn, string>> }[]): Promise<number> {
    if (!isUuid(organizationId)) return 0;
    let updated = 0;
    for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
      const chunk = rows.slice(i, i + IMPORT_CHUNK);
      const members = await this.prisma.member.findMany({ where: { organizationId, memberNumber: { in: chunk.map((r) => r.memberNumber) } }, select: { id: true, memberNumber: true } });
      const idOf = new Map(members.map((m) => [m.memberNumber, m.id]));
      const now = new Date();
      await this.prisma.$transaction(
        chunk.flatMap((r) => {
          const memberId = idOf.get(r.memberNumber);
          if (!memberId) return [];
          updated++;
          const values = { ...(r.values.ageGroup !== undefined ? { ageGroup: r.values.ageGroup } : {}), ...(r.values.membershipType !== undefined ? { membershipType: r.values.membershipType } : {}) };
          return [this.prisma.panelCandidate.upsert({ where: { memberId }, create: { memberId, organizationId, ...values, updatedAt: now }, update: { ...values, updatedAt: now } })];
        }),
      );
    }
    return updated;
  }

  async find(organizationId: string): Promise<Panel | null> {
    if (!isUuid(organizationId)) return null;
    const row = await this.prisma.panel.findUnique({ where: { organizationId }, include: { seats: { orderBy: { memberId: 'asc' } } } });
    return row ? toPanel(row) : null;
  }

  async reachableMemberIds(organizationId: string): Promise<string[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.panelSeat.findMany({
      where: { panel: { organizationId }, member: { organizationId, status: 'active', identities: { some: {} } } },
      select: { memberId: true },
      orderBy: { memberId: 'asc' },
    });
    return rows.map((r) => r.memberId);
  }

  async replace(input: NewPanelRecord): Promise<Panel> {
    return this.prisma.$transaction(async (tx) => {
      const panel = await tx.panel.upsert({
        where: { organizationId: input.organizationId },
        create: { organizationId: input.organizationId, size: input.size, seed: input.seed, drawnAt: input.drawnAt, drawnByMemberId: input.drawnByMemberId, updatedAt: input.drawnAt },
        update: { size: input.size, seed: input.seed, drawnAt: input.drawnAt, drawnByMemberId: input.drawnByMemberId, updatedAt: input.drawnAt },
      });
      await tx.panelSeat.deleteMany({ where: { panelId: panel.id } });
      await tx.panelSeat.createMany({ data: input.seats.map((s) => ({ panelId: panel.id, memberId: s.memberId, source: s.source, stratum: s.stratum, addedAt: s.addedAt })) });
      const row = await tx.panel.findUniqueOrThrow({ where: { id: panel.id }, include: { seats: { orderBy: { memberId: 'asc' } } } });
      return toPanel(row);
    });
  }

  async addSeat(panelId: string, seat: PanelSeat): Promise<boolean> {
    const { count } = await this.prisma.panelSeat.createMany({ data: [{ panelId, memberId: seat.memberId, source: seat.source, stratum: seat.stratum, addedAt: seat.addedAt }], skipDuplicates: true });
    return count === 1;
  }

  async removeSeat(panelId: string, memberId: string): Promise<boolean> {
    if (!isUuid(panelId) || !isUuid(memberId)) return false;
    const { count } = await this.prisma.panelSeat.deleteMany({ where: { panelId, memberId } });
    return count > 0;
  }

  async setPlace(place: PanelPlace): Promise<void> {
    const key = { organizationId: place.organizationId, platform: place.platform, workspaceId: place.workspaceId };
    await this.prisma.panelPlace.upsert({ where: { organizationId_platform_workspaceId: key }, create: { ...key, kind: place.kind, externalId: place.externalId }, update: { kind: place.kind, externalId: place.externalId } });
  }

  async places(organizationId: string): Promise<PanelPlace[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.panelPlace.findMany({ where: { organizationId }, orderBy: [{ platform: 'asc' }, { workspaceId: 'asc' }] });
    return rows.map((r) => ({ organizationId: r.organizationId, platform: r.platform, workspaceId: r.workspaceId, kind: r.kind === 'role' ? 'role' : 'channel', externalId: r.externalId }));
  }
}

function toPanel(row: {
  id: string;
  organizationId: string;
  size: number;
  seed: number;
  drawnAt: Date;
  drawnByMemberId: string | null;
  seats: { memberId: string; source: string; stratum: string; addedAt: Date }[];
}): Panel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    size: row.size,
    seed: row.seed,
    drawnAt: row.drawnAt,
    drawnByMemberId: row.drawnByMemberId,
    seats: row.seats.map((s) => ({ memberId: s.memberId, source: (s.source === 'manual' ? 'manual' : 'draw') as PanelSeatSource, stratum: s.stratum, addedAt: s.addedAt })),
  };
}
