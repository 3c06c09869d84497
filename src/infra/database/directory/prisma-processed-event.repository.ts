import { GroupCommit } from '../../../kernel/group-commit.js';
import type { ProcessedEventRepository } from '../../../kernel/ports/directory.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * {@link ProcessedEventRepository} on PostgreSQL/PGlite through Prisma. Keys recorded at the same time
 * share one statement (group commit: every button press records its delivery, so under load this is one
 * round trip for many presses instead of one each).
 */
export class PrismaProcessedEventRepository implements ProcessedEventRepository {
  private readonly marks = new GroupCommit<string, boolean>((keys) => this.markMany(keys), { maxBatch: 500, maxInFlight: 2, keyOf: (key) => key });

  constructor(private readonly prisma: PrismaClient) {}

  markProcessed(key: string): Promise<boolean> {
    return this.marks.submit(key);
  }

  /**
   * Insert-or-nothing for a batch of distinct keys in one statement: of two concurrent deliveries of one
   * event exactly one gets true (the primary key decides; the same key never shares a batch).
   */
  private async markMany(keys: readonly string[]): Promise<boolean[]> {
    const rows = await this.prisma.$queryRaw<{ key: string }[]>`
      INSERT INTO processed_event (key, received_at)
      SELECT k, now() FROM unnest(${[...keys]}::text[]) AS k
      ON CONFLICT (key) DO NOTHING
      RETURNING key`;
    const inserted = new Set(rows.map((r) => r.key));
    return keys.map((k) => inserted.has(k));
  }

  async prune(before: Date): Promise<number> {
    const { count } = await this.prisma.processedEvent.deleteMany({ where: { receivedAt: { lt: before } } });
    return count;
  }
}
