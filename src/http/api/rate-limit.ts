import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
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
  /**
   * First part of the limiter's keys (default `kring:api-rl`; keys are `<keyPrefix>:<token id>`). Kring
   * passes `<REDIS_PREFIX>:api-rl`, so the limiter's keys sit under the deployment's prefix with the rest.
   */
  keyPrefix?: string;
  logger: Logger;
}

export const DEFAULT_API_RATE_LIMIT = { points: 600, durationSec: 60 } as const;

/** `REDIS_PREFIX`'s default. */
const DEFAULT_REDIS_PREFIX = 'kring';

/** Builds the limiter; see the module comment. */
export function createApiRateLimiter(options: ApiRateLimitOptions): ApiRateLimiter {
  const points = options.points ?? DEFAULT_API_RATE_LIMIT.points;
  const duration = options.durationSec ?? DEFAULT_API_RATE_LIMIT.durationSec;
  const keyPrefix = options.keyPrefix ?? `${DEFAULT_REDIS_PREFIX}:api-rl`;
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

/** The admin API's limiter with its own Redis connection (when Kring has Redis), ready to start and stop. */
export interface RunningApiRateLimiter {
  limiter: ApiRateLimiter;
  /** Waits (at most 2 s) for the connection, so the first requests already share the Redis budget. */
  ready(): Promise<void>;
  close(): void;
}

/**
 * Opens the limiter. The Redis connection is its own: the limiter must not queue commands while Redis is
 * away (it falls back to memory at once), unlike BullMQ's connection. ioredis is loaded only with Redis.
 */
export async function openApiRateLimiter(options: {
  redisUrl: string | undefined;
  /** `REDIS_PREFIX` (default `kring`): the limiter's keys are `<prefix>:api-rl:<token id>`. */
  redisPrefix?: string;
  points: number;
  durationSec: number;
  logger: Logger;
}): Promise<RunningApiRateLimiter> {
  const { logger } = options;
  const IORedis = options.redisUrl ? (await import('ioredis')).Redis : undefined;
  const redis = options.redisUrl && IORedis ? new IORedis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'api rate-limit redis error'));
  return {
    limiter: createApiRateLimiter({
      points: options.points,
      durationSec: options.durationSec,
      keyPrefix: `${options.redisPrefix ?? DEFAULT_REDIS_PREFIX}:api-rl`,
      ...(redis ? { redis } : {}),
      logger,
    }),
    async ready() {
      if (!redis || redis.status === 'ready') return;
      const ready = await Promise.race([once(redis, 'ready').then(() => true), delay(2_000, false, { ref: false })]);
      if (!ready) logger.warn('api rate limiter: Redis not ready yet, limiting in memory until it is');
    },
    close() {
      redis?.disconnect();
    },
  };
}
