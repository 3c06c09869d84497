import type { ServerResponse } from 'node:http';

/**
 * Server-sent events to the open pages: new, edited and deleted messages reach every page that may see
 * them, without a reload. One hub per process: the web adapter publishes into it from `post`, `update`,
 * `delete` and `sendDirect`, which is where every capability's (and every worker's) change arrives.
 *
 * Deliberately left out: fan-out across several Kring processes (a page's stream is served by the
 * process it connected to; the web community runs in the process that serves HTTP).
 */

/** What a page receives. `html` is the rendered message (absent for deletes). */
export interface LiveEvent {
  kind: 'post' | 'update' | 'delete';
  channel: string;
  id: string;
  html?: string;
}

/** One open page. */
export interface LiveClient {
  res: ServerResponse;
  userId: string;
  /** Whether this page may see `channel` (a channel id, or `@<user id>`). */
  canSee(channel: string): Promise<boolean>;
}

const HEARTBEAT_MS = 25_000;

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // Proxies close quiet connections; a comment line every 25 s keeps them open.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Starts the event stream on `client.res` and keeps it until the page goes away. */
  open(client: LiveClient): void {
    client.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    client.res.write('retry: 3000\n\n');
    client.res.write('event: ready\ndata: {}\n\n');
    this.clients.add(client);
    client.res.on('close', () => this.clients.delete(client));
  }

  /** Sends `event` to every page that may see its channel. */
  async publish(event: LiveEvent): Promise<void> {
    const data = `event: message\ndata: ${JSON.stringify(event)}\n\n`;
    await Promise.all(
      [...this.clients].map(async (c) => {
        if (await c.canSee(event.channel).catch(() => false)) c.res.write(data);
      }),
    );
  }

  /** Pages open now. */
  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
