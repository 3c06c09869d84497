import { describe, expect, it } from 'vitest';
import { computeSlackSignature, parseSlackBody, verifySlackSignature } from './request.js';

// Slack's own worked example: https://docs.slack.dev/authentication/verifying-requests-from-slack
const EXAMPLE = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const exampleTime = new Date(Number(EXAMPLE.timestamp) * 1000);

function check(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) {
  return verifySlackSignature({
    signingSecret: EXAMPLE.signingSecret,
    rawBody: Buffer.from(EXAMPLE.body),
    timestamp: EXAMPLE.timestamp,
    signature: EXAMPLE.signature,
    now: exampleTime,
    ...overrides,
  });
}

describe(verifySlackSignature.name, () => {
  it("computes Slack's documented example signature", () => {
    expect(computeSlackSignature(EXAMPLE.signingSecret, EXAMPLE.timestamp, Buffer.from(EXAMPLE.body))).toBe(EXAMPLE.signature);
  });

  it('accepts the example at its own time (injected clock)', () => {
    expect(check()).toEqual({ ok: true });
  });

  it('accepts up to 5 minutes of skew either way', () => {
    expect(check({ now: new Date(exampleTime.getTime() + 300_000) })).toEqual({ ok: true });
    expect(check({ now: new Date(exampleTime.getTime() - 300_000) })).toEqual({ ok: true });
  });

  it('rejects a timestamp more than 5 minutes in the past or in the future', () => {
    expect(check({ now: new Date(exampleTime.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(check({ now: new Date(exampleTime.getTime() - 301_000) })).toEqual({ ok: false, reason: 'stale-timestamp' });
  });

  it('rejects a changed body, a wrong secret and a wrong signature', () => {
    expect(check({ rawBody: Buffer.from(`${EXAMPLE.body}&text=x`) })).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(check({ signingSecret: 'another-secret' })).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(check({ signature: `v0=${'a'.repeat(64)}` })).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('rejects missing headers and malformed values', () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(check({ timestamp: '1531420618.5' })).toEqual({ ok: false, reason: 'malformed-timestamp' });
    expect(check({ signature: 'v1=abc' })).toEqual({ ok: false, reason: 'malformed-signature' });
    expect(check({ signature: `${EXAMPLE.signature}00` })).toEqual({ ok: false, reason: 'malformed-signature' });
  });
});

describe(parseSlackBody.name, () => {
  it('parses slash command forms, interactive payloads and JSON events', () => {
    expect(parseSlackBody(Buffer.from('command=%2Fkring&text=help'), 'application/x-www-form-urlencoded')).toEqual({
      ok: true,
      body: { command: '/kring', text: 'help' },
    });
    expect(parseSlackBody(Buffer.from('payload=%7B%22type%22%3A%22block_actions%22%7D'), 'application/x-www-form-urlencoded')).toEqual({
      ok: true,
      body: { type: 'block_actions' },
    });
    expect(parseSlackBody(Buffer.from('{"type":"event_callback"}'), 'application/json')).toEqual({ ok: true, body: { type: 'event_callback' } });
  });

  it('accepts media-type parameters such as a charset', () => {
    expect(parseSlackBody(Buffer.from('text=hoi'), 'application/x-www-form-urlencoded; charset=utf-8').ok).toBe(true);
  });

  it('refuses broken JSON, non-objects, empty forms and other content types', () => {
    expect(parseSlackBody(Buffer.from('payload=%7Bnope'), 'application/x-www-form-urlencoded').ok).toBe(false);
    expect(parseSlackBody(Buffer.from('{"a":'), 'application/json').ok).toBe(false);
    expect(parseSlackBody(Buffer.from('"text"'), 'application/json').ok).toBe(false);
    expect(parseSlackBody(Buffer.from(''), 'application/x-www-form-urlencoded').ok).toBe(false);
    expect(parseSlackBody(Buffer.from('hello'), 'text/plain').ok).toBe(false);
    expect(parseSlackBody(Buffer.from('{}'), undefined).ok).toBe(false);
  });
});
