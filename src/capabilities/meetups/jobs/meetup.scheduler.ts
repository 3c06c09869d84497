import type { Clock } from '../../../kernel/clock.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import { CHECK_IN_OPENS_BEFORE_MS, type Meetup } from '../domain/meetup.js';
import type { MeetupJobs, MeetupReminder, MeetupSuggestion, Notice } from '../ports.js';
import { MEETUP_JOB, MEETUP_QUEUE, meetupJobId } from './meetup.jobs.js';

export interface MeetupSchedulerOptions {
  /** At most one edit per copy per window (2 s keeps a busy meet-up within Slack's chat.update tier). */
  refreshWindowMs?: number;
  /** Extra delay after the window ends, so an answer counted by a process with a slightly late clock still lands. */
  skewMarginMs?: number;
  /**
   * Longest single delay of a timed job; a later moment is reached in hops, each re-reading the clock and
   * the stored state (in-process timers overflow past ~24.8 days, and a re-timed meet-up must not wait on
   * an old timer). Tests set it low to follow a test clock.
   */
  maxDelayMs?: number;
}

/**
 * Turns meet-up events into queue jobs: publish on create, a coalesced refresh after answers, a refresh
 * once per change, reminders and wake-ups at their moments (in hops), one job per direct message. Answers
 * in one refresh window share one job (same id), so a burst of answers costs one edit per copy per window.
 */
export class MeetupScheduler implements MeetupJobs {
  readonly refreshWindowMs: number;
  readonly maxDelayMs: number;
  private readonly skewMarginMs: number;
  /** The window each meet-up's refresh is enqueued for already: saves a queue round trip per answer. */
  private readonly enqueued = new Map<string, number>();

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    options: MeetupSchedulerOptions = {},
  ) {
    this.refreshWindowMs = options.refreshWindowMs ?? 2000;
    this.skewMarginMs = options.skewMarginMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 6 * 3600_000;
  }

  async publish(meetupId: string): Promise<void> {
    await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.publish, { meetupId }, { jobId: meetupJobId.publish(meetupId) });
  }

  async scheduleRefresh(meetupId: string): Promise<void> {
    // Windows are about the platforms' rate limits, which run on real time, not on the domain's clock.
    const now = Date.now();
    const bucket = Math.floor(now / this.refreshWindowMs);
    if (this.enqueued.get(meetupId) === bucket) return;
    if (this.enqueued.size > 10_000) this.enqueued.clear();
    this.enqueued.set(meetupId, bucket);
    try {
      // Runs after the window ends, so it sees every answer of the window.
      const delayMs = (bucket + 1) * this.refreshWindowMs - now + this.skewMarginMs;
      await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.refresh, { meetupId }, { jobId: meetupJobId.refresh(meetupId, bucket), delayMs });
    } catch (err) {
      if (this.enqueued.get(meetupId) === bucket) this.enqueued.delete(meetupId);
      throw err;
    }
  }

  async refreshOnce(meetupId: string, key: string): Promise<void> {
    await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.refresh, { meetupId }, { jobId: meetupJobId.refreshOnce(meetupId, key) });
  }

  async scheduleTimers(meetup: Meetup, reminders: readonly MeetupReminder[]): Promise<void> {
    for (const r of reminders) {
      if (r.sentAt === null) await this.scheduleReminder(meetup.id, r.offsetMinutes, r.dueAt.getTime(), 0);
    }
    // The copies show the check-in button from half an hour before the start, and "ended" after the end.
    await this.scheduleWake(meetup.id, meetup.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS, 0);
    await this.scheduleWake(meetup.id, meetup.endsAt.getTime(), 0);
  }

  /** The reminder job at its moment, or the next hop towards it. */
  async scheduleReminder(meetupId: string, offsetMinutes: number, dueAt: number, hop: number): Promise<void> {
    const delayMs = this.delayTo(dueAt);
    await this.queue.enqueue(
      MEETUP_QUEUE,
      MEETUP_JOB.remind,
      { meetupId, offsetMinutes, dueAt, hop },
      { jobId: meetupJobId.remind(meetupId, offsetMinutes, dueAt, hop), delayMs },
    );
  }

  /** A refresh of the copies at `at`, or the next hop towards it. Moments in the past are skipped. */
  async scheduleWake(meetupId: string, at: number, hop: number): Promise<void> {
    if (at <= this.clock.now().getTime() && hop === 0) return;
    await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.wake, { meetupId, at, hop }, { jobId: meetupJobId.wake(meetupId, at, hop), delayMs: this.delayTo(at) });
  }

  async notify(notices: readonly Notice[]): Promise<void> {
    if (notices.length === 0) return;
    await this.queue.enqueueBulk(
      MEETUP_QUEUE,
      notices.map((n) => ({
        name: MEETUP_JOB.notify,
        payload: { meetupId: n.meetupId, memberId: n.memberId, kind: n.kind, key: n.key },
        options: { jobId: meetupJobId.notify(n.meetupId, n.memberId, n.key), attempts: 6 },
      })),
    );
  }

  async mirror(meetupId: string, key: string): Promise<void> {
    await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.mirror, { meetupId, key }, { jobId: meetupJobId.mirror(meetupId, key) });
  }

  async suggest(suggestion: MeetupSuggestion): Promise<void> {
    await this.queue.enqueue(MEETUP_QUEUE, MEETUP_JOB.suggest, { ...suggestion }, { jobId: meetupJobId.suggest(suggestion.chapterId, suggestion.interestId), attempts: 6 });
  }

  /** Milliseconds until `at`, at most {@link maxDelayMs} (0 when it has come). */
  private delayTo(at: number): number {
    return Math.min(Math.max(0, at - this.clock.now().getTime()), this.maxDelayMs);
  }
}
