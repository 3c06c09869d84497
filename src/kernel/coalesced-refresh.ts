import type { Clock } from './clock.js';
import type { JobQueue } from './ports/job-queue.js';

/** How {@link CoalescedRefresh} names and times its jobs. */
export interface CoalescedRefreshOptions {
  /** The queue the refresh jobs go to. */
  queue: string;
  /** The job name of a refresh. */
  job: string;
  /** The job's payload for this key (validated by the capability's worker). */
  payload: (key: string) => unknown;
  /** Deterministic job id for this key and window (no `:`; BullMQ forbids it). */
  jobId: (key: string, bucket: number) => string;
  /** At most one refresh per key per window (default 2 s: Slack's chat.update tier and Discord's edit bucket). */
  windowMs?: number;
  /** Extra delay after the window ends, so a change counted by a process with a slightly late clock lands (default 250 ms). */
  skewMarginMs?: number;
}

/**
 * Coalesced refreshes of posted copies (live bars on every copy): every change in one time window of a key
 * (a poll, a statement, an idea) shares one delayed job that runs after the window ends, so a burst of
 * 1,000 presses costs one edit per copy per window. The job id holds the window, so later windows get
 * their own job even where the queue keeps finished ids (BullMQ keeps them for an hour).
 */
export class CoalescedRefresh {
  readonly windowMs: number;
  private readonly skewMarginMs: number;
  /** The window each key's refresh is enqueued for already: saves a queue round trip per change. */
  private readonly enqueued = new Map<string, number>();

  constructor(
    private readonly queue: Pick<JobQueue, 'enqueue'>,
    private readonly clock: Clock,
    private readonly options: CoalescedRefreshOptions,
  ) {
    this.windowMs = options.windowMs ?? 2000;
    this.skewMarginMs = options.skewMarginMs ?? 250;
  }

  /** Enqueues the refresh of the current window for `key` (once per window per process; the queue dedupes the rest). */
  async schedule(key: string): Promise<void> {
    const now = this.clock.now().getTime();
    const bucket = Math.floor(now / this.windowMs);
    if (this.enqueued.get(key) === bucket) return;
    if (this.enqueued.size > 10_000) this.enqueued.clear();
    this.enqueued.set(key, bucket);
    try {
      const delayMs = (bucket + 1) * this.windowMs - now + this.skewMarginMs;
      await this.queue.enqueue(this.options.queue, this.options.job, this.options.payload(key), { jobId: this.options.jobId(key, bucket), delayMs });
    } catch (err) {
      if (this.enqueued.get(key) === bucket) this.enqueued.delete(key);
      throw err;
    }
  }

  /** Forgets the key (after its final refresh). */
  forget(key: string): void {
    this.enqueued.delete(key);
  }
}
