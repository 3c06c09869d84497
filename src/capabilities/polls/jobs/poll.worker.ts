import { PermanentJobError } from '../../../kernel/ports/job-queue.js';
import type { PollCopiesService } from '../domain/poll-copies.service.js';
import { POLL_JOB, pollJobPayloadSchema } from './poll.jobs.js';

/** The `polls` queue's handler: parses the payload and hands the poll to {@link PollCopiesService}. */
export class PollWorker {
  constructor(private readonly copies: Pick<PollCopiesService, 'publish' | 'refresh' | 'close'>) {}

  /** Validates the payload and dispatches on the job name (a retried publish looks for earlier posts first). */
  readonly handle = async (name: string, payload: unknown, meta?: { attempt: number }): Promise<void> => {
    const parsed = pollJobPayloadSchema.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad ${name} payload: ${parsed.error.message}`);
    const { pollId } = parsed.data;
    switch (name) {
      case POLL_JOB.publish:
        return this.copies.publish(pollId, (meta?.attempt ?? 1) > 1);
      case POLL_JOB.refresh:
        return this.copies.refresh(pollId);
      case POLL_JOB.close:
        return this.copies.close(pollId);
      default:
        throw new PermanentJobError(`unknown poll job ${name}`);
    }
  };
}
