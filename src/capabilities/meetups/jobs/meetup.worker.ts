import { ChatPlatformError } from '../../../kernel/ports/chat-platform.js';
import { PermanentJobError, RateLimitedJobError } from '../../../kernel/ports/job-queue.js';
import type { MeetupCopiesService } from '../domain/meetup-copies.service.js';
import type { MeetupNoticesService } from '../domain/meetup-notices.service.js';
import type { MeetupSuggestionsService } from '../domain/meetup-suggestions.service.js';
import { MEETUP_JOB, meetupJobSchemas } from './meetup.jobs.js';

/**
 * The `meetups` queue's handler: validates each payload with its job's schema and hands it to the copies
 * or the notices service. A platform's 429 pauses the queue for as long as it asked.
 */
export class MeetupWorker {
  constructor(
    private readonly copies: Pick<MeetupCopiesService, 'publish' | 'refresh' | 'wake' | 'mirror'>,
    private readonly notices: Pick<MeetupNoticesService, 'remind' | 'notify'>,
    private readonly suggestions?: Pick<MeetupSuggestionsService, 'deliver'>,
  ) {}

  readonly handle = async (name: string, payload: unknown, meta?: { attempt: number }): Promise<void> => {
    try {
      await this.dispatch(name, payload, meta?.attempt ?? 1);
    } catch (err) {
      if (err instanceof ChatPlatformError && err.code === 'RATE_LIMITED') throw new RateLimitedJobError(err.retryAfterMs ?? 1000, err.message, { cause: err });
      throw err;
    }
  };

  private async dispatch(name: string, payload: unknown, attempt: number): Promise<void> {
    switch (name) {
      case MEETUP_JOB.publish:
        return this.copies.publish(parse(name, meetupJobSchemas.publish, payload).meetupId, attempt > 1);
      case MEETUP_JOB.refresh:
        return this.copies.refresh(parse(name, meetupJobSchemas.refresh, payload).meetupId);
      case MEETUP_JOB.wake: {
        const p = parse(name, meetupJobSchemas.wake, payload);
        return this.copies.wake(p.meetupId, p.at, p.hop);
      }
      case MEETUP_JOB.mirror:
        return this.copies.mirror(parse(name, meetupJobSchemas.mirror, payload).meetupId);
      case MEETUP_JOB.remind: {
        const p = parse(name, meetupJobSchemas.remind, payload);
        await this.notices.remind(p.meetupId, p.offsetMinutes, p.dueAt, p.hop);
        return;
      }
      case MEETUP_JOB.notify: {
        await this.notices.notify(parse(name, meetupJobSchemas.notify, payload));
        return;
      }
      case MEETUP_JOB.suggest: {
        if (!this.suggestions) throw new PermanentJobError('meetup suggestions are not wired');
        await this.suggestions.deliver(parse(name, meetupJobSchemas.suggest, payload));
        return;
      }
      default:
        throw new PermanentJobError(`unknown meetup job ${name}`);
    }
  }
}

function parse<T>(name: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError(`bad ${name} payload: ${parsed.error.message}`);
  return parsed.data;
}
