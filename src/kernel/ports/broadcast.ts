/**
 * Messages to every Kring process of a deployment at once (publish/subscribe): what one process changes
 * and others keep a view of, such as a cache to drop or an event for the web pages a process serves.
 * Two implementations: Redis pub/sub when REDIS_URL is set (every process), and in-process (the single
 * process: a published message reaches this process's subscribers only).
 *
 * Deliberately left out: delivery guarantees. A process that is disconnected when a message goes out
 * misses it (Redis pub/sub keeps nothing), so what rides on it must also be right without it: caches
 * expire on their own, and a web page that reconnects reloads its channel.
 */
export interface Broadcast {
  /** `in-process` or `redis`. */
  readonly driver: 'in-process' | 'redis';
  /** Sends `message` to every subscriber of `topic` in every process, this one included. */
  publish(topic: string, message: string): Promise<void>;
  /** Calls `listener` with every message published on `topic` from now on (by any process). */
  subscribe(topic: string, listener: (message: string) => void): Promise<void>;
  /** Stops listening and closes connections. */
  close(): Promise<void>;
}
