import { PermanentJobError } from '../../../kernel/ports/job-queue.js';
import type { AskService } from '../domain/ask.service.js';
import type { IntroService } from '../domain/intro.service.js';
import type { OnboardingService } from '../domain/onboarding.service.js';
import { askEscalatePayload, CONNECT_JOB, followUpPayload, memberPayload, roundPayload, welcomePayload } from './connect.jobs.js';
import type { ConnectScheduler } from './connect.scheduler.js';

/** Parses connect's jobs and calls the services; a far moment is reached in hops. */
export class ConnectWorker {
  constructor(
    private readonly intros: Pick<IntroService, 'runRound' | 'introduce' | 'followUpRound' | 'followUp'>,
    private readonly scheduler: Pick<ConnectScheduler, 'due' | 'roundHop' | 'followUpHop' | 'escalationHop'>,
    private readonly asks: Pick<AskService, 'escalateIfUnanswered'>,
    private readonly onboarding: Pick<OnboardingService, 'welcomeById'>,
  ) {}

  readonly handle = async (name: string, payload: unknown): Promise<void> => {
    switch (name) {
      case CONNECT_JOB.round: {
        const p = parse(roundPayload, payload, name);
        if (!this.scheduler.due(p.at)) return this.scheduler.roundHop(p.programId, p.at, p.hop + 1);
        await this.intros.runRound(p.programId);
        return;
      }
      case CONNECT_JOB.followUp: {
        const p = parse(followUpPayload, payload, name);
        if (!this.scheduler.due(p.at)) return this.scheduler.followUpHop(p.roundId, p.at, p.hop + 1);
        await this.intros.followUpRound(p.roundId);
        return;
      }
      case CONNECT_JOB.introduce: {
        const p = parse(memberPayload, payload, name);
        await this.intros.introduce(p.groupId, p.memberId);
        return;
      }
      case CONNECT_JOB.followUpOne: {
        const p = parse(memberPayload, payload, name);
        await this.intros.followUp(p.groupId, p.memberId);
        return;
      }
      case CONNECT_JOB.askEscalate: {
        const p = parse(askEscalatePayload, payload, name);
        if (!this.scheduler.due(p.at)) return this.scheduler.escalationHop(p.askId, p.at, p.hop + 1);
        await this.asks.escalateIfUnanswered(p.askId);
        return;
      }
      case CONNECT_JOB.welcome: {
        const p = parse(welcomePayload, payload, name);
        await this.onboarding.welcomeById(p.organizationId, p.memberId, p.identityId);
        return;
      }
      default:
        throw new PermanentJobError(`unknown connect job ${name}`);
    }
  };
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, payload: unknown, name: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError(`bad connect job ${name}`);
  return parsed.data;
}
