import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteValue, type Poll } from '../../src/capabilities/polls/domain/poll.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { RecordingLogger } from '../support/logger.js';
import { createPollHarness, replyText, type Account, type PollHarness } from '../support/poll-harness.js';

/**
 * Votes under concurrency on real PostgreSQL, through the real router (ChatRouter.handle): the database
 * constraint and the single-statement vote keep exactly one ballot per member, whatever the interleaving.
 */
describe('poll votes under concurrency (PostgreSQL)', () => {
  let db: Database;
  let sql: pg.Client;
  let h: PollHarness;
  const logger = new RecordingLogger();
  const members: { id: string; slack: Account; discord: Account }[] = [];
  const manager: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-manager' };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    h = await createPollHarness({
      repos: prismaRepositories(db.prisma),
      database: db,
      queue: new InProcessJobQueue(logger),
      platforms: [new FakeChatPlatform('slack'), new FakeChatPlatform('discord')],
      logger,
    });
    await h.member({ roles: ['member', 'manager'], accounts: [manager] });
    // 500 members, each linked on Slack and on Discord (bulk inserts: the link flow is not under test here).
    const numbers = Array.from({ length: 500 }, (_, i) => `C${String(i).padStart(4, '0')}`);
    await h.repos.members.upsertMany(
      h.organization.id,
      numbers.map((memberNumber, i) => ({ memberNumber, name: `Voter ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })),
    );
    const identities = [];
    for (const [i, memberNumber] of numbers.entries()) {
      const member = (await h.repos.members.findByNumber(h.organization.id, memberNumber))!;
      const slack: Account = { platform: 'slack', workspaceId: 'T1', userId: `U${i}` };
      const discord: Account = { platform: 'discord', workspaceId: '900000000000000001', userId: String(100000000000000000n + BigInt(i)) };
      members.push({ id: member.id, slack, discord });
      for (const a of [slack, discord]) {
        identities.push({ organizationId: h.organization.id, memberId: member.id, platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.userId });
      }
    }
    await db.prisma.platformIdentity.createMany({ data: identities });
    // Known elsewhere already in real life (the first event of a workspace registers it). Concurrent first
    // events of a brand-new workspace race in WorkspaceRepository.upsert (reported to the lead).
    await h.repos.workspaces.upsert({ organizationId: h.organization.id, platform: 'discord', externalId: '900000000000000001' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await sql?.end();
    await db?.close();
  });

  const create = async (definition: string): Promise<Poll> => {
    const text = replyText(await h.command(manager, `poll create ${definition}`));
    const id = /`([0-9a-f]{8})`/.exec(text)?.[1];
    if (!id) throw new Error(text);
    return h.polls.service.find(h.organization.id, id);
  };

  it('counts 1,000 concurrent votes from 500 members (duplicates included) exactly', async () => {
    const poll = await create('Best day? | Mon | Tue | Wed | Thu');
    // Every member votes twice at once: the same choice again (a double click or redelivery) for even
    // members, a changed mind for odd ones. The last write per member decides, so we expect, per member,
    // one of their two choices; the totals must add up to exactly 500 ballots.
    const presses = members.flatMap((m, i) => {
      const first = i % 4;
      const second = i % 2 === 0 ? first : (first + 1) % 4;
      return [
        { account: m.slack, position: first },
        { account: i % 3 === 0 ? m.discord : m.slack, position: second },
      ];
    });
    const replies = await Promise.all(presses.map((p) => h.press(p.account, voteValue(poll.id, p.position))));
    expect(replies.filter((r) => replyText(r).startsWith('Your vote:'))).toHaveLength(1000);

    const { rows } = await sql.query<{ n: number; distinct_members: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS distinct_members FROM ballot WHERE poll_id = $1',
      [poll.id],
    );
    expect(rows[0]).toEqual({ n: 500, distinct_members: 500 });
    const tally = await h.polls.repo.tally(poll.id);
    expect(tally.voters).toBe(500);
    expect(tally.counts.reduce((a, b) => a + b, 0)).toBe(500);
    // Even members voted the same twice: their option is certain.
    const evenByOption = [0, 0, 0, 0];
    members.forEach((_, i) => {
      if (i % 2 === 0) evenByOption[i % 4]! += 1;
    });
    const { rows: evenRows } = await sql.query<{ c: number; n: number }>(
      `SELECT choices[1] AS c, count(*)::int AS n FROM ballot WHERE poll_id = $1 AND member_id = ANY($2::uuid[]) GROUP BY 1 ORDER BY 1`,
      [poll.id, members.filter((_, i) => i % 2 === 0).map((m) => m.id)],
    );
    expect(evenRows.map((r) => r.n)).toEqual(evenByOption.filter((n) => n > 0));
  }, 60_000);

  it('counts 1,000 concurrent votes of 1,000 members exactly, written in batches', async () => {
    const poll = await create('Busy? | A | B | C | D');
    // 500 more members, so that 1,000 different members press at the same moment.
    const numbers = Array.from({ length: 500 }, (_, i) => `D${String(i).padStart(4, '0')}`);
    await h.repos.members.upsertMany(
      h.organization.id,
      numbers.map((memberNumber, i) => ({ memberNumber, name: `Second ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })),
    );
    const { rows: more } = await sql.query<{ id: string; member_number: string }>('SELECT id, member_number FROM member WHERE organization_id = $1 AND member_number = ANY($2)', [h.organization.id, numbers]);
    await db.prisma.platformIdentity.createMany({
      data: more.map((m) => ({ organizationId: h.organization.id, memberId: m.id, platform: 'slack' as const, workspaceId: 'T1', platformUserId: `U-second-${m.member_number}` })),
    });
    const accounts: Account[] = [...members.map((m) => m.slack), ...more.map((m) => ({ platform: 'slack' as const, workspaceId: 'T1', userId: `U-second-${m.member_number}` }))];
    expect(accounts).toHaveLength(1000);

    const replies = await Promise.all(accounts.map((a, i) => h.press(a, voteValue(poll.id, i % 4))));
    expect(replies.filter((r) => replyText(r).startsWith('Your vote:'))).toHaveLength(1000);
    const { rows } = await sql.query<{ c: number; n: number }>('SELECT choices[1] AS c, count(*)::int AS n FROM ballot WHERE poll_id = $1 GROUP BY 1 ORDER BY 1', [poll.id]);
    expect(rows).toEqual([0, 1, 2, 3].map((c) => ({ c, n: 250 })));
    expect(await h.polls.repo.tally(poll.id)).toEqual({ counts: [250, 250, 250, 250], voters: 1000 });
  }, 60_000);

  it('keeps one ballot for a member voting on two platforms at the same moment', async () => {
    const poll = await create('Same member? | Yes | No');
    const m = members[7]!;
    await Promise.all([h.press(m.slack, voteValue(poll.id, 0)), h.press(m.discord, voteValue(poll.id, 1))]);
    const { rows } = await sql.query('SELECT choices FROM ballot WHERE poll_id = $1', [poll.id]);
    expect(rows).toHaveLength(1);
    expect([[0], [1]]).toContainEqual(rows[0].choices);
  });

  it('counts a toggle delivered twice (same event id) once', async () => {
    const poll = await create('Toggle? | A | B | C --multi');
    const m = members[8]!;
    await Promise.all([h.press(m.slack, voteValue(poll.id, 1), 'trigger-42'), h.press(m.slack, voteValue(poll.id, 1), 'trigger-42')]);
    const { rows } = await sql.query('SELECT choices FROM ballot WHERE poll_id = $1', [poll.id]);
    expect(rows.map((r) => r.choices)).toEqual([[1]]);
  });

  it('loses no toggle when a member presses two options at once', async () => {
    const poll = await create('Both? | A | B | C --multi');
    const m = members[9]!;
    await Promise.all([h.press(m.slack, voteValue(poll.id, 0)), h.press(m.discord, voteValue(poll.id, 2))]);
    const { rows } = await sql.query('SELECT choices FROM ballot WHERE poll_id = $1', [poll.id]);
    expect(rows.map((r) => r.choices)).toEqual([[0, 2]]);
  });

  it('rejects votes after close: every accepted vote is counted, none after the close returned', async () => {
    const poll = await create('Closing race? | A | B');
    const voting = members.slice(0, 300).map((m) => h.press(m.slack, voteValue(poll.id, 0)));
    await new Promise((r) => setTimeout(r, 5));
    await h.polls.service.close(poll);
    const late = await Promise.all(members.slice(300, 320).map((m) => h.press(m.slack, voteValue(poll.id, 1))));
    const replies = await Promise.all(voting);
    const accepted = replies.filter((r) => replyText(r).startsWith('Your vote:')).length;
    const refused = replies.filter((r) => replyText(r) === 'This poll is closed: votes are no longer accepted.').length;
    expect(accepted + refused).toBe(300);
    expect(late.every((r) => replyText(r) === 'This poll is closed: votes are no longer accepted.')).toBe(true);
    const { rows } = await sql.query<{ n: number; after: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE 1 = ANY(choices))::int AS after FROM ballot WHERE poll_id = $1`,
      [poll.id],
    );
    expect(rows[0]).toEqual({ n: accepted, after: 0 });
  }, 30_000);

  it('leaves no member id in the database, nor in the logs, for an anonymous poll', async () => {
    const poll = await create('Anonymous? | Yes | No --anonymous');
    const voters = members.slice(20, 40);
    await Promise.all(voters.map((m, i) => h.press(i % 2 ? m.slack : m.discord, voteValue(poll.id, i % 2))));
    const { rows } = await sql.query<{ member_id: string | null; voter_key: string }>('SELECT member_id, voter_key FROM ballot WHERE poll_id = $1', [poll.id]);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.member_id === null)).toBe(true);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.voter_key))).toBe(true);
    // No member id anywhere in the poll's rows, and none in what was logged while voting.
    const dump = JSON.stringify((await sql.query('SELECT * FROM ballot WHERE poll_id = $1', [poll.id])).rows);
    for (const m of voters) {
      expect(dump).not.toContain(m.id);
      expect(logger.text()).not.toContain(m.id);
      expect(logger.text()).not.toContain(m.slack.userId + '"');
    }
    const { rows: secret } = await sql.query(`SELECT key FROM organization_setting WHERE organization_id = $1`, [h.organization.id]);
    expect(secret.map((r) => r.key)).toEqual(['polls.voterKeySecret']);
  });
});
