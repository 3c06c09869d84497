import type { WebhookEndpointRepository } from '../ports.js';
import { webhookEventSchema, type WebhookEndpoint, type WebhookEventType } from '../domain/webhook-events.js';
import type { PrismaClient, WebhookEndpoint as WebhookEndpointRow } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';

/**
 * The `webhook_endpoint` table through Prisma. Stored event names that a later version no longer knows
 * are dropped when mapping, so an old row never breaks the typed domain.
 */

function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    secret: row.secret,
    events: row.events.flatMap((e): WebhookEventType[] => {
      const parsed = webhookEventSchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    }),
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

/** {@link WebhookEndpointRepository} on PostgreSQL/PGlite. */
export class PrismaWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { organizationId: string; url: string; secret: string; events: readonly WebhookEventType[]; createdAt: Date }): Promise<WebhookEndpoint> {
    const row = await this.prisma.webhookEndpoint.create({
      data: { organizationId: input.organizationId, url: input.url, secret: input.secret, events: [...input.events], createdAt: input.createdAt },
    });
    return toWebhookEndpoint(row);
  }

  async findById(id: string): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.webhookEndpoint.findUnique({ where: { id } });
    return row ? toWebhookEndpoint(row) : null;
  }

  async list(organizationId?: string, options: { includeDisabled?: boolean } = {}): Promise<WebhookEndpoint[]> {
    if (organizationId !== undefined && !isUuid(organizationId)) return [];
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: {
        ...(organizationId === undefined ? {} : { organizationId }),
        ...(options.includeDisabled ? {} : { disabledAt: null }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toWebhookEndpoint);
  }

  async listSubscribed(organizationId: string, event: WebhookEventType): Promise<WebhookEndpoint[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { organizationId, disabledAt: null, events: { has: event } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toWebhookEndpoint);
  }

  async disable(id: string, at: Date): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    await this.prisma.webhookEndpoint.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: at } });
    return this.findById(id);
  }
}
