import { describe, expect, it } from 'vitest';
import { ChatPlatformError } from '../../src/kernel/ports/chat-platform.js';
import { retryAfterMs, toChatPlatformError } from './errors.js';

/** The shape @azure/core-rest-pipeline's RestError has when the Bot Connector answers with an error. */
function restError(statusCode: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error('boom'), {
    name: 'RestError',
    statusCode,
    code: 'Whatever',
    response: { status: statusCode, headers: { get: (name: string) => headers[name] } },
  });
}

describe('toChatPlatformError (Teams)', () => {
  it('maps 429 to RATE_LIMITED with the Retry-After wait', () => {
    const sut = toChatPlatformError(restError(429, { 'retry-after': '3' }), 'post');
    expect(sut).toBeInstanceOf(ChatPlatformError);
    expect(sut).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
  });

  it('assumes a wait when a 429 names none', () => {
    expect(toChatPlatformError(restError(429), 'post').retryAfterMs).toBe(1000);
  });

  it.each([
    [404, 'NOT_FOUND'],
    [401, 'PERMISSION_DENIED'],
    [403, 'PERMISSION_DENIED'],
    [412, 'TRANSIENT'],
    [500, 'TRANSIENT'],
    [502, 'TRANSIENT'],
    [503, 'TRANSIENT'],
    [400, 'INVALID'],
    [413, 'INVALID'],
  ])('maps %i to %s', (status, code) => {
    expect(toChatPlatformError(restError(status), 'post').code).toBe(code);
  });

  it('maps network failures to TRANSIENT', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'RestError', code: 'ECONNREFUSED' });
    expect(toChatPlatformError(err, 'post').code).toBe('TRANSIENT');
  });

  it('maps refused bot credentials to PERMISSION_DENIED and other token failures to TRANSIENT', () => {
    expect(toChatPlatformError(Object.assign(new Error('x'), { errorCode: 'invalid_client' }), 'post').code).toBe('PERMISSION_DENIED');
    expect(toChatPlatformError(Object.assign(new Error('x'), { errorCode: 'endpoints_resolution_error' }), 'post').code).toBe('TRANSIENT');
  });

  it('keeps the cause and passes ChatPlatformErrors through', () => {
    const cause = restError(404);
    expect(toChatPlatformError(cause, 'delete').cause).toBe(cause);
    const already = new ChatPlatformError('NOT_FOUND', 'gone');
    expect(toChatPlatformError(already, 'delete')).toBe(already);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('1.5')).toBe(1500);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', () => Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
