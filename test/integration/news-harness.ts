import { randomUUID } from 'node:crypto';
import type { Organization } from '../../src/kernel/community.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/infra/database/database.js';
import { pacerFor } from '../../src/infra/queue/open-queue.js';
import type { ChatPlatform } from '../../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Channel } from '../../src/kernel/ports/directory.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { NewsOptions, NewsParts } from '../../src/capabilities/news/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { prismaRepositories } from '../support/database.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes } from '../support/redis.js';

/** Redis of the integration tests. */
export const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The news capability of the one list, built the way src/main.ts builds it, over a test database, queue and platforms. */
export interface NewsHarness {
  organization: Organization;
  repos: MembershipRepositories;
  news: NewsParts;
  /** The chat router over the news commands (as src/main.ts builds it). */
  router: ChatRouter;
  /** Connects `count` channels of a platform (ids `<prefix>0`, `<prefix>1`, ...) with the given purpose. */
  connectChannels(platform: Platform, workspace: string, prefix: string, count: number, purpose?: Channel['purpose']): Promise<string[]>;
  /** Resolves when no delivery of the announcement is queued and its status is not `publishing`. */
  settled(announcementId: string, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function createNewsHarness(options: {
  database: Database;
  queue: JobQueue;
  platforms: readonly ChatPlatform[];
  news?: NewsOptions;
  clock?: Clock;
  logger?: Logger;
}): Promise<NewsHarness> {
  const repos = prismaRepositories(options.database.prisma);
  const clock = options.clock ?? systemClock;
  const organization = await repos.organizations.ensure({ slug: `news-${randomUUID().slice(0, 8)}`, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
  const ctx = testContext({
    directory: repos,
    database: options.database,
    queue: options.queue,
    // In Redis with BullMQ (processes share the platforms' budgets), as src/main.ts does.
    pacer: options.news?.pacer ?? pacerFor(options.queue),
    platforms: platformRegistry(options.platforms),
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const { built, router } = buildTestCapabilities(['news'], ctx, { defaultOrganizationSlug: organization.slug, capabilityOptions: { news: options.news ?? {} } });
  const news = built.parts.news;
  await news.start?.();
  return {
    organization,
    repos,
    news,
    router,
    async connectChannels(platform, workspace, prefix, count, purpose = 'news') {
      // Workspaces belong to one organisation: tests share a database, so each harness gets its own.
      const ws = await repos.workspaces.upsert({ organizationId: organization.id, platform, externalId: `${workspace}-${organization.slug}` });
      const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
      // Many channels: straight inserts (the repository's upsert is one round trip per channel).
      await options.database.prisma.channel.createMany({
        data: ids.map((externalId) => ({ organizationId: organization.id, workspaceId: ws.id, externalId, name: `#${externalId}`, purpose })),
        skipDuplicates: true,
      });
      return ids;
    },
    async settled(announcementId, ms = 60_000) {
      await until(async () => {
        const a = await news.repo.get(announcementId);
        const queued = await news.repo.listDeliveries(announcementId, 'queued');
        return a !== null && a.status !== 'publishing' && a.status !== 'scheduled' && queued.length === 0;
      }, ms);
    },
    async stop() {
      await news.stop?.();
      await news.pacer.close();
    },
  };
}

/** Polls `check` until it holds or `ms` pass. */
export async function until(check: () => boolean | Promise<boolean>, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A BullMQ queue under a fresh key prefix; `cleanup` removes every key it made. */
export function createTestBullQueue(extra: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): { queue: BullMqJobQueue; prefix: string; cleanup(): Promise<void> } {
  const prefix = `test-${randomUUID()}`;
  const queue = new BullMqJobQueue({ url: REDIS_URL, prefix, logger: silentLogger, ...extra });
  return { queue, prefix, cleanup: () => deletePrefix(prefix) };
}

/** Deletes every Redis key under a prefix. */
export async function deletePrefix(prefix: string): Promise<void> {
  await deleteRedisPrefixes([prefix], REDIS_URL);
}
