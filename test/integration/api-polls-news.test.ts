import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/** Contract tests of the poll, news and insights operations over the real services on PostgreSQL. */
describe('admin API: polls, news, insights', () => {
  let h: ApiHarness;
  let utrechtId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const [utrecht] = await h.repos.chapters.ensureMany(h.orgA.id, ['Utrecht']);
    utrechtId = utrecht!.id;
    await h.connectChannel(h.orgA, 'general');
    await h.connectChannel(h.orgA, 'news');
    await h.connectChannel(h.orgA, 'chapter', utrechtId);
  });
  afterAll(async () => h?.close());

  describe('polls', () => {
    const base = '/api/v1/orgs/fietsclub/polls';

    it('creates a poll in the general channels, lists it, reports results, exports CSV and closes it', async () => {
      const { secret } = await h.token(h.orgA, ['polls:write']);
      const created = await h.call('POST', base, { token: secret, json: { question: 'Borrel op vrijdag?', options: ['Ja', 'Nee'] } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ question: 'Borrel op vrijdag?', options: ['Ja', 'Nee'], status: 'open', audience: { kind: 'all' }, choiceMode: 'single' });
      const id = created.body.id as string;

      const list = await h.call('GET', `${base}?status=open`, { token: secret });
      expect(list.body.data.map((p: { id: string }) => p.id)).toContain(id);

      const results = await h.call('GET', `${base}/${id}`, { token: secret });
      expect(results.body).toMatchObject({ open: true, voters: 0, results: [{ position: 0, label: 'Ja', votes: 0, percent: 0 }, { position: 1, label: 'Nee', votes: 0 }] });

      const csv = await h.call('GET', `${base}/${id}/export.csv?lang=en`, { token: secret });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toContain('attachment');
      expect(csv.text.split('\r\n')[0]).toMatch(/,/);

      const closed = await h.call('POST', `${base}/${id}/close`, { token: secret });
      expect(closed.status).toBe(200);
      expect(closed.body.poll.status).toBe('closed');
      const again = await h.call('POST', `${base}/${id}/close`, { token: secret });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('POLL.ALREADY_CLOSED');
    });

    it('posts a chapter poll to that chapter\'s channels, or to the channels named', async () => {
      const { secret } = await h.token(h.orgA, ['polls:write']);
      const chapter = await h.call('POST', base, { token: secret, json: { question: 'Route?', options: ['A', 'B'], audience: { kind: 'chapters', chapterIds: [utrechtId] } } });
      expect(chapter.status).toBe(201);
      const named = await h.call('POST', base, {
        token: secret,
        json: { question: 'Q?', options: ['A', 'B'], channels: [{ platform: 'slack', workspaceId: 'T1', channelId: 'C1' }], deadline: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(named.status).toBe(201);
      expect(named.body.deadline).not.toBeNull();
    });

    it('lists every validation error, including the domain\'s own rules', async () => {
      const { secret } = await h.token(h.orgA, ['polls:write']);
      const bad = await h.call('POST', base, {
        token: secret,
        json: { question: '', options: ['only one'], choiceMode: 'many', anonymous: 'yes', deadline: 'tomorrow', audience: { kind: 'planets' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.anonymous', 'body.audience.kind', 'body.choiceMode', 'body.deadline', 'body.options', 'body.question']);
      const dup = await h.call('POST', base, { token: secret, json: { question: 'Q?', options: ['Ja', 'ja'], maxChoices: 2 } });
      expect(dup.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.maxChoices', 'body.options.1']);
      const chapter = await h.call('POST', base, { token: secret, json: { question: 'Q?', options: ['A', 'B'], audience: { kind: 'chapters', chapterIds: ['00000000-0000-4000-8000-000000000000'] } } });
      expect(chapter.body.errors).toEqual([{ path: 'body.audience.chapterIds.0', message: 'no such chapter' }]);
      const past = await h.call('POST', base, { token: secret, json: { question: 'Q?', options: ['A', 'B'], deadline: '2000-01-01T00:00:00Z' } });
      expect(past.status).toBe(422);
      expect(past.body.code).toBe('POLL.DEADLINE_PASSED');
    });

    it('answers 404 for a poll of another organisation', async () => {
      const other = await h.call('POST', '/api/v1/orgs/zwemclub/polls', {
        token: (await h.token(h.orgB, ['polls:write'])).secret,
        json: { question: 'Zwemmen?', options: ['Ja', 'Nee'], channels: [{ platform: 'discord', workspaceId: 'G', channelId: 'C' }] },
      });
      expect(other.status).toBe(201);
      const res = await h.call('GET', `${base}/${other.body.id}`, { token: (await h.token(h.orgA, ['polls:read'])).secret });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('POLL.NOT_FOUND');
    });
  });

  describe('news', () => {
    const base = '/api/v1/orgs/fietsclub/news';

    it('publishes news, reports its delivery, edits and retracts it', async () => {
      const { secret } = await h.token(h.orgA, ['news:write']);
      const created = await h.call('POST', base, {
        token: secret,
        json: { title: 'Ledenvergadering', body: 'Op **12 maart** om 20:00.', linkUrl: 'https://example.org/alv' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ targets: expect.any(Number), announcement: { title: 'Ledenvergadering', status: 'publishing', linkUrl: 'https://example.org/alv' } });
      const id = created.body.announcement.id as string;

      const report = await h.call('GET', `${base}/${id}`, { token: secret });
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({ announcement: { id }, totals: expect.objectContaining({ total: expect.any(Number) }) });

      const edited = await h.call('PATCH', `${base}/${id}`, { token: secret, json: { title: 'ALV' } });
      expect(edited.body.announcement).toMatchObject({ title: 'ALV', body: 'Op **12 maart** om 20:00.', linkUrl: 'https://example.org/alv', version: 2 });

      const list = await h.call('GET', `${base}?limit=5`, { token: secret });
      expect(list.body.data[0].id).toBe(id);

      const retracted = await h.call('POST', `${base}/${id}/retract`, { token: secret });
      expect(retracted.body.announcement.status).toBe('retracted');
      const again = await h.call('PATCH', `${base}/${id}`, { token: secret, json: { title: 'Te laat' } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('NEWS.RETRACTED');
    });

    it('schedules news for later', async () => {
      const { secret } = await h.token(h.orgA, ['news:write']);
      const at = new Date(Date.now() + 86_400_000).toISOString();
      const res = await h.call('POST', base, { token: secret, json: { title: 'Morgen', body: 'Tekst', publishAt: at } });
      expect(res.body.announcement).toMatchObject({ status: 'scheduled', publishAt: at });
    });

    it('lists every validation error and refuses an audience nobody would receive', async () => {
      const { secret } = await h.token(h.orgA, ['news:write']);
      const bad = await h.call('POST', base, { token: secret, json: { title: '', body: 'x'.repeat(5000), imageUrl: 'http://insecure.example/img.png', linkUrl: 'javascript:alert(1)', publishAt: 'soon' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.body', 'body.imageUrl', 'body.linkUrl', 'body.publishAt', 'body.title']);
      const nobody = await h.call('POST', '/api/v1/orgs/zwemclub/news', { token: (await h.token(h.orgB, ['news:write'])).secret, json: { title: 'T', body: 'B' } });
      expect(nobody.status).toBe(422);
      expect(nobody.body.code).toBe('NEWS.NO_TARGETS');
      const missing = await h.call('GET', `${base}/00000000-0000-4000-8000-000000000000`, { token: secret });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('NEWS.NOT_FOUND');
    });
  });

  describe('insights', () => {
    it('summarises a period with aggregates only', async () => {
      const { secret } = await h.token(h.orgA, ['insights:read']);
      const res = await h.call('GET', '/api/v1/orgs/fietsclub/insights?period=week', { token: secret });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ period: { key: 'week', days: 7 }, activeMembers: { current: 0, previous: 0 }, messages: { current: 0 }, chapterId: null, platform: null });
      const bad = await h.call('GET', '/api/v1/orgs/fietsclub/insights?period=decade&platform=irc&chapterId=x', { token: secret });
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.chapterId', 'query.period', 'query.platform']);
      const unknown = await h.call('GET', `/api/v1/orgs/fietsclub/insights?chapterId=00000000-0000-4000-8000-000000000000`, { token: secret });
      expect(unknown.body.errors).toEqual([{ path: 'query.chapterId', message: 'no such chapter' }]);
    });
  });
});
