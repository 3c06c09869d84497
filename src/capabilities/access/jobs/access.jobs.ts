import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PLATFORMS } from '../../../kernel/types.js';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import type { PlatformAccount } from '../../../kernel/ports/directory.js';
import type { AccessPlace } from '../domain/access.js';
import type { AccessJobs } from '../ports.js';

/**
 * The access capability's jobs on one queue. Every handler re-reads the member's current state, so a job
 * that runs late, early or twice does the right thing; job ids only keep a burst from piling up.
 */
export const ACCESS_QUEUE = 'access';

export const ACCESS_JOB = {
  /** Bring one member's access in line with their membership. */
  reconcile: 'reconcile',
  /** Take one unlinked chat account out of everything. */
  revokeAccount: 'revoke-account',
  /** Take everyone out of a removed place. */
  revokePlace: 'revoke-place',
  /** The daily sweep (every organisation). */
  sweep: 'sweep',
} as const;

const account = z.object({ platform: z.enum(PLATFORMS), workspaceId: z.string().min(1).max(256), platformUserId: z.string().min(1).max(256) });
const audience = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)) }),
  z.object({ kind: z.literal('chapters'), chapterIds: z.array(z.uuid()) }),
]);

export const accessJobSchemas = {
  reconcile: z.object({ organizationId: z.uuid(), memberId: z.uuid() }),
  revokeAccount: z.object({ organizationId: z.uuid(), memberId: z.uuid(), account }),
  revokePlace: z.object({
    organizationId: z.uuid(),
    place: z.object({
      id: z.uuid(),
      organizationId: z.uuid(),
      platform: z.enum(PLATFORMS),
      workspaceId: z.string().min(1),
      kind: z.enum(['role', 'channel']),
      externalId: z.string().min(1),
      name: z.string().nullable(),
      audience,
      createdAt: z.coerce.date(),
    }),
  }),
  sweep: z.object({}).passthrough(),
} as const;

/** Longest delay a timed reconcile waits; later moments are left to the daily sweep (in-process timers overflow past ~24.8 days). */
const MAX_DELAY_MS = 6 * 3600_000;

/** {@link AccessJobs} on the job queue (in the CLI: the server's queue, so its workers reach the platforms). */
export class QueuedAccessJobs implements AccessJobs {
  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  async reconcile(organizationId: string, memberId: string, at?: Date): Promise<void> {
    const delayMs = at === undefined ? 0 : Math.max(0, at.getTime() - this.clock.now().getTime());
    // Far moments: the daily sweep picks the member up when the time has come.
    if (delayMs > MAX_DELAY_MS) return;
    await this.queue.enqueue(ACCESS_QUEUE, ACCESS_JOB.reconcile, { organizationId, memberId }, { jobId: `access-reconcile-${memberId}-${randomUUID()}`, delayMs, attempts: 6 });
  }

  async reconcileMany(organizationId: string, memberIds: readonly string[]): Promise<void> {
    for (let i = 0; i < memberIds.length; i += 500) {
      await this.queue.enqueueBulk(
        ACCESS_QUEUE,
        memberIds.slice(i, i + 500).map((memberId) => ({
          name: ACCESS_JOB.reconcile,
          payload: { organizationId, memberId },
          options: { jobId: `access-reconcile-${memberId}-${randomUUID()}`, attempts: 6 },
        })),
      );
    }
  }

  async revokeAccount(organizationId: string, memberId: string, acc: PlatformAccount): Promise<void> {
    await this.queue.enqueue(ACCESS_QUEUE, ACCESS_JOB.revokeAccount, { organizationId, memberId, account: acc }, { jobId: `access-unlink-${randomUUID()}`, attempts: 6 });
  }

  async revokePlace(organizationId: string, place: AccessPlace): Promise<void> {
    await this.queue.enqueue(ACCESS_QUEUE, ACCESS_JOB.revokePlace, { organizationId, place }, { jobId: `access-place-${place.id}`, attempts: 6 });
  }
}
