import { describe, expect, it } from 'vitest';
import type { Poll } from '../domain/poll.js';
import type { EnqueueOptions, JobQueue } from '../../../kernel/ports/job-queue.js';
import { PollScheduler } from './poll.scheduler.js';

/** Records what was enqueued; nothing runs. */
class RecordingQueue {
  readonly driver = 'in-process' as const;
  readonly jobs: { queue: string; name: string; payload: unknown; options: EnqueueOptions | undefined }[] = [];
  async enqueue(queue: string, name: string, payload: unknown, options?: EnqueueOptions) {
    this.jobs.push({ queue, name, payload, options });
  }
}

const ID = '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f';
const clockAt = (ms: number) => ({ now: () => new Date(ms) });

describe(PollScheduler.name, () => {
  it('coalesces the refreshes of one window into one job that runs after the window', async () => {
    const queue = new RecordingQueue();
    let now = 10_000_100;
    const sut = new PollScheduler(queue as unknown as JobQueue, { now: () => new Date(now) }, { refreshWindowMs: 1000, skewMarginMs: 50 });
    for (let i = 0; i < 100; i++) await sut.scheduleRefresh(ID);
    now = 10_000_900;
    await sut.scheduleRefresh(ID);
    now = 10_001_000;
    await sut.scheduleRefresh(ID);
    expect(queue.jobs.map((j) => [j.name, j.options?.jobId, j.options?.delayMs])).toEqual([
      ['refresh', `poll-refresh-${ID}-10000`, 950],
      ['refresh', `poll-refresh-${ID}-10001`, 1050],
    ]);
    expect(queue.jobs.every((j) => !j.options!.jobId!.includes(':'))).toBe(true);
  });

  it('schedules the close at the deadline, and a wake-up first for far deadlines', async () => {
    const queue = new RecordingQueue();
    const sut = new PollScheduler(queue as unknown as JobQueue, clockAt(0), { maxDelayMs: 1000 });
    const poll = (deadline: number | null) => ({ id: ID, status: 'open', deadline: deadline === null ? null : new Date(deadline) }) as Pick<Poll, 'id' | 'status' | 'deadline'>;
    await sut.scheduleClose(poll(null));
    await sut.scheduleClose(poll(800));
    await sut.scheduleClose(poll(5000));
    expect(queue.jobs.map((j) => [j.name, j.options?.jobId, j.options?.delayMs])).toEqual([
      ['close', `poll-close-${ID}`, 800],
      ['close', `poll-close-${ID}-at-1000`, 1000],
    ]);
  });

  it('publishes on create and refreshes once more on close', async () => {
    const queue = new RecordingQueue();
    const sut = new PollScheduler(queue as unknown as JobQueue, clockAt(0));
    const poll = { id: ID, status: 'open', deadline: null } as Poll;
    await sut.created(poll);
    await sut.closed({ ...poll, status: 'closed' });
    expect(queue.jobs.map((j) => [j.name, j.options?.jobId])).toEqual([
      ['publish', `poll-publish-${ID}`],
      ['refresh', `poll-final-${ID}`],
    ]);
  });
});
