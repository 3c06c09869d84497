import type { AudienceBase, QuestionInput, StoredAnswer, Survey, SurveyAudience, SurveyInvite, SurveyStatus } from './domain/survey.js';
import type { ResultAnswer } from './domain/survey-results.js';

/** What a new survey starts with (a draft without questions). */
export interface NewSurveyRecord {
  organizationId: string;
  createdByMemberId: string | null;
  title: string;
  anonymous: boolean;
  audience: SurveyAudience;
  minGroupSize: number;
  opensAt: Date | null;
  closesAt: Date | null;
  createdAt: Date;
}

/** How recording one answer went. */
export type RecordOutcome =
  | { outcome: 'recorded'; nextQuestion: number; completed: boolean }
  | { outcome: 'closed' }
  | { outcome: 'not-open' }
  | { outcome: 'not-invited' }
  | { outcome: 'already-answered'; nextQuestion: number }
  | { outcome: 'completed' }
  | { outcome: 'out-of-order'; nextQuestion: number };

/** The register's figures (never who answered what). */
export interface InviteCounts {
  invited: number;
  delivered: number;
  /** Answered at least one question. */
  started: number;
  completed: number;
  /** Anonymous surveys: completed responses still sealed, not yet released into the results. */
  waiting: number;
}

/**
 * Survey storage. Storage: repository/prisma-survey.repository.ts. "One answer per member" is a database
 * fact: the invitation register (`survey_invite`, unique per survey and member) is locked while an answer
 * is recorded and counts the questions answered, whichever platform the member answers from.
 *
 * Anonymity is the repository's promise, because only storage can keep it: an anonymous survey's answers
 * are stored without member, invitation, chapter or time. While a member is answering, their answers so
 * far are sealed (secret box, bound to their invitation row) so they can resume; once at least
 * `survey.minGroupSize` responses are complete (or the survey closes) they are released together: opened,
 * shuffled, given fresh random response ids and written in one transaction, and the sealed copies are
 * cleared in that same transaction. Neither row order, transaction ids nor ids then follow the register.
 *
 * Deliberately left out: changing an answer once given, skipping questions, editing a sent survey.
 */
export interface SurveyRepository {
  create(input: NewSurveyRecord): Promise<Survey>;
  findById(id: string): Promise<Survey | null>;
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Survey[]>;
  /** Newest first. */
  list(organizationId: string, query: { status?: SurveyStatus; limit: number }): Promise<Survey[]>;
  /** Appends a question to a draft; null when the survey is not a draft (any more). */
  addQuestion(surveyId: string, question: QuestionInput): Promise<Survey | null>;
  /** The active members of the audience who have a linked chat account (who can get a direct message). */
  audienceMemberIds(organizationId: string, base: AudienceBase): Promise<string[]>;
  /**
   * Opens a draft: status `open`, `sentAt`, and one invitation per member, atomically; false when it was
   * not a draft (sent already: a repeated open does nothing).
   */
  open(surveyId: string, memberIds: readonly string[], sentAt: Date): Promise<boolean>;
  findInvite(surveyId: string, memberId: string): Promise<SurveyInvite | null>;
  markDelivered(surveyId: string, memberId: string): Promise<void>;
  /** Invitations not completed (for the reminder). */
  unfinishedInvites(surveyId: string): Promise<SurveyInvite[]>;
  markReminded(surveyId: string, memberIds: readonly string[], at: Date): Promise<void>;
  /** Records one answer of an invited member if it is the question they are at and the survey is open. */
  recordAnswer(input: { surveyId: string; memberId: string; answer: StoredAnswer; questionCount: number }): Promise<RecordOutcome>;
  /**
   * Anonymous surveys: releases the sealed responses into the answers when at least `minimum` completed
   * ones wait; `includeUnfinished` (closing) releases every sealed response, complete or not, whatever
   * their number. Returns how many responses were released.
   */
  releaseAnonymous(surveyId: string, options: { minimum: number; includeUnfinished: boolean }): Promise<number>;
  /** Closes an open survey; null when it was not open. */
  close(surveyId: string, at: Date): Promise<Survey | null>;
  /** Every stored answer; named surveys with member and chapter. Ordered by response id (random), then question. */
  answers(surveyId: string): Promise<ResultAnswer[]>;
  counts(surveyId: string): Promise<InviteCounts>;
}

/** The survey queue's jobs (jobs/survey.jobs.ts). */
export interface SurveyJobs {
  /** Sends a draft at `at` (its opening time). */
  scheduleOpen(surveyId: string, at: Date): Promise<void>;
  /** One direct message per member (paced at the platforms' limits). */
  invite(surveyId: string, memberIds: readonly string[]): Promise<void>;
  scheduleReminder(surveyId: string, at: Date): Promise<void>;
  /** One reminder message per member. */
  remind(surveyId: string, memberIds: readonly string[], round: number): Promise<void>;
  scheduleClose(surveyId: string, at: Date): Promise<void>;
}
