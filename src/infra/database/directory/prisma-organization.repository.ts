import type { Organization } from '../../../kernel/community.js';
import type { Locale } from '../../../kernel/types.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation, isUuid, toOrganization } from '../prisma-rows.js';

/** {@link OrganizationRepository} on PostgreSQL/PGlite through Prisma. */
export class PrismaOrganizationRepository implements OrganizationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findBySlug(slug: string): Promise<Organization | null> {
    const row = await this.prisma.organization.findUnique({ where: { slug } });
    return row ? toOrganization(row) : null;
  }

  async findById(id: string): Promise<Organization | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.organization.findUnique({ where: { id } });
    return row ? toOrganization(row) : null;
  }

  async ensure(input: { slug: string; name: string; defaultLocale?: Locale; timezone?: string }): Promise<Organization> {
    const existing = await this.findBySlug(input.slug);
    if (existing) return existing;
    try {
      const row = await this.prisma.organization.create({
        data: {
          slug: input.slug,
          name: input.name,
          ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}),
          ...(input.timezone ? { timezone: input.timezone } : {}),
        },
      });
      return toOrganization(row);
    } catch (error) {
      // Two processes starting at once (KRING_ORG is ensured at start): the other one created it.
      if (!isUniqueViolation(error)) throw error;
      const row = await this.prisma.organization.findUniqueOrThrow({ where: { slug: input.slug } });
      return toOrganization(row);
    }
  }

  async list(): Promise<Organization[]> {
    const rows = await this.prisma.organization.findMany({ orderBy: { slug: 'asc' } });
    return rows.map(toOrganization);
  }
}
