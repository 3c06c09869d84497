import type { Queue } from 'bullmq';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';

/** Where Bull Board is mounted. */
export const QUEUES_PATH = '/queues';
/** The admin-API scope that opens it (the queues carry mostly the news fan-out). */
export const QUEUES_SCOPE = 'news:read';

/** Checks an admin-API token (the api-tokens capability's verifier). */
export interface QueueBoardTokens {
  authenticate(secret: string): Promise<{ scopes: readonly string[] } | null>;
}

/** The token of a request: `Authorization: Bearer <token>`, or the password of HTTP Basic (what a browser can send). */
function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
}

/**
 * Bull Board (the BullMQ dashboard) at `/queues`, read-only, behind an admin-API token with `news:read`
 * (or `news:write`): the browser asks for it with HTTP Basic (any user name, the token as password), and
 * scripts may send it as a bearer token. 401 without a valid token, 403 with one that lacks the scope.
 * Only with the BullMQ driver. It shows the queues this process has used, refreshed on each visit. Bull
 * Board itself is loaded on the first signed-in visit: a process nobody looks at does not carry it.
 */
export function mountBullBoard(app: Express, options: { queues: () => Queue[]; tokens: QueueBoardTokens | undefined }): void {
  let loaded: Promise<{ router: RequestHandler; show(queues: Queue[]): void }> | undefined;
  const load = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUES_PATH);
    const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'Kring queues' } } });
    let shown = 0;
    return {
      router: serverAdapter.getRouter() as RequestHandler,
      show(queues: Queue[]) {
        if (queues.length === shown) return;
        board.replaceQueues(queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })));
        shown = queues.length;
      },
    };
  };
  const authorize = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const secret = tokenOf(req);
      const token = secret === undefined || !options.tokens ? null : await options.tokens.authenticate(secret);
      if (!token) {
        res.status(401).set('WWW-Authenticate', 'Basic realm="Kring queues: an admin API token with news:read as password", charset="UTF-8"').json({
          error: 'sign in with an admin API token that has news:read (kring tokens create): as the password of HTTP Basic, or as a bearer token',
        });
        return;
      }
      if (!token.scopes.includes(QUEUES_SCOPE) && !token.scopes.includes('news:write')) {
        res.status(403).json({ error: `this token lacks ${QUEUES_SCOPE}` });
        return;
      }
      loaded ??= load();
      const board = await loaded;
      board.show(options.queues());
      board.router(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  app.use(QUEUES_PATH, authorize);
}
