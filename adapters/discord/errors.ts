import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';

/**
 * Maps whatever discord.js / @discordjs/rest rejected with onto the port's {@link ChatPlatformError}
 * classes. The one place in Kring that knows Discord's JSON error codes.
 *
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */

/** Discord JSON error codes meaning "the thing is not there". */
const NOT_FOUND_CODES = new Set<number>([
  10003, // Unknown Channel
  10004, // Unknown Guild
  10007, // Unknown Member
  10008, // Unknown Message
  10011, // Unknown Role
  10013, // Unknown User
  10015, // Unknown Webhook
  10062, // Unknown Interaction (token expired or never existed)
]);

/** Discord JSON error codes meaning "the bot may not do this". */
const PERMISSION_CODES = new Set<number>([
  50001, // Missing Access
  50007, // Cannot send messages to this user (DMs closed)
  50013, // Missing Permissions
]);

/** Node/undici network failures: the request may not have reached Discord, trying again can work. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Converts a discord.js error into a {@link ChatPlatformError}; passes ChatPlatformErrors through.
 * `action` names what was attempted (`post message`), for the log line; it never contains secrets.
 */
export function toChatPlatformError(error: unknown, action: string): ChatPlatformError {
  if (error instanceof ChatPlatformError) return error;

  if (error instanceof RateLimitError) {
    // retryAfter is ms (Retry-After header + offset); timeToReset covers pre-emptive bucket waits.
    const wait = Math.max(error.retryAfter, error.timeToReset, 1);
    return new ChatPlatformError('RATE_LIMITED', `Discord rate limit on ${action} (${error.route}, ${error.global ? 'global' : error.scope})`, {
      retryAfterMs: Math.ceil(wait),
      cause: error,
    });
  }

  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    const detail = `Discord refused ${action}: ${error.status} ${code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim();
    if (error.status === 429) {
      const retryAfter = retryAfterFromBody(error.rawError);
      return new ChatPlatformError('RATE_LIMITED', detail, { retryAfterMs: retryAfter ?? 1000, cause: error });
    }
    if ((code !== undefined && NOT_FOUND_CODES.has(code)) || error.status === 404) {
      return new ChatPlatformError('NOT_FOUND', detail, { cause: error });
    }
    if ((code !== undefined && PERMISSION_CODES.has(code)) || error.status === 403) {
      return new ChatPlatformError('PERMISSION_DENIED', detail, { cause: error });
    }
    if (error.status >= 500) return new ChatPlatformError('TRANSIENT', detail, { cause: error });
    // 400 Invalid Form Body, 401 bad token, ...: repeating the same request cannot help.
    return new ChatPlatformError('INVALID', detail, { cause: error });
  }

  if (error instanceof HTTPError) {
    // @discordjs/rest throws HTTPError for 5xx (after its own retries) and unparseable answers.
    const code = error.status >= 500 || error.status === 0 ? 'TRANSIENT' : 'INVALID';
    return new ChatPlatformError(code, `Discord answered ${error.status} to ${action}`, { cause: error });
  }

  if (isNetworkError(error)) {
    return new ChatPlatformError('TRANSIENT', `Network error talking to Discord (${action})`, { cause: error });
  }

  return new ChatPlatformError('INVALID', `Unexpected error during ${action}`, { cause: error });
}

function retryAfterFromBody(raw: unknown): number | undefined {
  if (typeof raw === 'object' && raw !== null && 'retry_after' in raw) {
    const seconds = Number((raw as { retry_after: unknown }).retry_after);
    if (Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds * 1000);
  }
  return undefined;
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Timeouts surface as AbortError; undici wraps socket errors in `TypeError: fetch failed` with a cause.
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const codes = [error, error.cause].map((e) => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : ''));
  return codes.some((c) => NETWORK_CODES.has(c)) || (error instanceof TypeError && error.message === 'fetch failed');
}
