import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { API_SCOPES } from '../../kernel/api-scopes.js';
import { SIGNATURE_HEADER } from '../../capabilities/webhooks/domain/webhook-signature.js';
import { WEBHOOK_EVENTS, webhookEnvelopeSchema } from '../../capabilities/webhooks/domain/webhook-events.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import type { ApiRoute } from './route.js';
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

/** The errors every operation can answer, so clients see them in the document. */
function errorResponses(route: ApiRoute): Record<number, ResponseConfig> {
  return {
    400: problemResponse('Invalid request: `errors` lists every bad field (paths `body.…`, `query.…`, `path.…`), or malformed JSON.'),
    401: problemResponse('Missing, unknown or revoked token.'),
    403: problemResponse(`The token lacks the \`${route.scope}\` scope.`),
    404: problemResponse('No such organisation for this token, or no such resource.'),
    ...(route.body ? { 413: problemResponse('Body larger than 1 MB.'), 415: problemResponse('Body is not `application/json`.') } : {}),
    429: problemResponse('Rate limit reached; retry after `Retry-After` seconds.', z.object({ 'Retry-After': z.string() })),
  };
}

/** Builds the document. `serverUrl` is where /api/v1 is reachable (relative by default). */
export function buildOpenApiDocument(routes: readonly ApiRoute[], options: { version: string; serverUrl?: string }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An organisation API token (`kring_…`), created with `kring tokens create --org <slug> --name <name> --scope <scopes>`. ' +
      `Scopes: ${API_SCOPES.map((s) => `\`${s}\``).join(', ')}; \`<x>:write\` includes \`<x>:read\`.`,
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

  for (const event of WEBHOOK_EVENTS) {
    registry.registerWebhook({
      method: 'post',
      path: event,
      operationId: `webhook_${event.replace('.', '_')}`,
      summary: `Outgoing webhook: ${event}`,
      description:
        `Kring POSTs this to every endpoint subscribed to \`${event}\`. Verify the \`${SIGNATURE_HEADER}\` header ` +
        '(`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`) before trusting it; answer 2xx within 10 s, ' +
        'otherwise Kring retries with backoff for about a day.',
      tags: ['Webhooks'],
      request: {
        headers: z.object({
          [SIGNATURE_HEADER]: z.string().meta({ example: 't=1735689600,v1=5f2b…' }),
          'Kring-Event': z.literal(event),
          'Kring-Delivery': z.uuid().meta({ description: 'Unique per delivery (an event goes to each endpoint once).' }),
        }),
        body: { required: true, content: { 'application/json': { schema: webhookEnvelopeSchema(event) } } },
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
    tags: TAGS.filter((t) => t.name === 'Documentation' || t.name === 'Webhooks' || routes.some((r) => r.tag === t.name)),
  });
}

const TAGS = [
  { name: 'Members', description: 'The member administration: upsert, full sync, get, list, lapse.' },
  { name: 'Chapters', description: 'Chapters (afdelingen).' },
  { name: 'News', description: 'Announcements fanned out to the chat platforms.' },
  { name: 'Polls', description: 'Polls posted to channels; results and CSV export.' },
  { name: 'Insights', description: 'Aggregated activity figures.' },
  { name: 'Webhooks', description: 'Outgoing webhook subscriptions and the events Kring sends.' },
  { name: 'Documentation', description: 'This document and its HTML rendering.' },
];
