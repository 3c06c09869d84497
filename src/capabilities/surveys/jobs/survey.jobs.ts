import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { PermanentJobError, type JobMeta, type JobQueue } from '../../../kernel/ports/job-queue.js';
import type { SurveyJobs } from '../ports.js';
import type { SurveyService } from '../domain/survey.service.js';

/** The surveys' queue and jobs; ids deterministic, without `:`. */
export const SURVEY_QUEUE = 'surveys';
export const SURVEY_JOB = { open: 'open', invite: 'invite', remindAll: 'remind-all', remind: 'remind', close: 'close' } as const;
const surveyPayload = z.object({ surveyId: z.uuid() });
const memberPayload = z.object({ surveyId: z.uuid(), memberId: z.uuid() });

/** {@link SurveyJobs} on the queue: one job per direct message, so each is paced and retried on its own. */
export class QueueSurveyJobs implements SurveyJobs {
  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  private delay(at: Date): number {
    return Math.max(0, at.getTime() - this.clock.now().getTime());
  }

  scheduleOpen(surveyId: string, at: Date): Promise<void> {
    return this.queue.enqueue(SURVEY_QUEUE, SURVEY_JOB.open, { surveyId }, { jobId: `survey-open-${surveyId}-${at.getTime()}`, delayMs: this.delay(at) });
  }

  invite(surveyId: string, memberIds: readonly string[]): Promise<void> {
    return this.queue.enqueueBulk(
      SURVEY_QUEUE,
      memberIds.map((memberId) => ({ name: SURVEY_JOB.invite, payload: { surveyId, memberId }, options: { jobId: `survey-invite-${surveyId}-${memberId}` } })),
    );
  }

  scheduleReminder(surveyId: string, at: Date): Promise<void> {
    return this.queue.enqueue(SURVEY_QUEUE, SURVEY_JOB.remindAll, { surveyId }, { jobId: `survey-remind-all-${surveyId}`, delayMs: this.delay(at) });
  }

  remind(surveyId: string, memberIds: readonly string[], round: number): Promise<void> {
    return this.queue.enqueueBulk(
      SURVEY_QUEUE,
      memberIds.map((memberId) => ({ name: SURVEY_JOB.remind, payload: { surveyId, memberId }, options: { jobId: `survey-remind-${surveyId}-${memberId}-${round}` } })),
    );
  }

  scheduleClose(surveyId: string, at: Date): Promise<void> {
    return this.queue.enqueue(SURVEY_QUEUE, SURVEY_JOB.close, { surveyId }, { jobId: `survey-close-${surveyId}`, delayMs: this.delay(at) });
  }
}

/** The `surveys` queue's handler: parses the payload and calls the service. */
export class SurveyWorker {
  constructor(private readonly surveys: Pick<SurveyService, 'openScheduled' | 'message' | 'remind' | 'closeScheduled'>) {}

  readonly handle = async (name: string, payload: unknown, meta: JobMeta): Promise<void> => {
    if (name === SURVEY_JOB.invite || name === SURVEY_JOB.remind) {
      const parsed = memberPayload.safeParse(payload);
      if (!parsed.success) throw new PermanentJobError(`bad ${name} payload`);
      return this.surveys.message(parsed.data.surveyId, parsed.data.memberId, name === SURVEY_JOB.invite ? 'invitation' : 'reminder', meta);
    }
    const parsed = surveyPayload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`bad ${name} payload`);
    if (name === SURVEY_JOB.open) return this.surveys.openScheduled(parsed.data.surveyId);
    if (name === SURVEY_JOB.remindAll) {
      await this.surveys.remind(parsed.data.surveyId);
      return;
    }
    if (name === SURVEY_JOB.close) return this.surveys.closeScheduled(parsed.data.surveyId);
    throw new PermanentJobError(`unknown survey job ${name}`);
  };
}
