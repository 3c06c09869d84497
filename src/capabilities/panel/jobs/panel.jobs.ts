import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { PermanentJobError, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { PanelService } from '../domain/panel.service.js';
import type { PanelJobs } from '../ports.js';

/** The panel's queue and its one job; ids deterministic, without `:`. */
export const PANEL_QUEUE = 'panel';
export const PANEL_JOB = { places: 'places', welcome: 'welcome' } as const;
const memberPayload = z.object({ organizationId: z.uuid(), memberId: z.uuid() });

/**
 * {@link PanelJobs} on the queue: one job per member whose seat changed, so a draw of hundreds does not
 * wait on the platforms, and each member's invitations are retried on their own (rate limits).
 */
export class QueuePanelJobs implements PanelJobs {
  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  syncPlaces(organizationId: string, memberIds: readonly string[]): Promise<void> {
    // The change's time in the id: a later change of the same member is a job of its own, not a duplicate.
    const at = this.clock.now().getTime();
    return this.queue.enqueueBulk(
      PANEL_QUEUE,
      [...new Set(memberIds)].map((memberId) => ({ name: PANEL_JOB.places, payload: { organizationId, memberId }, options: { jobId: `panel-places-${memberId}-${at}` } })),
    );
  }

  welcome(organizationId: string, memberIds: readonly string[]): Promise<void> {
    const at = this.clock.now().getTime();
    return this.queue.enqueueBulk(
      PANEL_QUEUE,
      [...new Set(memberIds)].map((memberId) => ({ name: PANEL_JOB.welcome, payload: { organizationId, memberId }, options: { jobId: `panel-welcome-${memberId}-${at}` } })),
    );
  }
}

/** The `panel` queue's handler: parses the payload and calls the service (places, welcome). */
export class PanelWorker {
  constructor(private readonly panel: Pick<PanelService, 'reconcilePlaces' | 'welcome'>) {}

  readonly handle = async (name: string, payload: unknown, meta: { jobId: string }): Promise<void> => {
    const parsed = memberPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad panel job ${name}`);
    if (name === PANEL_JOB.places) return this.panel.reconcilePlaces(parsed.data.organizationId, parsed.data.memberId);
    if (name === PANEL_JOB.welcome) return this.panel.welcome(parsed.data.organizationId, parsed.data.memberId, meta.jobId);
    throw new PermanentJobError(`unknown panel job ${name}`);
  };
}
