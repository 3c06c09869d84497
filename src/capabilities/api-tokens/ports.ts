import type { ApiToken } from './domain/api-token.js';

/**
 * Storage of API tokens (implemented with Prisma in repository/prisma-api-token.repository.ts). Ids that
 * are not UUIDs are simply "not found", never a database error.
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
