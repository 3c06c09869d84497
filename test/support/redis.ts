import { Redis } from 'ioredis';

/** The Redis the integration tests use (CI and dev machines: the local server). */
export const TEST_REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key under each prefix (tests and benches isolate BullMQ runs by a unique prefix). */
export async function deleteRedisPrefixes(prefixes: readonly string[], url = TEST_REDIS_URL): Promise<void> {
  if (prefixes.length === 0) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
