import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';
import { toChatPlatformError } from './errors.js';

const platformError = (error: string, retryAfter?: number) =>
  new webApi.WebAPIPlatformError({ ok: false, error, response_metadata: retryAfter === undefined ? {} : { retryAfter } });

describe(toChatPlatformError.name, () => {
  it('maps a 429 to RATE_LIMITED with the wait in milliseconds', () => {
    const err = toChatPlatformError(new webApi.WebAPIRateLimitedError(7), 'chat.postMessage');
    expect(err).toBeInstanceOf(ChatPlatformError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, retryable: true });
    expect(err.message).toContain('chat.postMessage');
  });

  it('maps a ratelimited platform error, with or without a wait', () => {
    expect(toChatPlatformError(platformError('ratelimited', 3), 'x')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
    expect(toChatPlatformError(platformError('ratelimited'), 'x')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
  });

  it.each(['channel_not_found', 'message_not_found', 'user_not_found'])('maps %s to NOT_FOUND', (code) => {
    expect(toChatPlatformError(platformError(code), 'x').code).toBe('NOT_FOUND');
  });

  it.each(['not_in_channel', 'missing_scope', 'cant_update_message', 'not_authed', 'invalid_auth', 'restricted_action', 'is_archived'])(
    'maps %s to PERMISSION_DENIED',
    (code) => {
      expect(toChatPlatformError(platformError(code), 'x')).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    },
  );

  it('maps HTTP 5xx, network failures and Slack internal errors to TRANSIENT', () => {
    expect(toChatPlatformError(new webApi.WebAPIHTTPError(503, 'Service Unavailable', {}), 'x').code).toBe('TRANSIENT');
    expect(toChatPlatformError(new webApi.WebAPIHTTPError(408, 'Request Timeout', {}), 'conversations.history').code).toBe('TRANSIENT');
    expect(toChatPlatformError(new webApi.WebAPIRequestError(new Error('ECONNRESET')), 'x').code).toBe('TRANSIENT');
    expect(toChatPlatformError(platformError('internal_error'), 'x').code).toBe('TRANSIENT');
  });

  it('maps everything else to INVALID and keeps the cause', () => {
    const cause = platformError('invalid_blocks');
    const err = toChatPlatformError(cause, 'chat.update');
    expect(err).toMatchObject({ code: 'INVALID', retryable: false });
    expect(err.cause).toBe(cause);
    expect(toChatPlatformError(new webApi.WebAPIHTTPError(400, 'Bad Request', {}), 'x').code).toBe('INVALID');
    expect(toChatPlatformError('weird', 'x').code).toBe('INVALID');
  });

  it('treats a 429 without a usable Retry-After as RATE_LIMITED', () => {
    const err = new Error('Retry header did not contain a valid timeout (url: x, retry-after header: soon)');
    expect(toChatPlatformError(err, 'x')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
  });

  it('passes a ChatPlatformError through', () => {
    const err = new ChatPlatformError('NOT_FOUND', 'gone');
    expect(toChatPlatformError(err, 'x')).toBe(err);
  });
});
