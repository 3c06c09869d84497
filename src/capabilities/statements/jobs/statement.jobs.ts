import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { CoalescedRefresh } from '../../../kernel/coalesced-refresh.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import type { StatementJobs } from '../ports.js';

/** The statements capability's queue and jobs; ids are deterministic and have no `:`. */
export const STATEMENT_QUEUE = 'statements';

export const STATEMENT_JOB = { publish: 'publish', refresh: 'refresh' } as const;

/** Every job carries only the statement id; handlers read the current state. */
export const statementJobPayload = z.object({ statementId: z.uuid() });

export const statementJobId = {
  publish: (id: string) => `statement-publish-${id}`,
  refresh: (id: string, bucket: number) => `statement-refresh-${id}-${bucket}`,
  final: (id: string) => `statement-final-${id}`,
};

export interface StatementSchedulerOptions {
  /** At most one edit per copy per window (default 2 s). */
  refreshWindowMs?: number;
  skewMarginMs?: number;
}

/** {@link StatementJobs} on the queue: a burst of answers in one window shares one refresh job. */
export class QueueStatementJobs implements StatementJobs {
  private readonly refresh: CoalescedRefresh;

  constructor(
    private readonly queue: JobQueue,
    clock: Clock,
    options: StatementSchedulerOptions = {},
  ) {
    this.refresh = new CoalescedRefresh(queue, clock, {
      queue: STATEMENT_QUEUE,
      job: STATEMENT_JOB.refresh,
      payload: (statementId) => ({ statementId }),
      jobId: statementJobId.refresh,
      ...(options.refreshWindowMs !== undefined ? { windowMs: options.refreshWindowMs } : {}),
      ...(options.skewMarginMs !== undefined ? { skewMarginMs: options.skewMarginMs } : {}),
    });
  }

  publish(statementId: string): Promise<void> {
    return this.queue.enqueue(STATEMENT_QUEUE, STATEMENT_JOB.publish, { statementId }, { jobId: statementJobId.publish(statementId) });
  }

  scheduleRefresh(statementId: string): Promise<void> {
    return this.refresh.schedule(statementId);
  }

  finalRefresh(statementId: string): Promise<void> {
    this.refresh.forget(statementId);
    return this.queue.enqueue(STATEMENT_QUEUE, STATEMENT_JOB.refresh, { statementId }, { jobId: statementJobId.final(statementId) });
  }
}
