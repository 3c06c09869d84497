import type { JobQueue } from '../../kernel/ports/job-queue.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { Pacer } from '../../kernel/ports/pacer.js';
import { BullMqJobQueue } from './bullmq.job-queue.js';
import { InProcessJobQueue } from './in-process.job-queue.js';
import { InMemoryPacer, RedisPacer } from './pacer.js';

/**
 * The queue Kring runs on: BullMQ on Redis when `redisUrl` is set (jobs survive restarts and are shared
 * by every process), otherwise the in-process queue (single-process mode).
 */
export function openJobQueue(options: { redisUrl: string | undefined; prefix?: string; logger: Logger }): JobQueue {
  if (!options.redisUrl) return new InProcessJobQueue(options.logger);
  return new BullMqJobQueue({ url: options.redisUrl, logger: options.logger, ...(options.prefix ? { prefix: options.prefix } : {}) });
}

/**
 * The pacer that goes with a queue: in the same Redis, under the queue's prefix, when the queue is BullMQ
 * (so every process shares the platforms' budgets); in memory otherwise.
 */
export function pacerFor(queue: JobQueue): Pacer {
  return queue instanceof BullMqJobQueue ? new RedisPacer(queue.duplicateConnection(), { prefix: queue.prefix }) : new InMemoryPacer();
}
