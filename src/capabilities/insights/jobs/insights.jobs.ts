import { z } from 'zod';
import { PermanentJobError, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';

/** The insights queue and its jobs. */
export const INSIGHTS_QUEUE = 'insights';
export const INSIGHTS_JOBS = {
  /** Posts the weekly digest of one organisation to its managers' channels. */
  digest: 'weekly-digest',
  /** Deletes expired dashboard sign-in links. */
  prune: 'prune-links',
  /** Deletes rollups and question threads older than each organisation's retention. */
  retention: 'enforce-retention',
} as const;

/** Mondays 09:00 in the organisation's own time zone. */
export const DIGEST_CRON = '0 9 * * 1';
/** Nightly housekeeping (UTC). */
export const PRUNE_CRON = '30 3 * * *';
/** Nightly retention, after the prune (UTC). */
export const RETENTION_CRON = '45 3 * * *';

export const digestPayloadSchema = z.object({ organizationId: z.uuid() });
export type DigestPayload = z.infer<typeof digestPayloadSchema>;

/** Schedule key of an organisation's digest (one per organisation; `:` is not allowed in BullMQ ids). */
export function digestScheduleKey(organizationId: string): string {
  return `insights-digest-${organizationId}`;
}

/** Schedules (or re-schedules) every organisation's weekly digest in its own time zone, the nightly prune and the retention. */
export async function scheduleInsightsJobs(queue: JobQueue, organizations: readonly { id: string; timezone: string }[]): Promise<void> {
  for (const org of organizations) {
    await queue.repeat(INSIGHTS_QUEUE, INSIGHTS_JOBS.digest, DIGEST_CRON, org.timezone, {
      key: digestScheduleKey(org.id),
      payload: { organizationId: org.id } satisfies DigestPayload,
    });
  }
  await queue.repeat(INSIGHTS_QUEUE, INSIGHTS_JOBS.prune, PRUNE_CRON, 'UTC', { key: 'insights-prune-links' });
  await queue.repeat(INSIGHTS_QUEUE, INSIGHTS_JOBS.retention, RETENTION_CRON, 'UTC', { key: 'insights-retention' });
}

/**
 * Enqueues one organisation's digest for the workers to post now (the CLI's and the admin API's "send
 * now"); `at` makes the job id unique per request (a repeated request is posted once per channel and week
 * anyway: the post's idempotency key).
 */
export async function enqueueDigestNow(queue: Pick<JobQueue, 'enqueue'>, organizationId: string, at: Date): Promise<void> {
  await queue.enqueue(INSIGHTS_QUEUE, INSIGHTS_JOBS.digest, { organizationId } satisfies DigestPayload, {
    jobId: `insights-digest-now-${organizationId}-${at.getTime()}`,
    attempts: 5,
  });
}

/** What the insights worker does for each job. */
export interface InsightsJobHandlers {
  digest(organizationId: string): Promise<void>;
  prune(): Promise<void>;
  retention(): Promise<void>;
}

/** Starts the insights worker: payloads validated, unknown jobs failed for good. */
export function processInsightsJobs(queue: JobQueue, handlers: InsightsJobHandlers, logger: Logger): void {
  queue.process(
    INSIGHTS_QUEUE,
    async (name, payload) => {
      switch (name) {
        case INSIGHTS_JOBS.digest: {
          const parsed = digestPayloadSchema.safeParse(payload);
          if (!parsed.success) throw new PermanentJobError(`bad digest payload: ${parsed.error.message}`);
          await handlers.digest(parsed.data.organizationId);
          return;
        }
        case INSIGHTS_JOBS.prune:
          await handlers.prune();
          return;
        case INSIGHTS_JOBS.retention:
          await handlers.retention();
          return;
        default:
          logger.warn({ job: name }, 'insights: unknown job');
          throw new PermanentJobError(`unknown insights job ${name}`);
      }
    },
    { concurrency: 2 },
  );
}
