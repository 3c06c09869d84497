/**
 * A fan-out worker process for test/integration/news-kill.test.ts: the news capability's queue workers over
 * the test's PostgreSQL database and BullMQ prefix, posting into the test's platform fakes over HTTP. The
 * test kills it with SIGKILL mid-fan-out and starts another.
 *
 * Environment: KRING_WORKER_DATABASE_URL, KRING_WORKER_REDIS_URL, KRING_WORKER_PREFIX, KRING_WORKER_FAKES_URL,
 * KRING_WORKER_CONCURRENCY.
 */
import { openDatabase } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { silentLogger } from '../support/logger.js';
import { pacerFor } from '../../src/infra/queue/open-queue.js';
import { unlimited } from '../../src/kernel/platform-limits.js';
import { platformRegistry, RemoteChatPlatform } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const database = await openDatabase({ url: env('KRING_WORKER_DATABASE_URL'), dataDir: '', poolSize: 8 });
const repos = createPrismaDirectory(database.prisma);
// The production lock and stalled-check settings (BullMqJobQueue's defaults): the second worker takes over
// the killed worker's jobs once their locks expire, within seconds.
const queue = new BullMqJobQueue({ url: env('KRING_WORKER_REDIS_URL'), prefix: env('KRING_WORKER_PREFIX'), logger: silentLogger });
const fakes = env('KRING_WORKER_FAKES_URL');
const platforms = [
  new RemoteChatPlatform('discord', fakes, { findPosted: false }),
  new RemoteChatPlatform('slack', fakes, { findPosted: true }),
  new RemoteChatPlatform('teams', fakes, { findPosted: false }),
];
const ctx = testContext({ directory: repos, database, queue, pacer: pacerFor(queue), platforms: platformRegistry(platforms) });
const news = buildTestCapabilities(['news'], ctx, {
  defaultOrganizationSlug: 'default',
  capabilityOptions: { news: { limits: unlimited(Number(process.env['KRING_WORKER_CONCURRENCY'] ?? 4)), retry: { attempts: 10, backoffMs: 50 }, statusWindowMs: 200 } },
}).built.parts.news;
await news.start?.();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await news.stop?.();
    await news.pacer.close();
    await queue.close();
    await database.close();
    process.exit(0);
  })();
});
