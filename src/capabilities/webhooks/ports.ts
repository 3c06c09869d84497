import type { WebhookEndpoint, WebhookEventType } from './domain/webhook-events.js';

/**
 * Storage of webhook subscriptions (implemented with Prisma in repository/prisma-webhook-endpoint.repository.ts).
 * Ids that are not UUIDs are simply "not found", never a database error.
 */
export interface WebhookEndpointRepository {
  create(input: { organizationId: string; url: string; secret: string; events: readonly WebhookEventType[]; createdAt: Date }): Promise<WebhookEndpoint>;
  /** The endpoint, disabled or not. */
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** Endpoints of one organisation (or of all), oldest first; disabled ones only when asked. */
  list(organizationId?: string, options?: { includeDisabled?: boolean }): Promise<WebhookEndpoint[]>;
  /** Enabled endpoints of the organisation subscribed to `event`. */
  listSubscribed(organizationId: string, event: WebhookEventType): Promise<WebhookEndpoint[]>;
  /** Stops deliveries to the endpoint (kept for the record). Null when absent. */
  disable(id: string, at: Date): Promise<WebhookEndpoint | null>;
}
