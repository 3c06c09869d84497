import pLimit, { type LimitFunction } from 'p-limit';

/** How much work after an acknowledgement runs at once, and how much may wait. */
export interface BoundedWorkOptions {
  /** Pieces of work running at the same time. */
  concurrency: number;
  /** Pieces waiting for a slot at most; beyond that, new work is refused (shed). */
  maxWaiting: number;
}

/**
 * The work that follows an acknowledgement (a button press's vote, a command), run a bounded number at a
 * time. Under a burst the rest waits here, cheaply, instead of all at once on the event loop, so new
 * requests are still read and acknowledged within the platform's deadline while the work catches up;
 * and when even the waiting room is full, work is refused (the caller logs it) rather than memory
 * growing without end. Acknowledging is never the part that waits.
 */
export class BoundedWork {
  private readonly limit: LimitFunction;

  constructor(private readonly options: BoundedWorkOptions) {
    this.limit = pLimit(options.concurrency);
  }

  /**
   * Runs `work` when a slot is free. Resolves with true once it ran (its own failure is its business: it
   * must not throw), or with false at once when the waiting room was full and it did not run.
   */
  async run(work: () => Promise<void>): Promise<boolean> {
    if (this.limit.pendingCount >= this.options.maxWaiting) return false;
    await this.limit(work);
    return true;
  }

  /** Work running now. */
  get running(): number {
    return this.limit.activeCount;
  }

  /** Work waiting for a slot. */
  get waiting(): number {
    return this.limit.pendingCount;
  }
}
