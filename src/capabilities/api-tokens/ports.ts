import type { ApiToken } from './domain/api-token.js';
import type { WebhookEndpoint, WebhookEventType } from '../webhooks/domain/webhook-events.js';

/**
 * Storage contracts of the admin API capability (implemented with Prisma in
 * src/persistence/prisma-api.repository.ts). They sit here rather than in src/ports because the API
 * capability was built in parallel with the ports file; they belong in src/ports/api.ts eventually.
 * Ids that are not UUIDs are simply "not found", never a database error.
 */

export interface ApiTokenRepository {
  create(input: { organizationId: string; name: string; tokenHash: string; scopes: readonly string[]; createdAt: Date }): Promise<ApiToken>;
  /** The token with this sha256 hash, revoked or not. */
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  findById(id: string): Promise<ApiToken | null>;
  /** Tokens of one organisation (or of all), newest first, revoked ones included. */
  list(organizationId?: string): Promise<ApiToken[]>;
  /** Sets `revokedAt` (once: a revoked token keeps its first revocation time). Null when absent. */
  revoke(id: string, at: Date): Promise<ApiToken | null>;
  /** Records use; callers throttle this so a busy token does not write on every request. */
  touch(id: string, at: Date): Promise<void>;
}

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

/** The admin API's repositories, as wired by the composition root. */
export interface ApiRepositories {
  apiTokens: ApiTokenRepository;
  webhooks: WebhookEndpointRepository;
}
