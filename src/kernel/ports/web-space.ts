import type { View } from './chat-platform.js';

/**
 * Storage of the web community (adapters/web): the messages Kring posts in web channels and as web direct
 * messages, and the browser sessions of signed-in members. Implemented with Prisma in
 * src/infra/database/web-space.ts; the web adapter gets it from the composition root.
 *
 * Only what Kring itself posts is stored (the rendered View); what members type into the page are
 * commands, which reach the router and are never stored here. Session tokens are stored only as their
 * sha256.
 */

/** A message Kring posted in the web space. */
export interface WebMessage {
  id: string;
  /** The web space (the workspace's external id). */
  space: string;
  /** The channel's external id, or `@<user id>` for a direct message. */
  channel: string;
  view: View;
  createdAt: Date;
  updatedAt: Date;
}

/** The web community's posted messages. */
export interface WebMessageStore {
  /**
   * Stores a new message; with `idempotencyKey`, a second call with the same key returns the first
   * message unchanged (`created: false`), so a retried post never shows twice.
   */
  create(input: { space: string; channel: string; view: View; idempotencyKey?: string }): Promise<{ message: WebMessage; created: boolean }>;
  /** Replaces a message's view; null when it does not exist (deleted). */
  update(space: string, id: string, view: View): Promise<WebMessage | null>;
  /** Deletes a message; false when it did not exist. */
  delete(space: string, id: string): Promise<boolean>;
  /** The newest `limit` messages of a channel, oldest first. */
  recent(space: string, channel: string, limit: number): Promise<WebMessage[]>;
}

/** What a stored token is: a signed-in browser, a sign-in waiting for its e-mailed code, or a one-time sign-in link. */
export type WebTokenKind = 'session' | 'pending' | 'link';

/** A browser's standing in the web space. */
export interface WebToken {
  kind: WebTokenKind;
  space: string;
  /** The web user id (the linked PlatformIdentity's `platformUserId`). */
  userId: string;
  expiresAt: Date;
}

/** Tokens of the web community, stored by their sha256 only. */
export interface WebSessionStore {
  save(tokenHash: string, token: WebToken): Promise<void>;
  /** The unexpired token with this hash, or null. */
  find(tokenHash: string, now: Date): Promise<WebToken | null>;
  /** Removes the token and returns it when it existed and had not expired (single use: one caller wins). */
  consume(tokenHash: string, now: Date): Promise<WebToken | null>;
  /** Removes expired tokens; returns how many. */
  prune(now: Date): Promise<number>;
}
