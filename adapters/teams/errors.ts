import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';

/**
 * Bot Connector failures -> ChatPlatformError, in one place. botbuilder surfaces them as
 * @azure/core-rest-pipeline `RestError`s (`statusCode`, `code`, `response.headers`); network failures
 * carry a Node error code and no status; token (MSAL) failures carry an `errorCode`.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** MSAL error codes meaning the bot's own credentials are refused: retrying will not help. */
const CREDENTIAL_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant']);
const DEFAULT_RETRY_AFTER_MS = 1_000;

interface ErrorShape {
  statusCode?: unknown;
  code?: unknown;
  errorCode?: unknown;
  message?: unknown;
  response?: { status?: unknown; headers?: { get?(name: string): string | undefined } | Record<string, unknown> };
}

/** Maps any error from a Bot Connector call onto the port's error (returned as is when it already is one). */
export function toChatPlatformError(err: unknown, what: string, now: () => number = Date.now): ChatPlatformError {
  if (err instanceof ChatPlatformError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const status = statusOf(e);
  const detail = typeof e.code === 'string' ? ` (${e.code})` : '';
  if (status === 429) {
    return new ChatPlatformError('RATE_LIMITED', `Teams rate-limited ${what}${detail}`, {
      retryAfterMs: retryAfterMs(headerOf(e, 'retry-after'), now) ?? DEFAULT_RETRY_AFTER_MS,
      cause: err,
    });
  }
  if (status === 404) return new ChatPlatformError('NOT_FOUND', `Teams: not found during ${what}${detail}`, { cause: err });
  if (status === 401 || status === 403) return new ChatPlatformError('PERMISSION_DENIED', `Teams refused ${what}${detail}`, { cause: err });
  if (status === 412 || (status !== undefined && status >= 500)) {
    return new ChatPlatformError('TRANSIENT', `Teams failed ${what} with ${status}${detail}`, { cause: err });
  }
  if (status === undefined) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
      return new ChatPlatformError('TRANSIENT', `Teams unreachable during ${what}${detail}`, { cause: err });
    }
    if (typeof e.errorCode === 'string') {
      return CREDENTIAL_ERRORS.has(e.errorCode)
        ? new ChatPlatformError('PERMISSION_DENIED', `Bot credentials refused during ${what} (${e.errorCode})`, { cause: err })
        : new ChatPlatformError('TRANSIENT', `Could not get a Bot Framework token for ${what} (${e.errorCode})`, { cause: err });
    }
  }
  return new ChatPlatformError('INVALID', `Teams rejected ${what}${status === undefined ? '' : ` with ${status}`}${detail}`, { cause: err });
}

function statusOf(e: ErrorShape): number | undefined {
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

function headerOf(e: ErrorShape, name: string): string | undefined {
  const headers = e.response?.headers;
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as delay-seconds or an HTTP date -> milliseconds (undefined when absent or unreadable). */
export function retryAfterMs(value: string | undefined, now: () => number = Date.now): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}
