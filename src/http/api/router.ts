import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError } from './api.errors.js';
import { hasScope } from '../../kernel/api-access.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.js';
import { toFieldIssues } from '../../kernel/validate.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { OrganizationRepository } from '../../kernel/ports/directory.js';
import { authenticate, rateLimit, tokenOf, type ApiLocals, type ApiTokenVerifier } from './auth.js';
import { renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument, DOCS_PATH, OPENAPI_PATH, type OpenApiDocument } from './openapi.js';
import { problem, problemFromError, sendProblem } from './problem.js';
import type { ApiRateLimiter } from './rate-limit.js';
import { wellFormed } from './common.schemas.js';
import { toExpressPath, type ApiContribution, type ApiResult, type ApiRoute, type HttpMethod } from './route.js';

/**
 * The admin API's Express router, mounted at {@link API_BASE_PATH} on the shared HTTP server. Order of
 * checks for every operation: token (401) -> rate limit (429) -> body parsing (400/413/415) ->
 * organisation (404) -> scope (403) -> input validation (400, every field) -> handler. Only this router
 * parses JSON (1 MB limit), and only for authenticated requests. Every request is logged once when it
 * finishes: token id, organisation, method, route pattern, status, duration — never the token.
 */
export const API_BASE_PATH = '/api/v1';

/** The API document's `info.version` (the path's `v1` is the compatibility promise). */
export const API_VERSION = '1.0.0';

/** Body size limit of the API (body-parser syntax). */
export const API_BODY_LIMIT = '1mb';

export interface ApiRouterDeps {
  /** What the capabilities contribute, in capability-list order. */
  contributions: readonly ApiContribution[];
  /** Checks bearer tokens; without one (no api-tokens capability) every request is a 401. */
  tokens: ApiTokenVerifier | undefined;
  organizations: Pick<OrganizationRepository, 'findById'>;
  rateLimiter: ApiRateLimiter;
  logger: Logger;
}

export interface ApiRouter {
  router: Router;
  document: OpenApiDocument;
  routes: readonly ApiRoute[];
}

/** Without an api-tokens capability no token is valid. */
const NO_TOKENS: ApiTokenVerifier = { authenticate: async () => null };

/** Mounts the API on the shared server. */
export function mountApi(app: Express, api: ApiRouter): void {
  app.use(API_BASE_PATH, api.router);
}

interface Locals extends ApiLocals {
  started?: number;
}

/** `/orgs/{org}/members/{memberNumber}` -> a regex over the router-relative path, for 405 detection. */
function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[A-Za-z0-9_]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/** Most text problems reported for one body (a 1 MB body of NULs must not yield a 1 MB answer). */
const MAX_TEXT_ISSUES = 50;

/**
 * Strings no field may hold, whatever its schema: NUL (PostgreSQL text cannot store it) and lone UTF-16
 * surrogates (not Unicode; JSON allows them as `\ud800`). Checked for every body, so a new operation
 * cannot forget it.
 */
function unstorableText(body: unknown, root: string): FieldIssue[] {
  const out: FieldIssue[] = [];
  const bad = (text: string) => text.includes('\u0000') || !wellFormed(text);
  // Iterative: JSON.parse accepts nesting far deeper than the call stack.
  const stack: [unknown, string][] = [[body, root]];
  while (stack.length > 0 && out.length < MAX_TEXT_ISSUES) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (bad(value)) out.push({ path, message: 'must not contain NUL characters or invalid Unicode' });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        if (bad(key)) out.push({ path, message: 'keys must not contain NUL characters or invalid Unicode' });
        stack.push([v, `${path}.${key}`]);
      }
    }
  }
  return out;
}

/** True when the request announces a body (so a missing parsed body means a wrong content type). */
function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0;
}

function send(res: Response, result: ApiResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if ('json' in result) res.status(result.status).json(result.json);
  else if ('text' in result) res.status(result.status).type(result.contentType).send(result.text);
  else if ('bytes' in result) res.status(result.status).type(result.contentType).send(Buffer.from(result.bytes));
  else res.status(result.status).end();
}

/** Builds the router and the OpenAPI document from the same route declarations. */
export function createApiRouter(deps: ApiRouterDeps): ApiRouter {
  const { logger } = deps;
  const routes = deps.contributions.flatMap((c) => c.routes ?? []);
  // Generated on first use: turning every zod schema into OpenAPI is a good part of start-up, and most
  // processes never serve the document.
  let built: { document: OpenApiDocument; json: string; html: string } | undefined;
  const documentOnce = () => {
    if (!built) {
      const document = buildOpenApiDocument(routes, {
        version: API_VERSION,
        tags: deps.contributions.flatMap((c) => c.tags ?? []),
        webhooks: deps.contributions.flatMap((c) => c.webhooks ?? []),
      });
      built = { document, json: JSON.stringify(document), html: renderDocsPage(document) };
    }
    return built;
  };
  const router = Router();

  // Request log (and no caching of API answers: they carry member data).
  router.use((req, res, next) => {
    const locals = res.locals as Locals;
    locals.started = performance.now();
    res.setHeader('Cache-Control', 'no-store');
    res.on('finish', () => {
      const token = locals.token;
      const line = {
        tokenId: token?.id ?? null,
        organizationId: token?.organizationId ?? null,
        method: req.method,
        route: locals.route ?? null,
        status: res.statusCode,
        ms: Math.round(performance.now() - (locals.started ?? performance.now())),
      };
      if (res.statusCode >= 500) logger.warn(line, 'api request');
      else logger.info(line, 'api request');
    });
    next();
  });

  router.get(OPENAPI_PATH, (_req, res) => {
    (res.locals as Locals).route = OPENAPI_PATH;
    res.type('application/json').send(documentOnce().json);
  });
  router.get(DOCS_PATH, (_req, res) => {
    (res.locals as Locals).route = DOCS_PATH;
    // The page is static: no script at all, styles inline.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    res.type('text/html').send(documentOnce().html);
  });

  router.use(
    '/orgs',
    authenticate(deps.tokens ?? NO_TOKENS),
    rateLimit(deps.rateLimiter),
    express.json({ limit: API_BODY_LIMIT, type: ['application/json', 'application/*+json'] }),
  );

  for (const route of routes) {
    const paramsSchema = z.object({ org: z.string() }).extend(route.params?.shape ?? {});
    router[route.method](toExpressPath(route.path), async (req: Request, res: Response, next: NextFunction) => {
      (res.locals as Locals).route = route.path;
      try {
        const token = tokenOf(res);
        if (!token) throw new ApiError('API.UNAUTHENTICATED', 'No API token.');
        const organization = await deps.organizations.findById(token.organizationId);
        // Another organisation's slug answers exactly like a slug that does not exist.
        if (!organization || organization.slug !== req.params['org']) {
          throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', 'No such organisation for this token.');
        }
        if (!hasScope(token.scopes, route.scope)) {
          throw new ForbiddenError('API.SCOPE_MISSING', `This operation needs the "${route.scope}" scope.`, { params: { required: route.scope } });
        }
        if (route.body && req.body === undefined && hasBody(req)) {
          throw new ApiError('API.UNSUPPORTED_MEDIA_TYPE', 'Send the body as `Content-Type: application/json`.');
        }
        const issues: FieldIssue[] = [];
        const parse = <S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> | undefined => {
          if (!schema) return undefined;
          const result = schema.safeParse(value);
          if (result.success) return result.data;
          issues.push(...toFieldIssues(result.error).map((i) => ({ path: i.path ? `${where}.${i.path}` : where, message: i.message })));
          return undefined;
        };
        issues.push(...unstorableText(req.body, 'body'));
        const params = parse(paramsSchema, req.params, 'path');
        const query = parse(route.query, req.query, 'query');
        const body = parse(route.body, req.body, 'body');
        if (issues.length > 0) throw new ValidationError(issues);
        send(res, await route.handle({ params, query, body, organization, token }));
      } catch (err) {
        next(err);
      }
    });
  }

  // Unknown route, or a known path with another method.
  const known: { pattern: RegExp; method: HttpMethod }[] = [
    ...routes.map((r) => ({ pattern: pathPattern(r.path), method: r.method })),
    { pattern: pathPattern(OPENAPI_PATH), method: 'get' as const },
    { pattern: pathPattern(DOCS_PATH), method: 'get' as const },
  ];
  router.use((req, res) => {
    const allowed = [...new Set(known.filter((k) => k.pattern.test(req.path)).map((k) => k.method.toUpperCase()))];
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      sendProblem(res, problem(405, 'API.METHOD_NOT_ALLOWED', `Use ${allowed.join(', ')} on this path.`), { Allow: allowed.join(', ') });
      return;
    }
    sendProblem(res, problem(404, 'API.ROUTE_NOT_FOUND', `No such API route; see ${API_BASE_PATH}${DOCS_PATH}.`));
  });

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const locals = res.locals as Locals;
    sendProblem(res, problemFromError(err, logger, { method: req.method, route: locals.route ?? null, tokenId: locals.token?.id ?? null }));
  });

  return {
    router,
    get document() {
      return documentOnce().document;
    },
    routes,
  };
}
