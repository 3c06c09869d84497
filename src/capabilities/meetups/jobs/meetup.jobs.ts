import { z } from 'zod';
import { NOTICE_KINDS } from '../ports.js';

/**
 * The meet-ups capability's jobs: names, payload schemas and deterministic job ids (BullMQ forbids `:` in
 * ids; uuids, numbers and the notice keys have none). Everything runs on one queue. Handlers read the
 * current state, so a job that runs late or twice still does the right thing.
 */
export const MEETUP_QUEUE = 'meetups';

/** Job names on {@link MEETUP_QUEUE}. */
export const MEETUP_JOB = {
  /** Post the copies still waiting for a message id. */
  publish: 'publish',
  /** Re-render every posted copy with the current count. */
  refresh: 'refresh',
  /** Send a reminder when it is due (delayed; far ones wake up on the way). */
  remind: 'remind',
  /** Refresh the copies at a moment (check-in opens, the meet-up ends). */
  wake: 'wake',
  /** One direct message to one member. */
  notify: 'notify',
  /** Create or update the platforms' native copies (Discord scheduled events). */
  mirror: 'mirror',
  /** Deliver a suggestion to the managers (members of a chapter share an interest). */
  suggest: 'suggest',
} as const;
export type MeetupJobName = (typeof MEETUP_JOB)[keyof typeof MEETUP_JOB];

const meetupId = z.uuid();
/** Keys that go into job ids: lowercase letters, digits and dashes. */
const key = z.string().regex(/^[a-z0-9-]{1,80}$/);

export const meetupJobSchemas = {
  publish: z.object({ meetupId }),
  refresh: z.object({ meetupId }),
  remind: z.object({ meetupId, offsetMinutes: z.number().int().min(1), dueAt: z.number().int(), hop: z.number().int().min(0) }),
  wake: z.object({ meetupId, at: z.number().int(), hop: z.number().int().min(0) }),
  notify: z.object({ meetupId, memberId: z.uuid(), kind: z.enum(NOTICE_KINDS), key }),
  mirror: z.object({ meetupId, key }),
  suggest: z.object({ organizationId: z.uuid(), chapterId: z.uuid(), interestId: z.uuid(), interest: z.string().min(1).max(200), members: z.number().int().min(1) }),
} as const;

/** Deterministic job ids: one per meet-up and purpose (and window, moment or notice). */
export const meetupJobId = {
  publish: (id: string) => `meetup-publish-${id}`,
  /** One refresh per meet-up per window (`bucket` = floor(now / window)). */
  refresh: (id: string, bucket: number) => `meetup-refresh-${id}-${bucket}`,
  refreshOnce: (id: string, key: string) => `meetup-refresh-${id}-${key}`,
  /** A hop counts the wake-ups on the way to a far moment, so each has its own id. */
  remind: (id: string, offsetMinutes: number, dueAt: number, hop: number) => `meetup-remind-${id}-${offsetMinutes}-${dueAt}-${hop}`,
  wake: (id: string, at: number, hop: number) => `meetup-wake-${id}-${at}-${hop}`,
  notify: (id: string, memberId: string, key: string) => `meetup-notify-${id}-${memberId}-${key}`,
  mirror: (id: string, key: string) => `meetup-mirror-${id}-${key}`,
  suggest: (chapterId: string, interestId: string) => `meetup-suggest-${chapterId}-${interestId}`,
};
