import { membershipCommands } from '../../src/capabilities/membership/commands.js';
import { Translator } from '../../src/kernel/i18n.js';
import { KringApp } from '../../src/chat/kring-app.js';
import { loadConfig } from '../../src/config/env.js';
import type { IngestorSettings } from '../../src/capabilities/insights/domain/activity-ingestor.js';
import { INSIGHTS_SETTINGS } from '../../src/capabilities/insights/domain/insights.service.js';
import { MembershipService } from '../../src/capabilities/membership/domain/membership.service.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { LogMailer } from '../../src/infra/mail/log.mailer.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaRepositories } from '../../src/infra/database/directory.js';
import type { InboundEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Repositories } from '../../src/kernel/ports/directory.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { installInsights, type InsightsInstall } from '../../src/capabilities/insights/index.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { seedWorld, type InsightsWorld } from './insights-fixtures.js';
import { viewText } from '../fakes/fake-chat-platform.js';

/**
 * Kring with the insights capability, wired as the composition root wires it (installInsights over a real
 * context) on a fresh PostgreSQL database: the command router (membership + insights commands, the
 * activity listener), the shared HTTP server on 127.0.0.1:0 with the dashboard mounted, the in-process
 * queue and a fake Slack for digests. Two organisations (`world`, `other`), each with a workspace.
 */
export interface InsightsHarness {
  db: Database;
  repos: Repositories;
  install: InsightsInstall;
  app: KringApp;
  http: RunningHttpServer;
  baseUrl: string;
  slack: FakeChatPlatform;
  world: InsightsWorld;
  other: InsightsWorld;
  /** Hands an event to the router as an adapter would. */
  send(event: InboundEvent): Promise<Reply | undefined>;
  close(): Promise<void>;
}

export async function startInsightsHarness(options: { ingestor?: Partial<IngestorSettings>; clock?: Clock } = {}): Promise<InsightsHarness> {
  const db = await createPostgresTestDatabase();
  const repos = createPrismaRepositories(db.prisma);
  const clock = options.clock ?? systemClock;
  const queue = new InProcessJobQueue(silentLogger, 20);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1' });
  const world = await seedWorld(db, { name: 'De Fietsclub' });
  const other = await seedWorld(db, { name: 'De Zwemclub' });
  const slack = new FakeChatPlatform('slack');
  const membership = new MembershipService({ repos, mailer: new LogMailer(), clock });
  const translator = new Translator();
  const install = installInsights(
    {
      config,
      logger: silentLogger,
      clock,
      database: db,
      repos,
      queue,
      platforms: { get: (p) => (p === 'slack' ? slack : undefined), all: () => [slack] },
      membership,
      translator,
      defaultOrganizationId: world.organizationId,
    },
    { schedule: false, ...(options.ingestor ? { ingestor: options.ingestor } : {}) },
  );
  const membershipCatalogue = membershipCommands({ membership, codeTtlMinutes: 15 });
  const app = new KringApp({
    organizations: repos.organizations,
    workspaces: repos.workspaces,
    membership,
    defaultOrganizationSlug: world.slug,
    commands: [...membershipCatalogue.commands, ...(install.commands ?? [])],
    actions: [...membershipCatalogue.actions, ...(install.actions ?? [])],
    activity: install.activity ? [install.activity] : [],
    translator,
    logger: silentLogger,
  });
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, logger: silentLogger, routes: [], readiness: [], mount: (a) => install.mount?.(a) });
  const baseUrl = `http://127.0.0.1:${http.port}`;
  for (const w of [world, other]) await install.repository.setSetting(w.organizationId, INSIGHTS_SETTINGS.publicUrl, baseUrl);
  await install.start?.();
  return {
    db,
    repos,
    install,
    app,
    http,
    baseUrl,
    slack,
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
