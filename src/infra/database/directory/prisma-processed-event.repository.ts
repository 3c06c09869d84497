import type { ProcessedEventRepository } from '../../../kernel/ports/directory.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/** {@link ProcessedEventRepository} on PostgreSQL/PGlite through Prisma. */
export class PrismaProcessedEventRepository implements ProcessedEventRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async markProcessed(key: string): Promise<boolean> {
    // Insert-or-nothing in one statement: of two concurrent deliveries of one event exactly one gets true.
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO processed_event (key, received_at) VALUES (${key}, now()) ON CONFLICT (key) DO NOTHING`;
    return inserted === 1;
  }

  async prune(before: Date): Promise<number> {
    const { count } = await this.prisma.processedEvent.deleteMany({ where: { receivedAt: { lt: before } } });
    return count;
  }
}
