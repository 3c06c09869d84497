import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A Redis server of the test's own (the machine's `redis-server` on a free loopback port, nothing kept on
 * disk): every key in it was written by what the test ran, whatever other tests do in the shared Redis
 * at the same time. Stop it in `afterAll`.
 */
export interface PrivateRedis {
  url: string;
  /** Every key in it now (SCAN), sorted. */
  keys(): Promise<string[]>;
  /**
   * Every key written since the server started, however short it lived (keyspace notifications, seen
   * before any client could write), sorted. Await {@link PrivateRedis.settled} first to have the latest.
   */
  written(): string[];
  /** Resolves once every notification of the writes so far has arrived (a PING through the subscriber). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The helper's own marker keys (left out of what it reports). */
const MARKER = 'private-redis-settled-';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts `redis-server` and waits until it answers PING. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  // `notify-keyspace-events KA`: a keyevent message for every write, named by the key.
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--notify-keyspace-events', 'KEA'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`))));
  exited.catch(() => undefined);
  // The server needs a moment to listen: try a few connections (bounded; no fixed sleep decides a result).
  let client: Redis | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 200 && !client; attempt++) {
    const candidate = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    candidate.on('error', () => undefined);
    try {
      await Promise.race([candidate.connect().then(() => candidate.ping()), exited]);
      client = candidate;
    } catch (err) {
      lastError = err;
      candidate.disconnect();
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  if (!client) {
    child.kill('SIGTERM');
    throw new Error(`redis-server did not start on port ${port}: ${(lastError as Error)?.message}`);
  }
  const ready = client;
  const subscriber = ready.duplicate();
  subscriber.on('error', () => undefined);
  const written = new Set<string>();
  subscriber.on('pmessage', (_pattern, channel: string, key: string) => {
    if (channel.startsWith('__keyevent@')) written.add(key);
  });
  await subscriber.psubscribe('__keyevent@*__:*');
  return {
    url,
    async keys() {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await ready.scan(cursor, 'COUNT', 1000);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found.filter((k) => !k.startsWith(MARKER)).sort();
    },
    written: () => [...written].filter((k) => !k.startsWith(MARKER)).sort(),
    async settled() {
      // Notifications are delivered in order on the one subscriber connection: once a write made after
      // them is announced, every earlier one has arrived.
      const marker = `${MARKER}${Date.now()}-${Math.random()}`;
      const seen = new Promise<void>((resolve) => {
        const listener = (_p: string, _c: string, key: string) => {
          if (key !== marker) return;
          subscriber.off('pmessage', listener);
          resolve();
        };
        subscriber.on('pmessage', listener);
      });
      await ready.set(marker, '1', 'PX', 1000);
      await seen;
    },
    async stop() {
      subscriber.disconnect();
      ready.disconnect();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
