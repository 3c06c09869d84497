import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { CoalescedRefresh } from '../../../kernel/coalesced-refresh.js';
import { PermanentJobError, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { IdeaJobs } from '../ports.js';
import type { IdeaService } from '../domain/idea.service.js';

/** The idea box's queue and jobs; ids deterministic, without `:`. */
export const IDEA_QUEUE = 'ideas';
export const IDEA_JOB = { publish: 'publish', refresh: 'refresh', notify: 'notify', youSaidWeDid: 'you-said-we-did' } as const;
export const ideaJobPayload = z.object({ ideaId: z.uuid() });
export const monthlyJobPayload = z.object({ organizationId: z.uuid() });

/** The 1st of every month at 09:00 in the organisation's time zone: the month before is drafted. */
export const YOU_SAID_WE_DID_CRON = '0 9 1 * *';

/** Schedule key of an organisation's monthly draft (one per organisation; no `:`). */
export function monthlyScheduleKey(organizationId: string): string {
  return `ideas-you-said-we-did-${organizationId}`;
}

/** Schedules (or re-schedules) every organisation's monthly "you said, we did" draft in its own time zone. */
export async function scheduleIdeaJobs(queue: Pick<JobQueue, 'repeat'>, organizations: readonly { id: string; timezone: string }[]): Promise<void> {
  for (const org of organizations) {
    await queue.repeat(IDEA_QUEUE, IDEA_JOB.youSaidWeDid, YOU_SAID_WE_DID_CRON, org.timezone, {
      key: monthlyScheduleKey(org.id),
      payload: { organizationId: org.id } satisfies z.infer<typeof monthlyJobPayload>,
    });
  }
}

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
  constructor(private readonly ideas: Pick<IdeaService, 'publish' | 'refresh' | 'notify' | 'draftMonthly'>) {}

  readonly handle = async (name: string, payload: unknown, meta?: { attempt: number }): Promise<void> => {
    if (name === IDEA_JOB.youSaidWeDid) {
      const monthly = monthlyJobPayload.safeParse(payload);
      if (!monthly.success) throw new PermanentJobError(`bad ${name} payload`);
      await this.ideas.draftMonthly(monthly.data.organizationId);
      return;
    }
    const parsed = ideaJobPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad ${name} payload`);
    if (name === IDEA_JOB.publish) return this.ideas.publish(parsed.data.ideaId, (meta?.attempt ?? 1) > 1);
    if (name === IDEA_JOB.refresh) return this.ideas.refresh(parsed.data.ideaId);
    if (name === IDEA_JOB.notify) return this.ideas.notify(parsed.data.ideaId);
    throw new PermanentJobError(`unknown idea job ${name}`);
  };
}
