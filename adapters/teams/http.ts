import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { HttpRoute } from '../../src/kernel/ports/chat-platform.js';
import { parseTeamsActivity } from './activity.js';
import type { TeamsRuntime } from './runtime.js';
import { runTurn } from './turn.js';

/**
 * `POST /api/messages`: the Bot Connector delivers every activity here with a Bearer JWT.
 *
 * Works behind express.json() (parsed `req.body`) and without it (reads the stream). Authenticates
 * before botbuilder runs the turn, because `CloudAdapter.process` answers 500 instead of 401 for several
 * invalid tokens (bad signature under a known key id, a future `nbf`, a wrong algorithm); here every
 * authentication failure is a 401 and the handler never runs.
 *
 * @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#bot-framework-service-to-your-bot
 */

/** Activities are small (Teams caps messages near 28 KB); anything far larger is not from Teams. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Lets the index stop taking requests and wait for the ones in flight. */
export interface RequestGate {
  accepting(): boolean;
  track<T>(work: Promise<T>): Promise<T>;
}

export function createMessagesRoute(rt: TeamsRuntime, gate: RequestGate): HttpRoute {
  return {
    method: 'POST',
    path: '/api/messages',
    handle(req, res) {
      if (!gate.accepting()) {
        respond(res, 503, { error: 'shutting down' });
        return;
      }
      void gate.track(handleMessages(rt, req, res));
    },
  };
}

async function handleMessages(rt: TeamsRuntime, req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> {
  try {
    const activity = await readActivity(req);
    if (!activity) {
      respond(res, 400, { error: 'expected a JSON Bot Framework activity' });
      return;
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let auth: AuthenticateRequestResult;
    try {
      auth = await rt.auth.authenticateRequest(activity, authorization);
    } catch (err) {
      if (isKeySourceFailure(err)) {
        // Our side cannot fetch the signing keys: not the caller's fault; the Bot Connector retries.
        rt.logger.error({ err }, 'Teams: could not load the Bot Framework signing keys');
        respond(res, 503, { error: 'authentication unavailable' });
        return;
      }
      rt.logger.warn({ reason: err instanceof Error ? err.message : String(err), activityType: activity.type, hasAuthorization: authorization !== '' }, 'Teams: rejected an unauthenticated request');
      respond(res, 401, { error: 'unauthorized' });
      return;
    }
    // After authentication (an unauthenticated caller learns nothing about our schema), before botbuilder
    // and the turn read a field of the wrong type.
    const checked = parseTeamsActivity(activity);
    if (!checked.ok) {
      rt.logger.debug({ activityType: activity.type, problem: checked.problem }, 'Teams: activity of an unexpected shape; answered 400');
      respond(res, 400, { error: 'the activity does not match the Bot Framework activity schema' });
      return;
    }
    const invokeResponse = await rt.adapter.runAuthenticated(auth, checked.activity as unknown as Activity, (context) => runTurn(rt, context));
    respond(res, invokeResponse?.status ?? 200, invokeResponse?.body);
  } catch (err) {
    rt.logger.error({ err }, 'Teams: request failed');
    respond(res, 500, { error: 'internal error' });
  }
}

/** The request's activity: already parsed by a body parser, a raw Buffer/string, or still in the stream. */
async function readActivity(req: IncomingMessage & { body?: unknown }): Promise<Activity | undefined> {
  let body: unknown = req.body;
  if (Buffer.isBuffer(body)) body = parseJson(body.toString('utf8'));
  else if (typeof body === 'string') body = parseJson(body);
  else if (body === undefined && !req.readableEnded) body = parseJson(await readStream(req));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const type = (body as { type?: unknown }).type;
  return typeof type === 'string' && type !== '' ? (body as Activity) : undefined;
}

async function readStream(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return '';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** botbuilder's OpenID key fetch failing (node-fetch error, or its "Failed to load ..." error). */
function isKeySourceFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'FetchError' || /^Failed to load (openID config|Keys)/.test(err.message);
}

function respond(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  res.statusCode = status;
  if (body === undefined || body === null) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
