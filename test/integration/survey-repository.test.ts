import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaSurveyRepository } from '../../src/capabilities/surveys/repository/prisma-survey.repository.js';
import type { StoredAnswer, Survey } from '../../src/capabilities/surveys/domain/survey.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { testSecretBox } from '../support/secrets.js';

/**
 * The survey repository on PostgreSQL: the audience (only active members with a linked account), one
 * answer per member and question however the presses of one member on two platforms race, none after
 * close, and anonymous responses sealed until a batch of the minimum size is released in random order.
 */
describe(PrismaSurveyRepository.name, () => {
  let db: Database;
  let sql: pg.Client;
  let sut: PrismaSurveyRepository;
  let orgId: string;
  let memberIds: string[];
  let chapterIds: string[];

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const repos = prismaRepositories(db.prisma);
    sut = new PrismaSurveyRepository(db.prisma as never, { secrets: testSecretBox });
    const org = await repos.organizations.ensure({ slug: `org-${randomUUID().slice(0, 8)}`, name: 'Test' });
    orgId = org.id;
    chapterIds = (await repos.chapters.ensureMany(org.id, ['Amersfoort', 'Zwolle'])).map((c) => c.id);
    await repos.members.upsertMany(org.id, Array.from({ length: 40 }, (_, i) => ({
      memberNumber: `M${String(i).padStart(2, '0')}`, name: `M ${i}`, email: null, status: i === 39 ? ('lapsed' as const) : ('active' as const),
      roles: i < 5 ? ['member' as const, 'board' as const] : ['member' as const], chapterId: chapterIds[i % 2]!,
    })));
    const members = (await repos.members.list(org.id, { limit: 1000 })).sort((a, b) => a.memberNumber.localeCompare(b.memberNumber));
    memberIds = members.map((m) => m.id);
    // Everyone but M38 has a linked Slack account.
    await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: 'T1' });
    for (const [i, m] of members.entries()) {
      if (i === 38) continue;
      const r = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform: 'slack', workspaceId: 'T1', platformUserId: `U${i}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
      await repos.linkRequests.confirm(r.id, new Date(), null);
    }
  }, 60_000);
  afterAll(async () => {
    await sql?.end();
    await db?.close();
  });

  const draft = async (anonymous: boolean, minGroupSize = 5): Promise<Survey> => {
    const s = await sut.create({ organizationId: orgId, createdByMemberId: null, title: 'Test survey', anonymous, audience: { base: { kind: 'all' }, sample: null }, minGroupSize, opensAt: null, closesAt: null, createdAt: new Date() });
    await sut.addQuestion(s.id, { kind: 'single', prompt: 'Which evening?', options: ['Mon', 'Thu'] });
    await sut.addQuestion(s.id, { kind: 'scale', prompt: 'How satisfied?', options: [] });
    return (await sut.addQuestion(s.id, { kind: 'text', prompt: 'What should change?', options: [] }))!;
  };
  const a = (position: number, x: Partial<StoredAnswer>): StoredAnswer => ({ position, choices: [], value: null, text: null, ...x });

  it('picks the audience: active members with a linked account, of a chapter or a role', async () => {
    const all = await sut.audienceMemberIds(orgId, { kind: 'all' });
    expect(all).toHaveLength(38);
    expect(all).not.toContain(memberIds[38]);
    expect(all).not.toContain(memberIds[39]);
    expect(await sut.audienceMemberIds(orgId, { kind: 'role', role: 'board' })).toHaveLength(5);
    expect(await sut.audienceMemberIds(orgId, { kind: 'chapter', chapterId: chapterIds[0]! })).toHaveLength(19);
    expect(await sut.audienceMemberIds(orgId, { kind: 'chapter', chapterId: 'not-a-uuid' })).toEqual([]);
  });

  it('adds questions only to a draft, in order, and opens it once', async () => {
    const s = await draft(false);
    expect(s.questions.map((q) => [q.position, q.kind])).toEqual([[0, 'single'], [1, 'scale'], [2, 'text']]);
    expect(await sut.open(s.id, memberIds.slice(0, 3), new Date())).toBe(true);
    expect(await sut.open(s.id, memberIds.slice(0, 3), new Date())).toBe(false);
    expect(await sut.addQuestion(s.id, { kind: 'nps', prompt: 'Recommend?', options: [] })).toBeNull();
    expect((await sut.counts(s.id)).invited).toBe(3);
  });

  it('keeps one answer per member and question when one member presses on two platforms at once', async () => {
    const s = await draft(false);
    await sut.open(s.id, memberIds.slice(0, 10), new Date());
    const presses = memberIds.slice(0, 10).flatMap((memberId) => [0, 1].map((choice) => sut.recordAnswer({ surveyId: s.id, memberId, answer: a(0, { choices: [choice] }), questionCount: 3 })));
    const outcomes = await Promise.all(presses);
    expect(outcomes.filter((o) => o.outcome === 'recorded')).toHaveLength(10);
    expect(outcomes.filter((o) => o.outcome === 'already-answered')).toHaveLength(10);
    const { rows } = await sql.query('SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS members FROM survey_answer WHERE survey_id = $1', [s.id]);
    expect(rows[0]).toEqual({ n: 10, members: 10 });
    // Out of order, not invited, after the last question, after close.
    expect(await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[0]!, answer: a(2, { text: 'x' }), questionCount: 3 })).toEqual({ outcome: 'out-of-order', nextQuestion: 1 });
    expect((await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[20]!, answer: a(0, { choices: [0] }), questionCount: 3 })).outcome).toBe('not-invited');
    await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[0]!, answer: a(1, { value: 4 }), questionCount: 3 });
    expect(await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[0]!, answer: a(2, { text: 'More' }), questionCount: 3 })).toEqual({ outcome: 'recorded', nextQuestion: 3, completed: true });
    expect((await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[0]!, answer: a(2, { text: 'Again' }), questionCount: 3 })).outcome).toBe('completed');
    expect(await sut.close(s.id, new Date())).not.toBeNull();
    expect((await sut.recordAnswer({ surveyId: s.id, memberId: memberIds[1]!, answer: a(1, { value: 2 }), questionCount: 3 })).outcome).toBe('closed');
    const answers = await sut.answers(s.id);
    expect(answers).toHaveLength(12);
    expect(answers.find((x) => x.text === 'More')?.member?.memberNumber).toBe('M00');
    expect(await sut.counts(s.id)).toMatchObject({ invited: 10, started: 10, completed: 1 });
  }, 60_000);

  it('writes answers that arrive together in one batch, each with its own outcome, exact across two processes and a close', async () => {
    const named = await draft(false);
    const secret = await draft(true, 5);
    await sut.open(named.id, memberIds.slice(0, 30), new Date());
    await sut.open(secret.id, memberIds.slice(0, 5), new Date());
    // A second process: its own batches, the same database.
    const other = new PrismaSurveyRepository(db.prisma as never, { secrets: testSecretBox });
    const press = (repo: PrismaSurveyRepository, surveyId: string, memberId: string, answer: StoredAnswer) => repo.recordAnswer({ surveyId, memberId, answer, questionCount: 3 });
    const first = await Promise.all([
      ...memberIds.slice(0, 30).flatMap((m) => [press(sut, named.id, m, a(0, { choices: [0] })), press(other, named.id, m, a(0, { choices: [1] }))]),
      press(sut, named.id, memberIds[35]!, a(0, { choices: [0] })),
      press(sut, named.id, memberIds[0]!, a(2, { text: 'too early' })),
      ...memberIds.slice(0, 5).map((m) => press(sut, secret.id, m, a(0, { choices: [1] }))),
    ]);
    const namedPresses = first.slice(0, 60);
    expect(namedPresses.filter((o) => o.outcome === 'recorded')).toHaveLength(30);
    expect(namedPresses.filter((o) => o.outcome === 'already-answered' || o.outcome === 'out-of-order')).toHaveLength(30);
    expect(first[60]).toEqual({ outcome: 'not-invited' });
    expect(['out-of-order', 'already-answered']).toContain(first[61]!.outcome);
    // Anonymous answers took their own (sealed) path: recorded, nothing in survey_answer yet.
    expect(first.slice(62).map((o) => o.outcome)).toEqual(Array(5).fill('recorded'));
    const { rows: sealed } = await sql.query('SELECT count(*)::int AS n FROM survey_answer WHERE survey_id = $1', [secret.id]);
    expect(sealed[0].n).toBe(0);
    // The second question while the survey closes: what was confirmed is what is stored, nothing after.
    const racing = Promise.all(memberIds.slice(0, 30).map((m, i) => press(i % 2 ? sut : other, named.id, m, a(1, { value: 3 }))));
    const closed = sut.close(named.id, new Date());
    const second = await racing;
    expect(await closed).not.toBeNull();
    const recordedSecond = second.filter((o) => o.outcome === 'recorded').length;
    expect(second.filter((o) => o.outcome !== 'recorded' && o.outcome !== 'closed')).toEqual([]);
    const { rows } = await sql.query('SELECT position, count(*)::int AS n, count(DISTINCT member_id)::int AS members FROM survey_answer WHERE survey_id = $1 GROUP BY position ORDER BY position', [named.id]);
    expect(rows).toEqual([{ position: 0, n: 30, members: 30 }, ...(recordedSecond ? [{ position: 1, n: recordedSecond, members: recordedSecond }] : [])]);
    expect(await sut.counts(named.id)).toMatchObject({ invited: 30, started: 30 });
  }, 60_000);

  it('seals anonymous answers until a batch of the minimum size is complete, then releases them without member, shuffled', async () => {
    const s = await draft(true, 5);
    const ids = memberIds.slice(0, 7);
    await sut.open(s.id, ids, new Date());
    const answerAll = async (memberId: string, i: number) => {
      await sut.recordAnswer({ surveyId: s.id, memberId, answer: a(0, { choices: [i % 2] }), questionCount: 3 });
      await sut.recordAnswer({ surveyId: s.id, memberId, answer: a(1, { value: (i % 5) + 1 }), questionCount: 3 });
      await sut.recordAnswer({ surveyId: s.id, memberId, answer: a(2, { text: `Answer of member ${i}` }), questionCount: 3 });
    };
    for (let i = 0; i < 4; i++) await answerAll(ids[i]!, i);
    expect(await sut.releaseAnonymous(s.id, { minimum: 5, includeUnfinished: false })).toBe(0);
    expect(await sut.answers(s.id)).toEqual([]);
    // The sealed copies hold no readable answer.
    const sealed = await sql.query<{ sealed_answers: string }>('SELECT sealed_answers FROM survey_invite WHERE survey_id = $1 AND sealed_answers IS NOT NULL', [s.id]);
    expect(sealed.rows).toHaveLength(4);
    expect(sealed.rows.some((r) => r.sealed_answers.includes('Answer of member'))).toBe(false);
    expect(await sut.counts(s.id)).toMatchObject({ completed: 4, waiting: 4 });

    await answerAll(ids[4]!, 4);
    expect(await sut.releaseAnonymous(s.id, { minimum: 5, includeUnfinished: false })).toBe(5);
    const rows = await sql.query('SELECT member_id, response_id, xmin::text AS xmin FROM survey_answer WHERE survey_id = $1', [s.id]);
    expect(rows.rows).toHaveLength(15);
    expect(rows.rows.every((r) => r.member_id === null)).toBe(true);
    expect(new Set(rows.rows.map((r) => r.response_id)).size).toBe(5);
    // One transaction wrote them all: the transaction id joins no answer to one invitation.
    expect(new Set(rows.rows.map((r) => r.xmin)).size).toBe(1);
    expect((await sql.query('SELECT count(*)::int AS n FROM survey_invite WHERE survey_id = $1 AND sealed_answers IS NOT NULL', [s.id])).rows[0].n).toBe(0);

    // One more starts; closing releases the unfinished one too.
    await sut.recordAnswer({ surveyId: s.id, memberId: ids[5]!, answer: a(0, { choices: [1] }), questionCount: 3 });
    await sut.close(s.id, new Date());
    expect(await sut.releaseAnonymous(s.id, { minimum: 0, includeUnfinished: true })).toBe(1);
    const answers = await sut.answers(s.id);
    expect(answers).toHaveLength(16);
    expect(answers.every((x) => x.member === null && x.chapter === null)).toBe(true);
  }, 60_000);
});
