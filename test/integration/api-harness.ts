import { Translator } from '../../src/kernel/i18n.js';
import { loadConfig } from '../../src/config/env.js';
import type { ApiScope } from '../../src/kernel/api-scopes.js';
import type { MembershipEvents } from '../../src/capabilities/membership/domain/events.js';
import type { Member, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import { MembershipService } from '../../src/capabilities/membership/domain/membership.service.js';
import type { PollService } from '../../src/capabilities/polls/domain/poll.service.js';
import { systemClock } from '../../src/kernel/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { LogMailer } from '../../src/infra/mail/log.mailer.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaRepositories } from '../../src/infra/database/directory.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Channel, ChannelPurpose, Repositories } from '../../src/kernel/ports/directory.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { installApi, type ApiInstall, type ApiOptions } from '../../src/capabilities/webhooks/index.js';
import type { CapabilityContext } from '../../src/capability.js';
import { installInsights } from '../../src/capabilities/insights/index.js';
import { installNews } from '../../src/capabilities/news/index.js';
import { installPolls } from '../../src/capabilities/polls/index.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { RecordingLogger } from '../support/logger.js';

/**
 * Boots the admin API the way the composition root does (installApi over a real context: a fresh
 * PostgreSQL database, the in-process queue, the shared HTTP server on 127.0.0.1:0, the real polls, news
 * and insights services) with two organisations, and records the membership events it fires. Every
 * api-*.test.ts file builds one.
 */
export interface ApiHarness {
  db: Database;
  repos: Repositories;
  install: ApiInstall;
  /** The polls capability's service the API uses. */
  polls: PollService;
  http: RunningHttpServer;
  baseUrl: string;
  logger: RecordingLogger;
  queue: InProcessJobQueue;
  orgA: Organization;
  orgB: Organization;
  /** Every `memberLapsed` the API caused (the platform access removal hook). */
  lapsed: { member: Member; identities: PlatformIdentity[] }[];
  /** Connects a Discord channel of the organisation (what `/kring channel connect` records). */
  connectChannel(org: Organization, purpose: ChannelPurpose, chapterId?: string): Promise<Channel>;
  /** A fresh token of the organisation with these scopes. */
  token(org: Organization, scopes: readonly ApiScope[]): Promise<{ id: string; secret: string }>;
  /** `fetch` on the API with an optional bearer token; JSON bodies are serialised. */
  call(method: string, path: string, options?: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the body is JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
}

export async function startApiHarness(options: ApiOptions & { redisUrl?: string } = {}): Promise<ApiHarness> {
  const db = await createPostgresTestDatabase();
  const repos = createPrismaRepositories(db.prisma);
  const logger = new RecordingLogger();
  const queue = new InProcessJobQueue(logger as Logger, 20);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}) });
  const orgA = await repos.organizations.ensure({ slug: 'fietsclub', name: 'De Fietsclub' });
  const orgB = await repos.organizations.ensure({ slug: 'zwemclub', name: 'De Zwemclub' });
  const lapsed: ApiHarness['lapsed'] = [];
  const memberEvents: MembershipEvents = {
    memberLapsed: async (member, identities) => void lapsed.push({ member, identities }),
  };
  const membership = new MembershipService({ repos, mailer: new LogMailer(), clock: systemClock, events: memberEvents });
  const ctx: CapabilityContext = {
    config,
    logger,
    clock: systemClock,
    database: db,
    repos,
    queue,
    platforms: { get: () => undefined, all: () => [] },
    membership,
    translator: new Translator(),
    defaultOrganizationId: orgA.id,
  };
  // The real capabilities, not started: their services store and enqueue, nothing is posted anywhere.
  const polls = installPolls(ctx);
  const news = installNews(ctx, { noWorkers: true });
  const insights = installInsights(ctx);
  const install = installApi({ ...ctx, memberEvents, polls: polls.service, news: news.service, insights: insights.insights }, options);
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, logger, routes: [], readiness: [], mount: (app) => install.mount?.(app) });
  await install.start?.();
  const baseUrl = `http://127.0.0.1:${http.port}`;

  return {
    db,
    repos,
    install,
    polls: polls.service,
    http,
    baseUrl,
    logger,
    queue,
    orgA,
    orgB,
    lapsed,
    async connectChannel(org, purpose, chapterId) {
      const workspace = await repos.workspaces.upsert({ organizationId: org.id, platform: 'discord', externalId: `G-${org.slug}`, name: org.name });
      return repos.channels.upsert({ workspaceId: workspace.id, externalId: `C-${purpose}-${chapterId ?? 'x'}`, name: purpose, purpose, chapterId: chapterId ?? null });
    },
    async token(org, scopes) {
      const { token, secret } = await install.tokens.create({ organizationId: org.id, name: `test token (${scopes.length} scopes)`, scopes });
      return { id: token.id, secret };
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
      let body = opts.body;
      if (opts.json !== undefined) {
        body = JSON.stringify(opts.json);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async close() {
      await http.close();
      await install.stop?.();
      await queue.close();
      await db.close();
    },
  };
}
