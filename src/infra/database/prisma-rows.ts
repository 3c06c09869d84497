import { ConflictError } from '../../kernel/errors.js';
import { toLocale } from '../../kernel/types.js';
import type {
  Chapter,
  Member,
  Organization,
  PlatformIdentity,
} from '../../kernel/community.js';
import { canonicalRoles } from '../../kernel/community.js';
import type {
  Chapter as ChapterRow,
  Member as MemberRow,
  Organization as OrganizationRow,
  PlatformIdentity as PlatformIdentityRow,
} from './generated/prisma/client.js';
import { Prisma } from './generated/prisma/client.js';

/**
 * Row -> domain mapping shared by the Prisma repositories, and the one place database errors become
 * Kring errors. Nothing Prisma-typed leaves a repository: every repository returns these mappings.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a syntactically valid UUID. Ids come from chat payloads and URLs; PostgreSQL rejects a
 * malformed uuid with an error, while the contract says "not found".
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    defaultLocale: toLocale(row.defaultLocale) ?? 'nl',
    timezone: row.timezone,
    createdAt: row.createdAt,
  };
}

export function toChapter(row: ChapterRow): Chapter {
  return { id: row.id, organizationId: row.organizationId, name: row.name };
}

export function toMember(row: MemberRow): Member {
  return {
    id: row.id,
    organizationId: row.organizationId,
    memberNumber: row.memberNumber,
    name: row.name,
    email: row.email,
    status: row.status,
    // The column is nullable in the initial migration; a null means the default role.
    roles: canonicalRoles(row.roles ?? []),
    chapterId: row.chapterId,
    locale: toLocale(row.locale) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toIdentity(row: PlatformIdentityRow): PlatformIdentity {
  return {
    id: row.id,
    organizationId: row.organizationId,
    memberId: row.memberId,
    platform: row.platform,
    workspaceId: row.workspaceId,
    platformUserId: row.platformUserId,
    displayName: row.displayName,
    linkedAt: row.linkedAt,
  };
}

/** True when the error is a unique-constraint violation (model query P2002, or raw query 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const cause = (error.meta?.['driverAdapterError'] as { cause?: { originalCode?: string; kind?: string } } | undefined)?.cause;
  return cause?.originalCode === '23505' || cause?.kind === 'UniqueConstraintViolation';
}

/**
 * Runs a write and turns a unique violation into our {@link ConflictError} (code
 * `PERSISTENCE.UNIQUE_VIOLATION`, or the given one); other errors pass through unchanged.
 */
export async function mapUniqueViolation<T>(what: string, write: () => Promise<T>, code = 'PERSISTENCE.UNIQUE_VIOLATION'): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(code, `${what} already exists.`, {});
    }
    throw error;
  }
}
