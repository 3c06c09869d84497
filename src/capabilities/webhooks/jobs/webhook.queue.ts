import { z } from 'zod';
import { webhookEventSchema } from '../domain/webhook-events.js';
import type { WebhookDelivery, WebhookOutbox } from '../domain/webhook.service.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';

/**
 * The outgoing-webhook job: names, payload schema and job ids. One job is one attempt to POST one event
 * to one endpoint; a failed attempt enqueues the next one with a delay from {@link WEBHOOK_RETRY_DELAYS_MS}
 * (the queue's own exponential backoff starts at one second, far too eager for a receiver that is down
 * for an hour).
 */
export const WEBHOOK_QUEUE = 'webhooks';
export const WEBHOOK_DELIVER_JOB = 'deliver';

/**
 * Delay before attempt 2, 3, …: half a minute up to twelve hours, about 22 hours in all, so a receiver
 * that is down overnight still gets every event. Attempts = delays + 1.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000];

export const webhookJobSchema = z.object({
  deliveryId: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.uuid(),
  event: webhookEventSchema,
  body: z.string().max(1_000_000),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1).max(100),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

/** Deterministic per attempt (no `:`, which BullMQ forbids): a re-enqueue of the same attempt is ignored. */
export function webhookJobId(deliveryId: string, attempt: number): string {
  return `webhook-${deliveryId}-${attempt}`;
}

/**
 * Jobs are retried by the queue too (`attempts: 3`), but only for failures of the handler itself
 * (database, Redis); a receiver's failure is answered with the next scheduled attempt instead.
 */
const HANDLER_ATTEMPTS = 3;

/** Enqueues attempt `job.attempt` of a delivery. */
export async function enqueueWebhookAttempt(queue: JobQueue, job: WebhookJob, delayMs = 0): Promise<void> {
  await queue.enqueue(WEBHOOK_QUEUE, WEBHOOK_DELIVER_JOB, webhookJobSchema.parse(job), {
    jobId: webhookJobId(job.deliveryId, job.attempt),
    attempts: HANDLER_ATTEMPTS,
    ...(delayMs > 0 ? { delayMs } : {}),
  });
}

/** {@link WebhookOutbox} on the {@link JobQueue}: the first attempt, at once. */
export class JobQueueWebhookOutbox implements WebhookOutbox {
  constructor(private readonly queue: JobQueue) {}

  async enqueue(delivery: WebhookDelivery): Promise<void> {
    await enqueueWebhookAttempt(this.queue, { ...delivery, attempt: 1 });
  }
}
