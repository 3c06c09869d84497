import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { CoalescedRefresh } from '../../../kernel/coalesced-refresh.js';
import { PermanentJobError, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { IdeaJobs } from '../ports.js';
import type { IdeaService } from '../domain/idea.service.js';

/** The idea box's queue and jobs; ids deterministic, without `:`. */
export const IDEA_QUEUE = 'ideas';
export const IDEA_JOB = { publish: 'publish', refresh: 'refresh', notify: 'notify' } as const;
export const ideaJobPayload = z.object({ ideaId: z.uuid() });

/** {@link IdeaJobs} on the queue: upvotes in one window share one refresh; one notify job per status change. */
export class QueueIdeaJobs implements IdeaJobs {
  private readonly refresh: CoalescedRefresh;

  constructor(
    private readonly queue: JobQueue,
    clock: Clock,
    options: { refreshWindowMs?: number; skewMarginMs?: number } = {},
  ) {
    this.refresh = new CoalescedRefresh(queue, clock, {
      queue: IDEA_QUEUE,
      job: IDEA_JOB.refresh,
      payload: (ideaId) => ({ ideaId }),
      jobId: (ideaId, bucket) => `idea-refresh-${ideaId}-${bucket}`,
      ...(options.refreshWindowMs !== undefined ? { windowMs: options.refreshWindowMs } : {}),
      ...(options.skewMarginMs !== undefined ? { skewMarginMs: options.skewMarginMs } : {}),
    });
  }

  publish(ideaId: string): Promise<void> {
    return this.queue.enqueue(IDEA_QUEUE, IDEA_JOB.publish, { ideaId }, { jobId: `idea-publish-${ideaId}` });
  }

  scheduleRefresh(ideaId: string): Promise<void> {
    return this.refresh.schedule(ideaId);
  }

  notify(ideaId: string, changedAt: Date): Promise<void> {
    return this.queue.enqueue(IDEA_QUEUE, IDEA_JOB.notify, { ideaId }, { jobId: `idea-notify-${ideaId}-${changedAt.getTime()}` });
  }
}

/** The `ideas` queue's handler. */
export class IdeaWorker {
  constructor(private readonly ideas: Pick<IdeaService, 'publish' | 'refresh' | 'notify'>) {}

  readonly handle = async (name: string, payload: unknown, meta?: { attempt: number }): Promise<void> => {
    const parsed = ideaJobPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad ${name} payload`);
    if (name === IDEA_JOB.publish) return this.ideas.publish(parsed.data.ideaId, (meta?.attempt ?? 1) > 1);
    if (name === IDEA_JOB.refresh) return this.ideas.refresh(parsed.data.ideaId);
    if (name === IDEA_JOB.notify) return this.ideas.notify(parsed.data.ideaId);
    throw new PermanentJobError(`unknown idea job ${name}`);
  };
}
