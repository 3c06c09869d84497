import type { MemberRole, MemberStatus } from '../../kernel/community.js';
import type { AgendaItem, Assembly, AssemblyMode, HasVoted, ItemKind, ItemResult, Majority, Proxy, QuorumRule, SealedBallot, Voter } from './domain/assembly.js';

/**
 * The assembly capability's ports. Storage: repository/prisma-assembly.repository.ts (PostgreSQL / PGlite);
 * test/integration/assembly.test.ts runs it.
 *
 * The repository never stores a secret item's choice next to anyone: {@link AssemblyRepository.recordVote}
 * gets `choice: null` for a secret item (only the has-voted entry), and {@link AssemblyRepository.closeItem}
 * writes the sealed ballots, already shuffled, in one statement, with random ids and no time. Deliberately
 * left out: changing a cast vote, deleting an assembly (the minutes keep it).
 */
export interface AssemblyRepository {
  create(input: NewAssemblyRecord): Promise<Assembly>;
  findById(id: string): Promise<Assembly | null>;
  /** The organisation's assemblies whose id starts with `prefix` (dashed form), at most `limit`. */
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Assembly[]>;
  /** Newest meeting first. */
  list(organizationId: string, limit: number): Promise<Assembly[]>;
  /** Adds an item at the end of the agenda; null when voting opened already. */
  addItem(input: NewItemRecord): Promise<AgendaItem | null>;
  listItems(assemblyId: string): Promise<AgendaItem[]>;
  findItem(itemId: string): Promise<AgendaItem | null>;
  /** Freezes the register of voters, once: `taken` when it was frozen already. */
  saveSnapshot(assemblyId: string, voters: readonly NewVoterRecord[], at: Date): Promise<'saved' | 'taken'>;
  /** The register, by member number. */
  listVoters(assemblyId: string): Promise<Voter[]>;
  findVoterByMember(assemblyId: string, memberId: string): Promise<Voter | null>;
  /** Active proxies (not revoked), or all with `all`. */
  listProxies(assemblyId: string, query?: { all?: boolean }): Promise<Proxy[]>;
  /**
   * Grants a proxy when `check` (run on the active proxies inside a lock on the assembly, so concurrent
   * grants cannot pass a maximum together) finds no problem and voting has not opened.
   */
  grantProxy<P extends string>(input: { assemblyId: string; grantorVoterId: string; holderVoterId: string; at: Date }, check: (active: readonly Proxy[]) => P | null): Promise<{ proxy: Proxy } | { problem: P | 'fixed' }>;
  /** Revokes the grantor's active proxy while voting has not opened: the proxy, `none` or `fixed`. */
  revokeProxy(assemblyId: string, grantorVoterId: string, at: Date): Promise<Proxy | 'none' | 'fixed'>;
  /** Registers presence; false when checked in already. */
  checkIn(assemblyId: string, voterId: string, at: Date): Promise<boolean>;
  /** Voter ids checked in. */
  listCheckIns(assemblyId: string): Promise<string[]>;
  /** Opens a pending item (and marks voting opened on the assembly); false when it was not pending. */
  openItem(itemId: string, at: Date): Promise<boolean>;
  /**
   * Records that `voterId` voted on the item (cast by `castByVoterId`), with the choice for an open item
   * and null for a secret one, atomically with the item's state: `open` items take live votes, `pending`
   * ones only with `early`. Closing waits for votes in flight.
   */
  recordVote(input: VoteRecord): Promise<'recorded' | 'already' | 'not_open'>;
  /** The has-voted register of an item. */
  listHasVoted(itemId: string): Promise<HasVoted[]>;
  /** Voter ids who voted early on any item of the assembly. */
  listEarlyVoters(assemblyId: string): Promise<string[]>;
  /** The choices of an open (not secret) item, with who voted (roll-call). */
  listOpenVotes(itemId: string): Promise<{ voterId: string; choice: string; weight: number }[]>;
  /** Forgets the has-voted register of an open secret item whose ballots were lost, so it can be voted again. */
  resetVotes(itemId: string): Promise<void>;
  /** Closes an open item with its result and, for a secret item, its sealed ballots in the given order; false when it was not open. */
  closeItem(itemId: string, at: Date, result: ItemResult, sealed: readonly SealedBallot[]): Promise<boolean>;
  /** The sealed ballots of a closed secret item, by receipt (alphabetical, so no order is revealed). */
  listSealedBallots(itemId: string): Promise<SealedBallot[]>;
  /**
   * An erased member (`member.forgotten`): their entries in the organisation's registers keep their place
   * (the counts and the has-voted register stay whole) but lose name, member number, roles and the link to
   * the member. Returns how many entries changed.
   */
  forgetMember(organizationId: string, memberId: string): Promise<number>;
}

export interface NewAssemblyRecord {
  organizationId: string;
  title: string;
  startsAt: Date;
  mode: AssemblyMode;
  earlyVotingFrom: Date | null;
  maxProxiesPerHolder: number;
  quorum: QuorumRule;
  createdAt: Date;
}

export interface NewItemRecord {
  assemblyId: string;
  title: string;
  kind: ItemKind;
  choices: string[];
  majority: Majority;
  secret: boolean;
}

export interface NewVoterRecord {
  memberId: string;
  memberNumber: string;
  name: string;
  status: MemberStatus;
  roles: MemberRole[];
  weight: number;
}

export interface VoteRecord {
  itemId: string;
  voterId: string;
  castByVoterId: string;
  early: boolean;
  /** Null for a secret item: the choice goes only into the sealed ballot box. */
  choice: string | null;
  weight: number;
  at: Date;
}

/**
 * Where a secret item's ballots wait until it closes: in the server's memory, never on disk, each put at a
 * random place in its list, so neither the database nor the order of the list ties a ballot to the
 * has-voted register. {@link BallotBox.take} empties it, shuffled.
 */
export interface BallotBox {
  put(itemId: string, ballot: SealedBallot): void;
  /** Ballots waiting for the item. */
  size(itemId: string): number;
  /** Takes every ballot of the item, shuffled; the box forgets them. */
  take(itemId: string): SealedBallot[];
}
