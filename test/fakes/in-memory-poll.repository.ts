import { randomBytes, randomUUID } from 'node:crypto';
import { applyBallotChange, isOpen, tallyBallots, type Poll, type PollPost, type PollStatus, type Tally } from '../../src/capabilities/polls/domain/poll.js';
import type {
  CastVoteInput,
  CastVoteResult,
  NamedBallot,
  NewPollRecord,
  PollRepository,
} from '../../src/capabilities/polls/ports.js';

interface StoredBallot {
  voterKey: string;
  memberId: string | null;
  choices: number[];
  updatedAt: Date;
}

/** How the fake learns a member's number and name for named exports (the Prisma one joins `member`). */
export type MemberInfo = (
  memberId: string,
) => { memberNumber: string; name: string } | undefined | Promise<{ memberNumber: string; name: string } | undefined>;

/**
 * {@link PollRepository} in memory, for unit tests. Each method runs to completion without awaiting in
 * between, so it is as atomic as the Prisma implementation's single statements.
 */
export class InMemoryPollRepository implements PollRepository {
  readonly polls = new Map<string, Poll>();
  readonly ballots = new Map<string, Map<string, StoredBallot>>();
  readonly posts = new Map<string, PollPost[]>();
  readonly secrets = new Map<string, string>();

  constructor(private readonly memberInfo: MemberInfo = () => undefined) {}

  async create(input: NewPollRecord): Promise<Poll> {
    const poll: Poll = {
      id: randomUUID(),
      organizationId: input.organizationId,
      createdByMemberId: input.createdByMemberId,
      question: input.question,
      options: [...input.options],
      choiceMode: input.choiceMode,
      maxChoices: input.maxChoices,
      anonymous: input.anonymous,
      resultsVisibility: input.resultsVisibility,
      deadline: input.deadline,
      status: 'open',
      audience: structuredClone(input.audience),
      createdAt: input.createdAt,
      closedAt: null,
    };
    this.polls.set(poll.id, poll);
    this.ballots.set(poll.id, new Map());
    this.posts.set(
      poll.id,
      input.targets.map((t) => ({ id: randomUUID(), pollId: poll.id, ...t, messageId: null })),
    );
    return clone(poll);
  }

  async findById(id: string): Promise<Poll | null> {
    const p = this.polls.get(id);
    return p ? clone(p) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Poll[]> {
    return [...this.polls.values()]
      .filter((p) => p.organizationId === organizationId && p.id.startsWith(prefix))
      .slice(0, limit)
      .map(clone);
  }

  async list(organizationId: string, query: { status?: PollStatus; limit: number }): Promise<Poll[]> {
    return [...this.polls.values()]
      .filter((p) => p.organizationId === organizationId && (!query.status || p.status === query.status))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, query.limit)
      .map(clone);
  }

  async listOpenWithDeadline(limit: number): Promise<Poll[]> {
    return [...this.polls.values()].filter((p) => p.status === 'open' && p.deadline !== null).slice(0, limit).map(clone);
  }

  async close(id: string, at: Date): Promise<Poll | null> {
    const p = this.polls.get(id);
    if (!p || p.status !== 'open') return null;
    p.status = 'closed';
    p.closedAt = at;
    return clone(p);
  }

  async castVote(input: CastVoteInput): Promise<CastVoteResult> {
    const p = this.polls.get(input.pollId);
    if (!p || !isOpen(p, input.at)) return { status: 'closed' };
    const ballots = this.ballots.get(p.id)!;
    const current = ballots.get(input.voterKey);
    const choices = applyBallotChange(current?.choices ?? null, input.change);
    ballots.set(input.voterKey, { voterKey: input.voterKey, memberId: input.memberId, choices, updatedAt: input.at });
    return { status: 'recorded', choices: [...choices] };
  }

  async findBallot(pollId: string, voterKey: string): Promise<number[] | null> {
    const b = this.ballots.get(pollId)?.get(voterKey);
    return b ? [...b.choices] : null;
  }

  async tally(pollId: string): Promise<Tally> {
    const p = this.polls.get(pollId);
    if (!p) return { counts: [], voters: 0 };
    return tallyBallots(p, [...(this.ballots.get(pollId)?.values() ?? [])].map((b) => b.choices));
  }

  async namedBallots(pollId: string): Promise<NamedBallot[]> {
    if (this.polls.get(pollId)?.anonymous !== false) return [];
    const ballots = [...(this.ballots.get(pollId)?.values() ?? [])].filter((b) => b.choices.length > 0);
    const out: NamedBallot[] = [];
    for (const b of ballots) {
      const info = b.memberId === null ? undefined : await this.memberInfo(b.memberId);
      out.push({ memberId: b.memberId, memberNumber: info?.memberNumber ?? null, name: info?.name ?? null, choices: [...b.choices], updatedAt: b.updatedAt });
    }
    return out.sort((a, b) => (a.memberNumber ?? '').localeCompare(b.memberNumber ?? ''));
  }

  async listPosts(pollId: string): Promise<PollPost[]> {
    return (this.posts.get(pollId) ?? []).map((p) => ({ ...p }));
  }

  async setPostMessage(postId: string, messageId: string): Promise<void> {
    for (const list of this.posts.values()) {
      const post = list.find((p) => p.id === postId);
      if (post) post.messageId = messageId;
    }
  }

  async voterKeySecret(organizationId: string): Promise<string> {
    let s = this.secrets.get(organizationId);
    if (!s) {
      s = randomBytes(32).toString('base64');
      this.secrets.set(organizationId, s);
    }
    return s;
  }
}

function clone(p: Poll): Poll {
  return structuredClone(p);
}
