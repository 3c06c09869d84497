import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { IngestorSettings } from '../../src/capabilities/insights/domain/activity-ingestor.js';
import { INSIGHTS_SETTINGS } from '../../src/capabilities/insights/domain/insights.service.js';
import type { InsightsParts } from '../../src/capabilities/insights/index.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import type { Database } from '../../src/infra/database/database.js';
import type { InboundEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { buildTestCapabilities, testContext, type CapabilityName } from '../support/capabilities.js';
import type { BuiltCapabilities } from '../../src/capability.js';
import type { Capabilities } from '../../src/capabilities.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { seedWorld, type InsightsWorld } from './insights-fixtures.js';
import { viewText } from '../fakes/fake-chat-platform.js';

/**
 * Kring with the membership and insights capabilities of the one list, built as the composition root
 * builds them, on a fresh PostgreSQL database: the chat router over their commands (insights hears
 * `activity.seen` on the bus), the shared HTTP server on 127.0.0.1:0 with the dashboard mounted, the in-process
 * queue and a fake Slack for digests. Two organisations (`world`, `other`), each with a workspace.
 */
export interface InsightsHarness {
  db: Database;
  repos: Directory;
  install: InsightsParts;
  /** Every capability built (membership, insights and the `capabilities` option's). */
  built: BuiltCapabilities<Capabilities>;
  app: ChatRouter;
  http: RunningHttpServer;
  baseUrl: string;
  slack: FakeChatPlatform;
  /** The in-process queue the insights workers run on. */
  queue: InProcessJobQueue;
  world: InsightsWorld;
  other: InsightsWorld;
  /** Hands an event to the router as an adapter would. */
  send(event: InboundEvent): Promise<Reply | undefined>;
  close(): Promise<void>;
}

export async function startInsightsHarness(
  options: { ingestor?: Partial<IngestorSettings>; clock?: Clock; /** More capabilities of the list to build beside membership and insights (their workers are not started). */ capabilities?: CapabilityName[] } = {},
): Promise<InsightsHarness> {
  const db = await createPostgresTestDatabase();
  const repos = prismaRepositories(db.prisma);
  const clock = options.clock ?? systemClock;
  const queue = new InProcessJobQueue(silentLogger, 20);
  const world = await seedWorld(db, { name: 'De Fietsclub' });
  const other = await seedWorld(db, { name: 'De Zwemclub' });
  const slack = new FakeChatPlatform('slack');
  const ctx = testContext({ directory: repos, database: db, queue, clock, platforms: { get: (p) => (p === 'slack' ? slack : undefined), all: () => [slack] } });
  const { built, router: app } = buildTestCapabilities(['membership', 'insights', ...(options.capabilities ?? [])], ctx, {
    defaultOrganizationSlug: world.slug,
    capabilityOptions: { insights: { schedule: false, ...(options.ingestor ? { ingestor: options.ingestor } : {}) } },
  });
  const install = built.parts.insights;
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, logger: silentLogger, routes: [], readiness: [], mount: (a) => install.mount?.(a) });
  const baseUrl = `http://127.0.0.1:${http.port}`;
  for (const w of [world, other]) await install.repository.setSetting(w.organizationId, INSIGHTS_SETTINGS.publicUrl, baseUrl);
  await install.start?.();
  return {
    db,
    repos,
    install,
    built,
    app,
    http,
    baseUrl,
    slack,
    queue,
    world,
    other,
    send: (event) => app.handle(event),
    async close() {
      await http.close();
      await install.stop?.();
      await queue.close();
      await db.close();
    },
  };
}

/** The text of a reply (all text-like blocks), for assertions. */
export function replyText(reply: Reply | undefined): string {
  return reply ? viewText(reply.view) : '';
}

/** The first `(url)` of a markdown link in a reply. */
export function linkIn(reply: Reply | undefined): string {
  const m = /\]\((https?:\/\/[^)]+)\)/.exec(replyText(reply));
  if (!m) throw new Error(`no link in reply: ${replyText(reply)}`);
  return m[1]!;
}

/** Opens a download link the way a browser does: the page's button POSTs the token to the same path. */
export async function download(url: string): Promise<Response> {
  const u = new URL(url);
  const page = await fetch(url);
  if (page.status !== 200 || !(await page.text()).includes('name="token"')) throw new Error(`no download page at ${url}`);
  return fetch(`${u.origin}${u.pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: u.searchParams.get('token') ?? '' }).toString(),
  });
}
