import { ConflictError } from '../../../kernel/errors.js';
import type { Platform } from '../../../kernel/types.js';
import type { Workspace, WorkspaceRepository } from '../../../kernel/ports/directory.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';
import { requireSecretBox, secretPlaces } from '../../secrets/stored-secrets.js';
import { Prisma, type PrismaClient, type Workspace as WorkspaceRow } from '../generated/prisma/client.js';
import { toJson } from './prisma-conversation-reference.repository.js';
import { isUuid, mapUniqueViolation } from '../prisma-rows.js';

/**
 * {@link WorkspaceRepository} on PostgreSQL/PGlite through Prisma. Installations hold bot tokens: they are
 * stored sealed by the {@link SecretBox} (a JSON string envelope in the `installation` column); clear
 * ones written before encryption at rest are still read (start-up seals them).
 */
export class PrismaWorkspaceRepository implements WorkspaceRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets?: SecretBox,
  ) {}

  async findByExternalId(platform: Platform, externalId: string): Promise<Workspace | null> {
    const row = await this.prisma.workspace.findUnique({ where: { platform_externalId: { platform, externalId } } });
    return row ? toWorkspace(row) : null;
  }

  async upsert(input: {
    organizationId: string;
    platform: Platform;
    externalId: string;
    name?: string | null;
    installation?: unknown;
  }, retried = false): Promise<Workspace> {
    const { organizationId, platform, externalId } = input;
    const existing = await this.prisma.workspace.findUnique({ where: { platform_externalId: { platform, externalId } } });
    if (existing && existing.organizationId !== organizationId) {
      // A workspace belongs to one association; moving it silently would leak one tenant's data to another.
      throw new ConflictError('WORKSPACE.OTHER_ORGANIZATION', `${platform} workspace ${externalId} belongs to another organisation.`);
    }
    const data = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.installation === undefined ? {} : { installation: await this.sealInstallation(platform, externalId, input.installation) }),
    };
    if (existing) return toWorkspace(await this.prisma.workspace.update({ where: { id: existing.id }, data }));
    try {
      return toWorkspace(
        await mapUniqueViolation('Workspace', () => this.prisma.workspace.create({ data: { organizationId, platform, externalId, ...data } })),
      );
    } catch (err) {
      // The first events of a new workspace arrive together: another request created it between our read
      // and our insert. Read again (once) and continue as an update.
      if (err instanceof ConflictError && !retried) return this.upsert(input, true);
      throw err;
    }
  }

  async getInstallation(platform: Platform, externalId: string): Promise<unknown> {
    const row = await this.prisma.workspace.findUnique({
      where: { platform_externalId: { platform, externalId } },
      select: { installation: true },
    });
    const stored = row?.installation ?? null;
    if (typeof stored !== 'string') return stored;
    const box = requireSecretBox(this.secrets, 'PrismaWorkspaceRepository');
    if (!box.isSealed(stored)) return stored;
    return JSON.parse(await box.open(stored, secretPlaces.installation(platform, externalId))) as unknown;
  }

  private async sealInstallation(platform: Platform, externalId: string, installation: unknown): Promise<ReturnType<typeof toJson>> {
    if (installation === null) return toJson(null);
    const box = requireSecretBox(this.secrets, 'PrismaWorkspaceRepository');
    return box.seal(JSON.stringify(installation), secretPlaces.installation(platform, externalId));
  }

  async deleteInstallation(platform: Platform, externalId: string): Promise<void> {
    await this.prisma.workspace.updateMany({ where: { platform, externalId }, data: { installation: Prisma.DbNull } });
  }

  async list(organizationId: string): Promise<Workspace[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.workspace.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toWorkspace);
  }
}

function toWorkspace(row: WorkspaceRow): Workspace {
  return { id: row.id, organizationId: row.organizationId, platform: row.platform, externalId: row.externalId, name: row.name };
}
