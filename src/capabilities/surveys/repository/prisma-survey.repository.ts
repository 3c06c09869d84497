import { randomInt, randomUUID } from 'node:crypto';
import type { PrismaClient, Survey as SurveyRow, SurveyInvite as InviteRow, SurveyQuestion as QuestionRow } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import { GroupCommit } from '../../../kernel/group-commit.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';
import { audienceFromText, audienceToText, type AudienceBase, type QuestionInput, type StoredAnswer, type Survey, type SurveyInvite, type SurveyStatus } from '../domain/survey.js';
import type { ResultAnswer } from '../domain/survey-results.js';
import type { InviteCounts, NewSurveyRecord, RecordOutcome, SurveyRepository } from '../ports.js';

/** Where a sealed response is stored: authenticated with the envelope, so it opens in no other row. */
const sealContext = (inviteId: string) => `survey_invite:${inviteId}:sealed_answers`;

/** One answer on its way to {@link PrismaSurveyRepository.writeNamedAnswers}. */
interface AnswerInput {
  surveyId: string;
  memberId: string;
  answer: StoredAnswer;
  questionCount: number;
}

/** Unbiased shuffle with the operating system's randomness (the release order must not be guessable). */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Anonymous answers and releases run in interactive transactions, each holding a pooled connection for
 * several round trips. Under a burst they queue for the pool: Prisma's default 2 s wait turned a press
 * into "something went wrong" (bench/survey-answers.bench.ts, anonymous, 1,000/s: 452 of 5,000), where
 * waiting longer answers it (the platform acknowledged the press already; the reply goes to it later).
 */
const ANSWER_TRANSACTION = { maxWait: 15_000, timeout: 20_000 } as const;

/**
 * {@link SurveyRepository} on PostgreSQL/PGlite. Answers are recorded in a transaction that takes the
 * survey row `FOR SHARE` (closing waits for answers in flight; later ones see it closed) and the member's
 * invitation `FOR UPDATE` (two presses of one member on two platforms: the second sees the first). Sealing
 * of anonymous responses happens here only (see the port).
 */
export class PrismaSurveyRepository implements SurveyRepository {
  // Keyed by survey and member: one member's presses never share a batch nor ride in two at once, so a
  // batch moves each invitation once and a member's answers apply in the order they came.
  private readonly namedAnswers = new GroupCommit<AnswerInput, RecordOutcome | 'anonymous'>((batch) => this.writeNamedAnswers(batch), {
    maxBatch: 200,
    maxInFlight: 2,
    keyOf: (a) => `${a.surveyId}\u0000${a.memberId}`,
  });

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { secrets: SecretBox },
  ) {}

  async create(input: NewSurveyRecord): Promise<Survey> {
    const row = await this.prisma.survey.create({
      data: {
        organizationId: input.organizationId,
        createdByMemberId: input.createdByMemberId,
        title: input.title,
        anonymous: input.anonymous,
        status: 'draft',
        audience: audienceToText(input.audience),
        minGroupSize: input.minGroupSize,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        createdAt: input.createdAt,
      },
      include: { questions: true },
    });
    return toSurvey(row);
  }

  async findById(id: string): Promise<Survey | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.survey.findUnique({ where: { id }, include: { questions: true } });
    return row ? toSurvey(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Survey[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM survey
      WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`}
      ORDER BY created_at DESC LIMIT ${limit}`;
    if (rows.length === 0) return [];
    const found = await this.prisma.survey.findMany({ where: { id: { in: rows.map((r) => r.id) } }, include: { questions: true }, orderBy: { createdAt: 'desc' } });
    return found.map(toSurvey);
  }

  async list(organizationId: string, query: { status?: SurveyStatus; limit: number }): Promise<Survey[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.survey.findMany({
      where: { organizationId, ...(query.status ? { status: query.status } : {}) },
      include: { questions: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map(toSurvey);
  }

  async addQuestion(surveyId: string, question: QuestionInput): Promise<Survey | null> {
    if (!isUuid(surveyId)) return null;
    const added = await this.prisma.$transaction(async (tx) => {
      // The draft row locked: two managers adding at once get positions one after the other.
      const locked = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM survey WHERE id = ${surveyId}::uuid FOR UPDATE`;
      if (locked[0]?.status !== 'draft') return false;
      const position = await tx.surveyQuestion.count({ where: { surveyId } });
      await tx.surveyQuestion.create({ data: { surveyId, position, kind: question.kind, prompt: question.prompt, options: question.options } });
      return true;
    });
    return added ? this.findById(surveyId) : null;
  }

  async audienceMemberIds(organizationId: string, base: AudienceBase): Promise<string[]> {
    if (!isUuid(organizationId)) return [];
    if (base.kind === 'chapter' && !isUuid(base.chapterId)) return [];
    // The panel is the panel capability's: SurveyService asks for it over the bus.
    if (base.kind === 'panel') return [];
    const rows = await this.prisma.member.findMany({
      where: {
        organizationId,
        status: 'active',
        identities: { some: {} },
        ...(base.kind === 'chapter' ? { chapterId: base.chapterId } : {}),
        ...(base.kind === 'role' ? { roles: { has: base.role } } : {}),
      },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.id);
  }

  async open(surveyId: string, memberIds: readonly string[], sentAt: Date): Promise<boolean> {
    if (!isUuid(surveyId)) return false;
    return this.prisma.$transaction(async (tx) => {
      const changed = await tx.survey.updateMany({ where: { id: surveyId, status: 'draft' }, data: { status: 'open', sentAt } });
      if (changed.count === 0) return false;
      // Invitations in member-id order, not the sample's drawing order.
      const ids = [...new Set(memberIds)].sort();
      for (let i = 0; i < ids.length; i += 1000) {
        await tx.surveyInvite.createMany({ data: ids.slice(i, i + 1000).map((memberId) => ({ surveyId, memberId })), skipDuplicates: true });
      }
      return true;
    });
  }

  async findInvite(surveyId: string, memberId: string): Promise<SurveyInvite | null> {
    if (!isUuid(surveyId) || !isUuid(memberId)) return null;
    const row = await this.prisma.surveyInvite.findUnique({ where: { surveyId_memberId: { surveyId, memberId } } });
    return row ? toInvite(row) : null;
  }

  async markDelivered(surveyId: string, memberId: string): Promise<void> {
    await this.prisma.surveyInvite.updateMany({ where: { surveyId, memberId }, data: { delivered: true } });
  }

  async unfinishedInvites(surveyId: string): Promise<SurveyInvite[]> {
    if (!isUuid(surveyId)) return [];
    const rows = await this.prisma.surveyInvite.findMany({ where: { surveyId, completed: false }, orderBy: { memberId: 'asc' } });
    return rows.map(toInvite);
  }

  async markReminded(surveyId: string, memberIds: readonly string[], at: Date): Promise<void> {
    await this.prisma.surveyInvite.updateMany({ where: { surveyId, memberId: { in: [...memberIds] } }, data: { remindedAt: at } });
  }

  async recordAnswer(input: { surveyId: string; memberId: string; answer: StoredAnswer; questionCount: number }): Promise<RecordOutcome> {
    const { surveyId, memberId, answer } = input;
    if (!isUuid(surveyId) || !isUuid(memberId)) return { outcome: 'not-invited' };
    // Named surveys: answers that arrive together are written together, one statement per batch (group
    // commit; see writeNamedAnswers). Anonymous surveys seal in JavaScript: they take the transaction below.
    const named = await this.namedAnswers.submit({ surveyId, memberId, answer, questionCount: input.questionCount });
    if (named !== 'anonymous') return named;
    return this.prisma.$transaction(async (tx): Promise<RecordOutcome> => {
      const survey = await tx.$queryRaw<{ status: string; anonymous: boolean }[]>`SELECT status::text AS status, anonymous FROM survey WHERE id = ${surveyId}::uuid FOR SHARE`;
      const s = survey[0];
      if (!s) return { outcome: 'not-invited' };
      if (s.status === 'closed') return { outcome: 'closed' };
      if (s.status !== 'open') return { outcome: 'not-open' };
      const invites = await tx.$queryRaw<{ id: string; next_question: number; completed: boolean; sealed_answers: string | null }[]>`
        SELECT id::text AS id, next_question, completed, sealed_answers FROM survey_invite
        WHERE survey_id = ${surveyId}::uuid AND member_id = ${memberId}::uuid FOR UPDATE`;
      const invite = invites[0];
      if (!invite) return { outcome: 'not-invited' };
      if (invite.completed) return { outcome: 'completed' };
      if (answer.position < invite.next_question) return { outcome: 'already-answered', nextQuestion: invite.next_question };
      if (answer.position > invite.next_question) return { outcome: 'out-of-order', nextQuestion: invite.next_question };
      const nextQuestion = invite.next_question + 1;
      const completed = nextQuestion >= input.questionCount;
      if (s.anonymous) {
        const so_far: StoredAnswer[] = invite.sealed_answers ? (JSON.parse(await this.deps.secrets.open(invite.sealed_answers, sealContext(invite.id))) as StoredAnswer[]) : [];
        so_far.push(answer);
        const sealed = await this.deps.secrets.seal(JSON.stringify(so_far), sealContext(invite.id));
        await tx.surveyInvite.update({ where: { id: invite.id }, data: { nextQuestion, completed, sealedAnswers: sealed } });
      } else {
        // Named surveys: the invitation's id groups the member's answers (it names the member anyway).
        await tx.surveyAnswer.create({ data: { id: randomUUID(), surveyId, position: answer.position, memberId, responseId: invite.id, choices: answer.choices, value: answer.value, text: answer.text } });
        await tx.surveyInvite.update({ where: { id: invite.id }, data: { nextQuestion, completed } });
      }
      return { outcome: 'recorded', nextQuestion, completed };
    }, ANSWER_TRANSACTION);
  }

  /** Waits for the answers being written (shutdown, tests). */
  flushAnswers(): Promise<void> {
    return this.namedAnswers.idle();
  }

  private async writeNamedAnswers(batch: readonly AnswerInput[]): Promise<(RecordOutcome | 'anonymous' | Error)[]> {
    try {
      return await this.recordNamed(batch);
    } catch (err) {
      // A deadlock or one bad row: write them one by one, so one answer's problem stays its own.
      if (batch.length === 1) throw err;
      return Promise.all(batch.map((a) => this.recordNamed([a]).then((r) => r[0]!, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
  }

  /**
   * Named answers, a batch in one statement (one round trip; six in an interactive transaction capped the
   * answers at ~60/s under load, one statement per answer near 1,600/s: bench/survey-answers.bench.ts). The
   * survey rows are shared (a close waits for the batch; later answers see it closed); an invitation moves
   * on only from the question answered, so a second press of the same question, from any platform, finds it
   * moved and writes nothing; the answer is inserted from that update. Refusals are told from the
   * invitation as this statement saw it; anonymous surveys are left alone ('anonymous').
   */
  private async recordNamed(batch: readonly AnswerInput[]): Promise<(RecordOutcome | 'anonymous')[]> {
    // One jsonb parameter: the client binds one value however large the batch.
    const items = JSON.stringify(
      batch.map((a, i) => ({
        i,
        answer_id: randomUUID(),
        survey_id: a.surveyId,
        member_id: a.memberId,
        position: a.answer.position,
        question_count: a.questionCount,
        choices: a.answer.choices,
        value: a.answer.value,
        text: a.answer.text,
      })),
    );
    const rows = await this.prisma.$queryRaw<
      { i: number; status: string | null; anonymous: boolean | null; moved_to: number | null; moved_completed: boolean | null; invite_next: number | null; invite_completed: boolean | null }[]
    >`
      WITH v AS (
        SELECT * FROM jsonb_to_recordset(${items}::jsonb)
          AS v(i int, answer_id uuid, survey_id uuid, member_id uuid, position int, question_count int, choices jsonb, value int, text text)
      ), s AS (
        SELECT id, status::text AS status, anonymous FROM survey
         WHERE id IN (SELECT survey_id FROM v) ORDER BY id FOR SHARE
      ), moved AS (
        UPDATE survey_invite i SET next_question = i.next_question + 1, completed = i.next_question + 1 >= v.question_count
          FROM v JOIN s ON s.id = v.survey_id
         WHERE i.survey_id = v.survey_id AND i.member_id = v.member_id AND i.next_question = v.position
           AND NOT i.completed AND s.status = 'open' AND NOT s.anonymous
        RETURNING v.i, i.id, i.next_question, i.completed
      ), written AS (
        INSERT INTO survey_answer (id, survey_id, position, member_id, response_id, choices, value, text)
        SELECT v.answer_id, v.survey_id, v.position, v.member_id, moved.id,
               ARRAY(SELECT jsonb_array_elements_text(v.choices)::int), v.value, v.text
          FROM moved JOIN v ON v.i = moved.i
        RETURNING 1
      )
      SELECT v.i, s.status, s.anonymous, moved.next_question AS moved_to, moved.completed AS moved_completed,
             inv.next_question AS invite_next, inv.completed AS invite_completed
        FROM v LEFT JOIN s ON s.id = v.survey_id LEFT JOIN moved ON moved.i = v.i
        LEFT JOIN survey_invite inv ON inv.survey_id = v.survey_id AND inv.member_id = v.member_id
       ORDER BY v.i`;
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    return Promise.all(
      batch.map(async (a, i): Promise<RecordOutcome | 'anonymous'> => {
        const row = byIndex.get(i);
        if (!row || row.status === null) return { outcome: 'not-invited' };
        if (row.status === 'closed') return { outcome: 'closed' };
        if (row.status !== 'open') return { outcome: 'not-open' };
        if (row.anonymous) return 'anonymous';
        if (row.moved_to !== null) return { outcome: 'recorded', nextQuestion: row.moved_to, completed: row.moved_completed === true };
        if (row.invite_next === null) return { outcome: 'not-invited' };
        let invite = { nextQuestion: row.invite_next, completed: row.invite_completed === true };
        // The statement's snapshot would have taken it: the invitation moved after the snapshot (another
        // process). Read it as it is now (rare).
        if (!invite.completed && invite.nextQuestion === a.answer.position) {
          const now = await this.prisma.surveyInvite.findUnique({ where: { surveyId_memberId: { surveyId: a.surveyId, memberId: a.memberId } }, select: { nextQuestion: true, completed: true } });
          if (!now) return { outcome: 'not-invited' };
          invite = now;
        }
        if (invite.completed) return { outcome: 'completed' };
        if (a.answer.position < invite.nextQuestion) return { outcome: 'already-answered', nextQuestion: invite.nextQuestion };
        return { outcome: 'out-of-order', nextQuestion: invite.nextQuestion };
      }),
    );
  }

  async releaseAnonymous(surveyId: string, options: { minimum: number; includeUnfinished: boolean }): Promise<number> {
    if (!isUuid(surveyId)) return 0;
    return this.prisma.$transaction(async (tx) => {
      const rows = options.includeUnfinished
        ? await tx.$queryRaw<{ id: string; sealed_answers: string; completed: boolean }[]>`
            SELECT id::text AS id, sealed_answers, completed FROM survey_invite
            WHERE survey_id = ${surveyId}::uuid AND sealed_answers IS NOT NULL FOR UPDATE`
        : await tx.$queryRaw<{ id: string; sealed_answers: string; completed: boolean }[]>`
            SELECT id::text AS id, sealed_answers, completed FROM survey_invite
            WHERE survey_id = ${surveyId}::uuid AND sealed_answers IS NOT NULL AND completed FOR UPDATE SKIP LOCKED`;
      // Completions at once each release: rows another release holds are skipped (SKIP LOCKED above), and
      // what is left is released only when it alone reaches the minimum group size.
      if (rows.length === 0 || (!options.includeUnfinished && rows.length < options.minimum)) return 0;
      const responses: StoredAnswer[][] = [];
      for (const row of rows) responses.push(JSON.parse(await this.deps.secrets.open(row.sealed_answers, sealContext(row.id))) as StoredAnswer[]);
      // Fresh random response ids, responses and then rows in random order: nothing follows the register.
      const data = shuffle(
        shuffle(responses).flatMap((answers) => {
          const responseId = randomUUID();
          return answers.map((a) => ({ id: randomUUID(), surveyId, position: a.position, memberId: null, responseId, choices: a.choices, value: a.value, text: a.text }));
        }),
      );
      if (data.length > 0) await tx.surveyAnswer.createMany({ data });
      await tx.surveyInvite.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { sealedAnswers: null } });
      return rows.length;
    }, ANSWER_TRANSACTION);
  }

  async close(surveyId: string, at: Date): Promise<Survey | null> {
    if (!isUuid(surveyId)) return null;
    const changed = await this.prisma.survey.updateMany({ where: { id: surveyId, status: 'open' }, data: { status: 'closed', closedAt: at } });
    return changed.count === 0 ? null : this.findById(surveyId);
  }

  async answers(surveyId: string): Promise<ResultAnswer[]> {
    if (!isUuid(surveyId)) return [];
    const rows = await this.prisma.surveyAnswer.findMany({
      where: { surveyId },
      include: { member: { select: { name: true, memberNumber: true, chapterId: true, chapter: { select: { name: true } } } } },
      orderBy: [{ responseId: 'asc' }, { position: 'asc' }],
    });
    return rows.map((r) => ({
      responseId: r.responseId ?? r.id,
      position: r.position,
      choices: r.choices,
      value: r.value,
      text: r.text,
      member: r.member ? { name: r.member.name, memberNumber: r.member.memberNumber } : null,
      chapter: r.member ? { id: r.member.chapterId, name: r.member.chapter?.name ?? null } : null,
    }));
  }

  async counts(surveyId: string): Promise<InviteCounts> {
    if (!isUuid(surveyId)) return { invited: 0, delivered: 0, started: 0, completed: 0, waiting: 0 };
    const rows = await this.prisma.$queryRaw<{ invited: number; delivered: number; started: number; completed: number; waiting: number }[]>`
      SELECT count(*)::int AS invited,
             count(*) FILTER (WHERE delivered)::int AS delivered,
             count(*) FILTER (WHERE next_question > 0)::int AS started,
             count(*) FILTER (WHERE completed)::int AS completed,
             count(*) FILTER (WHERE completed AND sealed_answers IS NOT NULL)::int AS waiting
      FROM survey_invite WHERE survey_id = ${surveyId}::uuid`;
    return rows[0] ?? { invited: 0, delivered: 0, started: 0, completed: 0, waiting: 0 };
  }
}

function toSurvey(row: SurveyRow & { questions: QuestionRow[] }): Survey {
  return {
    id: row.id,
    organizationId: row.organizationId,
    createdByMemberId: row.createdByMemberId,
    title: row.title,
    anonymous: row.anonymous,
    status: row.status,
    audience: audienceFromText(row.audience),
    questions: [...row.questions].sort((a, b) => a.position - b.position).map((q) => ({ position: q.position, kind: q.kind, prompt: q.prompt, options: q.options })),
    minGroupSize: row.minGroupSize,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    sentAt: row.sentAt,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

function toInvite(row: InviteRow): SurveyInvite {
  return { id: row.id, surveyId: row.surveyId, memberId: row.memberId, nextQuestion: row.nextQuestion, completed: row.completed, delivered: row.delivered, remindedAt: row.remindedAt };
}
