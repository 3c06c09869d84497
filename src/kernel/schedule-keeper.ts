import { PermanentJobError, type JobQueue } from './ports/job-queue.js';
import type { Logger } from './ports/logger.js';

/** The queue of the job that registers every capability's repeating jobs again. */
export const SCHEDULES_QUEUE = 'kring-schedules';
export const KEEP_SCHEDULES_JOB = 'keep-schedules';
/** Schedule key of the keeper itself (one per deployment: BullMQ job schedulers are upserted by key). */
export const KEEP_SCHEDULES_KEY = 'kring-keep-schedules';
/**
 * Every five minutes: the longest an organisation created since (`kring org create` in another process,
 * or a time zone changed in the database) waits for its weekly digest and monthly schedules.
 */
export const KEEP_SCHEDULES_CRON = '*/5 * * * *';

/**
 * Keeps the per-organisation schedules (insights' weekly digest, the ideas' monthly draft, ...) in step with
 * the organisations in the database, in a `schedulers` process (docs/SCALING.md). `register` runs every
 * capability's `schedule` hook, which upserts by key: running it again registers nothing twice, adds the
 * schedules of organisations created since and moves those whose time zone changed.
 *
 * It runs once now, then as a repeating job on its own queue. Only `schedulers` processes work that queue
 * (`queue` here is the shared queue, not the role-aware one a capability sees): BullMQ cannot send a job to
 * a role, so a `workers`-only process must not take it, and its own role-aware queue would drop the
 * registrations anyway. One job per match across the deployment, taken by whichever `schedulers` replica.
 */
export async function keepSchedules(queue: JobQueue, register: () => Promise<void>, logger: Logger, options: { cron?: string } = {}): Promise<void> {
  queue.process(
    SCHEDULES_QUEUE,
    async (name) => {
      if (name !== KEEP_SCHEDULES_JOB) throw new PermanentJobError(`unknown schedules job ${name}`);
      await register();
      logger.debug('schedules: registered again');
    },
    { concurrency: 1 },
  );
  await register();
  await queue.repeat(SCHEDULES_QUEUE, KEEP_SCHEDULES_JOB, options.cron ?? KEEP_SCHEDULES_CRON, 'UTC', { key: KEEP_SCHEDULES_KEY });
}
