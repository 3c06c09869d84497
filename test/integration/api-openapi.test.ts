import { Validator } from '@seriousme/openapi-schema-validator';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './api-harness.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every `METHOD /path` the Express router really serves, in OpenAPI path syntax. */
function routerOperations(router: Router): string[] {
  return (router.stack as unknown as Layer[]).flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      : [],
  );
}

describe('admin API: OpenAPI document and docs page', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(async () => h?.close());

  it('serves a valid OpenAPI 3.1 document without a token', async () => {
    const res = await h.call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('documents exactly the operations the router serves', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const served = routerOperations(h.install.api.router);
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.length).toBeGreaterThanOrEqual(11);
  });

  it('documents for every operation its scope, its parameters and its error responses', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    for (const route of h.install.api.routes) {
      const op = doc.paths[route.path][route.method];
      expect(op.operationId).toBe(route.operationId);
      expect(op.security).toEqual([{ bearerAuth: [route.scope] }]);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort()).toEqual(pathParams.sort());
      for (const status of ['400', '401', '403', '404', '429']) {
        expect(op.responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      expect(Boolean(op.requestBody)).toBe(Boolean(route.body));
    }
    expect(Object.keys(doc.webhooks).sort()).toEqual([
      'access.changed', 'announcement.published', 'assembly.item-closed', 'case.closed', 'case.opened', 'event.attended', 'event.created', 'idea.status-changed', 'idea.submitted', 'intros.round-completed', 'member.lapsed', 'member.linked', 'member.reactivated',
      'member.suspended', 'member.suspension-ended', 'member.unlinked', 'member.updated', 'panel.drawn', 'poll.closed', 'profile.shared', 'rsvp.changed', 'statement.closed', 'survey.closed',
    ]);
  });

  it('renders a self-contained HTML docs page listing every operation', async () => {
    const res = await h.call('GET', '/api/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!crm\.example\.org)[a-z]/i);
    for (const route of h.install.api.routes) expect(res.text).toContain(route.path);
    expect(res.text).toContain('id="schema-Problem"');
  });

  it('answers unknown routes and wrong methods with problem details', async () => {
    const unknown = await h.call('GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('API.ROUTE_NOT_FOUND');
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const { secret } = await h.token(h.orgA, ['members:read']);
    const wrong = await h.call('DELETE', '/api/v1/orgs/fietsclub/members', { token: secret });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT, HEAD');
    expect(wrong.body.code).toBe('API.METHOD_NOT_ALLOWED');
    const docs = await h.call('POST', '/api/v1/openapi.json');
    expect(docs.status).toBe(405);
  });
});
