import { NotFoundError } from '../../../kernel/errors.js';
import type { Channel, ChannelPurpose, ChannelRepository } from '../../../kernel/ports/directory.js';
import type { Channel as ChannelRow, PrismaClient, Workspace as WorkspaceRow } from '../generated/prisma/client.js';
import { isUuid, mapUniqueViolation } from '../prisma-rows.js';

/** {@link ChannelRepository} on PostgreSQL/PGlite through Prisma. */
export class PrismaChannelRepository implements ChannelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async upsert(input: {
    workspaceId: string;
    externalId: string;
    name?: string | null;
    purpose?: ChannelPurpose;
    chapterId?: string | null;
  }): Promise<Channel> {
    const workspace = isUuid(input.workspaceId) ? await this.prisma.workspace.findUnique({ where: { id: input.workspaceId } }) : null;
    if (!workspace) throw new NotFoundError('WORKSPACE.NOT_FOUND', `Workspace ${input.workspaceId} does not exist.`);
    const data = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.purpose === undefined ? {} : { purpose: input.purpose }),
      ...(input.chapterId === undefined ? {} : { chapterId: input.chapterId }),
    };
    const row = await mapUniqueViolation('Channel', () =>
      this.prisma.channel.upsert({
        where: { workspaceId_externalId: { workspaceId: workspace.id, externalId: input.externalId } },
        create: { organizationId: workspace.organizationId, workspaceId: workspace.id, externalId: input.externalId, ...data },
        update: data,
        include: { workspace: true },
      }),
    );
    return toChannel(row);
  }

  async list(organizationId: string, purpose?: ChannelPurpose): Promise<Channel[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.channel.findMany({
      where: { organizationId, ...(purpose ? { purpose } : {}) },
      include: { workspace: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toChannel);
  }

  async findByExternalId(workspaceId: string, externalId: string): Promise<Channel | null> {
    if (!isUuid(workspaceId)) return null;
    const row = await this.prisma.channel.findUnique({
      where: { workspaceId_externalId: { workspaceId, externalId } },
      include: { workspace: true },
    });
    return row ? toChannel(row) : null;
  }
}

function toChannel(row: ChannelRow & { workspace: WorkspaceRow }): Channel {
  return {
    id: row.id,
    organizationId: row.organizationId,
    workspaceId: row.workspaceId,
    platform: row.workspace.platform,
    workspaceExternalId: row.workspace.externalId,
    externalId: row.externalId,
    name: row.name,
    purpose: row.purpose,
    chapterId: row.chapterId,
  };
}
