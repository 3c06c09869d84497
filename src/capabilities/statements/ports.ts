import type { Organization } from '../../kernel/community.js';
import type { View } from '../../kernel/ports/chat-platform.js';
import type { ChapterTally, Stance, Statement, StatementPost, StatementStatus, StatementTally, StatementTarget } from './domain/statement.js';

/**
 * The statements capability's ports. Storage: repository/prisma-statement.repository.ts (PostgreSQL /
 * PGlite); test/integration/statement-repository.test.ts runs its suite on it.
 *
 * Concurrency is the repository's job: {@link StatementRepository.answer} is one atomic step, so "one
 * answer per member" (the last press counts, from any platform) and "no answer after close" hold under
 * any interleaving. Deliberately left out: editing a statement, withdrawing an answer, anonymous
 * statements (the chapter breakdown needs the member).
 */
export interface StatementRepository {
  /** Stores a new open statement with the copies to post (no message ids yet), atomically. */
  create(input: NewStatementRecord): Promise<Statement>;
  /** The statement with this id, or null (also for a malformed id). */
  findById(id: string): Promise<Statement | null>;
  /** The organisation's statements whose id starts with `prefix` (dashed uuid form), at most `limit`. */
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Statement[]>;
  /** Newest first, optionally one status. */
  list(organizationId: string, query: { status?: StatementStatus; limit: number }): Promise<Statement[]>;
  /** Closes an open statement; null when it was closed already. Waits for answers in flight. */
  close(id: string, at: Date): Promise<Statement | null>;
  /**
   * Records the member's answer (creates or replaces it) while the statement is open, in one atomic step.
   * `closed` when nothing was stored.
   */
  answer(input: AnswerInput): Promise<'recorded' | 'closed'>;
  /** The member's current answer, or null. */
  findAnswer(statementId: string, memberId: string): Promise<Stance | null>;
  tally(statementId: string): Promise<StatementTally>;
  /** The tally per chapter of the answering members (their chapter now), chapters by name, no chapter last. */
  tallyByChapter(statementId: string): Promise<ChapterTally[]>;
  listPosts(statementId: string): Promise<StatementPost[]>;
  setPostMessage(postId: string, messageId: string): Promise<void>;
  /** The copy posted as this message, or null. */
  findPostByMessage(statementId: string, platform: StatementPost['platform'], channelId: string, messageId: string): Promise<StatementPost | null>;
  /** Records the copy's discussion thread. */
  setPostThread(postId: string, threadId: string): Promise<void>;
}

export interface NewStatementRecord {
  organizationId: string;
  createdByMemberId: string | null;
  text: string;
  targets: StatementTarget[];
  createdAt: Date;
}

export interface AnswerInput {
  statementId: string;
  memberId: string;
  stance: Stance;
  at: Date;
}

/** Renders the posted statement (views.ts, in the organisation's language). */
export type StatementRenderer = (input: { statement: Statement; tally: StatementTally; organization: Organization }) => View;

/** The follow-up work of the copies, on the queue (jobs/statement.scheduler.ts). */
export interface StatementJobs {
  /** Post the copies still waiting. */
  publish(statementId: string): Promise<void>;
  /** Refresh every copy (coalesced per window). */
  scheduleRefresh(statementId: string): Promise<void>;
  /** The refresh after closing (final bars, no buttons); once. */
  finalRefresh(statementId: string): Promise<void>;
}
