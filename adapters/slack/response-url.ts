import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RespondArguments } from '@slack/bolt';

/** A response_url POST gives up after this long (the member then sees no confirmation; nothing is retried). */
const RESPONSE_TIMEOUT_MS = 10_000;

/**
 * Posts replies to interactions' `response_url`s over kept-alive connections.
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 *
 * Why not Bolt's `respond()`: it uses `fetch` and never reads the answer's body, so the connection is
 * not handed back for reuse and every press opens a new TLS connection to Slack; under a busy vote that
 * cost a tenth of the process. Here one pool of keep-alive sockets per scheme serves every press, and
 * each answer is read to the end.
 */
export class ResponseUrlPoster {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  /**
   * Posts `message` as JSON; rejects on a transport failure or a non-2xx answer (with its status). A
   * request that failed on a kept-alive socket before any answer (the server had just closed it: the
   * keep-alive race) is sent once more on a fresh one, as Node's documentation advises.
   */
  async post(responseUrl: string, message: RespondArguments): Promise<void> {
    const url = new URL(responseUrl);
    const body = JSON.stringify(message);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`response_url with scheme ${url.protocol}`);
    try {
      await this.send(url, body);
    } catch (err) {
      if (!(err instanceof StaleSocketError)) throw err;
      await this.send(url, body);
    }
  }

  private send(url: URL, body: string): Promise<void> {
    const secure = url.protocol === 'https:';
    return new Promise<void>((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        // Read the answer to the end so the socket goes back to the pool.
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new ResponseUrlError(status));
        });
        res.on('error', reject);
      };
      const options = {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) },
        timeout: RESPONSE_TIMEOUT_MS,
      };
      const req = secure ? httpsRequest(url, { ...options, agent: this.https }, onResponse) : httpRequest(url, { ...options, agent: this.http }, onResponse);
      req.on('timeout', () => req.destroy(new Error('response_url timed out')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
        reject(stale ? new StaleSocketError(err) : err);
      });
      req.end(body);
    });
  }

  /** Closes the idle sockets (shutdown). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** A request failed on a kept-alive socket the server had just closed (so it was, as good as certainly, never read). */
class StaleSocketError extends Error {
  constructor(cause: Error) {
    super('kept-alive socket was closed by the server', { cause });
  }
}

/** Slack refused a response_url POST (expired or used up: 404; bad blocks: 400). */
export class ResponseUrlError extends Error {
  constructor(readonly status: number) {
    super(`response_url answered HTTP ${status}`);
    this.name = 'ResponseUrlError';
  }
}
