import type { Member, Organization } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { EventBus, SurveyFigures } from '../../../kernel/events.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import { DeferJobError, type JobMeta } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Pacer } from '../../../kernel/ports/pacer.js';
import { paceRequest, type PlatformLimits } from '../../../kernel/platform-limits.js';
import type { Platform } from '../../../kernel/types.js';
import { validate } from '../../../kernel/validate.js';
import { PromiseCache } from '../../../kernel/promise-cache.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { InviteCounts, RecordOutcome, SurveyJobs, SurveyRepository } from '../ports.js';
import { SurveyError } from './survey.errors.js';
import { dashboardFigures, surveyResults, type ResultAnswer, type SurveyResultsData } from './survey-results.js';
import { checkAnswer, drawSample, questionInput, reminderAt, SURVEY_LIMITS, type AnswerValue, type SurveyAudience, type Survey, type SurveyStatus, type SurveyQuestion } from './survey.js';

/** What the direct messages look like, in the member's language (views.ts). */
export interface SurveyMessageViews {
  /** The invitation (or a reminder: `reminder`) with the question the member is at. */
  invitation(input: { survey: Survey; member: Member; organization: Organization; nextQuestion: number; reminder: boolean }): View;
}

export interface SurveyServiceDeps {
  repo: SurveyRepository;
  jobs: SurveyJobs;
  clock: Clock;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  platforms: ChatPlatforms;
  views: SurveyMessageViews;
  pacing: { pacer: Pacer; limits: Readonly<Record<Platform, PlatformLimits>> };
  bus?: Pick<EventBus, 'publish'>;
  logger: Logger;
  /** Uniform in [0, 1): draws samples (tests pass a seeded one). */
  random?: () => number;
}

/** What answering one question leads to: the next question's position, or done. */
export interface AnswerResult {
  survey: Survey;
  /** The question the member is at now; null when they have answered every question. */
  next: SurveyQuestion | null;
}

/**
 * Surveys. Rules: a manager writes a draft (title, audience, anonymous or not, opening and closing time)
 * and adds questions; sending draws the audience (a random sample when asked) once, and each member gets
 * one direct message on one of their platforms. A member answers question by question, in order, once per
 * question, from whichever platform (the register is per member); an answer is checked against its
 * question before anything is stored. Closing stops answering and publishes `survey.closed` (counts only).
 *
 * For anonymous surveys nothing here logs or publishes anything that names the member next to an answer.
 */
export class SurveyService {
  private readonly random: () => number;
  /**
   * Open surveys as answers read them, for a few seconds: once sent, a survey's questions never change, and
   * whether it is still open is decided again by the statement that records the answer (a survey closed
   * elsewhere refuses there). Saves one read per press on the hot path.
   */
  private readonly openSurveys = new PromiseCache<string, Survey | null>({ ttlMs: 10_000, maxEntries: 1_000 });

  constructor(private readonly deps: SurveyServiceDeps) {
    this.random = deps.random ?? Math.random;
  }

  /** A new draft. @throws SurveyError */
  async create(input: { organizationId: string; createdByMemberId: string | null; title: string; anonymous: boolean; audience: SurveyAudience; minGroupSize?: number; opensAt?: Date | null; closesAt?: Date | null }): Promise<Survey> {
    const title = input.title.replace(/\s+/g, ' ').trim();
    if (title.length < 3 || title.length > SURVEY_LIMITS.titleLength) throw new SurveyError('SURVEY.BAD_TITLE', 'Bad title.', { params: { max: SURVEY_LIMITS.titleLength } });
    return this.deps.repo.create({
      organizationId: input.organizationId,
      createdByMemberId: input.createdByMemberId,
      title,
      anonymous: input.anonymous,
      audience: input.audience,
      minGroupSize: Math.max(SURVEY_LIMITS.minGroupSize, input.minGroupSize ?? SURVEY_LIMITS.minGroupSize),
      opensAt: input.opensAt ?? null,
      closesAt: input.closesAt ?? null,
      createdAt: this.deps.clock.now(),
    });
  }

  /** Adds a question to a draft. @throws SurveyError */
  async addQuestion(survey: Survey, raw: unknown): Promise<Survey> {
    if (survey.status !== 'draft') throw new SurveyError('SURVEY.NOT_DRAFT', 'Not a draft.');
    if (survey.questions.length >= SURVEY_LIMITS.questions) throw new SurveyError('SURVEY.TOO_MANY_QUESTIONS', 'Too many.', { params: { max: SURVEY_LIMITS.questions } });
    let question;
    try {
      question = validate(questionInput, raw);
    } catch (err) {
      if (err instanceof ValidationError) throw new SurveyError('SURVEY.BAD_QUESTION', 'Bad question.', { params: { details: err.issues.map((i) => i.message).join('; ') } });
      throw err;
    }
    const updated = await this.deps.repo.addQuestion(survey.id, question);
    if (!updated) throw new SurveyError('SURVEY.NOT_DRAFT', 'Not a draft.');
    return updated;
  }

  /** By full or short id. @throws SurveyError `SURVEY.NOT_FOUND`, `SURVEY.AMBIGUOUS_ID` */
  async find(organizationId: string, typed: string): Promise<Survey> {
    const hex = typed.trim().toLowerCase().replace(/-/g, '');
    if (!/^[0-9a-f]{4,32}$/.test(hex)) throw new SurveyError('SURVEY.NOT_FOUND', 'Not an id.');
    let prefix = '';
    for (let i = 0; i < hex.length; i++) prefix += ([8, 12, 16, 20].includes(i) ? '-' : '') + hex[i];
    const found = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (found.length === 0) throw new SurveyError('SURVEY.NOT_FOUND', 'No such survey.');
    if (found.length > 1) throw new SurveyError('SURVEY.AMBIGUOUS_ID', 'Several match.', { params: { id: typed } });
    return found[0]!;
  }

  findById(id: string): Promise<Survey | null> {
    return this.deps.repo.findById(id);
  }

  list(organizationId: string, query: { status?: SurveyStatus; limit?: number } = {}): Promise<Survey[]> {
    return this.deps.repo.list(organizationId, { limit: query.limit ?? 20, ...(query.status ? { status: query.status } : {}) });
  }

  /**
   * Sends a draft: now, or at its opening time when that is in the future (`scheduled`). Returns how many
   * members were invited (0 when scheduled). @throws SurveyError
   */
  async send(survey: Survey): Promise<{ scheduled: Date | null; invited: number }> {
    if (survey.status !== 'draft') throw new SurveyError('SURVEY.NOT_DRAFT', 'Sent already.');
    if (survey.questions.length === 0) throw new SurveyError('SURVEY.NO_QUESTIONS', 'No questions.');
    const now = this.deps.clock.now();
    if (survey.opensAt && survey.opensAt > now) {
      await this.deps.jobs.scheduleOpen(survey.id, survey.opensAt);
      return { scheduled: survey.opensAt, invited: 0 };
    }
    return { scheduled: null, invited: await this.openNow(survey) };
  }

  /** The opening job: sends the draft if it still is one (a repeated job does nothing). */
  async openScheduled(surveyId: string): Promise<void> {
    const survey = await this.deps.repo.findById(surveyId);
    if (!survey || survey.status !== 'draft' || survey.questions.length === 0) return;
    await this.openNow(survey).catch((err: unknown) => {
      if (err instanceof SurveyError && err.code === 'SURVEY.EMPTY_AUDIENCE') this.deps.logger.warn({ surveyId }, 'survey: nobody to send to at its opening time');
      else throw err;
    });
  }

  private async openNow(survey: Survey): Promise<number> {
    const candidates = survey.audience.base.kind === 'panel' ? await this.panelMemberIds(survey.organizationId) : await this.deps.repo.audienceMemberIds(survey.organizationId, survey.audience.base);
    const drawn = drawSample(candidates, survey.audience.sample, this.random);
    if (drawn.length === 0) throw new SurveyError('SURVEY.EMPTY_AUDIENCE', 'Nobody to ask.');
    const now = this.deps.clock.now();
    if (!(await this.deps.repo.open(survey.id, drawn, now))) throw new SurveyError('SURVEY.NOT_DRAFT', 'Sent already.');
    await this.deps.jobs.invite(survey.id, drawn);
    const remindAt = reminderAt(now, survey.closesAt);
    if (remindAt) await this.deps.jobs.scheduleReminder(survey.id, remindAt);
    if (survey.closesAt) await this.deps.jobs.scheduleClose(survey.id, survey.closesAt);
    return drawn.length;
  }

  /** The sounding-board panel's active members, from the capability that keeps it (none without it). */
  private async panelMemberIds(organizationId: string): Promise<string[]> {
    const request = { organizationId, group: 'panel' as const, memberIds: [] as string[] };
    await this.deps.bus?.publish('audience.members-requested', request);
    return [...new Set(request.memberIds)].sort();
  }

  /**
   * Records a member's answer to one question and tells what comes next. Every refusal is a
   * {@link SurveyError} with the text the member sees; nothing is stored then.
   */
  async answer(input: { organizationId: string; member: Member | null; surveyId: string; position: number; answer: AnswerValue }): Promise<AnswerResult> {
    return this.answerWith(input, () => input.answer);
  }

  /**
   * A press on an answer button (single choice, scale, NPS): the button carries a number, which is a choice
   * or a value by the question's kind. Reads the survey once (the press path at thousands a second).
   */
  async answerButton(input: { organizationId: string; member: Member | null; surveyId: string; position: number; value: number }): Promise<AnswerResult> {
    return this.answerWith(input, (question) => (question.kind === 'single' ? { kind: 'choices', choices: [input.value] } : { kind: 'value', value: input.value }));
  }

  private async answerWith(input: { organizationId: string; member: Member | null; surveyId: string; position: number }, answerOf: (question: SurveyQuestion) => AnswerValue): Promise<AnswerResult> {
    if (!input.member) throw new SurveyError('SURVEY.NOT_LINKED', 'Not linked.');
    const survey = await this.openSurveys.get(input.surveyId, () => this.deps.repo.findById(input.surveyId));
    // Only open surveys are kept: a draft being sent, or a closed one, is read afresh next time.
    if (survey?.status !== 'open') this.openSurveys.delete(input.surveyId);
    if (!survey || survey.organizationId !== input.organizationId) throw new SurveyError('SURVEY.NOT_FOUND', 'No such survey.');
    if (survey.status === 'closed') throw new SurveyError('SURVEY.CLOSED', 'Closed.');
    const question = survey.questions.find((q) => q.position === input.position);
    if (!question) throw new SurveyError('SURVEY.UNKNOWN_QUESTION', 'No such question.');
    const checked = checkAnswer(question, answerOf(question));
    if (!checked.ok) {
      const code = checked.problem === 'out-of-range' ? 'SURVEY.OUT_OF_RANGE' : checked.problem === 'bad-text' ? 'SURVEY.BAD_TEXT' : 'SURVEY.BAD_ANSWER';
      throw new SurveyError(code, 'Does not fit the question.', { params: { max: SURVEY_LIMITS.textLength } });
    }
    const outcome = await this.deps.repo.recordAnswer({ surveyId: survey.id, memberId: input.member.id, answer: checked.answer, questionCount: survey.questions.length });
    this.refuse(outcome);
    if (outcome.outcome !== 'recorded') throw new Error('unreachable');
    if (outcome.completed && survey.anonymous) {
      // The answer is stored: a release that fails now (a time-out under load) must not tell the member
      // "something went wrong". The responses stay sealed; the next completed response or the close
      // releases them.
      await this.deps.repo.releaseAnonymous(survey.id, { minimum: survey.minGroupSize, includeUnfinished: false }).catch((err: unknown) => {
        this.deps.logger.warn({ surveyId: survey.id, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'survey: anonymous release postponed');
      });
    }
    return { survey, next: outcome.completed ? null : (survey.questions[outcome.nextQuestion] ?? null) };
  }

  /** Where a member is in a survey (to resume): the question they are at, null when done. @throws SurveyError */
  async resume(input: { organizationId: string; member: Member | null; survey: Survey }): Promise<SurveyQuestion | null> {
    if (!input.member) throw new SurveyError('SURVEY.NOT_LINKED', 'Not linked.');
    const { survey } = input;
    if (survey.organizationId !== input.organizationId) throw new SurveyError('SURVEY.NOT_FOUND', 'No such survey.');
    if (survey.status === 'closed') throw new SurveyError('SURVEY.CLOSED', 'Closed.');
    if (survey.status !== 'open') throw new SurveyError('SURVEY.NOT_OPEN', 'Not open.');
    const invite = await this.deps.repo.findInvite(survey.id, input.member.id);
    if (!invite) throw new SurveyError('SURVEY.NOT_INVITED', 'Not invited.');
    return invite.completed ? null : (survey.questions[invite.nextQuestion] ?? null);
  }

  private refuse(outcome: RecordOutcome): void {
    switch (outcome.outcome) {
      case 'recorded':
        return;
      case 'closed':
        throw new SurveyError('SURVEY.CLOSED', 'Closed.');
      case 'not-open':
        throw new SurveyError('SURVEY.NOT_OPEN', 'Not open.');
      case 'not-invited':
        throw new SurveyError('SURVEY.NOT_INVITED', 'Not invited.');
      case 'completed':
        throw new SurveyError('SURVEY.COMPLETED', 'Done already.');
      case 'already-answered':
        throw new SurveyError('SURVEY.ALREADY_ANSWERED', 'Answered already.', { params: { number: outcome.nextQuestion + 1 } });
      case 'out-of-order':
        throw new SurveyError('SURVEY.ANSWER_IN_ORDER', 'Earlier question open.', { params: { number: outcome.nextQuestion + 1 } });
    }
  }

  /** The managers' results (counts, bars, NPS, averages, texts, breakdown of large enough chapters). */
  async results(survey: Survey): Promise<SurveyResultsData> {
    const [answers, counts] = await Promise.all([this.deps.repo.answers(survey.id), this.deps.repo.counts(survey.id)]);
    return surveyResults({ survey, answers, invited: counts.invited, completed: counts.completed, waiting: counts.waiting });
  }

  /**
   * The insights dashboard's figures (`survey.figures-requested`): the surveys open in [since, until] or
   * closed in it, newest sent first, at most `limit`, each through {@link dashboardFigures} (anonymous
   * surveys: text as a count only, nothing below the minimum group size).
   */
  async dashboardFigures(organizationId: string, since: Date, until: Date, limit: number): Promise<SurveyFigures[]> {
    const [open, closed] = await Promise.all([
      this.deps.repo.list(organizationId, { status: 'open', limit }),
      this.deps.repo.list(organizationId, { status: 'closed', limit: limit * 4 }),
    ]);
    const started = (s: Survey) => s.sentAt ?? s.createdAt;
    const inWindow = [...open, ...closed].filter((s) => started(s) <= until && (s.closedAt === null || s.closedAt >= since));
    inWindow.sort((a, b) => started(b).getTime() - started(a).getTime());
    const figures: SurveyFigures[] = [];
    for (const survey of inWindow.slice(0, limit)) figures.push(dashboardFigures(await this.results(survey)));
    return figures;
  }

  counts(survey: Survey): Promise<InviteCounts> {
    return this.deps.repo.counts(survey.id);
  }

  /** Every stored answer (named: with member and chapter), for the CSV export. */
  exportAnswers(survey: Survey): Promise<ResultAnswer[]> {
    return this.deps.repo.answers(survey.id);
  }

  /** Closes an open survey, releases what anonymous responses wait, publishes `survey.closed`. @throws SurveyError */
  async close(survey: Survey): Promise<SurveyResultsData> {
    if (survey.status === 'draft') throw new SurveyError('SURVEY.NOT_OPEN', 'Not sent.');
    this.openSurveys.delete(survey.id);
    const closed = await this.deps.repo.close(survey.id, this.deps.clock.now());
    if (!closed) throw new SurveyError('SURVEY.CLOSED', 'Closed already.');
    if (closed.anonymous) await this.deps.repo.releaseAnonymous(closed.id, { minimum: 0, includeUnfinished: true });
    const results = await this.results(closed);
    await this.deps.bus?.publish('survey.closed', {
      organizationId: closed.organizationId,
      surveyId: closed.id,
      title: closed.title,
      anonymous: closed.anonymous,
      closedAt: closed.closedAt ?? this.deps.clock.now(),
      invited: results.invited,
      completed: results.completed,
      respondents: results.respondents,
      questions: results.questions.map((q) => ({
        position: q.question.position,
        kind: q.question.kind,
        prompt: q.question.prompt,
        answered: q.answered,
        counts: q.bars.map((b) => ({ label: b.label, count: b.count })),
        average: q.average,
        nps: q.nps?.score ?? null,
      })),
    });
    return results;
  }

  /** The closing job (at `closesAt`): closes it if still open. */
  async closeScheduled(surveyId: string): Promise<void> {
    const survey = await this.deps.repo.findById(surveyId);
    if (!survey || survey.status !== 'open') return;
    await this.close(survey).catch((err: unknown) => {
      if (!(err instanceof SurveyError && err.code === 'SURVEY.CLOSED')) throw err;
    });
  }

  /** Reminds everyone invited who has not finished (a manager, or the reminder job); returns how many. */
  async remind(surveyId: string): Promise<number> {
    const survey = await this.deps.repo.findById(surveyId);
    if (!survey || survey.status !== 'open') return 0;
    const unfinished = await this.deps.repo.unfinishedInvites(surveyId);
    if (unfinished.length === 0) return 0;
    const now = this.deps.clock.now();
    await this.deps.repo.markReminded(surveyId, unfinished.map((i) => i.memberId), now);
    await this.deps.jobs.remind(surveyId, unfinished.map((i) => i.memberId), now.getTime());
    return unfinished.length;
  }

  /**
   * The job side: one direct message (invitation or reminder) to one member, on the first of their
   * platforms that takes it, paced at that platform's limit for direct messages.
   */
  async message(surveyId: string, memberId: string, kind: 'invitation' | 'reminder', meta: JobMeta): Promise<void> {
    const survey = await this.deps.repo.findById(surveyId);
    if (!survey || survey.status !== 'open') return;
    const invite = await this.deps.repo.findInvite(surveyId, memberId);
    if (!invite || (kind === 'reminder' && invite.completed)) return;
    const [member, organization] = await Promise.all([this.deps.members.findById(survey.organizationId, memberId), this.deps.organizations.findById(survey.organizationId)]);
    if (!member || member.status !== 'active' || !organization) return;
    const view = this.deps.views.invitation({ survey, member, organization, nextQuestion: invite.nextQuestion, reminder: kind === 'reminder' });
    let failed = 0;
    for (const identity of await this.deps.identities.listByMember(member.id)) {
      const platform = this.deps.platforms.get(identity.platform);
      if (!platform) continue;
      const target = { platform: identity.platform, workspaceExternalId: identity.workspaceId, kind: 'direct' as const, targetExternalId: identity.platformUserId };
      const request = paceRequest(this.deps.pacing.limits, target, 'direct', `${meta.jobId}#${meta.attempt}`);
      let ticket: string | undefined;
      if (request) {
        const taken = await this.deps.pacing.pacer.take(request);
        if (taken.waitMs > 0) throw new DeferJobError(taken.waitMs);
        ticket = taken.ticket;
      }
      try {
        await platform.sendDirect({ workspaceId: identity.workspaceId, userId: identity.platformUserId }, view, { idempotencyKey: `survey-${kind}-${surveyId}-${memberId}-${meta.jobId}` });
        if (kind === 'invitation') await this.deps.repo.markDelivered(surveyId, memberId);
        return;
      } catch (err) {
        failed++;
        this.deps.logger.warn({ surveyId, platform: identity.platform, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, `survey: ${kind} failed`);
      } finally {
        if (request && ticket) await this.deps.pacing.pacer.sent(request, ticket, Date.now()).catch(() => undefined);
      }
    }
    // No platform took it: the job is tried again later (the queue's backoff), on every platform again.
    if (failed > 0) throw new Error(`survey ${kind}: no platform took the direct message`);
  }
}
