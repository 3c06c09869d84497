import { z } from 'zod';
import type { Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { EventBus } from '../../../kernel/events.js';
import { PromiseCache } from '../../../kernel/promise-cache.js';
import { validate } from '../../../kernel/validate.js';
import { PLATFORMS } from '../../../kernel/types.js';
import type { ChapterTally, Stance, Statement, StatementStatus, StatementTally } from './statement.js';
import { STANCES, STATEMENT_LIMITS, idPrefix } from './statement.js';
import { StatementError } from './statement.errors.js';
import type { StatementJobs, StatementRepository } from '../ports.js';

/** Input of {@link StatementService.create}. */
export const createStatementSchema = z.object({
  organizationId: z.uuid(),
  createdByMemberId: z.uuid().nullable().default(null),
  text: z.string().trim().min(3).max(STATEMENT_LIMITS.textLength),
  targets: z
    .array(z.object({ platform: z.enum(PLATFORMS), workspaceExternalId: z.string().min(1).max(200), channelExternalId: z.string().min(1).max(200) }))
    .min(1)
    .max(200),
});
export type CreateStatementInput = z.input<typeof createStatementSchema>;

export interface StatementServiceDeps {
  repo: StatementRepository;
  clock: Clock;
  jobs: StatementJobs;
  /** `statement.closed` goes here, with the final tally (webhooks listen). */
  bus?: Pick<EventBus, 'publish'>;
  /** Receives errors of follow-up work (queueing); the change itself stands. Only ids, never who answered. */
  onError?: (what: string, statementId: string, error: unknown) => void;
}

/** The results of a statement: the tally and, for managers, per chapter. */
export interface StatementResults {
  statement: Statement;
  tally: StatementTally;
  chapters: ChapterTally[];
}

/**
 * Statement use cases. Rules: only linked, active members of the statement's organisation answer; one
 * answer per member (the last press counts, whatever platform it came from; the database holds one row);
 * no answer after close (checked atomically with the write).
 */
export class StatementService {
  /** Statements recently answered: the text and status change only on close (checked atomically anyway). */
  private readonly cache = new PromiseCache<string, Statement | null>({ ttlMs: 30_000, maxEntries: 1000 });

  constructor(private readonly deps: StatementServiceDeps) {}

  /** Creates an open statement and posts its copies (queued). @throws ValidationError */
  async create(input: CreateStatementInput): Promise<Statement> {
    const p = validate(createStatementSchema, input);
    const statement = await this.deps.repo.create({
      organizationId: p.organizationId,
      createdByMemberId: p.createdByMemberId,
      text: p.text,
      targets: dedupe(p.targets),
      createdAt: this.deps.clock.now(),
    });
    await this.follow('publish', statement.id, () => this.deps.jobs.publish(statement.id));
    return statement;
  }

  /** By full or short id. @throws StatementError `STATEMENT.NOT_FOUND`, `STATEMENT.AMBIGUOUS_ID` */
  async find(organizationId: string, typedId: string): Promise<Statement> {
    const prefix = idPrefix(typedId);
    if (!prefix) throw new StatementError('STATEMENT.NOT_FOUND', 'Not an id.', { params: { id: typedId } });
    const matches = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (matches.length === 0) throw new StatementError('STATEMENT.NOT_FOUND', 'No such statement.', { params: { id: typedId } });
    if (matches.length > 1) throw new StatementError('STATEMENT.AMBIGUOUS_ID', 'Several match.', { params: { id: typedId } });
    return matches[0]!;
  }

  findById(id: string): Promise<Statement | null> {
    return this.deps.repo.findById(id);
  }

  list(organizationId: string, query: { status?: StatementStatus; limit?: number } = {}): Promise<Statement[]> {
    return this.deps.repo.list(organizationId, { limit: query.limit ?? 20, ...(query.status ? { status: query.status } : {}) });
  }

  /**
   * Records a member's answer; a second answer replaces the first.
   * @throws StatementError `STATEMENT.NOT_FOUND`, `STATEMENT.NOT_LINKED`, `STATEMENT.NOT_ACTIVE`, `STATEMENT.CLOSED`
   */
  async answer(input: { organizationId: string; statementId: string; member: Member | null; stance: Stance }): Promise<Statement> {
    if (!STANCES.includes(input.stance)) throw new StatementError('STATEMENT.NOT_FOUND', 'No such answer.');
    const statement = await this.cache.get(input.statementId, () => this.deps.repo.findById(input.statementId));
    if (!statement || statement.organizationId !== input.organizationId) throw new StatementError('STATEMENT.NOT_FOUND', 'No such statement.');
    const member = input.member;
    if (!member) throw new StatementError('STATEMENT.NOT_LINKED', 'Not linked.');
    if (member.organizationId !== statement.organizationId || member.status !== 'active') throw new StatementError('STATEMENT.NOT_ACTIVE', 'Not active.');
    if (statement.status !== 'open') throw new StatementError('STATEMENT.CLOSED', 'Closed.');
    const outcome = await this.deps.repo.answer({ statementId: statement.id, memberId: member.id, stance: input.stance, at: this.deps.clock.now() });
    if (outcome === 'closed') {
      this.cache.delete(statement.id);
      throw new StatementError('STATEMENT.CLOSED', 'Closed.');
    }
    await this.follow('refresh', statement.id, () => this.deps.jobs.scheduleRefresh(statement.id));
    return statement;
  }

  /** The member's current answer, or null. */
  currentAnswer(statement: Statement, member: Member): Promise<Stance | null> {
    return this.deps.repo.findAnswer(statement.id, member.id);
  }

  /** Closes the statement, shows the final bars everywhere, publishes `statement.closed`. @throws `STATEMENT.ALREADY_CLOSED` */
  async close(statement: Statement): Promise<StatementResults> {
    const closed = await this.deps.repo.close(statement.id, this.deps.clock.now());
    this.cache.delete(statement.id);
    if (!closed) throw new StatementError('STATEMENT.ALREADY_CLOSED', 'Closed already.');
    await this.follow('final', closed.id, () => this.deps.jobs.finalRefresh(closed.id));
    const results = await this.results(closed);
    await this.deps.bus?.publish('statement.closed', {
      organizationId: closed.organizationId,
      statementId: closed.id,
      text: closed.text,
      closedAt: closed.closedAt ?? this.deps.clock.now(),
      answers: { agree: results.tally.agree, neutral: results.tally.neutral, disagree: results.tally.disagree, total: results.tally.total },
    });
    return results;
  }

  /** The tally and the breakdown per chapter (managers). */
  async results(statement: Statement): Promise<StatementResults> {
    const [tally, chapters] = await Promise.all([this.deps.repo.tally(statement.id), this.deps.repo.tallyByChapter(statement.id)]);
    return { statement, tally, chapters };
  }

  private async follow(what: string, id: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.onError?.(what, id, err);
    }
  }
}

function dedupe<T extends { platform: string; workspaceExternalId: string; channelExternalId: string }>(targets: T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.platform}\u0000${t.workspaceExternalId}\u0000${t.channelExternalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
