import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Broadcast } from '../../src/kernel/ports/broadcast.js';

/**
 * Server-sent events to the open pages: new, edited and deleted messages reach every page that may see
 * them, without a reload. One hub per process: the web adapter publishes into it from `post`, `update`,
 * `delete` and `sendDirect`, which is where every capability's (and every worker's) change arrives.
 *
 * Across several Kring processes ({@link LiveHub.relayThrough}, Redis pub/sub): a page's stream is served
 * by the HTTP process it connected to, while the change may come from a worker in another process; every
 * event then goes through the broadcast and each process sends it to its own open pages.
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

const liveEventSchema = z.object({
  kind: z.enum(['post', 'update', 'delete']),
  channel: z.string().max(200),
  id: z.string().max(200),
  html: z.string().max(1_000_000).optional(),
});

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

  private relay: { broadcast: Broadcast; topic: string } | undefined;

  /**
   * Sends every event through `broadcast` (on `topic`) instead of straight to this process's pages, and
   * delivers what any process publishes there to the pages open here.
   */
  async relayThrough(broadcast: Broadcast, topic: string): Promise<void> {
    await broadcast.subscribe(topic, (raw) => {
      let event: LiveEvent;
      try {
        event = liveEventSchema.parse(JSON.parse(raw)) as LiveEvent;
      } catch {
        return;
      }
      void this.deliver(event);
    });
    this.relay = { broadcast, topic };
  }

  /** Sends `event` to every page, in every process with a relay, that may see its channel. */
  async publish(event: LiveEvent): Promise<void> {
    if (this.relay) {
      await this.relay.broadcast.publish(this.relay.topic, JSON.stringify(event));
      return;
    }
    await this.deliver(event);
  }

  /** Sends `event` to the pages open in this process that may see its channel. */
  private async deliver(event: LiveEvent): Promise<void> {
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
