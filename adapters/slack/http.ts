import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/kernel/clock.js';
import type { HttpRoute } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { SlackDeliveries } from './deliveries.js';
import { checkSlackBody, classifySlackBody, dedupeKey } from './inbound.js';
import { BodyTooLargeError, parseSlackBody, readRawBody, verifySlackSignature } from './request.js';

/** Bolt's default path for events, slash commands and interactivity alike. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The request as Bolt gets it: the parsed body, and whether the delivery is the first anywhere (the
 * durable replay check, still on its way when Bolt acknowledges; listeners await it before acting).
 */
export type SlackRequest = IncomingMessage & { body?: unknown; rawBody?: unknown; kringFirstDelivery?: Promise<boolean> };
type Request = SlackRequest;

export interface EventsRouteDeps {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  /** Replay protection: this process's memory before the ack, the durable record after it. */
  deliveries: SlackDeliveries;
  /** False before start() and after stop(): requests get 503 and Slack retries events later. */
  accepting(): boolean;
  /**
   * Hands a verified first delivery (parsed body on `req.body`) to Bolt, which acks on `res`. Resolves when
   * the listeners are done.
   */
  dispatch(req: Request, res: ServerResponse): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
  } else {
    res.writeHead(status, { 'Content-Type': contentType }).end(body);
  }
}

/**
 * `POST /slack/events`. Order matters: read the raw bytes, verify the signature and timestamp (401), parse
 * (400), answer Slack's handshakes, turn away repeats this process has seen, and only then let Bolt work,
 * which acknowledges at once. Nothing before the ack waits for the database: the durable replay record is
 * written after it (see {@link SlackDeliveries}). Rejections are logged with the reason and never with
 * headers, body or secret.
 */
async function handleEvents(deps: EventsRouteDeps, req: Request, res: ServerResponse): Promise<void> {
  const log = deps.logger;
  const headers = req.headers;
  const retryNum = typeof headers['x-slack-retry-num'] === 'string' ? headers['x-slack-retry-num'] : undefined;
  const reject = (status: number, reason: string): void => {
    log.warn({ status, reason, retryNum, remote: req.socket?.remoteAddress }, 'slack: request rejected');
    send(res, status);
  };
  if (!deps.accepting()) {
    send(res, 503);
    return;
  }

  let rawBody: Buffer;
  try {
    rawBody = await readRawBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return reject(413, 'body too large');
    // A consumed stream is a wiring mistake; a broken one a client problem.
    if (req.readableEnded) {
      log.error({ err }, 'slack: request body unavailable; mount the Slack routes before body parsers');
      send(res, 500);
      return;
    }
    return reject(400, 'could not read body');
  }

  const check = verifySlackSignature({
    signingSecret: deps.signingSecret,
    rawBody,
    timestamp: typeof headers['x-slack-request-timestamp'] === 'string' ? headers['x-slack-request-timestamp'] : undefined,
    signature: typeof headers['x-slack-signature'] === 'string' ? headers['x-slack-signature'] : undefined,
    now: deps.clock.now(),
  });
  if (!check.ok) return reject(401, check.reason);

  const parsed = parseSlackBody(rawBody, headers['content-type']);
  if (!parsed.ok) return reject(400, parsed.reason);
  const body = parsed.body;

  const kind = classifySlackBody(body);
  // A signed body Slack would never send must not reach Bolt, which throws on it (a 500): ack and drop it.
  const shape = checkSlackBody(body, kind);
  if (!shape.ok) {
    log.debug({ kind, problem: shape.problem }, 'slack: body of an unexpected shape; acked and ignored');
    return send(res, 200);
  }
  switch (kind) {
    case 'ssl_check':
      return send(res, 200);
    case 'url_verification':
      return send(res, 200, JSON.stringify({ challenge: body.challenge }), 'application/json');
    case 'unsupported':
      log.debug({ type: typeof body.type === 'string' ? body.type : undefined }, 'slack: payload type not used by Kring; acked');
      return send(res, 200);
    default:
      break;
  }

  const key = dedupeKey(body, kind);
  if (key !== undefined) {
    const claim = deps.deliveries.claim(key);
    if (claim.kind === 'repeat') {
      if (kind === 'event') {
        // Slack's retry of an event we already have (X-Slack-Retry-Num): 200 so it stops retrying.
        log.info({ key, retryNum }, 'slack: repeated event delivery dropped');
        return send(res, 200);
      }
      // Slack never retries commands or button presses: the same trigger_id again is a replay.
      return reject(401, 'replayed interaction');
    }
    req.kringFirstDelivery = claim.first;
  }

  req.body = body;
  await deps.dispatch(req, res);
}

/** The events route. Never throws to the HTTP server; an unexpected failure becomes a logged 500. */
export function createEventsRoute(deps: EventsRouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: SLACK_EVENTS_PATH,
    handle(req, res) {
      handleEvents(deps, req, res).catch((err: unknown) => {
        deps.logger.error({ err }, 'slack: events route failed');
        send(res, 500);
      });
    },
  };
}
