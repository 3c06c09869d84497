import type { Response } from 'express';
import { ConflictError, ForbiddenError, KringError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/ports/logger.js';

/**
 * RFC 9457 problem details: every error the API answers has this body, with media type
 * `application/problem+json`. `code` is Kring's stable error code (what clients branch on); `errors`
 * lists every bad field of a validation failure. `detail` never holds a stack trace or internals: an
 * unexpected error is logged and answered with a generic 500.
 */
export interface Problem {
  /** `urn:kring:problem:<code in lowercase>`; a stable identifier, not meant to be fetched. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldIssue[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** HTTP status per stable code, for codes whose class does not say it. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'API.UNAUTHENTICATED': 401,
  'API.SCOPE_MISSING': 403,
  'API.ORGANIZATION_NOT_FOUND': 404,
  'API.RATE_LIMITED': 429,
  'API.MALFORMED_JSON': 400,
  'API.PAYLOAD_TOO_LARGE': 413,
  'API.UNSUPPORTED_MEDIA_TYPE': 415,
  'API.ROUTE_NOT_FOUND': 404,
  'API.METHOD_NOT_ALLOWED': 405,
  'API.INTERNAL': 500,
  'API.WEBHOOK_URL_REJECTED': 400,
  'MEMBERSHIP.MEMBER_NOT_FOUND': 404,
  'MEMBERSHIP.ORGANIZATION_NOT_FOUND': 404,
  'MEMBERSHIP.FULL_IMPORT_EMPTY': 422,
  'POLL.NOT_FOUND': 404,
  'POLL.AMBIGUOUS_ID': 404,
  'POLL.ALREADY_CLOSED': 409,
  'NEWS.AMBIGUOUS_ID': 404,
};

/** Builds a problem. */
export function problem(status: number, code: string, detail: string, errors?: readonly FieldIssue[]): Problem {
  return {
    type: `urn:kring:problem:${code.toLowerCase()}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors === undefined ? {} : { errors: [...errors] }),
  };
}

/** The HTTP status for a Kring error. */
export function statusOf(error: KringError): number {
  const byCode = STATUS_BY_CODE[error.code];
  if (byCode !== undefined) return byCode;
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ConflictError) return 409;
  // A domain rule the request broke (it carries a text for people); internal errors have no message key.
  return error.messageKey !== undefined ? 422 : 500;
}

/** Errors raised by Express and body-parser carry `type` and `status`; see body-parser's README. */
interface HttpLikeError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
}

/**
 * Maps anything thrown while handling a request to a problem. Unexpected errors (and any 5xx) are
 * logged with their message and stack; the caller gets only a generic text.
 */
export function problemFromError(error: unknown, logger: Logger, context: Record<string, unknown>): Problem {
  if (error instanceof ValidationError) {
    return problem(400, error.code, 'The request is invalid; `errors` lists every problem.', error.issues);
  }
  if (error instanceof KringError) {
    const status = statusOf(error);
    if (status >= 500) {
      logger.error({ ...context, code: error.code, err: error.message, stack: error.stack }, 'api request failed');
      return problem(500, 'API.INTERNAL', 'Something went wrong on our side; it has been logged.');
    }
    return problem(status, error.code, error.message);
  }
  const http = (error ?? {}) as HttpLikeError;
  const status = typeof http.status === 'number' ? http.status : typeof http.statusCode === 'number' ? http.statusCode : 500;
  switch (http.type) {
    case 'entity.parse.failed':
      return problem(400, 'API.MALFORMED_JSON', 'The body is not valid JSON.');
    case 'entity.too.large':
      return problem(413, 'API.PAYLOAD_TOO_LARGE', 'The body is larger than the API accepts (1 MB).');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'API.UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON.');
    default:
      break;
  }
  if (status >= 400 && status < 500) {
    // Express's own 4xx (e.g. a path with a broken %-escape) or a body-parser error without a known type.
    return problem(status, status === 404 ? 'API.ROUTE_NOT_FOUND' : 'API.BAD_REQUEST', 'The request could not be read.');
  }
  logger.error({ ...context, err: (error as Error)?.message, stack: (error as Error)?.stack }, 'api request failed');
  return problem(500, 'API.INTERNAL', 'Something went wrong on our side; it has been logged.');
}

/** Sends a problem (with extra headers such as `Retry-After` or `Allow`). */
export function sendProblem(res: Response, p: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}
