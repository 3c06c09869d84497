import type { ApiScope } from '../../src/kernel/api-access.js';
import type { Member, Organization, PlatformIdentity } from '../../src/kernel/community.js';
import type { PollService } from '../../src/capabilities/polls/domain/poll.service.js';
import type { ApiTokenService } from '../../src/capabilities/api-tokens/domain/api-token.service.js';
import type { WebhookService } from '../../src/capabilities/webhooks/domain/webhook.service.js';
import type { WebhooksOptions } from '../../src/capabilities/webhooks/index.js';
import type { EventBus } from '../../src/kernel/events.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { openApiRateLimiter } from '../../src/http/api/rate-limit.js';
import { createApiRouter, mountApi, type ApiRouter } from '../../src/http/api/router.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { Channel, ChannelPurpose, Directory } from '../../src/kernel/ports/directory.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { buildTestCapabilities, testContext, type CapabilityName } from '../support/capabilities.js';
import type { BuiltCapabilities } from '../../src/capability.js';
import type { Capabilities } from '../../src/capabilities.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { RecordingLogger } from '../support/logger.js';
import { OpenApiContract, type MatchedResponse } from '../support/openapi-contract.js';

/** What a test may tune: the limiter's budget, the webhooks' retry delays, a Redis for the limiter. */
export interface ApiHarnessOptions {
  rateLimit?: { points: number; durationSec: number };
  webhookRetryDelaysMs?: WebhooksOptions['retryDelaysMs'];
  redisUrl?: string;
  /** The capabilities to build (default: those whose operations the api-*.test.ts files are about). */
  capabilities?: readonly CapabilityName[];
}

/** The capabilities an API harness builds unless told otherwise. */
export const API_CAPABILITIES: readonly CapabilityName[] = ['membership', 'channels', 'polls', 'news', 'insights', 'webhooks', 'api-tokens'];

/**
 * Boots the admin API the way the composition root does (every capability of the one list over a real
 * context: a fresh PostgreSQL database, the in-process queue, the shared HTTP server on 127.0.0.1:0; the
 * API router over what they contribute) with two organisations, and records the `member.lapsed` events
 * on the bus. Capabilities are not started (news works no queue): their services store and enqueue,
 * nothing is posted anywhere. Every api-*.test.ts file builds one.
 */
export interface ApiHarness {
  db: Database;
  repos: Directory;
  /** The router (its operations and document) and the services behind the API. */
  install: { api: ApiRouter; tokens: ApiTokenService; webhooks: WebhookService };
  /** The bus the capabilities publish on (tests publish events the way the other capabilities do). */
  bus: EventBus;
  /** The polls capability's service the API uses. */
  polls: PollService;
  /** Every capability built, by name (tests that drive a service the way chat does, e.g. submitting an idea). */
  parts: Partial<BuiltCapabilities<Capabilities>['parts']>;
  http: RunningHttpServer;
  baseUrl: string;
  logger: RecordingLogger;
  queue: InProcessJobQueue;
  orgA: Organization;
  orgB: Organization;
  /** Every `member.lapsed` the API caused (the platform access removal hook listens to it). */
  lapsed: { member: Member; identities: PlatformIdentity[] }[];
  /** Connects a Discord channel of the organisation (what `/kring channel connect` records). */
  connectChannel(org: Organization, purpose: ChannelPurpose, chapterId?: string): Promise<Channel>;
  /** A fresh token of the organisation with these scopes. */
  token(org: Organization, scopes: readonly ApiScope[]): Promise<{ id: string; secret: string }>;
  /**
   * `fetch` on the API with an optional bearer token; JSON bodies are serialised. Every answer of an
   * operation is checked against the OpenAPI document (documented status, content type, body schema):
   * a response that breaks the contract throws, whichever test made the call.
   */
  call(method: string, path: string, options?: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** The operations and statuses the calls so far reached (what the contract test checks coverage with). */
  answered: MatchedResponse[];
  /** The checker over the served document. */
  contract: OpenApiContract;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the body is JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
}

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const db = await createPostgresTestDatabase();
  const repos = createPrismaDirectory(db.prisma);
  const logger = new RecordingLogger();
  const queue = new InProcessJobQueue(logger as Logger, 20);
  const orgA = await repos.organizations.ensure({ slug: 'fietsclub', name: 'De Fietsclub' });
  const orgB = await repos.organizations.ensure({ slug: 'zwemclub', name: 'De Zwemclub' });
  const ctx = testContext({ directory: repos, database: db, queue, platforms: { get: () => undefined, all: () => [] }, logger });
  const lapsed: ApiHarness['lapsed'] = [];
  ctx.bus.on('member.lapsed', ({ member, identities }) => void lapsed.push({ member, identities }), 'test');
  const { built } = buildTestCapabilities(options.capabilities ?? API_CAPABILITIES, ctx, {
    defaultOrganizationSlug: orgA.slug,
    capabilityOptions: { news: { noWorkers: true }, ...(options.webhookRetryDelaysMs ? { webhooks: { retryDelaysMs: options.webhookRetryDelaysMs } } : {}) },
  });
  const rateLimit = await openApiRateLimiter({ redisUrl: options.redisUrl, points: options.rateLimit?.points ?? 600, durationSec: options.rateLimit?.durationSec ?? 60, logger });
  const api = createApiRouter({
    contributions: built.all.flatMap((c) => (c.api ? [c.api] : [])),
    tokens: built.parts['api-tokens'].apiTokens,
    organizations: repos.organizations,
    rateLimiter: rateLimit.limiter,
    logger,
  });
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, logger, routes: [], readiness: [], mount: (app) => mountApi(app, api) });
  await rateLimit.ready();
  // Only the webhooks' worker (deliveries); news' workers stay off as in a web-only process.
  await built.parts.webhooks.start?.();
  const install = { api, tokens: built.parts['api-tokens'].tokens, webhooks: built.parts.webhooks.webhooks };
  const baseUrl = `http://127.0.0.1:${http.port}`;
  const contract = new OpenApiContract(api.document as never);
  const answered: MatchedResponse[] = [];

  return {
    db,
    repos,
    install,
    bus: ctx.bus,
    polls: built.parts.polls.service,
    parts: built.parts,
    http,
    baseUrl,
    logger,
    queue,
    orgA,
    orgB,
    lapsed,
    answered,
    contract,
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
      const { problems, matched } = contract.check({ method, path, status: res.status, contentType: res.headers.get('content-type'), text });
      if (problems.length > 0) throw new Error(`the response breaks the OpenAPI document: ${problems.join('\n')}`);
      if (matched) answered.push(matched);
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
      rateLimit.close();
      await queue.close();
      await db.close();
    },
  };
}
