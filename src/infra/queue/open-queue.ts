import type { JobQueue } from '../../kernel/ports/job-queue.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { Pacer } from '../../kernel/ports/pacer.js';
import type { BullMqJobQueue } from './bullmq.job-queue.js';
import { InProcessJobQueue } from './in-process.job-queue.js';
import { InMemoryPacer, RedisPacer } from './pacer.js';

/**
 * The queue Kring runs on: BullMQ on Redis when `redisUrl` is set (jobs survive restarts and are shared
 * by every process), otherwise the in-process queue (single-process mode). BullMQ and ioredis are loaded
 * only then: the embedded default does not pay their start-up time and memory (docs/BENCHMARKS.md).
 */
export async function openJobQueue(options: { redisUrl: string | undefined; prefix?: string; logger: Logger }): Promise<JobQueue> {
  if (!options.redisUrl) return new InProcessJobQueue(options.logger);
  const { BullMqJobQueue } = await import('./bullmq.job-queue.js');
  return new BullMqJobQueue({ url: options.redisUrl, logger: options.logger, ...(options.prefix ? { prefix: options.prefix } : {}) });
}

/**
 * The pacer that goes with a queue: in the same Redis, under the queue's prefix, when the queue is BullMQ
 * (so every process shares the platforms' budgets); in memory otherwise.
 */
export function pacerFor(queue: JobQueue): Pacer {
  const redis = queue as JobQueue & Partial<Pick<BullMqJobQueue, 'duplicateConnection' | 'prefix'>>;
  return queue.driver === 'bullmq' && redis.duplicateConnection && redis.prefix !== undefined
    ? new RedisPacer(redis.duplicateConnection(), { prefix: redis.prefix })
    : new InMemoryPacer();
}
