import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiToken } from '../../kernel/api-access.js';
import { problem, sendProblem } from './problem.js';
import type { ApiRateLimiter } from './rate-limit.js';

/**
 * Bearer-token authentication and the per-token rate limit, in front of every `/orgs/...` route.
 * Unknown, malformed and revoked tokens get the same 401, so the answer never tells which it was.
 * The token itself is never logged or echoed; only its id travels further (in `res.locals`).
 */

/** Checks a bearer token's secret (the api-tokens capability provides it). */
export interface ApiTokenVerifier {
  /** The active token with this secret, or null (unknown, malformed or revoked: the caller cannot tell which). */
  authenticate(secret: string): Promise<ApiToken | null>;
}

/** What the auth middleware leaves for the routes and the request log. */
export interface ApiLocals {
  token?: ApiToken;
  /** The matched route pattern (OpenAPI form), for the request log. */
  route?: string;
}

/** The authenticated token of this request (set by {@link authenticate}). */
export function tokenOf(res: Response): ApiToken | undefined {
  return (res.locals as ApiLocals).token;
}

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** Answers 401 unless the request carries an active token; stores the token in `res.locals`. */
export function authenticate(tokens: ApiTokenVerifier): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization');
      const match = header === undefined ? null : BEARER.exec(header);
      if (!match) {
        sendProblem(res, problem(401, 'API.UNAUTHENTICATED', 'Send an API token: `Authorization: Bearer kring_…` (create one with `kring tokens create`).'), {
          'WWW-Authenticate': 'Bearer realm="kring"',
        });
        return;
      }
      const token = await tokens.authenticate(match[1]!);
      if (!token) {
        sendProblem(res, problem(401, 'API.UNAUTHENTICATED', 'The API token is unknown or revoked.'), {
          'WWW-Authenticate': 'Bearer realm="kring", error="invalid_token"',
        });
        return;
      }
      (res.locals as ApiLocals).token = token;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Answers 429 with `Retry-After` when the token spent its budget; sets `RateLimit-*` headers always. */
export function rateLimit(limiter: ApiRateLimiter): RequestHandler {
  return async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const token = tokenOf(res);
      if (!token) {
        next();
        return;
      }
      const decision = await limiter.consume(token.id);
      const resetSec = Math.max(1, Math.ceil(decision.resetMs / 1000));
      res.setHeader('RateLimit-Limit', String(decision.limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
      res.setHeader('RateLimit-Reset', String(resetSec));
      if (!decision.allowed) {
        sendProblem(res, problem(429, 'API.RATE_LIMITED', `Too many requests with this token; try again in ${resetSec} s.`), {
          'Retry-After': String(resetSec),
        });
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
