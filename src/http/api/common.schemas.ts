import { z } from 'zod';

/**
 * Schemas shared by the API's operations. `.meta({ id })` names a schema in the OpenAPI document's
 * components; `description` and `example` end up there too.
 */

/**
 * No control characters (C0, DEL, C1: newlines, tabs, NUL): names and numbers are single-line text.
 * Written without the `u` flag, because the pattern goes into the OpenAPI document as a plain string.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
export const NO_CONTROL = /^[^\x00-\x1f\x7f-\x9f]*$/;
const noControlMessage = 'must not contain control characters (line breaks, tabs)';

/** A lone UTF-16 surrogate: JSON allows `"\ud800"`, but it is no text and PostgreSQL refuses it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when the string is valid Unicode (no lone surrogates). */
export function wellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** A single-line text field of 1..max characters, trimmed. */
export function line(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL, noControlMessage)
    .refine(wellFormed, 'must be valid Unicode text');
}

/** The organisation slug in every path. */
export const orgParam = z.string().max(63).meta({ description: 'The organisation slug (the token must belong to it).', example: 'de-fietsclub' });

/** RFC 9457 problem details (every error response). */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: '`urn:kring:problem:<code>`', example: 'urn:kring:problem:validation.failed' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.number().int().meta({ example: 400 }),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable error code to branch on.', example: 'VALIDATION.FAILED' }),
    errors: z
      .array(z.object({ path: z.string().meta({ example: 'body.members.3.email' }), message: z.string() }))
      .optional()
      .meta({ description: 'Every invalid field (validation errors only). Paths start with `body.`, `query.` or `path.`.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

/** Keyset paging: `limit` and the opaque `after` cursor from the previous page's `next`. */
export const pageQueryFields = {
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Page size (1–500, default 100).' }),
  after: z
    .string()
    .max(400)
    .optional()
    .meta({ description: 'Cursor: the `next` value of the previous page. Omit for the first page.' }),
};

/** Encodes a keyset position as an opaque cursor (clients must not build or parse them). */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}; undefined when it is not one. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { k?: unknown }).k === 'string') return (value as { k: string }).k;
  } catch {
    // Not base64url JSON: not a cursor of ours.
  }
  return undefined;
}

/** An ISO 8601 timestamp in responses. */
export const timestamp = z.iso.datetime().meta({ example: '2025-03-01T12:00:00.000Z' });
