import { z } from 'zod';

/**
 * The polls capability's jobs: names, payload schema and deterministic job ids (BullMQ forbids `:` in
 * ids; uuids and numbers have none). Everything runs on one queue.
 */
export const POLL_QUEUE = 'polls';

/** Job names on {@link POLL_QUEUE}. */
export const POLL_JOB = {
  /** Post the copies still waiting for a message id. */
  publish: 'publish',
  /** Re-render every posted copy with the current tally (coalesced per time window). */
  refresh: 'refresh',
  /** Close the poll when its deadline has come (delayed). */
  close: 'close',
} as const;
export type PollJobName = (typeof POLL_JOB)[keyof typeof POLL_JOB];

/** Every poll job carries only the poll id; handlers read the current state (jobs may run late or twice). */
export const pollJobPayloadSchema = z.object({ pollId: z.uuid() });
export type PollJobPayload = z.infer<typeof pollJobPayloadSchema>;

/** Deterministic job ids: one per poll and purpose (and time window for refreshes). */
export const pollJobId = {
  publish: (pollId: string) => `poll-publish-${pollId}`,
  /**
   * One refresh per poll per window: `bucket` is `floor(now / windowMs)`. A fixed id per poll would not
   * do: BullMQ keeps completed jobs (and their ids) for an hour, so later refreshes would be ignored.
   */
  refresh: (pollId: string, bucket: number) => `poll-refresh-${pollId}-${bucket}`,
  /** The refresh after closing (final results, buttons removed); runs once. */
  final: (pollId: string) => `poll-final-${pollId}`,
  close: (pollId: string) => `poll-close-${pollId}`,
  /** An intermediate wake-up for deadlines beyond the longest delay we schedule at once. */
  closeHop: (pollId: string, runAt: number) => `poll-close-${pollId}-at-${runAt}`,
};
