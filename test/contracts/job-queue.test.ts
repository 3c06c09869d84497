import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { BullMqJobQueue } from '../../src/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../../src/queue/in-process.job-queue.js';
import { silentLogger } from '../support/logger.js';
import { jobQueueContract } from './job-queue.contract.js';

const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

jobQueueContract('in-process', () => new InProcessJobQueue(silentLogger));
jobQueueContract('BullMQ on Redis', () => {
  const prefix = `test-${randomUUID()}`;
  prefixes.push(prefix);
  return new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger });
});

afterAll(async () => {
  // Each test used its own key prefix; remove them all.
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
});
