import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { offlineCapabilities } from '../../cli/cli-host.js';
import { escapeHtml, renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument } from './openapi.js';
import { defineRoute, toExpressPath } from './route.js';
import { z } from 'zod';

/** The routes only touch their services when handling a request, so the document needs no database. */
const contributions = offlineCapabilities().built.all.flatMap((c) => (c.api ? [c.api] : []));
const routes = contributions.flatMap((c) => c.routes ?? []);
const documentOptions = { tags: contributions.flatMap((c) => c.tags ?? []), webhooks: contributions.flatMap((c) => c.webhooks ?? []) };

describe(buildOpenApiDocument.name, () => {
  it('generates a valid OpenAPI 3.1 document from the route declarations', async () => {
    const doc = buildOpenApiDocument(routes, { version: '1.0.0', ...documentOptions });
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(doc.paths ?? {})).toEqual(expect.arrayContaining(['/orgs/{org}/members', '/orgs/{org}/members/{memberNumber}', '/openapi.json', '/docs']));
  });

  it('documents request bodies with the same constraints the router validates with', () => {
    const doc = buildOpenApiDocument(routes, { version: '1.0.0', ...documentOptions });
    const upsert = (doc.components?.schemas as Record<string, { properties: Record<string, { maxLength?: number }>; required: string[]; additionalProperties: boolean }>)['MemberUpsert']!;
    expect(upsert.required).toEqual(['name']);
    expect(upsert.properties['name']?.maxLength).toBe(200);
    expect(upsert.additionalProperties).toBe(false);
  });

  it('shows only the tags in use', () => {
    const route = defineRoute({
      method: 'get', path: '/orgs/{org}/x', operationId: 'x', summary: 'x', tag: 'Polls', scope: 'polls:read',
      query: z.object({ q: z.string().optional() }),
      responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } },
      handle: async () => ({ status: 200, json: { ok: true } }),
    });
    const tags = buildOpenApiDocument([route], { version: '1', ...documentOptions }).tags?.map((t) => t.name);
    expect(tags).toEqual(['Polls', 'Webhooks', 'Documentation']);
  });
});

describe(renderDocsPage.name, () => {
  it('renders every operation without scripts and escapes text', () => {
    const html = renderDocsPage(buildOpenApiDocument(routes, { version: '1.0.0', ...documentOptions }));
    for (const route of routes) expect(html).toContain(`<code>${route.path}</code>`);
    expect(html).not.toContain('<script');
    expect(html).toContain('href="#schema-Member"');
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});

describe(toExpressPath.name, () => {
  it('turns OpenAPI path templates into Express parameters', () => {
    expect(toExpressPath('/orgs/{org}/members/{memberNumber}/lapse')).toBe('/orgs/:org/members/:memberNumber/lapse');
  });
});
