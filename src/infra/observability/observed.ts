import { ChatPlatformError, type ChatPlatform, type InboundEvent, type InboundHandler, type Reply } from '../../kernel/ports/chat-platform.js';
import {
  DeferJobError,
  PermanentJobError,
  RateLimitedJobError,
  type BulkJob,
  type EnqueueOptions,
  type JobQueue,
  type ProcessOptions,
  type QueueHandler,
  type ScheduleOptions,
} from '../../kernel/ports/job-queue.js';
import type { Metrics } from '../../kernel/ports/metrics.js';
import type { TraceCarrier, Tracing } from '../../kernel/ports/tracing.js';

/** What the wrappers count and trace with. */
export interface Observers {
  metrics: Metrics;
  tracing: Tracing;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * The chat router as the platforms see it, counted and traced: every inbound event counts
 * (`kring_inbound_events_total`), the time to its reply is observed (`kring_chat_reply_seconds`: the
 * adapters acknowledge with that reply), and the handling runs in a server span, the root of the trace of
 * everything the event causes.
 */
export function observeInbound(handler: InboundHandler, { metrics, tracing }: Observers): InboundHandler {
  return {
    async handle(event: InboundEvent): Promise<Reply | undefined> {
      const labels = { platform: event.platform, kind: event.type };
      metrics.increment('kring_inbound_events_total', labels);
      const started = performance.now();
      // Named after the command's first word only, and only when it looks like one: the rest of a typed
      // command can be the member's own text, which traces must not carry to a collector.
      const word = event.type === 'command' ? event.path[0]?.toLowerCase() : undefined;
      const name = event.type === 'command' ? `kring ${word !== undefined && /^[a-z][a-z-]{0,23}$/.test(word) ? word : 'command'}` : `kring ${event.type}`;
      try {
        return await tracing.inSpan(name, 'server', { 'kring.platform': event.platform, 'kring.event': event.type }, () => handler.handle(event));
      } finally {
        metrics.observe('kring_chat_reply_seconds', labels, seconds(started));
      }
    },
  };
}

/** The port's calls that go out to the platform (lifecycle and listeners are not requests). */
const OUTBOUND = [
  'post',
  'update',
  'delete',
  'sendDirect',
  'findPosted',
  'channelName',
  'openThread',
  'grantMemberRole',
  'revokeMemberRole',
  'grantChannelAccess',
  'revokeChannelAccess',
  'removeMessage',
  'upsertScheduledEvent',
  'cancelScheduledEvent',
] as const satisfies readonly (keyof ChatPlatform)[];

type MethodKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown ? K : never }[keyof T];
/** Fails to compile when the port gains a method that is neither listed above nor lifecycle. */
const everyMethodListed: Exclude<MethodKeys<ChatPlatform>, (typeof OUTBOUND)[number] | 'start' | 'stop' | 'onChannelRenamed'> extends never ? true : never = true;
void everyMethodListed;

const OUTBOUND_SET: ReadonlySet<string> = new Set(OUTBOUND);

/**
 * A chat platform whose outbound calls are counted per operation and outcome (`ok`, or the
 * {@link ChatPlatformError} code: RATE_LIMITED is a 429), timed, and each run in a client span. Everything
 * else passes through; methods run on the platform itself (adapters may keep private fields).
 */
export function observePlatform<P extends ChatPlatform>(platform: P, { metrics, tracing }: Observers): P {
  const wrapped = new Map<string, unknown>();
  return new Proxy(platform, {
    get(target, key) {
      // Getters run on the platform itself too (an adapter's accessors may read private fields).
      const value: unknown = Reflect.get(target, key);
      if (typeof key !== 'string' || !OUTBOUND_SET.has(key) || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      let fn = wrapped.get(key);
      if (!fn) {
        const method = value as (...args: unknown[]) => Promise<unknown>;
        const operation = key;
        fn = (...args: unknown[]) => {
          const started = performance.now();
          return tracing.inSpan(`${target.platform} ${operation}`, 'client', { 'kring.platform': target.platform, 'kring.operation': operation }, async () => {
            let outcome = 'ok';
            try {
              return await method.apply(target, args);
            } catch (err) {
              outcome = err instanceof ChatPlatformError ? err.code : 'ERROR';
              throw err;
            } finally {
              metrics.increment('kring_platform_requests_total', { platform: target.platform, operation, outcome });
              metrics.observe('kring_platform_request_seconds', { platform: target.platform, operation }, seconds(started));
            }
          });
        };
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}

/**
 * Marks the payloads {@link ObservedJobQueue} wraps. Jobs enqueued without it (by a CLI, an older
 * process, a repeating schedule) arrive as they are.
 */
const ENVELOPE = '__kringJob';

interface Envelope {
  [ENVELOPE]: 1;
  payload: unknown;
  trace: TraceCarrier;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ENVELOPE] === 1 && 'payload' in value;
}

/**
 * A {@link JobQueue} counted and traced, with the port's shape unchanged. Each run counts as completed,
 * failed (retry or final) or postponed; its wait (`meta.readyAt` to start) and duration are observed. With
 * traces on, an enqueue inside a span wraps the payload in an envelope carrying the span's context, and the
 * job's run continues that trace in a consumer span; handlers see the payload as it was enqueued.
 */
export class ObservedJobQueue implements JobQueue {
  readonly driver: JobQueue['driver'];

  constructor(
    /** The driver underneath (BullMQ or in-process). */
    readonly inner: JobQueue,
    private readonly observers: Observers,
  ) {
    this.driver = inner.driver;
  }

  private wrap(payload: unknown): unknown {
    const trace = this.observers.tracing.enabled ? this.observers.tracing.carrier() : undefined;
    return trace ? ({ [ENVELOPE]: 1, payload, trace } satisfies Envelope) : payload;
  }

  enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions): Promise<void> {
    return this.inner.enqueue(queue, name, this.wrap(payload), options);
  }

  enqueueBulk(queue: string, jobs: readonly BulkJob[]): Promise<void> {
    if (!this.observers.tracing.enabled) return this.inner.enqueueBulk(queue, jobs);
    return this.inner.enqueueBulk(queue, jobs.map((j) => ({ ...j, payload: this.wrap(j.payload) })));
  }

  repeat(queue: string, name: string, cron: string, tz: string, options?: ScheduleOptions): Promise<void> {
    return this.inner.repeat(queue, name, cron, tz, options);
  }

  process(queue: string, handler: QueueHandler, options?: ProcessOptions): void {
    const { metrics, tracing } = this.observers;
    this.inner.process(
      queue,
      async (name, raw, meta) => {
        const started = performance.now();
        if (meta.readyAt !== undefined) metrics.observe('kring_job_wait_seconds', { queue }, Math.max(0, Date.now() - meta.readyAt) / 1000);
        const envelope = isEnvelope(raw) ? raw : undefined;
        const payload = envelope ? envelope.payload : raw;
        try {
          await tracing.continueFrom(envelope?.trace, `job ${queue} ${name}`, 'consumer', { 'kring.queue': queue, 'kring.job': name, 'kring.attempt': meta.attempt }, () =>
            handler(name, payload, meta),
          );
          metrics.increment('kring_jobs_completed_total', { queue });
        } catch (err) {
          if (err instanceof DeferJobError) metrics.increment('kring_jobs_postponed_total', { queue, reason: 'deferred' });
          else if (err instanceof RateLimitedJobError) metrics.increment('kring_jobs_postponed_total', { queue, reason: 'rate_limited' });
          else metrics.increment('kring_jobs_failed_total', { queue, final: err instanceof PermanentJobError || meta.attempt >= meta.maxAttempts ? 'true' : 'false' });
          throw err;
        } finally {
          metrics.observe('kring_job_duration_seconds', { queue }, seconds(started));
        }
      },
      options,
    );
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
