import { ChatPlatformError } from '../../../kernel/ports/chat-platform.js';
import { PermanentJobError, RateLimitedJobError, type JobMeta } from '../../../kernel/ports/job-queue.js';
import type { AccessService } from '../domain/access.service.js';
import { ACCESS_JOB, accessJobSchemas } from './access.jobs.js';

/**
 * The `access` queue's handler: validates each payload and calls the service. A platform's 429 pauses the
 * queue for as long as it asked.
 */
export class AccessWorker {
  constructor(private readonly service: Pick<AccessService, 'reconcile' | 'revokeAccount' | 'revokePlace' | 'sweepAll'>) {}

  readonly handle = async (name: string, payload: unknown, _meta?: JobMeta): Promise<void> => {
    try {
      await this.dispatch(name, payload);
    } catch (err) {
      if (err instanceof ChatPlatformError && err.code === 'RATE_LIMITED') throw new RateLimitedJobError(err.retryAfterMs ?? 1000, err.message, { cause: err });
      throw err;
    }
  };

  private async dispatch(name: string, payload: unknown): Promise<void> {
    switch (name) {
      case ACCESS_JOB.reconcile: {
        const p = parse(name, accessJobSchemas.reconcile, payload);
        return this.service.reconcile(p.organizationId, p.memberId);
      }
      case ACCESS_JOB.revokeAccount: {
        const p = parse(name, accessJobSchemas.revokeAccount, payload);
        return this.service.revokeAccount(p.organizationId, p.memberId, p.account);
      }
      case ACCESS_JOB.revokePlace: {
        const p = parse(name, accessJobSchemas.revokePlace, payload);
        return this.service.revokePlace(p.organizationId, p.place);
      }
      case ACCESS_JOB.sweep:
        return this.service.sweepAll();
      default:
        throw new PermanentJobError(`unknown access job ${name}`);
    }
  }
}

function parse<T>(name: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError(`bad ${name} payload: ${parsed.error.message}`);
  return parsed.data;
}
