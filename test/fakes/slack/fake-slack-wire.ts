import type { IncomingMessage } from 'node:http';

/** Wire-level helpers of the fake Slack: parameter decoding and Slack's error shapes. */

export type Params = Record<string, unknown>;
export type ApiResult = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };
/** A Slack API error string (`{ok:false, error}` with HTTP 200). */
export class SlackApiError extends Error {
  constructor(readonly error: string, readonly extra: Record<string, unknown> = {}) {
    super(error);
  }
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(p: Params, key: string): string {
  const v = p[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Form posts carry objects as JSON strings; JSON posts carry them as they are. */
export function decodeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw new SlackApiError('invalid_arguments');
  }
}

export function decodeParams(p: Params): Params {
  const out: Params = { ...p };
  for (const key of ['blocks', 'metadata', 'view']) {
    if (typeof out[key] === 'string') {
      try {
        out[key] = JSON.parse(out[key]);
      } catch {
        /* left as sent */
      }
    }
  }
  return out;
}

export function tooManyRequests(retryAfterSeconds: number): ApiResult {
  return { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
}

export function parseParams(raw: string, contentType: string | undefined): Params {
  const type = (contentType ?? '').split(';')[0]!.trim();
  if (raw === '') return {};
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(raw);
    return isObj(parsed) ? parsed : {};
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
