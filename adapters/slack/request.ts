import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks and parsing of Slack's inbound HTTP requests, done by us before Bolt sees anything.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 *
 * Why not Bolt's own check: it only rejects timestamps in the past, so a request carrying a far-future
 * timestamp (a leaked signing secret, a skewed sender) would stay replayable for as long as that future
 * lasts; and its clock is not injectable, so the window cannot be tested.
 */

/** How far a request timestamp may be from our clock, either direction. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** Largest body we read. Slack's payloads are a few kB; a block_actions with a long message stays well below. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type SignatureRejection =
  | 'missing-headers'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'malformed-signature'
  | 'signature-mismatch';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureRejection };

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function computeSlackSignature(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Verifies `X-Slack-Signature` over the raw bytes, and that `X-Slack-Request-Timestamp` is within
 * {@link MAX_CLOCK_SKEW_SECONDS} of `now` in the past or the future.
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'stale-timestamp' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed-signature' };
  const expected = Buffer.from(computeSlackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Equal lengths are guaranteed by the format check above; timingSafeEqual needs them.
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature-mismatch' };
}

/** The body was larger than {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The raw request body. Uses a buffer an upstream middleware kept (`req.rawBody`, or `req.body` from
 * `express.raw()`); otherwise reads the stream. A body parsed into an object upstream cannot be verified:
 * mount the Slack routes before any JSON/urlencoded parser.
 */
export async function readRawBody(req: IncomingMessage & { body?: unknown; rawBody?: unknown }, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (req.readableEnded) {
    throw new Error('request body was consumed before the Slack route; mount it before body parsers');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export type ParsedBody = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Parses a Slack request body: form posts (slash commands; interactivity as `payload=<json>`) and JSON
 * (Events API). Media-type parameters such as `; charset=utf-8` are accepted (Bolt's parser is not).
 */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): ParsedBody {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = rawBody.toString('utf8');
  try {
    if (mediaType === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(text));
      if (typeof form.payload === 'string') return asObject(JSON.parse(form.payload));
      return Object.keys(form).length > 0 ? { ok: true, body: form } : { ok: false, reason: 'empty form body' };
    }
    if (mediaType === 'application/json') return asObject(JSON.parse(text));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  return { ok: false, reason: `unsupported content type "${mediaType}"` };
}

function asObject(value: unknown): ParsedBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ok: true, body: value as Record<string, unknown> }
    : { ok: false, reason: 'body is not an object' };
}
