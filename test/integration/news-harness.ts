import { randomUUID } from 'node:crypto';
import { Translator } from '../../src/kernel/i18n.js';
import type { Config } from '../../src/config/env.js';
import type { Organization } from '../../src/kernel/community.js';
import { MembershipService } from '../../src/capabilities/membership/domain/membership.service.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import type { Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaRepositories } from '../../src/infra/database/directory.js';
import type { ChatPlatform } from '../../src/kernel/ports/chat-platform.js';
import type { JobQueue } from '../../src/kernel/ports/job-queue.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Mailer } from '../../src/kernel/ports/mailer.js';
import type { Channel, Repositories } from '../../src/kernel/ports/directory.js';
import { BullMqJobQueue } from '../../src/infra/queue/bullmq.job-queue.js';
import { installNews, type NewsInstall, type NewsOptions } from '../../src/capabilities/news/index.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { silentLogger } from '../support/logger.js';
import { deleteRedisPrefixes } from '../support/redis.js';

/** Redis of the integration tests. */
export const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const noMail: Mailer = { send: async () => undefined };

/** The news capability installed the way src/main.ts does it, over a test database, queue and platforms. */
export interface NewsHarness {
  organization: Organization;
  repos: Repositories;
  news: NewsInstall;
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
  const repos = createPrismaRepositories(options.database.prisma);
  const clock = options.clock ?? systemClock;
  const organization = await repos.organizations.ensure({ slug: `news-${randomUUID().slice(0, 8)}`, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
  const membership = new MembershipService({ repos, mailer: noMail, clock });
  const news = installNews(
    {
      config: { org: { slug: organization.slug, name: organization.name, defaultLocale: 'en', timezone: 'Europe/Amsterdam' } } as Config,
      logger: options.logger ?? silentLogger,
      clock,
      database: options.database,
      repos,
      queue: options.queue,
      platforms: platformRegistry(options.platforms),
      membership,
      translator: new Translator(),
      defaultOrganizationId: organization.id,
    },
    options.news ?? {},
  );
  await news.start?.();
  return {
    organization,
    repos,
    news,
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
