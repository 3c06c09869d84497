import type { Logger } from '../kernel/ports/logger.js';
import type { BulkJob, EnqueueOptions, JobQueue } from '../kernel/ports/job-queue.js';
import { BullMqJobQueue } from '../infra/queue/bullmq.job-queue.js';
import { InMemoryPacer, RedisPacer, type Pacer } from '../infra/queue/pacer.js';

/**
 * The queue behind CLI commands whose effect reaches the chat platforms (closing a poll refreshes its
 * posted copies, retracting news deletes them). The CLI never talks to a platform itself: it enqueues the
 * very jobs the server's own services enqueue, and the server's workers run them.
 *
 * - With REDIS_URL (BullMQ, the server's default `kring` key prefix): the jobs land in the server's queues.
 * - Without REDIS_URL the server runs in single-process mode: its queue lives inside the server process and
 *   nothing outside it can add to it. The CLI then refuses, unless the operator passes `--record-only`: the
 *   change is stored in the database, and the jobs are dropped (counted and reported), so posted copies are
 *   NOT touched, now or after a restart of the server.
 */
export interface CliQueue {
  readonly mode: 'bullmq' | 'record-only';
  readonly queue: JobQueue;
  readonly pacer: Pacer;
  /** Jobs dropped in record-only mode. */
  dropped(): number;
  close(): Promise<void>;
}

/** Help text shared by the commands that enqueue platform work. */
export const QUEUE_HELP =
  '\nChat platforms: the CLI does not post to Discord, Slack or Teams itself. It enqueues the same jobs the\n' +
  'server enqueues, and the running server\'s workers do the work:\n' +
  '  REDIS_URL set      the jobs go into the server\'s BullMQ queues (same Redis, default key prefix "kring").\n' +
  '  REDIS_URL unset    the server keeps its queue in its own process, out of the CLI\'s reach: the command\n' +
  '                     refuses (exit 2). Use the chat command or the admin API of the running server, or\n' +
  '                     pass --record-only to change the database only: copies already posted in chat are\n' +
  '                     then NOT updated or deleted (not even after a server restart), and no webhooks go out.';

/** Thrown when the CLI cannot reach the server's queue; the caller turns it into a usage error (exit 2). */
export class QueueUnavailableError extends Error {}

/** Reaching Redis takes at most this long before the command gives up (nothing changed yet). */
const PING_TIMEOUT_MS = 5000;

/** Opens the queue, or explains why not. Call before changing anything, so a refusal leaves no half-done work. */
export async function openCliQueue(env: Record<string, string | undefined>, options: { recordOnly: boolean; stderr: (line: string) => void }): Promise<CliQueue> {
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
  const queue = new BullMqJobQueue({ url, logger: stderrLogger(options.stderr) });
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

/** Warnings and errors of the queue on stderr (connection trouble); the rest is quiet. */
function stderrLogger(stderr: (line: string) => void): Logger {
  const write = (level: string) => (a: object | string, b?: string) => {
    const text = typeof a === 'string' ? a : `${b ?? ''} ${JSON.stringify(a)}`.trim();
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
