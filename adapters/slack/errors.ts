import { webApi } from '@slack/bolt';
import { ChatPlatformError, type ChatPlatformErrorCode } from '../../src/kernel/ports/chat-platform.js';

/**
 * The one place where @slack/web-api errors become {@link ChatPlatformError}s.
 * Error strings: https://docs.slack.dev/reference/methods/chat.postMessage#errors (and the other methods' pages).
 */

/** Slack error strings meaning the target does not exist (any more). */
const NOT_FOUND = new Set([
  'channel_not_found',
  'message_not_found',
  'user_not_found',
  'users_not_found',
  'thread_not_found',
  'not_found',
  'team_not_found',
]);

/** Slack error strings meaning we may not do this: fixing it needs a person (invite, scope, reinstall). */
const PERMISSION_DENIED = new Set([
  'not_in_channel',
  'missing_scope',
  'cant_update_message',
  'cant_delete_message',
  'edit_window_closed',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'access_denied',
  'ekm_access_denied',
  'not_allowed_token_type',
  'team_access_not_granted',
  'is_archived',
  'channel_is_archived',
  'cannot_dm_bot',
  'user_disabled',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'restricted_action_thread_locked',
  'messages_tab_disabled',
  'user_not_in_channel',
]);

/** Slack error strings meaning a hiccup on Slack's side: trying later may work. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/** Slack's rate-limit error strings when it answers 200 with `ok: false` instead of a 429. */
const RATE_LIMITED = new Set(['ratelimited', 'rate_limited']);

/** Wait used when Slack signals a rate limit without saying how long (it normally does). */
const DEFAULT_RETRY_AFTER_MS = 1000;

function err(code: ChatPlatformErrorCode, what: string, detail: string, cause: unknown, retryAfterMs?: number): ChatPlatformError {
  return new ChatPlatformError(code, `Slack ${what} failed: ${detail}`, {
    cause,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function hasCode(e: unknown): e is { code: unknown } {
  return typeof e === 'object' && e !== null && 'code' in e;
}

/**
 * Maps an error thrown by a WebClient call (`what`: the method, e.g. `chat.postMessage`) onto our classes.
 * Codes are compared as strings rather than with instanceof so a second copy of @slack/web-api in
 * node_modules cannot defeat the mapping.
 */
export function toChatPlatformError(e: unknown, what: string): ChatPlatformError {
  if (e instanceof ChatPlatformError) return e;
  if (hasCode(e)) {
    switch (e.code) {
      case webApi.ErrorCode.RateLimitedError: {
        const seconds = (e as { retryAfter?: unknown }).retryAfter;
        const ms = typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS;
        return err('RATE_LIMITED', what, `rate limited, retry after ${ms} ms`, e, ms);
      }
      case webApi.ErrorCode.PlatformError: {
        const data = (e as { data?: { error?: unknown; response_metadata?: { retryAfter?: unknown } } }).data;
        const slackError = typeof data?.error === 'string' ? data.error : 'unknown_error';
        if (RATE_LIMITED.has(slackError)) {
          const seconds = data?.response_metadata?.retryAfter;
          const ms = typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS;
          return err('RATE_LIMITED', what, slackError, e, ms);
        }
        if (NOT_FOUND.has(slackError)) return err('NOT_FOUND', what, slackError, e);
        if (PERMISSION_DENIED.has(slackError)) return err('PERMISSION_DENIED', what, slackError, e);
        if (TRANSIENT.has(slackError)) return err('TRANSIENT', what, slackError, e);
        return err('INVALID', what, slackError, e);
      }
      case webApi.ErrorCode.HTTPError: {
        const status = (e as { statusCode?: unknown }).statusCode;
        // 408: the request timed out on the way (a look-up that timed out must leave a delivery in doubt).
        if (typeof status === 'number' && (status >= 500 || status === 408)) return err('TRANSIENT', what, `HTTP ${status}`, e);
        if (status === 429) return err('RATE_LIMITED', what, 'HTTP 429', e, DEFAULT_RETRY_AFTER_MS);
        if (status === 401 || status === 403) return err('PERMISSION_DENIED', what, `HTTP ${status}`, e);
        return err('INVALID', what, `HTTP ${String(status)}`, e);
      }
      case webApi.ErrorCode.RequestError:
        // Network: connection refused/reset, DNS, timeout.
        return err('TRANSIENT', what, 'request failed', e);
    }
  }
  // The WebClient throws a plain Error for a 429 without a usable Retry-After header.
  if (e instanceof Error && e.message.startsWith('Retry header did not contain a valid timeout')) {
    return err('RATE_LIMITED', what, 'rate limited', e, DEFAULT_RETRY_AFTER_MS);
  }
  return err('INVALID', what, e instanceof Error ? e.message : String(e), e);
}
