import type { Organization } from '../../kernel/community.js';
import type { View } from '../../kernel/ports/chat-platform.js';
import type { BallotChange, Poll, PollAudience, PollPost, PollStatus, PollTarget, Tally } from './domain/poll.js';

/**
 * The polls capability's ports. Storage is implemented with Prisma (PostgreSQL / PGlite) in
 * repository/prisma-poll.repository.ts and in memory in test/fakes/in-memory-poll.repository.ts;
 * test/integration/poll-repository.test.ts runs one suite against both.
 *
 * Concurrency is the repository's job: {@link castVote} is one atomic step, so "one ballot per member per
 * poll" and "no votes after close" hold under any interleaving.
 * Deliberately left out: editing a poll after creation, deleting ballots (a member withdraws by toggling
 * every option off), and any query that returns who voted in an anonymous poll (none can: nothing is stored).
 */
export interface PollRepository {
  /** Stores a new open poll with its options and the targets to post it to (posts without message id), atomically. */
  create(poll: NewPollRecord): Promise<Poll>;
  /** The poll with this id, or null (also for a malformed id). */
  findById(id: string): Promise<Poll | null>;
  /** Polls of the organisation whose id starts with `prefix` (dashed uuid form), at most `limit`. */
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Poll[]>;
  /** The organisation's polls, newest first, optionally only one status. */
  list(organizationId: string, query: { status?: PollStatus; limit: number }): Promise<Poll[]>;
  /** Open polls with a deadline, of every organisation (to reschedule closing after a restart). */
  listOpenWithDeadline(limit: number): Promise<Poll[]>;
  /**
   * Closes an open poll at `at`. Returns the closed poll, or null when it was closed already (or does not
   * exist). Waits for votes in flight, and no vote is accepted after it returns.
   */
  close(id: string, at: Date): Promise<Poll | null>;
  /**
   * Records one member's vote atomically: creates their ballot or changes it (`set` replaces, `toggle`
   * flips one option respecting `max`), but only while the poll is open at `at` (status open and deadline
   * later than `at`), checked in the same atomic step. Returns the ballot's choices after the change, or
   * `closed` when nothing was stored. `memberId` is null for anonymous polls and is then never stored.
   */
  castVote(input: CastVoteInput): Promise<CastVoteResult>;
  /** The current choices of one ballot, or null when this voter has none. */
  findBallot(pollId: string, voterKey: string): Promise<number[] | null>;
  /** Counts per option and number of voters. */
  tally(pollId: string): Promise<Tally>;
  /**
   * Named polls only: every non-empty ballot with the member's number and name (null when the member was
   * erased), ordered by member number. Anonymous polls return [] (their ballots carry no member).
   */
  namedBallots(pollId: string): Promise<NamedBallot[]>;
  /** Every posted copy (and copy waiting to be posted) of the poll. */
  listPosts(pollId: string): Promise<PollPost[]>;
  /** Records the platform message id of a posted copy. */
  setPostMessage(postId: string, messageId: string): Promise<void>;
  /**
   * The organisation's secret for anonymous voter keys (base64 of 32 random bytes, setting
   * `polls.voterKeySecret`), created on first use; concurrent first calls all get the same secret.
   */
  voterKeySecret(organizationId: string): Promise<string>;
}

/** What {@link PollRepository.create} stores. */
export interface NewPollRecord {
  organizationId: string;
  createdByMemberId: string | null;
  question: string;
  options: string[];
  choiceMode: Poll['choiceMode'];
  maxChoices: number | null;
  anonymous: boolean;
  resultsVisibility: Poll['resultsVisibility'];
  deadline: Date | null;
  audience: PollAudience;
  targets: PollTarget[];
  createdAt: Date;
}

export interface CastVoteInput {
  pollId: string;
  voterKey: string;
  /** The member's id for named polls; null for anonymous polls. */
  memberId: string | null;
  change: BallotChange;
  /** The time of the vote: the poll must be open at this moment. */
  at: Date;
}

export type CastVoteResult = { status: 'recorded'; choices: number[] } | { status: 'closed' };

/** A ballot of a named poll, for the managers' export. */
export interface NamedBallot {
  memberId: string | null;
  memberNumber: string | null;
  name: string | null;
  choices: number[];
  updatedAt: Date;
}

/** Renders the posted poll message (views.ts, in the organisation's language and zone). */
export type PollRenderer = (input: { poll: Poll; tally: Tally; organization: Organization; chapterNames: string[] }) => View;

/** The follow-up work the copies need, on the queue (jobs/poll.scheduler.ts). */
export interface PollJobs {
  /** Enqueues the refresh of the current window (coalesced). */
  scheduleRefresh(pollId: string): Promise<void>;
  /** Enqueues the close job at the deadline (or a wake-up on the way there). */
  scheduleClose(poll: Pick<Poll, 'id' | 'deadline' | 'status'>): Promise<void>;
}
