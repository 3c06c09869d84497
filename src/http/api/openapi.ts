import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import type { ApiRoute, ApiTag, ApiWebhook } from './route.js';
import { orgParam, problemSchema } from './common.schemas.js';

/**
 * Generates the OpenAPI 3.1 document from the route declarations (the zod schemas the router validates
 * with), plus the public document/docs routes and the outgoing webhooks. Built once at start-up.
 */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Public paths the router serves besides the operations (relative to /api/v1). */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } };

function problemResponse(description: string, headers?: z.ZodObject): ResponseConfig {
  return { description, content: problemContent, ...(headers ? { headers } : {}) };
}

const rateLimitHeaders = z.object({
  'RateLimit-Limit': z.string().meta({ description: 'Requests per window.' }),
  'RateLimit-Remaining': z.string(),
  'RateLimit-Reset': z.string().meta({ description: 'Seconds until the window resets.' }),
});

/** The errors every operation can answer, and its own (409, 422), so clients see them in the document. */
function errorResponses(route: ApiRoute): Record<number, ResponseConfig> {
  return {
    400: problemResponse('Invalid request: `errors` lists every bad field (paths `body.…`, `query.…`, `path.…`), or malformed JSON.'),
    401: problemResponse('Missing, unknown or revoked token.'),
    403: problemResponse(`The token lacks the \`${route.scope}\` scope.`),
    404: problemResponse('No such organisation for this token, or no such resource.'),
    ...(route.body ? { 413: problemResponse('Body larger than 1 MB.'), 415: problemResponse('Body is not `application/json`.') } : {}),
    ...Object.fromEntries(Object.entries(route.errors ?? {}).map(([status, description]) => [status, problemResponse(description)])),
    429: problemResponse('Rate limit reached; retry after `Retry-After` seconds.', z.object({ 'Retry-After': z.string() })),
  };
}

/** Builds the document. `serverUrl` is where /api/v1 is reachable (relative by default). */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[],
  options: { version: string; serverUrl?: string; tags?: readonly ApiTag[]; webhooks?: readonly ApiWebhook[] },
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An organisation API token (`kring_…`), created with `kring tokens create --org <slug> --name <name> --scope <scopes>`. ' +
      `Scopes: ${[...new Set(routes.map((r) => r.scope))].map((s) => `\`${s}\``).join(', ')}; \`<x>:write\` includes \`<x>:read\`.`,
  });

  for (const route of routes) {
    const params = z.object({ org: orgParam }).extend(route.params?.shape ?? {});
    const config: RouteConfig = {
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description ? `${route.description}\n\n` : ''}Requires scope \`${route.scope}\`.`,
      tags: [route.tag],
      security: [{ bearerAuth: [route.scope] }],
      request: {
        params,
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, r]): [string, ResponseConfig] => [
            status,
            {
              description: r.description,
              headers: rateLimitHeaders,
              ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
            },
          ]),
        ),
        ...errorResponses(route),
      },
    };
    registry.registerPath(config);
  }

  registry.registerPath({
    method: 'get',
    path: OPENAPI_PATH,
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    tags: ['Documentation'],
    security: [],
    responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: z.object({}).loose() } } } },
  });
  registry.registerPath({
    method: 'get',
    path: DOCS_PATH,
    operationId: 'getApiDocs',
    summary: 'Readable API documentation (HTML)',
    tags: ['Documentation'],
    security: [],
    responses: { 200: { description: 'An HTML page rendered from this document.', content: { 'text/html': { schema: z.string() } } } },
  });

  for (const webhook of options.webhooks ?? []) {
    registry.registerWebhook({
      method: 'post',
      path: webhook.event,
      operationId: `webhook_${webhook.event.replace('.', '_')}`,
      summary: `Outgoing webhook: ${webhook.event}`,
      description: webhook.description,
      tags: [webhook.tag],
      request: {
        headers: webhook.headers,
        body: { required: true, content: { 'application/json': { schema: webhook.body } } },
      },
      responses: { 200: { description: 'Any 2xx acknowledges the delivery.' } },
    });
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Kring admin API',
      version: options.version,
      description:
        'Lets an association\'s own systems drive Kring: push member changes from the member administration, ' +
        'post news from the website, pull poll results. Every operation works on one organisation (`/orgs/{org}`) ' +
        'with a token of that organisation. Errors are RFC 9457 problem details with a stable `code`.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: options.serverUrl ?? '/api/v1' }],
    // Tags in contribution order, each once, then this document's own.
    tags: [...new Map([...(options.tags ?? []), DOCUMENTATION_TAG].map((t) => [t.name, t])).values()].filter(
      (t) => t === DOCUMENTATION_TAG || routes.some((r) => r.tag === t.name) || (options.webhooks ?? []).some((w) => w.tag === t.name),
    ),
  });
}

/** The tag of the document's own operations (the capabilities bring theirs). */
const DOCUMENTATION_TAG: ApiTag = { name: 'Documentation', description: 'This document and its HTML rendering.' };
