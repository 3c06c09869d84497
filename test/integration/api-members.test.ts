import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/**
 * Contract tests of the member operations on PostgreSQL: happy paths, every validation error, and the
 * lapse hook. Auth, scopes, other organisations and rate limits of every route: api-auth.test.ts.
 */
describe('admin API: members', () => {
  let h: ApiHarness;
  let write: string;
  let read: string;
  const base = '/api/v1/orgs/fietsclub/members';

  beforeAll(async () => {
    h = await startApiHarness();
    write = (await h.token(h.orgA, ['members:write'])).secret;
    read = (await h.token(h.orgA, ['members:read'])).secret;
  });
  afterAll(async () => h?.close());

  describe('PUT /orgs/{org}/members/{memberNumber}', () => {
    it('creates a member (201), then updates it (200), creating its chapter on first sight', async () => {
      const created = await h.call('PUT', `${base}/L-1`, {
        token: write,
        json: { name: 'Anne de Vries', email: 'Anne@Example.org', roles: ['board'], chapter: 'Utrecht', locale: 'en' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        memberNumber: 'L-1', name: 'Anne de Vries', email: 'anne@example.org', status: 'active',
        roles: ['member', 'board'], chapter: { name: 'Utrecht' }, locale: 'en',
      });
      const updated = await h.call('PUT', `${base}/L-1`, { token: write, json: { name: 'Anne Jansen', chapter: 'Utrecht' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Anne Jansen', email: null, roles: ['member'], locale: 'en', chapter: created.body.chapter });
    });

    it('removes platform access when it sets an active member to lapsed or left', async () => {
      await h.call('PUT', `${base}/L-2`, { token: write, json: { name: 'Bram' } });
      const before = h.lapsed.length;
      const res = await h.call('PUT', `${base}/L-2`, { token: write, json: { name: 'Bram', status: 'left' } });
      expect(res.body.status).toBe('left');
      expect(h.lapsed.slice(before).map((e) => e.member.memberNumber)).toEqual(['L-2']);
    });

    it('lists every invalid field of the body and the path at once', async () => {
      const res = await h.call('PUT', `${base}/${'x'.repeat(65)}`, {
        token: write,
        json: { name: '', email: 'not-an-email', status: 'gone', roles: ['king'], chapter: 5, locale: 'de', extra: true },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION.FAILED', type: 'urn:kring:problem:validation.failed', title: 'Bad Request' });
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(['body', 'body.chapter', 'body.email', 'body.locale', 'body.name', 'body.roles.0', 'body.status', 'path.memberNumber']);
    });

    it('requires a name and refuses control characters', async () => {
      const missing = await h.call('PUT', `${base}/L-3`, { token: write, json: {} });
      expect(missing.body.errors).toEqual([{ path: 'body.name', message: expect.any(String) }]);
      const newline = await h.call('PUT', `${base}/L-3`, { token: write, json: { name: 'Line\nbreak' } });
      expect(newline.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.name']);
    });

    it('answers malformed JSON with 400, a missing body with 400 and another media type with 415', async () => {
      const malformed = await h.call('PUT', `${base}/L-3`, { token: write, body: '{"name": "Jan"', headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('API.MALFORMED_JSON');
      const empty = await h.call('PUT', `${base}/L-3`, { token: write });
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([{ path: 'body', message: expect.any(String) }]);
      const text = await h.call('PUT', `${base}/L-3`, { token: write, body: 'name=Jan', headers: { 'Content-Type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body.code).toBe('API.UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('PUT /orgs/{org}/members (full sync)', () => {
    it('creates and updates the listed members and lapses the active ones not listed', async () => {
      const members = [
        { memberNumber: 'S-1', name: 'One' },
        { memberNumber: 'S-2', name: 'Two', email: 'two@example.org' },
        { memberNumber: 'S-3', name: 'Three' },
      ];
      const first = await h.call('PUT', base, { token: write, json: { members } });
      expect(first.status).toBe(200);
      // Members created by earlier tests (L-1) are not in the list: they lapse too.
      expect(first.body).toMatchObject({ dryRun: false, received: 3, created: 3, updated: 0, unchanged: 0 });
      const before = h.lapsed.length;
      const second = await h.call('PUT', base, { token: write, json: { members: [members[0], { ...members[1], name: 'Twee' }] } });
      expect(second.body).toEqual({ dryRun: false, received: 2, created: 0, updated: 1, unchanged: 1, lapsed: 1 });
      expect(h.lapsed.slice(before).map((e) => e.member.memberNumber)).toEqual(['S-3']);
      expect((await h.call('GET', `${base}/S-3`, { token: read })).body.status).toBe('lapsed');
    });

    it('reports without writing in a dry run', async () => {
      const res = await h.call('PUT', `${base}?dryRun=true`, { token: write, json: { members: [{ memberNumber: 'S-1', name: 'One' }] } });
      expect(res.body).toMatchObject({ dryRun: true, lapsed: 1 });
      expect((await h.call('GET', `${base}/S-2`, { token: read })).body.status).toBe('active');
    });

    it('refuses an empty list, duplicate numbers and bad items, naming each', async () => {
      const empty = await h.call('PUT', base, { token: write, json: { members: [] } });
      expect(empty.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.members']);
      const bad = await h.call('PUT', `${base}?dryRun=maybe`, {
        token: write,
        json: { members: [{ memberNumber: 'D', name: 'A' }, { memberNumber: 'D', name: 'B' }, { name: 'no number' }, 'garbage'] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.members.2.memberNumber', 'body.members.3', 'query.dryRun']);
      const dup = await h.call('PUT', base, { token: write, json: { members: [{ memberNumber: 'D', name: 'A' }, { memberNumber: 'D', name: 'B' }] } });
      expect(dup.body.errors).toEqual([{ path: 'body.members.1.memberNumber', message: 'member number D is also at index 0' }]);
    });
  });

  describe('GET /orgs/{org}/members and /{memberNumber}', () => {
    it('pages by member number with a next cursor and filters by status', async () => {
      const seen: string[] = [];
      let url = `${base}?limit=2`;
      for (let i = 0; i < 10; i++) {
        const page = await h.call('GET', url, { token: read });
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((m: { memberNumber: string }) => m.memberNumber));
        if (page.body.next === null) break;
        expect(page.body.data).toHaveLength(2);
        url = `${base}?limit=2&after=${encodeURIComponent(page.body.next)}`;
      }
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(expect.arrayContaining(['L-1', 'L-2', 'S-1', 'S-2', 'S-3']));
      const lapsed = await h.call('GET', `${base}?status=lapsed&limit=500`, { token: read });
      expect(lapsed.body.data.every((m: { status: string }) => m.status === 'lapsed')).toBe(true);
      expect(lapsed.body.next).toBeNull();
    });

    it('validates paging parameters', async () => {
      for (const query of ['limit=0', 'limit=501', 'limit=abc', 'limit=1&limit=2', 'after=not-a-cursor', 'status=gone']) {
        const res = await h.call('GET', `${base}?${query}`, { token: read });
        expect(res.status, query).toBe(400);
        expect(res.body.errors[0].path, query).toMatch(/^query\./);
      }
    });

    it('returns one member, or 404 with a stable code', async () => {
      const one = await h.call('GET', `${base}/S-1`, { token: read });
      expect(one.body).toMatchObject({ memberNumber: 'S-1', name: 'One', chapter: null });
      const none = await h.call('GET', `${base}/nobody`, { token: read });
      expect(none.status).toBe(404);
      expect(none.body.code).toBe('API.MEMBER_NOT_FOUND');
    });

    it('lets a members:write token read too', async () => {
      expect((await h.call('GET', `${base}/S-1`, { token: write })).status).toBe(200);
    });
  });

  describe('POST /orgs/{org}/members/{memberNumber}/lapse', () => {
    it('lapses an active member once, firing the access removal', async () => {
      const before = h.lapsed.length;
      const res = await h.call('POST', `${base}/S-1/lapse`, { token: write });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('lapsed');
      const again = await h.call('POST', `${base}/S-1/lapse`, { token: write });
      expect(again.body.status).toBe('lapsed');
      expect(h.lapsed.slice(before).map((e) => e.member.memberNumber)).toEqual(['S-1']);
    });

    it('answers 404 for an unknown member', async () => {
      const res = await h.call('POST', `${base}/nobody/lapse`, { token: write });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('API.MEMBER_NOT_FOUND');
    });
  });
});
