import type { Clock } from '../../../kernel/clock.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import type { ConnectJobs } from '../ports.js';
import { CONNECT_JOB, CONNECT_QUEUE, connectJobId } from './connect.jobs.js';

export interface ConnectSchedulerOptions {
  /**
   * Longest single delay of a timed job; a later moment is reached in hops, each re-reading the clock
   * (in-process timers overflow past ~24.8 days). Tests set it low to follow a test clock.
   */
  maxDelayMs?: number;
}

/** Turns connect's timed work into queue jobs: rounds and follow-ups at their moments, one job per direct message. */
export class ConnectScheduler implements ConnectJobs {
  readonly maxDelayMs: number;

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    options: ConnectSchedulerOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? 6 * 3600_000;
  }

  scheduleRound(programId: string, at: Date): Promise<void> {
    return this.roundHop(programId, at.getTime(), 0);
  }

  /** The round job at `at`, or the next hop towards it. */
  async roundHop(programId: string, at: number, hop: number): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.round, { programId, at, hop }, { jobId: connectJobId.round(programId, at, hop), delayMs: this.delayTo(at) });
  }

  async introduce(groupId: string, memberId: string): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.introduce, { groupId, memberId }, { jobId: connectJobId.introduce(groupId, memberId), attempts: 6 });
  }

  scheduleFollowUp(roundId: string, at: Date): Promise<void> {
    return this.followUpHop(roundId, at.getTime(), 0);
  }

  async followUpHop(roundId: string, at: number, hop: number): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.followUp, { roundId, at, hop }, { jobId: connectJobId.followUp(roundId, at, hop), delayMs: this.delayTo(at) });
  }

  async followUp(groupId: string, memberId: string): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.followUpOne, { groupId, memberId }, { jobId: connectJobId.followUpOne(groupId, memberId), attempts: 6 });
  }

  scheduleEscalation(askId: string, at: Date): Promise<void> {
    return this.escalationHop(askId, at.getTime(), 0);
  }

  async escalationHop(askId: string, at: number, hop: number): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.askEscalate, { askId, at, hop }, { jobId: connectJobId.askEscalate(askId, at, hop), delayMs: this.delayTo(at) });
  }

  /** A new member's welcome, once per member (the job id says so); a second after the link so it follows the link's answer. */
  async welcome(organizationId: string, memberId: string, identityId: string): Promise<void> {
    await this.queue.enqueue(CONNECT_QUEUE, CONNECT_JOB.welcome, { organizationId, memberId, identityId }, { jobId: connectJobId.welcome(memberId), delayMs: 1000, attempts: 3 });
  }

  /** Whether `at` has come (a hop that wakes early enqueues the next one). */
  due(at: number): boolean {
    return at <= this.clock.now().getTime();
  }

  private delayTo(at: number): number {
    return Math.min(Math.max(0, at - this.clock.now().getTime()), this.maxDelayMs);
  }
}
