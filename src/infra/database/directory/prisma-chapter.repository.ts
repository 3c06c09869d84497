import type { Chapter } from '../../../kernel/community.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { isUuid, mapUniqueViolation, toChapter } from '../prisma-rows.js';

/** {@link ChapterRepository} on PostgreSQL/PGlite through Prisma. */
export class PrismaChapterRepository implements ChapterRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async list(organizationId: string): Promise<Chapter[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.chapter.findMany({ where: { organizationId }, orderBy: { name: 'asc' } });
    return rows.map(toChapter);
  }

  async findById(organizationId: string, id: string): Promise<Chapter | null> {
    if (!isUuid(organizationId) || !isUuid(id)) return null;
    const row = await this.prisma.chapter.findFirst({ where: { id, organizationId } });
    return row ? toChapter(row) : null;
  }

  async ensureMany(organizationId: string, names: readonly string[]): Promise<Chapter[]> {
    const unique = [...new Set(names)];
    if (unique.length === 0) return [];
    // ON CONFLICT DO NOTHING: concurrent imports creating the same chapter both succeed.
    await this.prisma.chapter.createMany({
      data: unique.map((name) => ({ organizationId, name })),
      skipDuplicates: true,
    });
    const rows = await this.prisma.chapter.findMany({ where: { organizationId, name: { in: unique } } });
    const byName = new Map(rows.map((r) => [r.name, toChapter(r)]));
    return unique.map((name) => byName.get(name)).filter((c): c is Chapter => c !== undefined);
  }

  async rename(organizationId: string, id: string, name: string): Promise<Chapter | null> {
    if (!isUuid(organizationId) || !isUuid(id)) return null;
    const { count } = await mapUniqueViolation(`Chapter "${name}"`, () =>
      this.prisma.chapter.updateMany({ where: { id, organizationId }, data: { name } }),
    );
    return count === 0 ? null : this.findById(organizationId, id);
  }
}
