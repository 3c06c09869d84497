import { randomUUID } from 'node:crypto';
import type { WebhookEndpointRepository } from '../ports.js';
import { webhookEventSchema, type WebhookEndpoint, type WebhookEventType } from '../domain/webhook-events.js';
import type { PrismaClient, WebhookEndpoint as WebhookEndpointRow } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import { openStoredSecret, secretPlaces } from '../../../infra/secrets/stored-secrets.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';

/**
 * The `webhook_endpoint` table through Prisma. Stored event names that a later version no longer knows
 * are dropped when mapping, so an old row never breaks the typed domain.
 */

function toWebhookEndpoint(row: WebhookEndpointRow, secret: string): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    secret,
    events: row.events.flatMap((e): WebhookEventType[] => {
      const parsed = webhookEventSchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    }),
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

/**
 * {@link WebhookEndpointRepository} on PostgreSQL/PGlite. The signing secret is stored sealed by
 * `deps.secrets` (its context names the endpoint id, so the id is chosen before the insert).
 */
export class PrismaWebhookEndpointRepository implements WebhookEndpointRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { secrets: SecretBox },
  ) {}

  async create(input: { organizationId: string; url: string; secret: string; events: readonly WebhookEventType[]; createdAt: Date }): Promise<WebhookEndpoint> {
    const id = randomUUID();
    const sealed = await this.deps.secrets.seal(input.secret, secretPlaces.webhookSecret(id));
    const row = await this.prisma.webhookEndpoint.create({
      data: { id, organizationId: input.organizationId, url: input.url, secret: sealed, events: [...input.events], createdAt: input.createdAt },
    });
    return this.toEndpoint(row);
  }

  /** The endpoint with its secret opened (or as stored, when it is clear text from before encryption at rest). */
  private async toEndpoint(row: WebhookEndpointRow): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(row, await openStoredSecret(this.deps.secrets, row.secret, secretPlaces.webhookSecret(row.id)));
  }

  async findById(id: string): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.webhookEndpoint.findUnique({ where: { id } });
    return row ? this.toEndpoint(row) : null;
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
    return Promise.all(rows.map((row) => this.toEndpoint(row)));
  }

  async listSubscribed(organizationId: string, event: WebhookEventType): Promise<WebhookEndpoint[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { organizationId, disabledAt: null, events: { has: event } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return Promise.all(rows.map((row) => this.toEndpoint(row)));
  }

  async disable(id: string, at: Date): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    await this.prisma.webhookEndpoint.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: at } });
    return this.findById(id);
  }
}
