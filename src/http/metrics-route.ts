import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** What `/metrics` serves: the Prometheus exposition, and the bearer token that may read it. */
export interface MetricsRouteOptions {
  /** `KRING_METRICS_TOKEN`: Prometheus sends it as `Authorization: Bearer <token>` (`authorization` in scrape_config). */
  token: string;
  scrape: () => Promise<{ contentType: string; body: string }>;
}

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request's bearer token is `token`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : BEARER.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * `GET /metrics` for Prometheus, only with the bearer token: the figures (queue depths, platform errors,
 * routes) are for operators, not for the internet. Without `KRING_METRICS_TOKEN` the route is not mounted
 * at all (404) and no metrics are kept.
 */
export function mountMetrics(app: Express, options: MetricsRouteOptions): void {
  app.get('/metrics', async (req, res, next) => {
    if (!bearerMatches(req.get('authorization'), options.token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="kring-metrics"').json({ error: 'send the metrics token: Authorization: Bearer <KRING_METRICS_TOKEN>' });
      return;
    }
    try {
      const { contentType, body } = await options.scrape();
      res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
    } catch (err) {
      next(err);
    }
  });
}

/** One finished HTTP request, as `kring_http_request_duration_seconds` records it. */
export interface RequestSample {
  /** The route pattern (`/api/v1/orgs/:org/news`), never the raw URL. */
  route: string;
  method: string;
  /** `2xx`, `4xx`, ... */
  status: string;
  seconds: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * The route a finished request matched, as a pattern: the direct adapter route's path, Express's matched
 * route (mount path + pattern), or for other answered requests (static files, sub-apps) the first path
 * segment (`/dashboard/*`). A 404 without a route is `(unmatched)`: arbitrary URLs never become labels.
 */
export function routeOf(req: IncomingMessage, res: ServerResponse, direct: string | undefined): string {
  if (direct !== undefined) return direct;
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  if (r.route?.path !== undefined) return `${r.baseUrl ?? ''}${String(r.route.path)}` || '/';
  if (res.statusCode === 404) return '(unmatched)';
  const first = /^\/([A-Za-z0-9_.-]{1,40})(\/|$|\?)/.exec(req.url ?? '');
  return first ? `/${first[1]}${first[2] === '/' ? '/*' : ''}` : '/';
}

/** Times `req` until its answer is sent and hands the sample to `observe`. */
export function timeRequest(req: IncomingMessage, res: ServerResponse, direct: string | undefined, observe: (sample: RequestSample) => void): void {
  const started = performance.now();
  res.once('finish', () => {
    observe({
      route: routeOf(req, res, direct),
      method: METHODS.has(req.method ?? '') ? req.method! : 'OTHER',
      status: `${Math.floor(res.statusCode / 100)}xx`,
      seconds: (performance.now() - started) / 1000,
    });
  });
}
