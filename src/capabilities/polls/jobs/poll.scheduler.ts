import type { Clock } from '../../../kernel/clock.js';
import type { Poll } from '../domain/poll.js';
import type { PollEvents } from '../domain/poll.service.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import { POLL_JOB, POLL_QUEUE, pollJobId } from './poll.jobs.js';

export interface PollSchedulerOptions {
  /**
   * Refresh window: at most one edit per posted copy per window. 2 s keeps a busy poll within Slack's
   * chat.update tier 3 (~50 per minute per workspace) and Discord's per-channel edit bucket.
   */
  refreshWindowMs?: number;
  /** Extra delay after the window ends, so a vote counted by a process with a slightly late clock still lands. */
  skewMarginMs?: number;
  /** Longest single delay for a close job (in-process timers overflow past ~24.8 days); longer ones hop. */
  maxDelayMs?: number;
}

/**
 * Turns poll events into queue jobs: publish on create, a coalesced refresh after votes, a final refresh
 * on close, and the delayed close at the deadline. Votes in one refresh window share one job (same id), so a
 * burst of 1,000 votes costs one edit per copy per window.
 */
export class PollScheduler implements PollEvents {
  readonly refreshWindowMs: number;
  private readonly skewMarginMs: number;
  private readonly maxDelayMs: number;
  /** The window each poll's refresh is enqueued for already: saves a queue round trip per vote. */
  private readonly enqueued = new Map<string, number>();

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    options: PollSchedulerOptions = {},
  ) {
    this.refreshWindowMs = options.refreshWindowMs ?? 2000;
    this.skewMarginMs = options.skewMarginMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 7 * 24 * 3600_000;
  }

  async created(poll: Poll): Promise<void> {
    await this.queue.enqueue(POLL_QUEUE, POLL_JOB.publish, { pollId: poll.id }, { jobId: pollJobId.publish(poll.id) });
    await this.scheduleClose(poll);
  }

  async ballotChanged(poll: Poll): Promise<void> {
    await this.scheduleRefresh(poll.id);
  }

  async closed(poll: Poll): Promise<void> {
    this.enqueued.delete(poll.id);
    await this.queue.enqueue(POLL_QUEUE, POLL_JOB.refresh, { pollId: poll.id }, { jobId: pollJobId.final(poll.id) });
  }

  /** Enqueues the refresh of the current window (once per window per process; the queue dedupes the rest). */
  async scheduleRefresh(pollId: string): Promise<void> {
    const now = this.clock.now().getTime();
    const bucket = Math.floor(now / this.refreshWindowMs);
    if (this.enqueued.get(pollId) === bucket) return;
    if (this.enqueued.size > 10_000) this.enqueued.clear();
    this.enqueued.set(pollId, bucket);
    try {
      // Runs after the window ends, so it sees every vote counted in the window.
      const delayMs = (bucket + 1) * this.refreshWindowMs - now + this.skewMarginMs;
      await this.queue.enqueue(POLL_QUEUE, POLL_JOB.refresh, { pollId }, { jobId: pollJobId.refresh(pollId, bucket), delayMs });
    } catch (err) {
      if (this.enqueued.get(pollId) === bucket) this.enqueued.delete(pollId);
      throw err;
    }
  }

  /** Enqueues the close job at the deadline (or a wake-up on the way there). No-op without a deadline. */
  async scheduleClose(poll: Pick<Poll, 'id' | 'deadline' | 'status'>): Promise<void> {
    if (!poll.deadline || poll.status !== 'open') return;
    const delay = Math.max(0, poll.deadline.getTime() - this.clock.now().getTime());
    if (delay <= this.maxDelayMs) {
      await this.queue.enqueue(POLL_QUEUE, POLL_JOB.close, { pollId: poll.id }, { jobId: pollJobId.close(poll.id), delayMs: delay });
    } else {
      const runAt = this.clock.now().getTime() + this.maxDelayMs;
      await this.queue.enqueue(POLL_QUEUE, POLL_JOB.close, { pollId: poll.id }, { jobId: pollJobId.closeHop(poll.id, runAt), delayMs: this.maxDelayMs });
    }
  }
}
