import { KringError } from '../../kernel/errors.js';

/**
 * Stable codes of the admin API capability (returned as `code` in problem+json bodies, logged, asserted
 * by tests). Transport-level problems (malformed JSON, unknown route) use the `API.*` codes too, so a
 * client can branch on `code` alone.
 */
export const API_ERROR_CODES = [
  /** No `Authorization: Bearer` header, or the token is unknown or revoked. */
  'API.UNAUTHENTICATED',
  /** The token lacks the scope the route needs; params `{ required }`. */
  'API.SCOPE_MISSING',
  /** The organisation in the path does not exist or is not the token's. */
  'API.ORGANIZATION_NOT_FOUND',
  /** Too many requests with this token; the response has `Retry-After`. */
  'API.RATE_LIMITED',
  /** The body is not valid JSON. */
  'API.MALFORMED_JSON',
  /** The request cannot be read (e.g. a broken %-escape in the path). */
  'API.BAD_REQUEST',
  /** The body is larger than the API accepts. */
  'API.PAYLOAD_TOO_LARGE',
  /** The body is not `application/json`. */
  'API.UNSUPPORTED_MEDIA_TYPE',
  /** No such route under /api/v1. */
  'API.ROUTE_NOT_FOUND',
  /** The route exists but not with this method. */
  'API.METHOD_NOT_ALLOWED',
  /** An unexpected failure on our side (details only in the log). */
  'API.INTERNAL',
  /** No API token with that id. */
  'API.TOKEN_NOT_FOUND',
  /** No webhook endpoint with that id. */
  'API.WEBHOOK_NOT_FOUND',
  /** A webhook URL that Kring will not call (scheme, credentials). */
  'API.WEBHOOK_URL_REJECTED',
  /** No member with that member number. */
  'API.MEMBER_NOT_FOUND',
  /** No chapter with that id. */
  'API.CHAPTER_NOT_FOUND',
  /** A chapter with that name exists already. */
  'API.CHAPTER_EXISTS',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * An error of the admin API capability. Not shown to members in chat, so no message key: the `message`
 * is the problem's `detail` for the API client or the CLI operator.
 */
export class ApiError extends KringError {
  declare readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { params: options.params ?? {}, cause: options.cause });
  }
}
