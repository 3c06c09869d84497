import { createHash } from 'node:crypto';
import type { Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import { PromiseCache } from '../../../kernel/promise-cache.js';
import { validate } from '../../../kernel/validate.js';
import {
  ballotChangeFor,
  ineligibility,
  isOpen,
  isValidPosition,
  pollIdPrefix,
  refusedForMax,
  resultLines,
  voterKey,
  type Poll,
  type PollStatus,
  type ResultLine,
  type Tally,
} from './poll.js';
import { PollError } from './poll.errors.js';
import type { EventBus } from '../../../kernel/events.js';
import type { NamedBallot, PollRepository } from '../ports.js';
import { createPollSchema, type CreatePollInput } from './poll.schema.js';

/**
 * What happened to polls, for the parts of this capability that keep the posted copies up to date (queue
 * scheduling in jobs/poll.scheduler.ts); other capabilities hear `poll.closed` on the bus. Listeners run after the change is stored; a failing listener never undoes
 * or fails the change (see `onEventError`).
 */
export interface PollEvents {
  /** A poll was created: post its copies, schedule the deadline. */
  created?(poll: Poll): Promise<void>;
  /** A ballot changed: refresh the copies (coalesced). */
  ballotChanged?(poll: Poll): Promise<void>;
  /** A poll closed (by a manager or its deadline): show the final results everywhere. */
  closed?(poll: Poll): Promise<void>;
}

export interface PollServiceDeps {
  repo: PollRepository;
  clock: Clock;
  events?: PollEvents;
  /** Receives errors thrown by {@link PollEvents} listeners. */
  onEventError?: (event: keyof PollEvents, poll: Poll, error: unknown) => void;
  /** Where `poll.closed` goes, with the final results (webhooks listen). */
  bus?: Pick<EventBus, 'publish'>;
  /**
   * Remembers handled button presses, so a press delivered twice toggles a multi-choice option once
   * (structurally the ProcessedEventRepository port). Without it, a redelivered toggle flips back.
   */
  deliveries?: { markProcessed(key: string): Promise<boolean> };
}

/** Input of {@link PollService.vote}. */
export interface VoteInput {
  organizationId: string;
  pollId: string;
  /** The linked member pressing the button (null when the chat account is not linked). */
  member: Member | null;
  position: number;
  /** The platform's id of this button press, when it gives one (drops a second delivery of a toggle). */
  deliveryId?: string;
}

/** A member's ballot after a vote. */
export interface VoteOutcome {
  poll: Poll;
  /** The positions now chosen (may be empty after toggling the last option off). */
  choices: number[];
}

/** The results of a poll for a person with the right to see them. */
export interface PollResults {
  poll: Poll;
  tally: Tally;
  lines: ResultLine[];
  /** Counts per option may be shown to members (live, or closed). */
  visible: boolean;
  open: boolean;
}

/** What an export holds: named polls list each voter; anonymous polls only counts. */
export type PollExport =
  | { poll: Poll; kind: 'named'; lines: ResultLine[]; voters: number; ballots: NamedBallot[] }
  | { poll: Poll; kind: 'anonymous'; lines: ResultLine[]; voters: number };

/** How long a poll read for voting is reused. */
const VOTE_CACHE_MS = 30_000;

/**
 * Poll use cases. Rules: only linked, active members of the poll's organisation and audience vote; one
 * ballot per member per poll (a new vote replaces or toggles it, the database guarantees one row); no vote
 * after close or deadline (checked atomically with the write); anonymous polls store no member id, only
 * {@link voterKey}, and this service never returns or logs who voted what in them.
 */
export class PollService {
  /** Per-organisation voter-key secrets; they never change once created. */
  private readonly secrets = new Map<string, Promise<string>>();
  /**
   * Polls recently voted in, as look-ups (promises): concurrent votes share one read, also when an entry
   * expires under load. Question, options and settings never change, and a stale `open` status is
   * harmless: the repository checks open/deadline atomically with every vote. Saves a read per vote.
   */
  private readonly voteCache = new PromiseCache<string, Poll | null>({ ttlMs: VOTE_CACHE_MS, maxEntries: 1000 });

  constructor(private readonly deps: PollServiceDeps) {}

  /**
   * Creates an open poll and announces it (posting happens through {@link PollEvents.created}).
   * @throws ValidationError for bad input; PollError `POLL.DEADLINE_PASSED`.
   */
  async create(input: CreatePollInput): Promise<Poll> {
    const p = validate(createPollSchema, input);
    const now = this.deps.clock.now();
    if (p.deadline && p.deadline.getTime() <= now.getTime()) {
      throw new PollError('POLL.DEADLINE_PASSED', 'The deadline lies in the past.');
    }
    const poll = await this.deps.repo.create({
      organizationId: p.organizationId,
      createdByMemberId: p.createdByMemberId,
      question: p.question,
      options: p.options,
      choiceMode: p.choiceMode,
      maxChoices: p.choiceMode === 'multi' ? p.maxChoices : null,
      anonymous: p.anonymous,
      resultsVisibility: p.resultsVisibility,
      deadline: p.deadline,
      audience: p.audience,
      targets: dedupeTargets(p.targets),
      createdAt: now,
    });
    await this.emit('created', poll);
    return poll;
  }

  /**
   * Finds a poll of the organisation by full id or short id (a prefix of at least 4 hex characters).
   * @throws PollError `POLL.NOT_FOUND`, `POLL.AMBIGUOUS_ID`.
   */
  async find(organizationId: string, typedId: string): Promise<Poll> {
    const prefix = pollIdPrefix(typedId);
    if (!prefix) throw new PollError('POLL.NOT_FOUND', 'Not a poll id.', { params: { id: typedId } });
    const matches = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (matches.length === 0) throw new PollError('POLL.NOT_FOUND', 'No such poll.', { params: { id: typedId } });
    if (matches.length > 1) throw new PollError('POLL.AMBIGUOUS_ID', 'Several polls match.', { params: { id: typedId } });
    return matches[0]!;
  }

  /** The poll with this exact id, or null (workers). */
  findById(pollId: string): Promise<Poll | null> {
    return this.deps.repo.findById(pollId);
  }

  /** The organisation's polls, newest first. */
  list(organizationId: string, query: { status?: PollStatus; limit?: number } = {}): Promise<Poll[]> {
    return this.deps.repo.list(organizationId, { limit: query.limit ?? 20, ...(query.status ? { status: query.status } : {}) });
  }

  /**
   * Records a member's vote: single choice replaces the ballot, multi choice toggles the option.
   * @throws PollError `POLL.NOT_FOUND`, `POLL.NOT_LINKED`, `POLL.NOT_ACTIVE`, `POLL.NOT_IN_AUDIENCE`,
   *   `POLL.INVALID_OPTION`, `POLL.CLOSED`, `POLL.MAX_CHOICES` (params `{ count }`).
   */
  async vote(input: VoteInput): Promise<VoteOutcome> {
    const poll = await this.pollForVote(input.pollId);
    // A button from another organisation's poll behaves as if the poll did not exist.
    if (!poll || poll.organizationId !== input.organizationId) throw new PollError('POLL.NOT_FOUND', 'No such poll.');
    const member = this.eligibleMember(poll, input.member);
    if (!isValidPosition(poll, input.position)) throw new PollError('POLL.INVALID_OPTION', 'No such option.');
    const now = this.deps.clock.now();
    if (!isOpen(poll, now)) throw new PollError('POLL.CLOSED', 'The poll is closed.');

    const change = ballotChangeFor(poll, input.position);
    const key = voterKey(poll, member.id, poll.anonymous ? await this.secret(poll.organizationId) : '');
    // `set` is idempotent by itself; a toggle delivered twice would undo itself, so it is recorded once.
    if (change.kind === 'toggle' && input.deliveryId && this.deps.deliveries) {
      const digest = createHash('sha256').update(`${poll.id}:${input.deliveryId}`).digest('hex');
      const first = await this.deps.deliveries.markProcessed(`poll-vote:${digest}`);
      if (!first) return { poll, choices: (await this.deps.repo.findBallot(poll.id, key)) ?? [] };
    }
    const result = await this.deps.repo.castVote({
      pollId: poll.id,
      voterKey: key,
      memberId: poll.anonymous ? null : member.id,
      change,
      at: now,
    });
    // Closed between our read and the atomic write (a manager or the deadline won the race).
    if (result.status === 'closed') throw new PollError('POLL.CLOSED', 'The poll is closed.');
    if (refusedForMax(change, result.choices)) {
      throw new PollError('POLL.MAX_CHOICES', 'The ballot is full.', { params: { count: poll.maxChoices ?? 0 } });
    }
    await this.emit('ballotChanged', poll);
    return { poll, choices: result.choices };
  }

  /** The member's current choices in the poll ([] when none). */
  async currentChoices(poll: Poll, member: Member): Promise<number[]> {
    const key = voterKey(poll, member.id, poll.anonymous ? await this.secret(poll.organizationId) : '');
    return (await this.deps.repo.findBallot(poll.id, key)) ?? [];
  }

  /**
   * Closes a poll (manager) and shows the final results everywhere.
   * @throws PollError `POLL.ALREADY_CLOSED`.
   */
  async close(poll: Poll): Promise<Poll> {
    const closed = await this.deps.repo.close(poll.id, this.deps.clock.now());
    if (!closed) throw new PollError('POLL.ALREADY_CLOSED', 'The poll is closed already.');
    this.voteCache.delete(poll.id);
    await this.emit('closed', closed);
    return closed;
  }

  /**
   * Closes the poll if its deadline has passed (the delayed close job). Returns the closed poll, or null
   * when it was closed already, has no deadline, or its deadline is still ahead.
   */
  async closeIfDue(pollId: string): Promise<Poll | null> {
    const poll = await this.deps.repo.findById(pollId);
    const now = this.deps.clock.now();
    if (!poll || poll.status !== 'open' || !poll.deadline || poll.deadline.getTime() > now.getTime()) return null;
    const closed = await this.deps.repo.close(poll.id, now);
    this.voteCache.delete(poll.id);
    if (closed) await this.emit('closed', closed);
    return closed;
  }

  /** Counts and lines of a poll, and whether members may see them now. */
  async results(poll: Poll): Promise<PollResults> {
    const tally = await this.deps.repo.tally(poll.id);
    const now = this.deps.clock.now();
    const open = isOpen(poll, now);
    return { poll, tally, lines: resultLines(poll, tally), visible: poll.resultsVisibility === 'live' || !open, open };
  }

  /** The data of a CSV export: voters and their choices for named polls, counts only for anonymous ones. */
  async export(poll: Poll): Promise<PollExport> {
    const tally = await this.deps.repo.tally(poll.id);
    const lines = resultLines(poll, tally);
    if (poll.anonymous) return { poll, kind: 'anonymous', lines, voters: tally.voters };
    return { poll, kind: 'named', lines, voters: tally.voters, ballots: await this.deps.repo.namedBallots(poll.id) };
  }

  /** Throws the PollError matching why `member` may not vote; returns the member otherwise. */
  private eligibleMember(poll: Poll, member: Member | null): Member {
    switch (ineligibility(poll, member)) {
      case null:
        return member!;
      case 'not-linked':
        throw new PollError('POLL.NOT_LINKED', 'The chat account is not linked.');
      case 'other-organization':
      case 'not-active':
        throw new PollError('POLL.NOT_ACTIVE', 'The member may not vote here.');
      case 'not-in-audience':
        throw new PollError('POLL.NOT_IN_AUDIENCE', 'The member is not in the audience.');
    }
  }

  private pollForVote(pollId: string): Promise<Poll | null> {
    return this.voteCache.get(pollId, () => this.deps.repo.findById(pollId));
  }

  private secret(organizationId: string): Promise<string> {
    let s = this.secrets.get(organizationId);
    if (!s) {
      s = this.deps.repo.voterKeySecret(organizationId);
      // A failed look-up must not be cached forever.
      s.catch(() => this.secrets.delete(organizationId));
      this.secrets.set(organizationId, s);
    }
    return s;
  }

  private async emit(event: keyof PollEvents, poll: Poll): Promise<void> {
    const listener = this.deps.events?.[event];
    try {
      await listener?.call(this.deps.events, poll);
    } catch (err) {
      this.deps.onEventError?.(event, poll, err);
    }
    if (event === 'closed' && this.deps.bus) await this.publishClosed(poll);
  }

  /** Tells the other capabilities, with the final results (only counts: never who voted). */
  private async publishClosed(poll: Poll): Promise<void> {
    try {
      const r = await this.results(poll);
      await this.deps.bus?.publish('poll.closed', {
        organizationId: poll.organizationId,
        pollId: poll.id,
        question: poll.question,
        closedAt: poll.closedAt ?? this.deps.clock.now(),
        totalVoters: r.tally.voters,
        results: r.lines.map((line) => ({ label: line.label, votes: line.count })),
      });
    } catch (err) {
      // Reading the results failed: the poll is closed all the same.
      this.deps.onEventError?.('closed', poll, err);
    }
  }
}

function dedupeTargets<T extends { platform: string; workspaceExternalId: string; channelExternalId: string }>(targets: T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.platform}\u0000${t.workspaceExternalId}\u0000${t.channelExternalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
