import type { Redis } from 'ioredis';
import type { Broadcast } from '../../kernel/ports/broadcast.js';
import type { JobQueue } from '../../kernel/ports/job-queue.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { BullMqJobQueue } from '../queue/bullmq.job-queue.js';

/** {@link Broadcast} inside one process (single-process mode): subscribers are called on the next tick. */
export class InProcessBroadcast implements Broadcast {
  readonly driver = 'in-process' as const;
  private readonly listeners = new Map<string, ((message: string) => void)[]>();

  async publish(topic: string, message: string): Promise<void> {
    for (const listener of this.listeners.get(topic) ?? []) queueMicrotask(() => listener(message));
  }

  async subscribe(topic: string, listener: (message: string) => void): Promise<void> {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/**
 * {@link Broadcast} on Redis pub/sub: channel `<prefix>:bc:<topic>`, so deployments sharing a Redis stay
 * apart as their queues do. One connection publishes, one (in subscriber mode) listens. Redis Cluster
 * forwards PUBLISH to every node, so a hash-tagged prefix works there too.
 */
export class RedisBroadcast implements Broadcast {
  readonly driver = 'redis' as const;
  private readonly listeners = new Map<string, ((message: string) => void)[]>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) {
        try {
          listener(message);
        } catch (err) {
          logger.warn({ channel, err: (err as Error).message }, 'broadcast listener failed');
        }
      }
    });
  }

  private channel(topic: string): string {
    return `${this.prefix}:bc:${topic}`;
  }

  async publish(topic: string, message: string): Promise<void> {
    await this.publisher.publish(this.channel(topic), message);
  }

  async subscribe(topic: string, listener: (message: string) => void): Promise<void> {
    const channel = this.channel(topic);
    const known = this.listeners.get(channel);
    this.listeners.set(channel, [...(known ?? []), listener]);
    if (!known) await this.subscriber.subscribe(channel);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}

/**
 * The broadcast that goes with a queue: Redis pub/sub in the queue's Redis, under its prefix, when the
 * queue is BullMQ (every process of the deployment hears it); in-process otherwise.
 */
export function broadcastFor(queue: JobQueue, logger: Logger): Broadcast {
  const redis = queue as JobQueue & Partial<Pick<BullMqJobQueue, 'duplicateConnection' | 'prefix'>>;
  if (queue.driver !== 'bullmq' || !redis.duplicateConnection || redis.prefix === undefined) return new InProcessBroadcast();
  const publisher = redis.duplicateConnection();
  const subscriber = redis.duplicateConnection();
  for (const connection of [publisher, subscriber]) connection.on('error', (err: Error) => logger.warn({ err: err.message }, 'broadcast: redis connection error'));
  return new RedisBroadcast(publisher, subscriber, redis.prefix, logger);
}
