import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../kernel/ports/logger.js';

/**
 * Per-token request budget of the admin API: a fixed window of `points` requests per `durationSec`.
 * On Redis when Kring has one (so every process shares the budget), in memory otherwise. If Redis fails,
 * an in-memory limiter takes over for the time being: the API stays up and is still limited per process.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Requests per window. */
  limit: number;
  remaining: number;
  /** Until the window resets (for `Retry-After` when not allowed). */
  resetMs: number;
}

export interface ApiRateLimiter {
  /** Counts one request of `key` (the token id) and says whether it may proceed. */
  consume(key: string): Promise<RateLimitDecision>;
}

export interface ApiRateLimitOptions {
  /** Requests per window (default 600). */
  points?: number;
  /** Window in seconds (default 60). */
  durationSec?: number;
  /** Shared store; in memory when absent. */
  redis?: Redis;
  /** Redis key prefix (tests isolate runs with a unique one). */
  keyPrefix?: string;
  logger: Logger;
}

export const DEFAULT_API_RATE_LIMIT = { points: 600, durationSec: 60 } as const;

/** Builds the limiter; see the module comment. */
export function createApiRateLimiter(options: ApiRateLimitOptions): ApiRateLimiter {
  const points = options.points ?? DEFAULT_API_RATE_LIMIT.points;
  const duration = options.durationSec ?? DEFAULT_API_RATE_LIMIT.durationSec;
  const keyPrefix = options.keyPrefix ?? 'kring-api-rl';
  const memory = new RateLimiterMemory({ points, duration, keyPrefix });
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ storeClient: options.redis, points, duration, keyPrefix, insuranceLimiter: memory, rejectIfRedisNotReady: true })
    : memory;

  return {
    async consume(key) {
      try {
        const res = await limiter.consume(key, 1);
        return { allowed: true, limit: points, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, limit: points, remaining: 0, resetMs: rejection.msBeforeNext };
        }
        // Neither store answered: let the request through rather than fail the API on a limiter outage.
        options.logger.warn({ err: (rejection as Error)?.message }, 'api rate limiter unavailable; request not limited');
        return { allowed: true, limit: points, remaining: points, resetMs: duration * 1000 };
      }
    },
  };
}
