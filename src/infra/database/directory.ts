import type { Directory } from '../../kernel/ports/directory.js';
import type { SecretBox } from '../../kernel/ports/secret-box.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { PrismaChannelRepository } from './directory/prisma-channel.repository.js';
import { PrismaChapterRepository } from './directory/prisma-chapter.repository.js';
import { PrismaConversationReferenceRepository } from './directory/prisma-conversation-reference.repository.js';
import { PrismaIdentityRepository } from './directory/prisma-identity.repository.js';
import { PrismaMemberRepository } from './directory/prisma-member.repository.js';
import { PrismaOrganizationRepository } from './directory/prisma-organization.repository.js';
import { PrismaProcessedEventRepository } from './directory/prisma-processed-event.repository.js';
import { PrismaWorkspaceRepository } from './directory/prisma-workspace.repository.js';

/**
 * Every repository over one Prisma client (PostgreSQL, or embedded PGlite behind the same driver).
 * The composition root calls this once with `Database.prisma` and the process's {@link SecretBox}
 * (workspace installations are sealed with it; without one, storing or reading a sealed installation throws).
 */
export function createPrismaDirectory(prisma: PrismaClient, secrets?: SecretBox): Directory {
  return {
    organizations: new PrismaOrganizationRepository(prisma),
    chapters: new PrismaChapterRepository(prisma),
    members: new PrismaMemberRepository(prisma),
    identities: new PrismaIdentityRepository(prisma),
    workspaces: new PrismaWorkspaceRepository(prisma, secrets),
    channels: new PrismaChannelRepository(prisma),
    processedEvents: new PrismaProcessedEventRepository(prisma),
    conversationReferences: new PrismaConversationReferenceRepository(prisma),
  };
}
