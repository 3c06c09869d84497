import type { Idea as IdeaRow, IdeaPost as IdeaPostRow, PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { IdeaRepository } from '../ports.js';
import type { Idea, IdeaPost, IdeaStatus, IdeaStatusChange, IdeaTarget } from '../domain/idea.js';

/** {@link IdeaRepository} on PostgreSQL/PGlite; the unique index on (idea_id, member_id) makes one upvote per member. */
export class PrismaIdeaRepository implements IdeaRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { organizationId: string; submittedByMemberId: string; text: string; targets: IdeaTarget[]; createdAt: Date }): Promise<Idea> {
    const row = await this.prisma.idea.create({
      data: {
        organizationId: input.organizationId,
        submittedByMemberId: input.submittedByMemberId,
        text: input.text,
        createdAt: input.createdAt,
        statusChangedAt: input.createdAt,
        posts: { create: input.targets.map((t) => ({ ...t })) },
        changes: { create: [{ status: 'new', changedAt: input.createdAt }] },
      },
    });
    return toIdea(row);
  }

  async findById(id: string): Promise<Idea | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.idea.findUnique({ where: { id } });
    return row ? toIdea(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Idea[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    const ids = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM idea WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`} ORDER BY created_at DESC LIMIT ${limit}`;
    if (ids.length === 0) return [];
    return (await this.prisma.idea.findMany({ where: { id: { in: ids.map((r) => r.id) } } })).map(toIdea);
  }

  async list(organizationId: string, query: { status?: IdeaStatus; limit: number }): Promise<Idea[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.idea.findMany({
      where: { organizationId, ...(query.status ? { status: query.status } : {}) },
      orderBy: [{ votes: { _count: 'desc' } }, { createdAt: 'desc' }],
      take: query.limit,
    });
    return rows.map(toIdea);
  }

  async upvote(ideaId: string, memberId: string, at: Date): Promise<boolean> {
    if (!isUuid(ideaId) || !isUuid(memberId)) return false;
    const { count } = await this.prisma.ideaVote.createMany({ data: [{ ideaId, memberId, createdAt: at }], skipDuplicates: true });
    return count === 1;
  }

  votes(ideaId: string): Promise<number> {
    if (!isUuid(ideaId)) return Promise.resolve(0);
    return this.prisma.ideaVote.count({ where: { ideaId } });
  }

  async voterIds(ideaId: string): Promise<string[]> {
    if (!isUuid(ideaId)) return [];
    return (await this.prisma.ideaVote.findMany({ where: { ideaId }, select: { memberId: true } })).map((v) => v.memberId);
  }

  async setStatus(ideaId: string, status: IdeaStatus, reason: string | null, at: Date): Promise<Idea | null> {
    if (!isUuid(ideaId)) return null;
    const [updated] = await this.prisma.$transaction([
      this.prisma.idea.updateMany({ where: { id: ideaId }, data: { status, reason, statusChangedAt: at } }),
      this.prisma.$executeRaw`
        INSERT INTO idea_status_change (id, idea_id, status, reason, changed_at)
        SELECT gen_random_uuid(), id, ${status}::"IdeaStatus", ${reason}, ${at} FROM idea WHERE id = ${ideaId}::uuid`,
    ]);
    return updated.count === 1 ? this.findById(ideaId) : null;
  }

  async changesBetween(organizationId: string, from: Date, to: Date): Promise<IdeaStatusChange[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.ideaStatusChange.findMany({
      where: { idea: { organizationId }, changedAt: { gte: from, lt: to }, status: { not: 'new' } },
      orderBy: [{ changedAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => ({ ideaId: r.ideaId, status: r.status, reason: r.reason, changedAt: r.changedAt }));
  }

  async listPosts(ideaId: string): Promise<IdeaPost[]> {
    if (!isUuid(ideaId)) return [];
    const rows = await this.prisma.ideaPost.findMany({ where: { ideaId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toPost);
  }

  async setPostMessage(postId: string, messageId: string): Promise<void> {
    if (!isUuid(postId)) return;
    await this.prisma.ideaPost.updateMany({ where: { id: postId }, data: { messageId } });
  }
}

function toIdea(row: IdeaRow): Idea {
  return {
    id: row.id,
    organizationId: row.organizationId,
    submittedByMemberId: row.submittedByMemberId,
    text: row.text,
    status: row.status,
    reason: row.reason,
    statusChangedAt: row.statusChangedAt,
    createdAt: row.createdAt,
  };
}

function toPost(row: IdeaPostRow): IdeaPost {
  return { id: row.id, ideaId: row.ideaId, platform: row.platform, workspaceExternalId: row.workspaceExternalId, channelExternalId: row.channelExternalId, messageId: row.messageId };
}
