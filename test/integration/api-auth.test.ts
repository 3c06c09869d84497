import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasScope, type ApiScope } from '../../src/kernel/api-access.js';
import { apiScopesOf } from '../../src/capability.js';
import { capabilities } from '../../src/capabilities.js';

import type { ApiRoute } from '../../src/http/api/route.js';
import { API_CAPABILITIES, startApiHarness, type ApiHarness } from './api-harness.js';

/** Every scope the capabilities the harness builds declare (tokens may hold no other). */
const API_SCOPES = apiScopesOf(capabilities.filter((c) => API_CAPABILITIES.includes(c.name)));

const REDIS_URL = process.env['KRING_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * A valid request for every operation (path parameters and body). A new operation without a sample
 * fails the "covers every operation" test, so auth is checked for every route the router has.
 */
function sampleFor(route: ApiRoute, ids: Ids): { path: string; json?: unknown } {
  const samples: Record<string, { json?: unknown }> = {
    listMembers: {},
    syncMembers: { json: { members: [{ memberNumber: 'A-1', name: 'Anne' }] } },
    getMember: {},
    upsertMember: { json: { name: 'Anne' } },
    lapseMember: {},
    listChapters: {},
    createChapter: { json: { name: `Chapter ${randomUUID()}` } },
    renameChapter: { json: { name: `Renamed ${randomUUID()}` } },
    listWebhooks: {},
    addWebhook: { json: { url: 'http://127.0.0.1:9/hook', events: ['member.linked'] } },
    removeWebhook: {},
    createPoll: { json: { question: 'Borrel?', options: ['Ja', 'Nee'] } },
    listPolls: {},
    getPollResults: {},
    closePoll: {},
    exportPollCsv: {},
    createAnnouncement: { json: { title: 'Nieuws', body: 'Tekst' } },
    listAnnouncements: {},
    getAnnouncementStatus: {},
    editAnnouncement: { json: { title: 'Nieuws!' } },
    retractAnnouncement: {},
    getInsightsSummary: {},
    sendInsightsDigest: {},
    getInsightsSettings: {},
    updateInsightsSettings: { json: { retentionMonths: 24 } },
  };
  const sample = samples[route.operationId];
  if (!sample) throw new Error(`no auth sample for operation ${route.operationId}: add one to api-auth.test.ts`);
  const path = route.path
    .replace('{org}', 'fietsclub')
    .replace('{memberNumber}', 'A-1')
    .replace('{chapterId}', ids.chapterId)
    .replace('{webhookId}', ids.webhookId)
    .replace('{pollId}', ids.pollId)
    .replace('{announcementId}', ids.announcementId);
  return { path: `/api/v1${path}`, ...sample };
}

interface Ids {
  chapterId: string;
  webhookId: string;
  pollId: string;
  announcementId: string;
}

/** A scope that does not grant `required` (nor, through write-implies-read, anything of its resource). */
function otherScope(required: ApiScope): ApiScope {
  const resource = required.split(':')[0];
  return API_SCOPES.find((s) => !s.startsWith(`${resource}:`) && !hasScope([s], required))!;
}

describe('admin API: authentication, scopes, organisations, rate limit', () => {
  let h: ApiHarness;
  let routes: readonly ApiRoute[];
  let ids: Ids;

  beforeAll(async () => {
    h = await startApiHarness({ rateLimit: { points: 5, durationSec: 60 } });
    routes = h.install.api.routes;
    const [chapter] = await h.repos.chapters.ensureMany(h.orgA.id, ['Utrecht']);
    const { endpoint } = await h.install.webhooks.add({ organizationId: h.orgA.id, url: 'http://127.0.0.1:9/hook', events: ['poll.closed'] });
    await h.connectChannel(h.orgA, 'general');
    await h.connectChannel(h.orgA, 'news');
    const poll = await h.call('POST', '/api/v1/orgs/fietsclub/polls', { token: (await h.token(h.orgA, ['polls:write'])).secret, json: { question: 'Q?', options: ['A', 'B'] } });
    const news = await h.call('POST', '/api/v1/orgs/fietsclub/news', { token: (await h.token(h.orgA, ['news:write'])).secret, json: { title: 'T', body: 'B' } });
    ids = { chapterId: chapter!.id, webhookId: endpoint.id, pollId: poll.body.id, announcementId: news.body.announcement.id };
    await h.repos.members.upsertMany(h.orgA.id, [{ memberNumber: 'A-1', name: 'Anne', email: null, status: 'active', roles: ['member'], chapterId: null }]);
  });
  afterAll(async () => h?.close());

  it('has an auth sample for every operation', () => {
    for (const route of routes) expect(() => sampleFor(route, ids)).not.toThrow();
  });

  it('answers 401 with WWW-Authenticate to every operation without a token or with a bad one', async () => {
    for (const route of routes) {
      const { path, json } = sampleFor(route, ids);
      const none = await h.call(route.method.toUpperCase(), path, { json });
      expect(none.status, `${route.operationId} without token`).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      expect(none.body.code).toBe('API.UNAUTHENTICATED');
      const bad = await h.call(route.method.toUpperCase(), path, { json, token: `kring_${'x'.repeat(43)}` });
      expect(bad.status, `${route.operationId} with unknown token`).toBe(401);
      const basic = await h.call(route.method.toUpperCase(), path, { json, headers: { Authorization: 'Basic dXNlcjpwdw==' } });
      expect(basic.status).toBe(401);
    }
  });

  it('answers 401 once a token is revoked', async () => {
    const { id, secret } = await h.token(h.orgA, ['members:read']);
    expect((await h.call('GET', '/api/v1/orgs/fietsclub/members', { token: secret })).status).toBe(200);
    await h.install.tokens.revoke(id);
    const res = await h.call('GET', '/api/v1/orgs/fietsclub/members', { token: secret });
    expect(res.status).toBe(401);
    expect(res.body.detail).not.toContain(secret);
  });

  it('answers 403 to a token without the operation\'s scope', async () => {
    for (const route of routes) {
      const { secret } = await h.token(h.orgA, [otherScope(route.scope)]);
      const { path, json } = sampleFor(route, ids);
      const res = await h.call(route.method.toUpperCase(), path, { json, token: secret });
      expect(res.status, route.operationId).toBe(403);
      expect(res.body).toMatchObject({ code: 'API.SCOPE_MISSING', status: 403 });
    }
  });

  it('answers 404 to a token of another organisation, as for an organisation that does not exist', async () => {
    let secret = '';
    for (const route of routes) {
      // A fresh token per route: the rate limit here is 5 requests per token.
      secret = (await h.token(h.orgB, [...API_SCOPES])).secret;
      const { path, json } = sampleFor(route, ids);
      const other = await h.call(route.method.toUpperCase(), path, { json, token: secret });
      expect(other.status, route.operationId).toBe(404);
      expect(other.body.code).toBe('API.ORGANIZATION_NOT_FOUND');
      const missing = await h.call(route.method.toUpperCase(), path.replace('fietsclub', 'no-such-club'), { json, token: secret });
      expect(missing.body).toEqual(other.body);
    }
    // And the other organisation's data stays invisible from its own token.
    const own = await h.call('GET', '/api/v1/orgs/zwemclub/members', { token: secret });
    expect(own.body.data).toEqual([]);
  });

  it('accepts every operation with the right scope (happy path smoke)', async () => {
    // Deletions last, so the other operations still find what they need.
    for (const route of [...routes].sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'))) {
      const own = (await h.token(h.orgA, [route.scope])).secret;
      const { path, json } = sampleFor(route, ids);
      const res = await h.call(route.method.toUpperCase(), path, { json, token: own });
      expect(res.status, `${route.operationId}: ${res.text}`).toBeLessThan(300);
    }
  });

  it('limits each token separately with 429 and Retry-After', async () => {
    const a = (await h.token(h.orgA, ['chapters:read'])).secret;
    const b = (await h.token(h.orgA, ['chapters:read'])).secret;
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await h.call('GET', '/api/v1/orgs/fietsclub/chapters', { token: a });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(last!.body).toMatchObject({ code: 'API.RATE_LIMITED', status: 429 });
    expect((await h.call('GET', '/api/v1/orgs/fietsclub/chapters', { token: b })).status).toBe(200);
  });

  it('logs every request with token id, organisation, method, route and status, never the token', async () => {
    const { id, secret } = await h.token(h.orgA, ['members:read']);
    await h.call('GET', '/api/v1/orgs/fietsclub/members/A-1', { token: secret });
    await h.call('GET', '/api/v1/orgs/fietsclub/members/A-1', { token: `${secret}x` });
    const lines = h.logger.lines.filter((l) => l.msg === 'api request');
    expect(lines.map((l) => l.obj)).toContainEqual(
      expect.objectContaining({ tokenId: id, organizationId: h.orgA.id, method: 'GET', route: '/orgs/{org}/members/{memberNumber}', status: 200 }),
    );
    expect(lines.map((l) => l.obj)).toContainEqual(expect.objectContaining({ tokenId: null, status: 401 }));
    expect(h.logger.text()).not.toContain(secret);
  });
});

describe('admin API: rate limit on Redis', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ rateLimit: { points: 3, durationSec: 30 }, redisUrl: REDIS_URL });
  });
  afterAll(async () => h?.close());

  it('shares the per-token budget through Redis and answers 429 with Retry-After', async () => {
    const { id, secret } = await h.token(h.orgA, ['chapters:read']);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await h.call('GET', '/api/v1/orgs/fietsclub/chapters', { token: secret });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-limit')).toBe('3');
    const redis = new Redis(REDIS_URL);
    try {
      // Under the deployment's REDIS_PREFIX (default `kring`) with every other key Kring writes.
      expect(Number(await redis.get(`kring:api-rl:${id}`))).toBe(4);
      expect(await redis.exists(`kring-api-rl:${id}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
