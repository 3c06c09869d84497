import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaStatementRepository } from '../../src/capabilities/statements/repository/prisma-statement.repository.js';
import { PrismaIdeaRepository } from '../../src/capabilities/ideas/repository/prisma-idea.repository.js';
import { STANCES, type Stance } from '../../src/capabilities/statements/domain/statement.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';

/**
 * The statements and ideas repositories on PostgreSQL under concurrency: one answer per member however
 * the presses interleave (the last one counts), none after close, and the tally and chapter breakdown
 * exact; one upvote per member however often it is pressed at once.
 */
describe(PrismaStatementRepository.name, () => {
  let db: Database;
  let sut: PrismaStatementRepository;
  let orgId: string;
  let memberIds: string[];
  let chapterIds: string[];

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const repos = prismaRepositories(db.prisma);
    sut = new PrismaStatementRepository(db.prisma as never);
    const org = await repos.organizations.ensure({ slug: `org-${randomUUID().slice(0, 8)}`, name: 'Test' });
    orgId = org.id;
    chapterIds = (await repos.chapters.ensureMany(org.id, ['Amersfoort', 'Zwolle'])).map((c) => c.id);
    await repos.members.upsertMany(org.id, Array.from({ length: 300 }, (_, i) => ({
      memberNumber: `M${i}`, name: `M ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: i % 3 === 2 ? null : chapterIds[i % 3]!,
    })));
    memberIds = (await repos.members.list(org.id, { limit: 1000 })).map((m) => m.id);
    expect(memberIds).toHaveLength(300);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const create = () => sut.create({ organizationId: orgId, createdByMemberId: null, text: 'Test statement', targets: [{ platform: 'slack', workspaceExternalId: 'T1', channelExternalId: 'C1' }], createdAt: new Date() });

  it('keeps one answer per member under 900 concurrent presses, the last press of each member counting', async () => {
    const s = await create();
    const last = new Map<string, Stance>();
    const presses: Promise<unknown>[] = [];
    for (let round = 0; round < 3; round++) {
      memberIds.forEach((memberId, i) => {
        const stance = STANCES[(i + round) % 3]!;
        last.set(memberId, stance);
        presses.push(sut.answer({ statementId: s.id, memberId, stance, at: new Date() }));
      });
    }
    expect(new Set(await Promise.all(presses))).toEqual(new Set(['recorded']));
    const expected = { agree: 0, neutral: 0, disagree: 0, total: 300 };
    for (const stance of last.values()) expected[stance]++;
    expect(await sut.tally(s.id)).toEqual(expected);
    const chapters = await sut.tallyByChapter(s.id);
    expect(chapters.map((c) => [c.chapterName, c.total])).toEqual([['Amersfoort', 100], ['Zwolle', 100], [null, 100]]);
    expect(chapters.reduce((n, c) => n + c.agree, 0)).toBe(expected.agree);
  }, 60_000);

  it('stores no answer after close, also when closing races with presses', async () => {
    const s = await create();
    const early = memberIds.slice(0, 150).map((memberId) => sut.answer({ statementId: s.id, memberId, stance: 'agree', at: new Date() }));
    const closing = sut.close(s.id, new Date());
    const late = memberIds.slice(150).map((memberId) => sut.answer({ statementId: s.id, memberId, stance: 'disagree', at: new Date() }));
    const outcomes = await Promise.all([...early, ...late]);
    expect(await closing).not.toBeNull();
    expect(await sut.close(s.id, new Date())).toBeNull();
    const recorded = outcomes.filter((o) => o === 'recorded').length;
    expect((await sut.tally(s.id)).total).toBe(recorded);
    expect(await sut.answer({ statementId: s.id, memberId: memberIds[0]!, stance: 'neutral', at: new Date() })).toBe('closed');
  }, 60_000);

  it('counts one upvote per member for an idea pressed many times at once', async () => {
    const ideas = new PrismaIdeaRepository(db.prisma as never);
    const idea = await ideas.create({ organizationId: orgId, submittedByMemberId: memberIds[0]!, text: 'An idea', targets: [], createdAt: new Date() });
    const added = await Promise.all(memberIds.slice(0, 50).flatMap((memberId) => [1, 2, 3].map(() => ideas.upvote(idea.id, memberId, new Date()))));
    expect(added.filter(Boolean)).toHaveLength(50);
    expect(await ideas.votes(idea.id)).toBe(50);
  }, 60_000);
});
