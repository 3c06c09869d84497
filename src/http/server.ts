import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HttpRoute } from '../kernel/ports/chat-platform.js';
import type { Logger } from '../kernel/ports/logger.js';
import { timeRequest, type RequestSample } from './metrics-route.js';

/** A dependency /readyz checks (database, queue). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Adapter routes (Slack events, Teams messages); each parses its own body (Slack signs the raw bytes). */
  routes: readonly HttpRoute[];
  readiness: readonly ReadinessCheck[];
  /** Extra routers mounted after the adapters (admin API, dashboard). */
  mount?: (app: Express) => void;
  /**
   * Whose `X-Forwarded-For` / `X-Forwarded-Proto` to believe (Express's `trust proxy`; `TRUST_PROXY`):
   * false (default: none, the TCP peer is the client), true (every hop), a number of hops, or the proxies'
   * addresses and subnets (`loopback`, `10.0.0.0/8`). Believing a header anyone can send would let
   * clients pick their own address (rate limits, logs) and pretend to use https.
   */
  trustProxy?: boolean | number | readonly string[];
  /** Called once per finished request with its route pattern and duration (`/metrics`); unset, nothing is timed. */
  observeRequest?: (sample: RequestSample) => void;
}

export interface RunningHttpServer {
  server: Server;
  app: Express;
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

/** Kring's one HTTP server: adapter webhooks, /healthz, /readyz, and what `mount` adds. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const trust = options.trustProxy ?? false;
  app.set('trust proxy', Array.isArray(trust) ? [...trust] : trust);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async (c) => {
        try {
          await Promise.race([
            c.check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS).unref()),
          ]);
          return [c.name, 'ok'] as const;
        } catch (err) {
          options.logger.warn({ check: c.name, err: (err as Error).message }, 'readiness check failed');
          return [c.name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });

  for (const route of options.routes) {
    const handler = (req: Request, res: Response, next: NextFunction) => route.handle(req, res, next);
    if (route.method === 'GET') app.get(route.path, handler);
    else app.post(route.path, handler);
  }

  options.mount?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Last resort: never leak a stack trace to a caller.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    options.logger.error({ path: req.path, status, err: (err as Error).message }, 'http request failed');
    if (!res.headersSent) res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
  });

  // Adapter routes with a fixed path are served before Express, which they do not need (they read and
  // verify their own raw bodies, see HttpRoute): on a burst of button presses Express's routing and request
  // decoration were a twentieth of each acknowledgement. Routes with patterns, and everything else, go
  // through Express as mounted above.
  const direct = new Map(options.routes.filter((r) => !/[:*(]/.test(r.path)).map((r) => [`${r.method} ${r.path}`, r]));
  const server = createServer((req, res) => {
    const query = req.url?.indexOf('?') ?? -1;
    const route = direct.get(`${req.method} ${query < 0 ? req.url : req.url!.slice(0, query)}`);
    if (options.observeRequest) timeRequest(req, res, route?.path, options.observeRequest);
    if (route === undefined) {
      app(req, res);
      return;
    }
    route.handle(req, res, (err?: unknown) => {
      // next() without an error passes the request on, as in Express.
      if (err === undefined) return void app(req, res);
      options.logger.error({ path: route.path, err: err instanceof Error ? err.message : String(err) }, 'http request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
    });
  });
  // Idle keep-alive connections stay open longer than a client or load balancer keeps them (an AWS ALB:
  // 60 s; undici: the server's hint less a second). With Node's 5 s default the server closed sockets
  // that a client on a busy machine, its timers late, was just sending on: ECONNRESET, or a 502 at the
  // balancer. The header timeout must exceed it (Node's rule).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue (Node's default is 511): a burst of button presses opens many connections at
    // once, and while the event loop is busy they must wait in the queue, not be reset.
    server.listen(options.port, options.host, 2048, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ host: options.host, port }, 'http server listening');
  return {
    server,
    app,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests in flight finish; their keep-alive connections are closed as soon as they fall idle
        // (kept open, they would hold the close up to the 65 s keep-alive timeout).
        const idle = setInterval(() => server.closeIdleConnections(), 250);
        server.close(() => {
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
