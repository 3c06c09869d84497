import type { BulkJob, EnqueueOptions, JobQueue } from '../kernel/ports/job-queue.js';
import { InMemoryPacer, RedisPacer } from '../infra/queue/pacer.js';
import type { CliQueue } from '../capability.js';
import { QueueUnavailableError } from '../capability-cli.js';
import type { Logger } from '../kernel/ports/logger.js';

/**
 * Opens the CLI's queue (see {@link CliQueue}): BullMQ at REDIS_URL under REDIS_PREFIX (the server's), or
 * record-only on request.
 */

/** Reaching Redis takes at most this long before the command gives up (nothing changed yet). */
const PING_TIMEOUT_MS = 5000;

/** Opens the queue, or explains why not. Call before changing anything, so a refusal leaves no half-done work. */
export async function openCliQueue(
  env: Record<string, string | undefined>,
  options: {
    recordOnly: boolean;
    stderr: (line: string) => void;
    /** `REDIS_PREFIX` as the server reads it: the jobs must land in the server's queues. */
    prefix: string;
  },
): Promise<CliQueue> {
  if (options.recordOnly) return recordOnlyQueue();
  const url = env['REDIS_URL']?.trim();
  if (!url) {
    throw new QueueUnavailableError(
      'REDIS_URL is not set, so the server runs in single-process mode and its queue lives inside the server process: ' +
        'the CLI cannot hand it the job of updating the copies posted in chat. Use the chat command or the admin API of the running ' +
        'server, or pass --record-only to only record the change in the database (posted copies are then left as they are).',
    );
  }
  if (!/^rediss?:\/\//.test(url)) throw new QueueUnavailableError('REDIS_URL must be a redis:// URL');
  // BullMQ and ioredis are loaded only by the commands that hand jobs over: the others start faster.
  const { BullMqJobQueue } = await import('../infra/queue/bullmq.job-queue.js');
  const queue = new BullMqJobQueue({ url, prefix: options.prefix, logger: stderrLogger(options.stderr) });
  try {
    await withTimeout(queue.ping(), PING_TIMEOUT_MS, 'Redis did not answer');
  } catch (e) {
    await queue.close().catch(() => undefined);
    throw new QueueUnavailableError(`cannot reach the queue at REDIS_URL (${(e as Error).message}); nothing was changed`);
  }
  const pacer = new RedisPacer(queue.duplicateConnection(), { prefix: queue.prefix });
  return {
    mode: 'bullmq',
    queue,
    pacer,
    dropped: () => 0,
    async close() {
      await pacer.close();
      await queue.close();
    },
  };
}

/** A queue that stores nothing: every job is counted and dropped. */
function recordOnlyQueue(): CliQueue {
  let dropped = 0;
  const queue: JobQueue = {
    driver: 'in-process',
    enqueue: async (_queue: string, _name: string, _payload: unknown, _options?: EnqueueOptions) => void dropped++,
    enqueueBulk: async (_queue: string, jobs: readonly BulkJob[]) => void (dropped += jobs.length),
    repeat: async () => undefined,
    process: () => {
      throw new Error('the CLI runs no workers');
    },
    ping: async () => undefined,
    close: async () => undefined,
  };
  const pacer = new InMemoryPacer();
  return { mode: 'record-only', queue, pacer, dropped: () => dropped, close: () => pacer.close() };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Warnings and errors on stderr (a listener that failed, connection trouble); the rest is quiet. */
export function stderrLogger(stderr: (line: string) => void): Logger {
  const write = (level: string) => (a: object | string, b?: string) => {
    const text = typeof a === 'string' ? a : `${b ?? ''} ${JSON.stringify(a, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`.trim();
    stderr(`${level}: ${text}`);
  };
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: write('warning'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}
