import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';
import type { PeerRepository, PeerRequest, Situation } from '../ports.js';

/**
 * Peer support (lotgenoten) over Prisma, on its own stricter path: who shares which situation is sealed
 * with the secret box (KRING_SECRET), bound to its row, in `situation_sealed`; it is opened only here, to
 * match a request with volunteers, and never returned in a list, an export or an event. The list of
 * situations itself is the association's (names, no people).
 */
export class PrismaPeerRepository implements PeerRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {}

  async listSituations(organizationId: string): Promise<Situation[]> {
    const rows = await this.prisma.connectSituation.findMany({ where: { organizationId }, orderBy: { nameKey: 'asc' } });
    return rows.map((r) => ({ id: r.id, name: r.name }));
  }

  async addSituation(organizationId: string, name: string, nameKey: string): Promise<Situation | null> {
    const rows = await this.prisma.connectSituation.createManyAndReturn({ data: [{ organizationId, name, nameKey }], skipDuplicates: true });
    return rows[0] ? { id: rows[0].id, name: rows[0].name } : null;
  }

  async offer(organizationId: string, memberId: string, situationId: string, at: Date): Promise<void> {
    await this.ensureProfile(organizationId, memberId);
    for (const v of await this.volunteerRows(organizationId, { memberId })) {
      // One offer per situation: a second press only ends a pause.
      if (v.situationId === situationId) {
        await this.prisma.connectPeerVolunteer.update({ where: { id: v.id }, data: { pausedAt: null } });
        return;
      }
    }
    const id = randomUUID();
    await this.prisma.connectPeerVolunteer.create({
      data: { id, memberId, organizationId, situationSealed: await this.secrets.seal(situationId, `connect_peer_volunteer:${id}`), consentedAt: at },
    });
  }

  async pause(memberId: string, at: Date): Promise<number> {
    const { count } = await this.prisma.connectPeerVolunteer.updateMany({ where: { memberId, pausedAt: null }, data: { pausedAt: at } });
    return count;
  }

  async leave(memberId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.connectPeerVolunteer.deleteMany({ where: { memberId } }),
      this.prisma.connectPeerRequest.deleteMany({ where: { seekerId: memberId, status: 'asking' } }),
    ]);
  }

  async createRequest(organizationId: string, seekerId: string, situationId: string, at: Date): Promise<string> {
    await this.ensureProfile(organizationId, seekerId);
    const id = randomUUID();
    await this.prisma.connectPeerRequest.create({
      data: { id, organizationId, seekerId, situationSealed: await this.secrets.seal(situationId, `connect_peer_request:${id}`), status: 'asking', requestedAt: at },
    });
    return id;
  }

  async getRequest(requestId: string): Promise<PeerRequest | null> {
    const row = await this.prisma.connectPeerRequest.findUnique({ where: { id: requestId }, include: { asked: true } });
    if (!row) return null;
    return {
      id: row.id,
      organizationId: row.organizationId,
      seekerId: row.seekerId,
      situationId: await this.secrets.open(row.situationSealed, `connect_peer_request:${row.id}`),
      status: row.status as PeerRequest['status'],
      asked: row.asked.map((a) => ({ volunteerId: a.volunteerId, answer: a.answer as 'yes' | 'no' | null })),
    };
  }

  async nextVolunteer(request: PeerRequest): Promise<string | null> {
    const asked = new Set(request.asked.map((a) => a.volunteerId));
    const candidates = (await this.volunteerRows(request.organizationId, { paused: false }))
      .filter((v) => v.situationId === request.situationId && v.memberId !== request.seekerId && !asked.has(v.memberId))
      .sort((a, b) => (a.lastAskedAt?.getTime() ?? 0) - (b.lastAskedAt?.getTime() ?? 0));
    return candidates[0]?.memberId ?? null;
  }

  async recordAsk(requestId: string, volunteerId: string, at: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.connectPeerAsk.create({ data: { requestId, volunteerId, askedAt: at } }),
      this.prisma.connectPeerVolunteer.updateMany({ where: { memberId: volunteerId }, data: { lastAskedAt: at } }),
    ]);
  }

  async answer(requestId: string, volunteerId: string, answer: 'yes' | 'no', at: Date): Promise<boolean> {
    const { count } = await this.prisma.connectPeerAsk.updateMany({ where: { requestId, volunteerId, answer: null, request: { status: 'asking' } }, data: { answer, answeredAt: at } });
    return count > 0;
  }

  async setStatus(requestId: string, status: 'introduced' | 'unmatched', at: Date): Promise<void> {
    await this.prisma.connectPeerRequest.updateMany({ where: { id: requestId, status: 'asking' }, data: { status, ...(status === 'introduced' ? { introducedAt: at } : {}) } });
  }

  private async ensureProfile(organizationId: string, memberId: string): Promise<void> {
    await this.prisma.connectProfile.createMany({ data: [{ memberId, organizationId }], skipDuplicates: true });
  }

  /** Volunteer rows with their situation opened (only inside this repository). */
  private async volunteerRows(organizationId: string, filter: { memberId?: string; paused?: boolean }) {
    const rows = await this.prisma.connectPeerVolunteer.findMany({
      where: { organizationId, ...(filter.memberId ? { memberId: filter.memberId } : {}), ...(filter.paused === false ? { pausedAt: null, profile: { member: { status: 'active' } } } : {}) },
    });
    const out: { id: string; memberId: string; situationId: string; lastAskedAt: Date | null }[] = [];
    for (const r of rows) out.push({ id: r.id, memberId: r.memberId, situationId: await this.secrets.open(r.situationSealed, `connect_peer_volunteer:${r.id}`), lastAskedAt: r.lastAskedAt });
    return out;
  }
}
