import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';

/**
 * The one place where the web community's failures become {@link ChatPlatformError}s. There is no
 * platform in between: failures come from Kring's own database (the message store) or from a target that
 * does not exist in the web space.
 */

/** The channel is not connected in this web space (posts only go to connected channels). */
export function channelNotFound(channelId: string): ChatPlatformError {
  return new ChatPlatformError('NOT_FOUND', `web channel ${channelId} is not connected`);
}

/** The message was deleted (or never existed). */
export function messageNotFound(messageId: string): ChatPlatformError {
  return new ChatPlatformError('NOT_FOUND', `web message ${messageId} does not exist`);
}

/** A reference that is not of this web space, or a malformed id. */
export function invalidTarget(what: string): ChatPlatformError {
  return new ChatPlatformError('INVALID', `not a target in this web space: ${what}`);
}

/**
 * Anything the message store threw: the database is down or busy, which passes; the queue tries again.
 * A ChatPlatformError passes through unchanged.
 */
export function toChatPlatformError(err: unknown): ChatPlatformError {
  if (err instanceof ChatPlatformError) return err;
  return new ChatPlatformError('TRANSIENT', `web message store failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
