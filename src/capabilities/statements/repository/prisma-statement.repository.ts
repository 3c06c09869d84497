import type { PrismaClient, Statement as StatementRow, StatementPost as StatementPostRow } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import { GroupCommit } from '../../../kernel/group-commit.js';
import type { AnswerInput, NewStatementRecord, StatementRepository } from '../ports.js';
import type { ChapterTally, Stance, Statement, StatementPost, StatementStatus, StatementTally } from '../domain/statement.js';

/**
 * {@link StatementRepository} on PostgreSQL/PGlite. Concurrent answers are written together (group
 * commit), one statement per batch: `INSERT ... SELECT FROM unnest(...) JOIN statement ... FOR SHARE ON
 * CONFLICT (statement_id, member_id) DO UPDATE`. The unique index makes one answer per member a database
 * fact; the share lock on the statement row makes "no answer after close" exact (closing waits for the
 * answers in flight, later ones see the closed row and insert nothing).
 */
export class PrismaStatementRepository implements StatementRepository {
  private readonly answers = new GroupCommit<AnswerInput, 'recorded' | 'closed'>((batch) => this.writeAnswers(batch), {
    maxBatch: 200,
    maxInFlight: 2,
    keyOf: (a) => `${a.statementId}\u0000${a.memberId}`,
  });

  constructor(private readonly prisma: PrismaClient) {}

  async create(input: NewStatementRecord): Promise<Statement> {
    const row = await this.prisma.statement.create({
      data: {
        organizationId: input.organizationId,
        createdByMemberId: input.createdByMemberId,
        text: input.text,
        createdAt: input.createdAt,
        posts: { create: input.targets.map((t) => ({ ...t })) },
      },
    });
    return toStatement(row);
  }

  async findById(id: string): Promise<Statement | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.statement.findUnique({ where: { id } });
    return row ? toStatement(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Statement[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM statement
      WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`}
      ORDER BY created_at DESC LIMIT ${limit}`;
    if (rows.length === 0) return [];
    const found = await this.prisma.statement.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { createdAt: 'desc' } });
    return found.map(toStatement);
  }

  async list(organizationId: string, query: { status?: StatementStatus; limit: number }): Promise<Statement[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.statement.findMany({
      where: { organizationId, ...(query.status ? { status: query.status } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map(toStatement);
  }

  async close(id: string, at: Date): Promise<Statement | null> {
    if (!isUuid(id)) return null;
    // The UPDATE's row lock conflicts with the answers' FOR SHARE: it waits for answers in flight.
    const { count } = await this.prisma.statement.updateMany({ where: { id, status: 'open' }, data: { status: 'closed', closedAt: at } });
    return count === 1 ? this.findById(id) : null;
  }

  async answer(input: AnswerInput): Promise<'recorded' | 'closed'> {
    if (!isUuid(input.statementId) || !isUuid(input.memberId)) return 'closed';
    return this.answers.submit(input);
  }

  /** Waits for the answers being written (shutdown, tests). */
  flush(): Promise<void> {
    return this.answers.idle();
  }

  private async writeAnswers(batch: readonly AnswerInput[]): Promise<('recorded' | 'closed' | Error)[]> {
    try {
      return await this.insertAnswers(batch);
    } catch (err) {
      // A deadlock or one bad row: write them one by one, so one answer's problem stays its own.
      if (batch.length === 1) throw err;
      return Promise.all(batch.map((a) => this.insertAnswers([a]).then((r) => r[0]!, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
  }

  private async insertAnswers(batch: readonly AnswerInput[]): Promise<('recorded' | 'closed')[]> {
    const rows = await this.prisma.$queryRaw<{ statement_id: string; member_id: string }[]>`
      WITH v AS (
        SELECT * FROM unnest(${batch.map((a) => a.statementId)}::uuid[], ${batch.map((a) => a.memberId)}::uuid[],
                             ${batch.map((a) => a.stance)}::text[], ${batch.map((a) => a.at.toISOString())}::timestamptz[])
          AS v(statement_id, member_id, stance, at))
      INSERT INTO statement_answer (id, statement_id, member_id, stance, updated_at)
      SELECT gen_random_uuid(), s.id, v.member_id, v.stance::"StatementStance", v.at
        FROM v JOIN statement s ON s.id = v.statement_id AND s.status = 'open'
       ORDER BY v.statement_id, v.member_id
         FOR SHARE OF s
      ON CONFLICT (statement_id, member_id) DO UPDATE SET stance = EXCLUDED.stance, updated_at = EXCLUDED.updated_at
      RETURNING statement_id::text AS statement_id, member_id::text AS member_id`;
    const stored = new Set(rows.map((r) => `${r.statement_id}\u0000${r.member_id}`));
    return batch.map((a) => (stored.has(`${a.statementId}\u0000${a.memberId}`) ? 'recorded' : 'closed'));
  }

  async findAnswer(statementId: string, memberId: string): Promise<Stance | null> {
    if (!isUuid(statementId) || !isUuid(memberId)) return null;
    const row = await this.prisma.statementAnswer.findUnique({ where: { statementId_memberId: { statementId, memberId } }, select: { stance: true } });
    return row?.stance ?? null;
  }

  async tally(statementId: string): Promise<StatementTally> {
    if (!isUuid(statementId)) return { agree: 0, neutral: 0, disagree: 0, total: 0 };
    const rows = await this.prisma.$queryRaw<{ stance: Stance; n: number }[]>`
      SELECT stance::text AS stance, count(*)::int AS n FROM statement_answer WHERE statement_id = ${statementId}::uuid GROUP BY stance`;
    return toTally(rows);
  }

  async tallyByChapter(statementId: string): Promise<ChapterTally[]> {
    if (!isUuid(statementId)) return [];
    const rows = await this.prisma.$queryRaw<{ chapter_id: string | null; chapter_name: string | null; stance: Stance; n: number }[]>`
      SELECT c.id::text AS chapter_id, c.name AS chapter_name, a.stance::text AS stance, count(*)::int AS n
        FROM statement_answer a
        JOIN member m ON m.id = a.member_id
        LEFT JOIN chapter c ON c.id = m.chapter_id
       WHERE a.statement_id = ${statementId}::uuid
       GROUP BY c.id, c.name, a.stance`;
    const byChapter = new Map<string, { chapterId: string | null; chapterName: string | null; rows: { stance: Stance; n: number }[] }>();
    for (const r of rows) {
      const key = r.chapter_id ?? '';
      const entry = byChapter.get(key) ?? { chapterId: r.chapter_id, chapterName: r.chapter_name, rows: [] };
      entry.rows.push(r);
      byChapter.set(key, entry);
    }
    return [...byChapter.values()]
      .map((e) => ({ chapterId: e.chapterId, chapterName: e.chapterName, ...toTally(e.rows) }))
      .sort((a, b) => (a.chapterName === null ? 1 : b.chapterName === null ? -1 : a.chapterName.localeCompare(b.chapterName)));
  }

  async listPosts(statementId: string): Promise<StatementPost[]> {
    if (!isUuid(statementId)) return [];
    const rows = await this.prisma.statementPost.findMany({ where: { statementId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toPost);
  }

  async setPostMessage(postId: string, messageId: string): Promise<void> {
    if (!isUuid(postId)) return;
    await this.prisma.statementPost.updateMany({ where: { id: postId }, data: { messageId } });
  }

  async findPostByMessage(statementId: string, platform: StatementPost['platform'], channelId: string, messageId: string): Promise<StatementPost | null> {
    if (!isUuid(statementId)) return null;
    const row = await this.prisma.statementPost.findFirst({ where: { statementId, platform, channelExternalId: channelId, messageId } });
    return row ? toPost(row) : null;
  }

  async setPostThread(postId: string, threadId: string): Promise<void> {
    if (!isUuid(postId)) return;
    await this.prisma.statementPost.updateMany({ where: { id: postId }, data: { threadId } });
  }
}

function toTally(rows: readonly { stance: Stance; n: number }[]): StatementTally {
  const t = { agree: 0, neutral: 0, disagree: 0, total: 0 };
  for (const r of rows) {
    t[r.stance] += r.n;
    t.total += r.n;
  }
  return t;
}

function toStatement(row: StatementRow): Statement {
  return {
    id: row.id,
    organizationId: row.organizationId,
    createdByMemberId: row.createdByMemberId,
    text: row.text,
    status: row.status,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

function toPost(row: StatementPostRow): StatementPost {
  return {
    id: row.id,
    statementId: row.statementId,
    platform: row.platform,
    workspaceExternalId: row.workspaceExternalId,
    channelExternalId: row.channelExternalId,
    messageId: row.messageId,
    threadId: row.threadId,
  };
}
