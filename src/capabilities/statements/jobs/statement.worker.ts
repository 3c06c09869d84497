import { PermanentJobError } from '../../../kernel/ports/job-queue.js';
import type { StatementCopiesService } from '../domain/statement-copies.service.js';
import { STATEMENT_JOB, statementJobPayload } from './statement.jobs.js';

/** The `statements` queue's handler: parses the payload and hands the statement to the copies service. */
export class StatementWorker {
  constructor(private readonly copies: Pick<StatementCopiesService, 'publish' | 'refresh'>) {}

  readonly handle = async (name: string, payload: unknown, meta?: { attempt: number }): Promise<void> => {
    const parsed = statementJobPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad ${name} payload`);
    if (name === STATEMENT_JOB.publish) return this.copies.publish(parsed.data.statementId, (meta?.attempt ?? 1) > 1);
    if (name === STATEMENT_JOB.refresh) return this.copies.refresh(parsed.data.statementId);
    throw new PermanentJobError(`unknown statement job ${name}`);
  };
}
