import { request } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiScopesOf } from '../../src/capability.js';
import { capabilities } from '../../src/capabilities.js';
import type { ApiScope } from '../../src/kernel/api-access.js';
import type { MatchedResponse } from '../support/openapi-contract.js';
import { startApiHarness, type ApiHarness, type ApiResponse } from './api-harness.js';
import { prismaRepositories } from '../support/database.js';

/**
 * The admin API against its own OpenAPI document (issue 21, item 18): every response an operation gives
 * here, and in every api-*.test.ts (the harness checks each call), must have a documented status, a
 * documented content type and a body that matches the documented schema. This file exercises every
 * documented response of every operation: each success status and operation error (409, 422) through a
 * scenario of its own, and the errors every operation has (400, 401, 403, 404, 413, 415, 429) generically.
 * A new operation without a scenario for its success statuses fails the coverage check below.
 */

const API = '/api/v1';
/** Every scope of every capability: the contract covers the whole list, as src/main.ts builds it. */
const ALL_SCOPES = apiScopesOf(capabilities);
const EVERY_CAPABILITY = capabilities.map((c) => c.name);
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe('admin API contract: every operation, every documented response', () => {
  let h: ApiHarness;
  /** A second API whose tokens may make one request per minute: the 429s. */
  let limited: ApiHarness;
  let all: string;
  const org = (path: string, slug = 'fietsclub') => `${API}/orgs/${slug}${path}`;

  beforeAll(async () => {
    [h, limited] = await Promise.all([
      startApiHarness({ capabilities: EVERY_CAPABILITY }),
      startApiHarness({ capabilities: EVERY_CAPABILITY, rateLimit: { points: 1, durationSec: 60 } }),
    ]);
    all = (await h.token(h.orgA, ALL_SCOPES)).secret;
  });
  afterAll(async () => {
    await Promise.all([h?.close(), limited?.close()]);
  });

  /**
   * A request the harness's `fetch` cannot make (a body on GET, a body of 1 MB+ with a lying type),
   * checked against the document and recorded like every other call.
   */
  function raw(target: ApiHarness, method: string, path: string, options: { token?: string; body: string; contentType: string }): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${target.baseUrl}${path}`);
      const req = request(
        { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers: {
          'Content-Type': options.contentType, 'Content-Length': Buffer.byteLength(options.body), ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const contentType = res.headers['content-type'] ?? null;
            const { problems, matched } = target.contract.check({ method, path, status: res.statusCode ?? 0, contentType, text });
            if (problems.length > 0) reject(new Error(problems.join('\n')));
            if (matched) target.answered.push(matched);
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), text, body });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  /** The documented operations of the served document, with the route's scope and whether it takes a body. */
  const operations = () => {
    const byId = new Map(h.install.api.routes.map((r) => [r.operationId, r]));
    return h.contract.operations().map((op) => ({ ...op, route: byId.get(op.operationId) }));
  };
  /** The template with every parameter filled: the organisation's slug, and an id that exists nowhere. */
  const concrete = (template: string, slug = 'fietsclub') => `${API}${template.replace('{org}', slug).replace(/\{[^}]+\}/g, NO_SUCH_ID)}`;
  /** A scope of another capability: never grants `scope`. */
  const unrelated = (scope: ApiScope): ApiScope => ALL_SCOPES.find((s) => s.split(':')[0] !== scope.split(':')[0])!;

  it('serves a valid OpenAPI 3.1 document', async () => {
    const res = await h.call('GET', `${API}/openapi.json`);
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect((await h.call('GET', `${API}/docs`)).status).toBe(200);
  });

  it('answers each success status and operation error as documented (a scenario per operation)', async () => {
    const auth = { token: all };
    await h.connectChannel(h.orgA, 'general');
    await h.connectChannel(h.orgA, 'managers');
    await h.connectChannel(h.orgA, 'news');

    // Chapters.
    const chapter = await h.call('POST', org('/chapters'), { ...auth, json: { name: 'Utrecht' } });
    expect(chapter.status).toBe(201);
    expect((await h.call('POST', org('/chapters'), { ...auth, json: { name: 'Utrecht' } })).status).toBe(409);
    expect((await h.call('GET', org('/chapters'), auth)).status).toBe(200);
    expect((await h.call('PATCH', org(`/chapters/${chapter.body.id}`), { ...auth, json: { name: 'Utrecht-Noord' } })).status).toBe(200);
    const amersfoort = await h.call('POST', org('/chapters'), { ...auth, json: { name: 'Amersfoort' } });
    expect((await h.call('PATCH', org(`/chapters/${amersfoort.body.id}`), { ...auth, json: { name: 'Utrecht-Noord' } })).status).toBe(409);

    // Members.
    const member = { name: 'Anne de Vries', email: 'anne@example.org', roles: ['board'], chapter: 'Utrecht-Noord', locale: 'nl' };
    expect((await h.call('PUT', org('/members/C-1'), { ...auth, json: member })).status).toBe(201);
    expect((await h.call('PUT', org('/members/C-1'), { ...auth, json: { ...member, name: 'Anne Jansen' } })).status).toBe(200);
    expect((await h.call('GET', org('/members/C-1'), auth)).status).toBe(200);
    expect((await h.call('GET', org('/members?limit=1'), auth)).status).toBe(200);
    expect((await h.call('POST', org('/members/C-1/lapse'), auth)).status).toBe(200);
    const sync = await h.call('PUT', org('/members?dryRun=true'), { ...auth, json: { members: [{ memberNumber: 'C-1', ...member }, { memberNumber: 'C-2', name: 'Bram' }] } });
    expect(sync.status).toBe(200);

    // Polls.
    const poll = await h.call('POST', org('/polls'), { ...auth, json: { question: 'Borrel op vrijdag?', options: ['Ja', 'Nee'] } });
    expect(poll.status).toBe(201);
    expect((await h.call('POST', org('/polls'), { ...auth, json: { question: 'Te laat?', options: ['Ja', 'Nee'], deadline: '2000-01-01T00:00:00Z' } })).status).toBe(422);
    expect((await h.call('GET', org('/polls'), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/polls/${poll.body.id}`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/polls/${poll.body.id}/export.csv`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/polls/${poll.body.id}/close`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/polls/${poll.body.id}/close`), auth)).status).toBe(409);

    // Statements.
    const statement = await h.call('POST', org('/statements'), { ...auth, json: { text: 'We zouden elke maand moeten afspreken.' } });
    expect(statement.status).toBe(201);
    expect((await h.call('GET', org('/statements'), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/statements/${statement.body.id}`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/statements/${statement.body.id}/close`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/statements/${statement.body.id}/close`), auth)).status).toBe(409);

    // The idea box (an idea as a member's `/kring idea` stores it).
    const idea = await h.db.prisma.idea.create({ data: { organizationId: h.orgA.id, text: 'Een fietsenstalling bij het clubhuis' } });
    expect((await h.call('GET', org('/ideas'), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/ideas/${idea.id}`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/ideas/${idea.id}/status`), { ...auth, json: { status: 'planned' } })).status).toBe(200);
    expect((await h.call('POST', org(`/ideas/${idea.id}/status`), { ...auth, json: { status: 'declined' } })).status).toBe(422);

    // Surveys (a member with a linked account, so there is someone to ask).
    const direct = prismaRepositories(h.db.prisma);
    await direct.members.upsertMany(h.orgA.id, [{ memberNumber: 'S-1', name: 'Sanne Bakker', email: null, status: 'active', roles: ['member'], chapterId: null }]);
    const sanne = (await direct.members.findByNumber(h.orgA.id, 'S-1'))!;
    const link = await direct.linkRequests.create({ organizationId: h.orgA.id, memberId: sanne.id, platform: 'discord', workspaceId: 'G-fietsclub', platformUserId: 'D-sanne', codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await direct.linkRequests.confirm(link.id, new Date(), null);
    const questions = [{ kind: 'single', prompt: 'Welke avond past jou?', options: ['Maandag', 'Donderdag'] }, { kind: 'nps', prompt: 'Zou je ons aanraden?' }];
    expect((await h.call('POST', org('/surveys'), { ...auth, json: { title: 'Ledenpeiling', audience: { role: 'counsellor' }, questions, send: true } })).status).toBe(409);
    const survey = await h.call('POST', org('/surveys'), { ...auth, json: { title: 'Ledenpeiling', questions, send: true } });
    expect(survey.status).toBe(201);
    expect((await h.call('GET', org('/surveys'), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/surveys/${survey.body.id}`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/surveys/${survey.body.id}/export.csv`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/surveys/${survey.body.id}/export.xlsx`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/surveys/${survey.body.id}/close`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/surveys/${survey.body.id}/close`), auth)).status).toBe(409);

    // The sounding-board panel: none before the first draw; a draw larger than the members who signed up is refused.
    await h.db.prisma.panelCandidate.create({ data: { memberId: sanne.id, organizationId: h.orgA.id, optedIn: true, optedInAt: new Date() } });
    expect((await h.call('GET', org('/panel'), auth)).status).toBe(404);
    expect((await h.call('POST', org('/panel/draw'), { ...auth, json: { size: 2 } })).status).toBe(409);
    expect((await h.call('POST', org('/panel/draw'), { ...auth, json: { size: 1 } })).status).toBe(201);
    expect((await h.call('GET', org('/panel'), auth)).status).toBe(200);
    expect((await h.call('GET', org('/panel/members'), auth)).status).toBe(200);

    // Connect: the list of interests, the profiles members agreed to share, introduction rounds.
    const interest = await h.call('POST', org('/interests'), { ...auth, json: { name: 'Fietsen' } });
    expect(interest.status).toBe(201);
    expect((await h.call('POST', org('/interests'), { ...auth, json: { name: 'fietsen' } })).status).toBe(409);
    expect((await h.call('POST', org('/interests'), { ...auth, json: { name: 'Fietsen, wandelen' } })).status).toBe(422);
    expect((await h.call('GET', org('/interests'), auth)).status).toBe(200);
    expect((await h.call('GET', org('/profiles'), auth)).status).toBe(200);
    expect((await h.call('GET', org('/intros'), auth)).status).toBe(200);
    expect((await h.call('DELETE', org(`/interests/${interest.body.id}`), auth)).status).toBe(204);

    // News.
    const news = await h.call('POST', org('/news'), { ...auth, json: { title: 'ALV', body: 'Op 12 maart.' } });
    expect(news.status).toBe(201);
    const id = news.body.announcement.id as string;
    expect((await h.call('GET', org('/news'), auth)).status).toBe(200);
    expect((await h.call('GET', org(`/news/${id}`), auth)).status).toBe(200);
    expect((await h.call('PATCH', org(`/news/${id}`), { ...auth, json: { title: 'ALV 2026' } })).status).toBe(200);
    expect((await h.call('POST', org(`/news/${id}/retract`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`/news/${id}/retract`), auth)).status).toBe(409);
    expect((await h.call('PATCH', org(`/news/${id}`), { ...auth, json: { title: 'Te laat' } })).status).toBe(409);
    // The other organisation has no channel at all: nothing would receive it.
    const other = (await h.token(h.orgB, ALL_SCOPES)).secret;
    expect((await h.call('POST', org('/news', 'zwemclub'), { token: other, json: { title: 'T', body: 'B' } })).status).toBe(422);

    // Meet-ups.
    const meetup = { title: 'Afdelingsavond', startsAt: '2027-10-23T19:30', endsAt: '2027-10-23T21:30', place: 'Stadhuisplein 1, Utrecht', capacity: 20 };
    const event = await h.call('POST', org('/events'), { ...auth, json: meetup });
    expect(event.status).toBe(201);
    expect((await h.call('POST', org('/events'), { ...auth, json: { ...meetup, startsAt: '2020-01-01T19:30', endsAt: '2020-01-01T21:30' } })).status).toBe(422);
    const eventPath = `/events/${event.body.id}`;
    expect((await h.call('GET', org('/events'), auth)).status).toBe(200);
    expect((await h.call('GET', org(eventPath), auth)).status).toBe(200);
    expect((await h.call('PATCH', org(eventPath), { ...auth, json: { capacity: 30 } })).status).toBe(200);
    expect((await h.call('PATCH', org(eventPath), { ...auth, json: { endsAt: '2027-10-23T18:00' } })).status).toBe(422);
    expect((await h.call('GET', org(`${eventPath}/attendees`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${eventPath}/attendees.csv`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${eventPath}/attendees.xlsx`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${eventPath}/event.ics`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`${eventPath}/cancel`), auth)).status).toBe(200);
    expect((await h.call('POST', org(`${eventPath}/cancel`), auth)).status).toBe(409);
    expect((await h.call('PATCH', org(eventPath), { ...auth, json: { capacity: 40 } })).status).toBe(409);

    // Insights: with activity in a channel, so the channels and chapters of the summary are filled.
    const today = new Date().toISOString().slice(0, 10);
    const [general] = await h.repos.channels.list(h.orgA.id, 'general');
    await h.db.prisma.activityDaily.createMany({
      data: [
        { organizationId: h.orgA.id, day: new Date(`${today}T00:00:00Z`), platform: 'discord', channelKey: `discord:${general!.externalId}`, memberKey: '', kind: 'message', count: 3, chars: 30 },
        { organizationId: h.orgA.id, day: new Date(`${today}T00:00:00Z`), platform: 'discord', channelKey: `discord:${general!.externalId}`, chapterId: chapter.body.id, memberKey: NO_SUCH_ID, kind: 'reply', count: 1, chars: 5 },
      ],
    });
    const summary = await h.call('GET', org('/insights?period=week'), auth);
    expect(summary.status).toBe(200);
    expect(summary.body.channels.length).toBeGreaterThan(0);
    expect(summary.body.chapters.length).toBeGreaterThan(0);
    expect((await h.call('POST', org('/insights/digest'), auth)).status).toBe(200);
    expect((await h.call('POST', org('/insights/digest?preview=false'), auth)).status).toBe(202);
    expect((await h.call('POST', org('/insights/digest?preview=false', 'zwemclub'), { token: other })).status).toBe(422);
    expect((await h.call('GET', org('/insights/settings'), auth)).status).toBe(200);
    expect((await h.call('PATCH', org('/insights/settings'), { ...auth, json: { retentionMonths: 12 } })).status).toBe(200);

    // Access (issue 16): places, settings and house rules, one member's access.
    const place = await h.call('POST', org('/access/places'), { ...auth, json: { platform: 'slack', workspaceId: 'T0KRING01', kind: 'channel', externalId: 'G0LEDEN01', audience: { kind: 'roles', roles: ['board'] } } });
    expect(place.status).toBe(201);
    expect((await h.call('POST', org('/access/places'), { ...auth, json: { platform: 'slack', workspaceId: 'T0KRING01', kind: 'role', externalId: '123' } })).status).toBe(422);
    expect((await h.call('GET', org('/access/places'), auth)).status).toBe(200);
    expect((await h.call('PATCH', org('/access/settings'), { ...auth, json: { graceDays: 14, rules: { nl: 'Wees aardig.', en: 'Be kind.' } } })).status).toBe(200);
    expect((await h.call('GET', org('/access/settings'), auth)).body).toMatchObject({ graceDays: 14, rulesVersion: 1 });
    expect((await h.call('GET', org('/members/C-1/access'), auth)).body).toMatchObject({ standing: 'grace' });
    expect((await h.call('DELETE', org(`/access/places/${place.body.id}`), auth)).status).toBe(200);

    // Moderation (issue 16): two reported messages, one of a linked member and one of an unknown account.
    for (const number of [1, 2]) {
      await h.db.prisma.moderationCase.create({
        data: { organizationId: h.orgA.id, number, platform: 'discord', workspaceExternalId: 'G1', channelExternalId: 'C1', messageId: `M${number}`, reportedPlatformUserId: 'U9', createdAt: new Date() },
      });
    }
    expect((await h.call('GET', org('/cases'), auth)).body.data).toHaveLength(2);
    expect((await h.call('GET', org('/cases/1'), auth)).status).toBe(200);
    expect((await h.call('POST', org('/cases/1/decision'), { ...auth, json: { action: 'dismiss' } })).body).toMatchObject({ status: 'closed', outcome: 'dismissed' });
    expect((await h.call('POST', org('/cases/1/decision'), { ...auth, json: { action: 'dismiss' } })).status).toBe(409);
    expect((await h.call('POST', org('/cases/2/decision'), { ...auth, json: { action: 'suspend', days: 7 } })).status).toBe(422);
    expect((await h.call('GET', org('/cases/99'), auth)).status).toBe(404);

    // General assembly (issue 19): create, agenda, register, results and the decision list.
    const start = new Date(Date.now() + 10 * 86_400_000).toISOString();
    expect((await h.call('POST', org('/assemblies'), { ...auth, json: { title: 'ALV 2027', startsAt: start, earlyVotingFrom: new Date(Date.now() - 30 * 86_400_000).toISOString() } })).status).toBe(422);
    const alv = await h.call('POST', org('/assemblies'), { ...auth, json: { title: 'ALV 2027', startsAt: start, maxProxiesPerHolder: 2, quorum: { kind: 'fraction', numerator: 1, denominator: 2 } } });
    expect(alv.status).toBe(201);
    const alvPath = `/assemblies/${alv.body.id}`;
    expect((await h.call('POST', org(`${alvPath}/items`), { ...auth, json: { title: 'Voorzitter', kind: 'election', candidates: ['Anna', 'Bram'] } })).status).toBe(201);
    expect((await h.call('POST', org(`${alvPath}/snapshot`), { ...auth, json: { weights: { 'NIET-1': 2 } } })).status).toBe(422);
    expect((await h.call('POST', org(`${alvPath}/snapshot`), { ...auth, json: {} })).status).toBe(200);
    expect((await h.call('POST', org(`${alvPath}/snapshot`), { ...auth, json: {} })).status).toBe(422);
    expect((await h.call('GET', org(alvPath), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${alvPath}/voters`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${alvPath}/results`), auth)).status).toBe(200);
    expect((await h.call('GET', org(`${alvPath}/decisions.md`), auth)).text).toContain('# Besluitenlijst');
    expect((await h.call('GET', org(`${alvPath}/decisions.pdf?lang=en`), auth)).status).toBe(200);
    await h.db.prisma.assembly.update({ where: { id: alv.body.id }, data: { votingOpenedAt: new Date() } });
    expect((await h.call('POST', org(`${alvPath}/items`), { ...auth, json: { title: 'Te laat', kind: 'motion' } })).status).toBe(422);

    // Webhooks.
    const hook = await h.call('POST', org('/webhooks'), { ...auth, json: { url: 'https://crm.example.org/kring', events: ['member.updated'] } });
    expect(hook.status).toBe(201);
    expect((await h.call('GET', org('/webhooks'), auth)).status).toBe(200);
    expect((await h.call('DELETE', org(`/webhooks/${hook.body.id}`), auth)).status).toBe(204);
  });

  it('answers the errors every operation has, as documented', async () => {
    for (const op of operations()) {
      const route = op.route;
      if (!route) continue; // the document's own routes (openapi.json, docs) need no token
      const method = op.method.toUpperCase();
      const path = concrete(op.template);
      const own = (await h.token(h.orgA, [route.scope])).secret;
      const body = route.body ? { json: {} } : {};
      const where = `${method} ${op.template}`;
      expect((await h.call(method, path, body)).status, where).toBe(401);
      expect((await h.call(method, path, { token: (await h.token(h.orgA, [unrelated(route.scope)])).secret, ...body })).status, where).toBe(403);
      expect((await h.call(method, concrete(op.template, 'zwemclub'), { token: own, ...body })).status, where).toBe(404);
      expect((await raw(h, method, path, { token: own, body: '{"broken', contentType: 'application/json' })).status, where).toBe(400);
      if (route.body) {
        expect((await raw(h, method, path, { token: own, body: `{"x":"${'a'.repeat(1_100_000)}"}`, contentType: 'application/json' })).status, where).toBe(413);
        expect((await raw(h, method, path, { token: own, body: 'name=Utrecht', contentType: 'text/plain' })).status, where).toBe(415);
      }
      // One request a minute: the second is refused.
      const once = (await limited.token(limited.orgA, [route.scope])).secret;
      await limited.call(method, path, { token: once, ...body });
      const refused = await limited.call(method, path, { token: once, ...body });
      expect(refused.status, where).toBe(429);
      expect(refused.headers.get('retry-after'), where).toMatch(/^\d+$/);
    }
    // Seven requests per operation, 40 operations and more: minutes on a busy machine, never a timing assertion.
  }, 300_000);

  it('has exercised every documented response of every operation', () => {
    const seen = new Set([...h.answered, ...limited.answered].map((a: MatchedResponse) => `${a.operationId} ${a.status}`));
    const missing = operations().flatMap((op) => op.statuses.map((s) => `${op.operationId} ${s}`)).filter((key) => !seen.has(key));
    expect(missing).toEqual([]);
    expect(operations().length).toBeGreaterThanOrEqual(27);
  });
});
