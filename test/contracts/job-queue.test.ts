import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { silentLogger } from '../support/logger.js';
import { jobQueueContract } from './job-queue.contract.js';
import { deleteRedisPrefixes } from '../support/redis.js';

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
  await deleteRedisPrefixes(prefixes, REDIS_URL);
});
