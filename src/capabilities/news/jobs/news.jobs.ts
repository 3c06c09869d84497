import { z } from 'zod';
import { PLATFORMS, type Platform } from '../../../kernel/types.js';
import { PermanentJobError } from '../../../kernel/ports/job-queue.js';

/**
 * Every news job: its queue, its name, its payload schema and its deterministic id. Payloads carry ids
 * only: the worker reads the current state from the database, so a job that runs late (or twice) acts on
 * what is true now. BullMQ forbids `:` in job ids; ours use `-`.
 */

/** The news control queue: publish jobs and live-report refreshes. */
export const NEWS_QUEUE = 'news';

/** The fan-out queue of a platform: one per platform, each with that platform's limiter. */
export function fanoutQueue(platform: Platform): `fanout-${Platform}` {
  return `fanout-${platform}`;
}

/** All fan-out queues. */
export const FANOUT_QUEUES = PLATFORMS.map(fanoutQueue);

const uuid = z.uuid();

/** Job names and payload schemas. */
export const NEWS_JOBS = {
  /** Create the deliveries of an announcement and enqueue them (now, or delayed to the publish time). */
  publish: {
    name: 'news.publish',
    schema: z.object({ announcementId: uuid, publishAt: z.iso.datetime().optional() }),
  },
  /**
   * Post one delivery. Pacing keys are computed from the delivery itself; `target` is accepted (and
   * ignored) for jobs enqueued by earlier versions.
   */
  deliver: { name: 'news.deliver', schema: z.object({ deliveryId: uuid, target: z.string().max(300).optional() }) },
  /** Bring one delivered copy to `version`. */
  update: { name: 'news.update', schema: z.object({ deliveryId: uuid, version: z.number().int().positive(), target: z.string().max(300).optional() }) },
  /** Delete one delivered copy. */
  retract: { name: 'news.retract', schema: z.object({ deliveryId: uuid, target: z.string().max(300).optional() }) },
  /** Refresh the live delivery reports of an announcement. */
  status: { name: 'news.status', schema: z.object({ announcementId: uuid }) },
} as const;

export type PublishJob = z.output<typeof NEWS_JOBS.publish.schema>;
export type DeliverJob = z.output<typeof NEWS_JOBS.deliver.schema>;
export type UpdateJob = z.output<typeof NEWS_JOBS.update.schema>;
export type RetractJob = z.output<typeof NEWS_JOBS.retract.schema>;
export type StatusJob = z.output<typeof NEWS_JOBS.status.schema>;

/** Deterministic job ids. */
export const jobIds = {
  /** Immediate publish: one per announcement. */
  publishNow: (announcementId: string) => `publish-${announcementId}`,
  /** Scheduled publish: one per announcement and publish time, so a reschedule adds a new job and the old one no-ops. */
  publishAt: (announcementId: string, at: Date) => `publish-${announcementId}-${at.getTime()}`,
  /** One post per delivery, ever (while the job is kept). */
  deliver: (deliveryId: string) => `delivery-${deliveryId}`,
  /** One update per delivery and version. */
  update: (deliveryId: string, version: number) => `update-${deliveryId}-v${version}`,
  retract: (deliveryId: string) => `retract-${deliveryId}`,
  /** One refresh per announcement per window: all completions inside a window share it. */
  status: (announcementId: string, window: number) => `news-status-${announcementId}-${window}`,
} as const;

/**
 * Validates a job payload; a payload that does not parse can never succeed, so it fails without retry.
 */
export function parseJob<S extends z.ZodType>(schema: S, payload: unknown, jobName: string): z.output<S> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new PermanentJobError(`invalid ${jobName} payload: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}
