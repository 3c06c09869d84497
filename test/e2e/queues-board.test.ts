import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * Bull Board at /queues (issue 18, "queues in view"): Kring as `npm start` boots it on BullMQ (Redis) and
 * PostgreSQL. Never open: 401 without an admin-API token (the browser is asked for it with HTTP Basic) or
 * with an unknown or revoked one, 403 with a token that lacks news:read; 200 with one, as Basic password or
 * bearer token, and its API lists the queues this process works, read-only. The in-process driver has no
 * board (404).
 */

let h: KringHarness;
let newsToken = '';
let pollsToken = '';
let revokedToken = '';

const basic = (password: string) => `Basic ${Buffer.from(`beheer:${password}`).toString('base64')}`;
const get = (path: string, authorization?: string) => fetch(`${h.baseUrl}${path}`, authorization ? { headers: { authorization } } : {});

beforeAll(async () => {
  h = await startKringHarness({ queue: 'bullmq', env: { KRING_WEB: 'false' } });
  const tokens = h.kring.parts['api-tokens'].tokens;
  newsToken = (await tokens.create({ organizationId: h.organization.id, name: 'queues', scopes: ['news:read'] })).secret;
  pollsToken = (await tokens.create({ organizationId: h.organization.id, name: 'polls only', scopes: ['polls:read'] })).secret;
  const revoked = await tokens.create({ organizationId: h.organization.id, name: 'revoked', scopes: ['news:write'] });
  revokedToken = revoked.secret;
  await tokens.revoke(revoked.token.id);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('Bull Board at /queues (BullMQ)', () => {
  it('asks for a token: 401 without one, with an unknown one or a revoked one', async () => {
    const none = await get('/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="Kring queues/);
    expect(await none.text()).not.toMatch(/<html/i);
    expect((await get('/queues/api/queues')).status).toBe(401);
    expect((await get('/queues', basic('kring_not-a-token'))).status).toBe(401);
    expect((await get('/queues', `Bearer ${revokedToken}`)).status).toBe(401);
  });

  it('refuses a token without news:read: 403', async () => {
    const res = await get('/queues/api/queues', basic(pollsToken));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'this token lacks news:read' });
  });

  it('shows the board to a token with news:read, as Basic password or bearer token, read-only', async () => {
    const page = await get('/queues', basic(newsToken));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The page's own script is served under /queues too, to the same credentials the browser keeps sending.
    const html = await page.text();
    const base = /<base href="([^"]+)"/.exec(html)?.[1] ?? '/queues/';
    const src = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const script = new URL(src!, new URL(base, h.baseUrl)).pathname;
    expect(script).toMatch(/^\/queues\//);
    expect((await get(script, basic(newsToken))).status).toBe(200);
    expect((await get(script)).status).toBe(401);
    const api = await get('/queues/api/queues', `Bearer ${newsToken}`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    const names = body.queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['fanout-slack', 'fanout-discord', 'fanout-teams']));
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });
});

describe('without BullMQ', () => {
  let embedded: KringHarness;
  beforeAll(async () => {
    embedded = await startKringHarness({ env: { KRING_WEB: 'false' } });
  }, 120_000);
  afterAll(async () => {
    await embedded?.stop();
  });

  it('has no board (404), whatever the token', async () => {
    const { secret } = await embedded.kring.parts['api-tokens'].tokens.create({ organizationId: embedded.organization.id, name: 'queues', scopes: ['news:read'] });
    const res = await fetch(`${embedded.baseUrl}/queues`, { headers: { authorization: basic(secret) } });
    expect(res.status).toBe(404);
  });
});
