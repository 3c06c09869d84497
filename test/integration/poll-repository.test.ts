import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewPollRecord, PollRepository } from '../../src/capabilities/polls/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { PrismaPollRepository } from '../../src/capabilities/polls/repository/prisma-poll.repository.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { InMemoryPollRepository } from '../fakes/in-memory-poll.repository.js';
import { createPgliteTestDatabase, createPostgresTestDatabase } from '../support/database.js';
import { testSecretBox } from '../support/secrets.js';

/**
 * The PollRepository contract, run against the Prisma implementation (real PostgreSQL) and the in-memory
 * fake. Expectations never branch on the implementation.
 */
interface Subject {
  repo: PollRepository;
  /** An organisation id that exists, and a member in it. */
  organizationId: string;
  memberId: string;
}

let db: Database;
let lite: Database;
beforeAll(async () => {
  // PGlite too: it is the embedded default, and votes rely on `FOR SHARE` and `ON CONFLICT`.
  [db, lite] = await Promise.all([createPostgresTestDatabase(), createPgliteTestDatabase()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([db?.close(), lite?.close()]);
});

async function prismaSubject(database: () => Database): Promise<Subject> {
  const repos = createPrismaDirectory(database().prisma);
  const org = await repos.organizations.ensure({ slug: `o-${randomUUID().slice(0, 8)}`, name: 'Org' });
  await repos.members.upsertMany(org.id, [{ memberNumber: '001', name: 'Anne', email: null, status: 'active', roles: ['member'], chapterId: null }]);
  const member = (await repos.members.findByNumber(org.id, '001'))!;
  return { repo: new PrismaPollRepository(database().prisma, { secrets: testSecretBox }), organizationId: org.id, memberId: member.id };
}

async function memorySubject(): Promise<Subject> {
  const memberId = randomUUID();
  return {
    repo: new InMemoryPollRepository((id) => (id === memberId ? { memberNumber: '001', name: 'Anne' } : undefined)),
    organizationId: randomUUID(),
    memberId,
  };
}

const at = new Date('2026-11-25T10:00:00.000Z');
const later = (ms: number) => new Date(at.getTime() + ms);

function record(s: Subject, o: Partial<NewPollRecord> = {}): NewPollRecord {
  return {
    organizationId: s.organizationId,
    createdByMemberId: null,
    question: 'Q?',
    options: ['a', 'b', 'c'],
    choiceMode: 'single',
    maxChoices: null,
    anonymous: false,
    resultsVisibility: 'live',
    deadline: null,
    audience: { kind: 'all' },
    targets: [
      { platform: 'slack', workspaceExternalId: 'T1', channelExternalId: 'C1' },
      { platform: 'discord', workspaceExternalId: '123', channelExternalId: '456' },
    ],
    createdAt: at,
    ...o,
  };
}

for (const [name, make] of [
  ['Prisma (PostgreSQL)', () => prismaSubject(() => db)],
  ['Prisma (embedded PGlite)', () => prismaSubject(() => lite)],
  ['in memory', memorySubject],
] as const) {
  describe(`PollRepository contract: ${name}`, () => {
    let s: Subject;
    beforeEach(async () => {
      s = await make();
    });

    it('stores a poll with options, audience and posts waiting to be posted', async () => {
      const poll = await s.repo.create(record(s, { audience: { kind: 'roles', roles: ['board', 'ambassador'] }, deadline: later(1000) }));
      expect(await s.repo.findById(poll.id)).toEqual(poll);
      expect(poll).toMatchObject({ options: ['a', 'b', 'c'], status: 'open', deadline: later(1000), audience: { kind: 'roles', roles: ['board', 'ambassador'] } });
      const posts = await s.repo.listPosts(poll.id);
      expect(posts.map((p) => [p.platform, p.channelExternalId, p.messageId]).sort()).toEqual([
        ['discord', '456', null],
        ['slack', 'C1', null],
      ]);
      const slackPost = posts.find((p) => p.platform === 'slack')!;
      await s.repo.setPostMessage(slackPost.id, '1700000000.000100');
      expect((await s.repo.listPosts(poll.id)).find((p) => p.id === slackPost.id)!.messageId).toBe('1700000000.000100');
    });

    it('finds by id prefix within the organisation only', async () => {
      const poll = await s.repo.create(record(s));
      expect((await s.repo.findByIdPrefix(s.organizationId, poll.id.slice(0, 8), 2)).map((p) => p.id)).toEqual([poll.id]);
      expect(await s.repo.findByIdPrefix(randomUUID(), poll.id.slice(0, 8), 2)).toEqual([]);
      expect(await s.repo.findById('nonsense')).toBeNull();
    });

    it('replaces a ballot on a second vote by the same voter', async () => {
      const poll = await s.repo.create(record(s));
      await s.repo.castVote({ pollId: poll.id, voterKey: 'k1', memberId: s.memberId, change: { kind: 'set', position: 0 }, at });
      const r = await s.repo.castVote({ pollId: poll.id, voterKey: 'k1', memberId: s.memberId, change: { kind: 'set', position: 2 }, at });
      expect(r).toEqual({ status: 'recorded', choices: [2] });
      await s.repo.castVote({ pollId: poll.id, voterKey: 'k2', memberId: null, change: { kind: 'set', position: 2 }, at });
      expect(await s.repo.tally(poll.id)).toEqual({ counts: [0, 0, 2], voters: 2 });
      expect(await s.repo.findBallot(poll.id, 'k1')).toEqual([2]);
      expect(await s.repo.findBallot(poll.id, 'nobody')).toBeNull();
    });

    it('toggles options, keeps them sorted and stops at the maximum', async () => {
      const poll = await s.repo.create(record(s, { choiceMode: 'multi', maxChoices: 2 }));
      const toggle = (position: number) =>
        s.repo.castVote({ pollId: poll.id, voterKey: 'k', memberId: null, change: { kind: 'toggle', position, max: 2 }, at });
      expect(await toggle(2)).toEqual({ status: 'recorded', choices: [2] });
      expect(await toggle(0)).toEqual({ status: 'recorded', choices: [0, 2] });
      expect(await toggle(1)).toEqual({ status: 'recorded', choices: [0, 2] });
      expect(await toggle(2)).toEqual({ status: 'recorded', choices: [0] });
      expect(await toggle(0)).toEqual({ status: 'recorded', choices: [] });
      expect(await s.repo.tally(poll.id)).toEqual({ counts: [0, 0, 0], voters: 0 });
    });

    it('accepts no vote once closed or past the deadline', async () => {
      const poll = await s.repo.create(record(s, { deadline: later(1000) }));
      const vote = (when: Date) => s.repo.castVote({ pollId: poll.id, voterKey: 'k', memberId: null, change: { kind: 'set', position: 0 }, at: when });
      expect((await vote(later(999))).status).toBe('recorded');
      expect(await vote(later(1000))).toEqual({ status: 'closed' });
      const closed = await s.repo.close(poll.id, later(5));
      expect(closed).toMatchObject({ status: 'closed', closedAt: later(5) });
      expect(await s.repo.close(poll.id, later(6))).toBeNull();
      expect(await vote(later(10))).toEqual({ status: 'closed' });
      expect(await s.repo.tally(poll.id)).toEqual({ counts: [1, 0, 0], voters: 1 });
    });

    it('lists open polls with a deadline, and polls newest first', async () => {
      const a = await s.repo.create(record(s, { deadline: later(60_000) }));
      const b = await s.repo.create(record(s, { createdAt: later(1) }));
      expect((await s.repo.listOpenWithDeadline(1000)).map((p) => p.id)).toContain(a.id);
      expect((await s.repo.listOpenWithDeadline(1000)).map((p) => p.id)).not.toContain(b.id);
      expect((await s.repo.list(s.organizationId, { limit: 10 })).map((p) => p.id)).toEqual([b.id, a.id]);
      await s.repo.close(a.id, at);
      expect((await s.repo.list(s.organizationId, { status: 'closed', limit: 10 })).map((p) => p.id)).toEqual([a.id]);
    });

    it('lists named voters with number and name, and nobody for an anonymous poll', async () => {
      const named = await s.repo.create(record(s));
      await s.repo.castVote({ pollId: named.id, voterKey: s.memberId, memberId: s.memberId, change: { kind: 'set', position: 1 }, at });
      expect(await s.repo.namedBallots(named.id)).toEqual([{ memberId: s.memberId, memberNumber: '001', name: 'Anne', choices: [1], updatedAt: at }]);
      const anon = await s.repo.create(record(s, { anonymous: true }));
      await s.repo.castVote({ pollId: anon.id, voterKey: 'f'.repeat(64), memberId: null, change: { kind: 'set', position: 1 }, at });
      expect(await s.repo.namedBallots(anon.id)).toEqual([]);
    });

    it('creates one voter-key secret per organisation, even when asked concurrently', async () => {
      const secrets = await Promise.all(Array.from({ length: 8 }, () => s.repo.voterKeySecret(s.organizationId)));
      expect(new Set(secrets).size).toBe(1);
      expect(Buffer.from(secrets[0]!, 'base64')).toHaveLength(32);
      expect(await s.repo.voterKeySecret(s.organizationId)).toBe(secrets[0]);
    });
  });
}
