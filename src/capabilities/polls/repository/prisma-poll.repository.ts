import { randomBytes } from 'node:crypto';
import type { Poll, PollAudience, PollPost, PollStatus, Tally } from '../domain/poll.js';
import type {
  CastVoteInput,
  CastVoteResult,
  NamedBallot,
  NewPollRecord,
  PollRepository,
} from '../ports.js';
import { type PollOption as PollOptionRow, type PollPost as PollPostRow, type Poll as PollRow, type PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import { GroupCommit } from '../../../kernel/group-commit.js';
import { openStoredSecret, secretPlaces } from '../../../infra/secrets/stored-secrets.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';

/** The `organization_setting` key of the anonymous voter-key secret. */
export const VOTER_KEY_SECRET_SETTING = 'polls.voterKeySecret';

/**
 * {@link PollRepository} on PostgreSQL/PGlite. Concurrent votes are written together, one SQL statement
 * per batch (`INSERT ... SELECT FROM unnest(...) JOIN poll ... FOR SHARE ... ON CONFLICT (poll_id,
 * voter_key) DO UPDATE`): the unique index makes one ballot per voter a database fact, the row lock on the
 * poll makes "no vote after close" exact (closing waits for votes in flight; later votes re-check the
 * closed row and insert nothing). A vote resolves once its batch is committed.
 * The voter-key secret is stored sealed by `deps.secrets` (see {@link SecretBox}).
 */
export class PrismaPollRepository implements PollRepository {
  /**
   * Votes are written in small batches (group commit): presses that arrive while a batch is on its way
   * share the next statement. Two batches at a time, at most 200 votes each; one ballot never twice in a
   * batch, and two votes of one voter are written in the order they came.
   */
  private readonly votes = new GroupCommit<CastVoteInput, CastVoteResult>((batch) => this.writeVotes(batch), {
    maxBatch: 200,
    maxInFlight: 2,
    keyOf: (v) => `${v.pollId}\u0000${v.voterKey}`,
  });

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { secrets: SecretBox },
  ) {}

  async create(input: NewPollRecord): Promise<Poll> {
    const audience = audienceColumns(input.audience);
    // One nested create: poll, options and posts in one transaction.
    const row = await this.prisma.poll.create({
      data: {
        organizationId: input.organizationId,
        createdByMemberId: input.createdByMemberId,
        question: input.question,
        choiceMode: input.choiceMode,
        maxChoices: input.maxChoices,
        anonymous: input.anonymous,
        resultsVisibility: input.resultsVisibility,
        deadline: input.deadline,
        status: 'open',
        ...audience,
        createdAt: input.createdAt,
        options: { create: input.options.map((label, position) => ({ position, label })) },
        posts: { create: input.targets.map((t) => ({ ...t })) },
      },
      include: { options: true },
    });
    return toPoll(row);
  }

  async findById(id: string): Promise<Poll | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.poll.findUnique({ where: { id }, include: { options: true } });
    return row ? toPoll(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Poll[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    // uuid has no LIKE; its text form does. The prefix holds only hex and dashes, so no LIKE escaping.
    const ids = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM poll
      WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`}
      ORDER BY created_at DESC LIMIT ${limit}`;
    if (ids.length === 0) return [];
    const rows = await this.prisma.poll.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      include: { options: true },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(toPoll);
  }

  async list(organizationId: string, query: { status?: PollStatus; limit: number }): Promise<Poll[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.poll.findMany({
      where: { organizationId, ...(query.status ? { status: query.status } : {}) },
      include: { options: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map(toPoll);
  }

  async listOpenWithDeadline(limit: number): Promise<Poll[]> {
    const rows = await this.prisma.poll.findMany({
      where: { status: 'open', deadline: { not: null } },
      include: { options: true },
      orderBy: { deadline: 'asc' },
      take: limit,
    });
    return rows.map(toPoll);
  }

  async close(id: string, at: Date): Promise<Poll | null> {
    if (!isUuid(id)) return null;
    // The UPDATE's row lock conflicts with the votes' FOR SHARE: it waits for votes in flight.
    const { count } = await this.prisma.poll.updateMany({ where: { id, status: 'open' }, data: { status: 'closed', closedAt: at } });
    return count === 1 ? this.findById(id) : null;
  }

  async castVote(input: CastVoteInput): Promise<CastVoteResult> {
    if (!isUuid(input.pollId)) return { status: 'closed' };
    return this.votes.submit(input);
  }

  /** Waits for the votes being written (shutdown and tests). */
  flushVotes(): Promise<void> {
    return this.votes.idle();
  }

  /**
   * One batch of votes, one statement. A batch never holds one ballot twice (the group commit's key), so
   * `ON CONFLICT DO UPDATE` touches each row once. Should the statement fail as a whole (a deadlock is the
   * one expected case), its votes are written one by one, so that one vote's problem is that vote's alone.
   */
  private async writeVotes(batch: readonly CastVoteInput[]): Promise<(CastVoteResult | Error)[]> {
    try {
      return await this.castVotes(batch);
    } catch (err) {
      if (batch.length === 1) throw err;
      return Promise.all(batch.map((v) => this.castVotes([v]).then((r) => r[0]!, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
  }

  /**
   * `INSERT ... SELECT FROM unnest(...) JOIN poll ... FOR SHARE ON CONFLICT (poll_id, voter_key) DO UPDATE`:
   * per vote, a new ballot or the changed one (`set` replaces; `toggle` flips one option within `max`),
   * only where its poll is open at the vote's time. Rows are locked in (poll, voter key) order, the same in
   * every batch, so concurrent batches cannot deadlock on each other's ballots.
   */
  private async castVotes(batch: readonly CastVoteInput[]): Promise<CastVoteResult[]> {
    const toggle = (v: CastVoteInput) => v.change.kind === 'toggle';
    const rows = await this.prisma.$queryRaw<{ poll_id: string; voter_key: string; choices: number[] | null }[]>`
      WITH v AS (
        SELECT * FROM unnest(${batch.map((v) => v.pollId)}::uuid[], ${batch.map((v) => v.voterKey)}::text[],
                             ${batch.map((v) => v.memberId)}::uuid[], ${batch.map(toggle)}::boolean[],
                             ${batch.map((v) => v.change.position)}::int[],
                             ${batch.map((v) => (v.change.kind === 'toggle' ? v.change.max : null))}::int[],
                             ${batch.map((v) => v.at.toISOString())}::timestamptz[])
          AS v(poll_id, voter_key, member_id, toggle, pos, max_choices, at))
      INSERT INTO ballot (id, poll_id, voter_key, member_id, choices, updated_at)
      SELECT gen_random_uuid(), p.id, v.voter_key, v.member_id, ARRAY[v.pos], v.at
        FROM v JOIN poll p ON p.id = v.poll_id AND p.status = 'open' AND (p.deadline IS NULL OR p.deadline > v.at)
       ORDER BY v.poll_id, v.voter_key
         FOR SHARE OF p
      ON CONFLICT (poll_id, voter_key) DO UPDATE SET
        choices = (
          SELECT CASE
                   WHEN NOT v.toggle THEN EXCLUDED.choices
                   WHEN v.pos = ANY(ballot.choices) THEN array_remove(ballot.choices, v.pos)
                   WHEN v.max_choices IS NULL OR cardinality(ballot.choices) < v.max_choices
                     THEN (SELECT array_agg(c ORDER BY c) FROM unnest(array_append(ballot.choices, v.pos)) AS c)
                   ELSE ballot.choices
                 END
            FROM v WHERE v.poll_id = ballot.poll_id AND v.voter_key = ballot.voter_key),
        updated_at = EXCLUDED.updated_at
      RETURNING poll_id::text AS poll_id, voter_key, choices`;
    const recorded = new Map(rows.map((r) => [`${r.poll_id}\u0000${r.voter_key}`, r.choices ?? []]));
    return batch.map((v) => {
      const choices = recorded.get(`${v.pollId}\u0000${v.voterKey}`);
      return choices === undefined ? { status: 'closed' as const } : { status: 'recorded' as const, choices };
    });
  }

  async findBallot(pollId: string, voterKey: string): Promise<number[] | null> {
    if (!isUuid(pollId)) return null;
    const row = await this.prisma.ballot.findUnique({ where: { pollId_voterKey: { pollId, voterKey } }, select: { choices: true } });
    return row ? row.choices : null;
  }

  async tally(pollId: string): Promise<Tally> {
    if (!isUuid(pollId)) return { counts: [], voters: 0 };
    // One scan of the poll's ballots: counts per option (zeros included), and voters as position -1.
    const rows = await this.prisma.$queryRaw<{ position: number; n: number }[]>`
      WITH b AS (SELECT choices FROM ballot WHERE poll_id = ${pollId}::uuid)
      SELECT o.position AS position, count(c.c)::int AS n
        FROM poll_option o
        LEFT JOIN (SELECT unnest(choices) AS c FROM b) c ON c.c = o.position
       WHERE o.poll_id = ${pollId}::uuid
       GROUP BY o.position
      UNION ALL
      SELECT -1, count(*)::int FROM b WHERE cardinality(choices) > 0`;
    const counts: number[] = [];
    let voters = 0;
    for (const r of rows) {
      if (r.position === -1) voters = r.n;
      else counts[r.position] = r.n;
    }
    return { counts: Array.from({ length: counts.length }, (_, i) => counts[i] ?? 0), voters };
  }

  async namedBallots(pollId: string): Promise<NamedBallot[]> {
    if (!isUuid(pollId)) return [];
    const rows = await this.prisma.$queryRaw<
      { member_id: string | null; member_number: string | null; name: string | null; choices: number[]; updated_at: Date }[]
    >`
      SELECT b.member_id::text AS member_id, m.member_number, m.name, b.choices, b.updated_at
        FROM ballot b
        JOIN poll p ON p.id = b.poll_id AND NOT p.anonymous
        LEFT JOIN member m ON m.id = b.member_id
       WHERE b.poll_id = ${pollId}::uuid AND cardinality(b.choices) > 0
       ORDER BY m.member_number NULLS LAST, b.updated_at`;
    return rows.map((r) => ({ memberId: r.member_id, memberNumber: r.member_number, name: r.name, choices: r.choices, updatedAt: r.updated_at }));
  }

  async listPosts(pollId: string): Promise<PollPost[]> {
    if (!isUuid(pollId)) return [];
    const rows = await this.prisma.pollPost.findMany({ where: { pollId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toPost);
  }

  async setPostMessage(postId: string, messageId: string): Promise<void> {
    if (!isUuid(postId)) return;
    await this.prisma.pollPost.updateMany({ where: { id: postId }, data: { messageId } });
  }

  async voterKeySecret(organizationId: string): Promise<string> {
    const box = this.deps.secrets;
    const context = secretPlaces.setting(organizationId, VOTER_KEY_SECRET_SETTING);
    const fresh = await box.seal(randomBytes(32).toString('base64'), context);
    // Insert-or-keep, then read: concurrent first uses all end up with the one stored secret.
    await this.prisma.$executeRaw`
      INSERT INTO organization_setting (organization_id, key, value, updated_at)
      VALUES (${organizationId}::uuid, ${VOTER_KEY_SECRET_SETTING}, to_jsonb(${fresh}::text), now())
      ON CONFLICT (organization_id, key) DO NOTHING`;
    const row = await this.prisma.organizationSetting.findUnique({
      where: { organizationId_key: { organizationId, key: VOTER_KEY_SECRET_SETTING } },
    });
    // Sealed, or clear text from before encryption at rest (start-up seals those).
    const secret = typeof row?.value === 'string' ? await openStoredSecret(box, row.value, context) : undefined;
    if (secret === undefined || secret.length < 40) {
      throw new Error(`organization_setting ${VOTER_KEY_SECRET_SETTING} of ${organizationId} is not a base64 secret`);
    }
    return secret;
  }
}

function audienceColumns(audience: PollAudience): Pick<PollRow, 'audienceKind' | 'audienceChapterIds' | 'audienceRoles'> {
  switch (audience.kind) {
    case 'all':
      return { audienceKind: 'all', audienceChapterIds: [], audienceRoles: [] };
    case 'chapters':
      return { audienceKind: 'chapters', audienceChapterIds: [...audience.chapterIds], audienceRoles: [] };
    case 'roles':
      return { audienceKind: 'roles', audienceChapterIds: [], audienceRoles: [...audience.roles] };
  }
}

function toAudience(row: PollRow): PollAudience {
  switch (row.audienceKind) {
    case 'all':
      return { kind: 'all' };
    case 'chapters':
      return { kind: 'chapters', chapterIds: row.audienceChapterIds ?? [] };
    case 'roles':
      return { kind: 'roles', roles: row.audienceRoles ?? [] };
  }
}

function toPoll(row: PollRow & { options: PollOptionRow[] }): Poll {
  return {
    id: row.id,
    organizationId: row.organizationId,
    createdByMemberId: row.createdByMemberId,
    question: row.question,
    options: [...row.options].sort((a, b) => a.position - b.position).map((o) => o.label),
    choiceMode: row.choiceMode,
    maxChoices: row.maxChoices,
    anonymous: row.anonymous,
    resultsVisibility: row.resultsVisibility,
    deadline: row.deadline,
    status: row.status,
    audience: toAudience(row),
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

function toPost(row: PollPostRow): PollPost {
  return {
    id: row.id,
    pollId: row.pollId,
    platform: row.platform,
    workspaceExternalId: row.workspaceExternalId,
    channelExternalId: row.channelExternalId,
    messageId: row.messageId,
  };
}
