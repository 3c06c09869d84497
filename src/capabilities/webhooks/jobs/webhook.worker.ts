import type { WebhookEndpointRepository } from '../ports.js';
import { SIGNATURE_HEADER, signKringWebhook } from '../domain/webhook-signature.js';
import type { Clock } from '../../../kernel/clock.js';
import { PermanentJobError, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import { enqueueWebhookAttempt, WEBHOOK_DELIVER_JOB, WEBHOOK_QUEUE, WEBHOOK_RETRY_DELAYS_MS, webhookJobSchema, type WebhookJob } from './webhook.queue.js';

/**
 * Sends outgoing webhooks: takes `deliver` jobs from the `webhooks` queue, signs the body with the
 * endpoint's secret (afresh per attempt, so the timestamp is current), POSTs it and, when the receiver
 * does not answer 2xx in time, schedules the next attempt. Redirects are not followed (a webhook URL
 * that moved is a configuration error, and following redirects would let a receiver point Kring
 * anywhere). The body and secret are never logged.
 */
export interface WebhookWorkerOptions {
  queue: JobQueue;
  endpoints: Pick<WebhookEndpointRepository, 'findById'>;
  clock: Clock;
  logger: Logger;
  /** Delay before attempt 2, 3, … (default {@link WEBHOOK_RETRY_DELAYS_MS}). */
  retryDelaysMs?: readonly number[];
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** The longest `Retry-After` honoured (a receiver cannot park its deliveries for days). */
const MAX_RETRY_AFTER_MS = 12 * 3_600_000;

/** Outcome of one attempt, for the log and for tests. */
export type WebhookAttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; reason: string; delayMs: number }
  | { kind: 'gave-up'; reason: string }
  | { kind: 'dropped'; reason: string };

/** Starts processing the webhooks queue (call once, from the capability's `start`). */
export function startWebhookWorker(options: WebhookWorkerOptions): void {
  const handle = createWebhookJobHandler(options);
  options.queue.process(WEBHOOK_QUEUE, async (name, payload) => {
    if (name !== WEBHOOK_DELIVER_JOB) throw new PermanentJobError(`unknown webhook job ${name}`);
    const parsed = webhookJobSchema.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError('malformed webhook job payload', { cause: parsed.error });
    await handle(parsed.data);
  });
}

/** One attempt of one delivery; exported for tests that drive it without a queue. */
export function createWebhookJobHandler(options: WebhookWorkerOptions): (job: WebhookJob) => Promise<WebhookAttemptOutcome> {
  const delays = options.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;

  return async (job) => {
    const log = { deliveryId: job.deliveryId, endpointId: job.endpointId, event: job.event, eventId: job.eventId, attempt: job.attempt };
    const endpoint = await options.endpoints.findById(job.endpointId);
    if (!endpoint || endpoint.disabledAt !== null) {
      options.logger.info({ ...log }, 'webhook dropped: endpoint removed');
      return { kind: 'dropped', reason: 'endpoint removed' };
    }
    const timestamp = Math.floor(options.clock.now().getTime() / 1000);
    let failure: string;
    let retryAfterMs = 0;
    try {
      const response = await doFetch(endpoint.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Kring-Webhooks/1',
          [SIGNATURE_HEADER]: signKringWebhook(endpoint.secret, job.body, timestamp),
          'Kring-Event': job.event,
          'Kring-Delivery': job.deliveryId,
        },
        body: job.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is irrelevant; release the connection.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        options.logger.info({ ...log, status: response.status }, 'webhook delivered');
        return { kind: 'delivered', status: response.status };
      }
      failure = `HTTP ${response.status}`;
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.clock.now());
    } catch (err) {
      failure = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `request failed: ${(err as Error).message}`;
    }

    const delay = delays[job.attempt - 1];
    if (delay === undefined) {
      options.logger.error({ ...log, reason: failure }, 'webhook failed for good');
      return { kind: 'gave-up', reason: failure };
    }
    const delayMs = Math.max(delay, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
    await enqueueWebhookAttempt(options.queue, { ...job, attempt: job.attempt + 1 }, delayMs);
    options.logger.warn({ ...log, reason: failure, retryInMs: delayMs }, 'webhook attempt failed, retrying');
    return { kind: 'retry', reason: failure, delayMs };
  };
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now; 0 when absent or unreadable. */
function parseRetryAfter(value: string | null, now: Date): number {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : Math.max(0, at - now.getTime());
}
