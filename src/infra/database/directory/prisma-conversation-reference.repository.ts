import type { Platform } from '../../../kernel/types.js';
import type { ConversationReferenceRepository } from '../../../kernel/ports/directory.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { mapUniqueViolation } from '../prisma-rows.js';

/** {@link ConversationReferenceRepository} on PostgreSQL/PGlite through Prisma. References are opaque JSON. */
export class PrismaConversationReferenceRepository implements ConversationReferenceRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async save(platform: Platform, workspace: string, scopeKey: string, reference: unknown): Promise<void> {
    const json = toJson(reference);
    await mapUniqueViolation('Conversation reference', () =>
      this.prisma.conversationReference.upsert({
        where: { platform_workspace_scopeKey: { platform, workspace, scopeKey } },
        create: { platform, workspace, scopeKey, reference: json },
        update: { reference: json },
      }),
    );
  }

  async find(platform: Platform, workspace: string, scopeKey: string): Promise<unknown> {
    const row = await this.prisma.conversationReference.findUnique({
      where: { platform_workspace_scopeKey: { platform, workspace, scopeKey } },
    });
    return row ? row.reference : null;
  }
}

/**
 * A JSON-safe copy (drops undefined and functions, as JSON does); a null/undefined value becomes a JSON
 * `null` (Prisma needs its JsonNull marker for that).
 */
export function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  if (value === null || value === undefined) return Prisma.JsonNull;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
