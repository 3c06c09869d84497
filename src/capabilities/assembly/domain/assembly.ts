import { z } from 'zod';
import type { MemberRole, MemberStatus } from '../../../kernel/community.js';

/**
 * The general assembly (algemene ledenvergadering, ALV): its agenda, its frozen register of voters, proxies,
 * presence, and the pure rules that decide a vote (majorities, quorum, turnout). No storage, no platform.
 */

/** How members attend: in a room with an online stream and voting (hybrid) or only online. */
export const ASSEMBLY_MODES = ['hybrid', 'online'] as const;
export type AssemblyMode = (typeof ASSEMBLY_MODES)[number];

/** A motion (voorstel: for / against / abstain) or a vote on persons (candidates, or blank). */
export const ITEM_KINDS = ['motion', 'election'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/**
 * The majority an item needs, as the statutes set it:
 * - `simple`: more votes for than against (abstentions do not count); for persons the most votes, no tie.
 * - `absolute` (volstrekte meerderheid): more than half of the votes cast, abstentions and blanks included.
 * - `two_thirds`: at least two thirds of the votes for and against (of the valid votes for persons).
 * - `unanimous`: nobody against (for persons: every valid vote for one candidate).
 */
export const MAJORITIES = ['simple', 'absolute', 'two_thirds', 'unanimous'] as const;
export type Majority = (typeof MAJORITIES)[number];

/** pending (not opened yet; early votes when the window is open), open (the chair opened it), closed. */
export const ITEM_STATUSES = ['pending', 'open', 'closed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** The choices of a motion, in ballot order. */
export const MOTION_CHOICES = ['for', 'against', 'abstain'] as const;
/** The blank vote of a vote on persons (blanco). */
export const BLANK = 'blank';

/** Limits the law and the platforms set. */
export const ASSEMBLY_LIMITS = {
  /** Art. 2:38 lid 3 BW: votes cast at most 30 days before the meeting may count. */
  earlyVotingDays: 30,
  titleLength: 200,
  itemTitleLength: 300,
  candidates: 10,
  candidateLength: 80,
  items: 40,
  maxProxiesPerHolder: 10,
  maxWeight: 1000,
} as const;

/**
 * The quorum the statutes set: none, a number of voters present or represented, or a fraction of the
 * eligible voters (e.g. 1/2). Present or represented = checked in, represented by a proxy whose holder
 * checked in, or having voted early.
 */
export const quorumSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('count'), min: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal('fraction'), numerator: z.number().int().min(1).max(100), denominator: z.number().int().min(1).max(100) }).refine((q) => q.numerator <= q.denominator, 'a fraction of at most 1'),
]);
export type QuorumRule = z.infer<typeof quorumSchema>;

/** A general assembly. */
export interface Assembly {
  id: string;
  organizationId: string;
  title: string;
  startsAt: Date;
  mode: AssemblyMode;
  /** From when early votes count (at most 30 days before `startsAt`), or null: no early voting. */
  earlyVotingFrom: Date | null;
  maxProxiesPerHolder: number;
  quorum: QuorumRule;
  /** When the register of voters was frozen, or null while it is not. */
  snapshotAt: Date | null;
  /** When the chair first opened an item: proxies are fixed from then on. */
  votingOpenedAt: Date | null;
  createdAt: Date;
}

/** One item on the agenda that is voted on. */
export interface AgendaItem {
  id: string;
  assemblyId: string;
  /** 1, 2, ...: the agenda order. */
  position: number;
  title: string;
  kind: ItemKind;
  /** Motion: {@link MOTION_CHOICES}; election: the candidates, then {@link BLANK}. */
  choices: string[];
  majority: Majority;
  /** Sealed ballots: nobody can tell afterwards who voted what. */
  secret: boolean;
  status: ItemStatus;
  openedAt: Date | null;
  closedAt: Date | null;
  /** The result, once closed. */
  result: ItemResult | null;
}

/** One person in the frozen register of voters, as the membership stood at the snapshot. */
export interface Voter {
  id: string;
  assemblyId: string;
  memberId: string;
  memberNumber: string;
  name: string;
  status: MemberStatus;
  roles: MemberRole[];
  /** Votes this voter carries (1 unless the statutes give weights). */
  weight: number;
}

/** A proxy (volmacht): the grantor lets the holder vote for them. */
export interface Proxy {
  id: string;
  assemblyId: string;
  grantorVoterId: string;
  holderVoterId: string;
  grantedAt: Date;
  revokedAt: Date | null;
}

/** A has-voted entry: whose vote was cast (`voterId`), by whom (`castByVoterId`: the voter or their proxy holder). */
export interface HasVoted {
  itemId: string;
  voterId: string;
  castByVoterId: string;
  early: boolean;
}

/** A published sealed ballot: its receipt code and its choice, nothing else. */
export interface SealedBallot {
  receipt: string;
  choice: string;
  weight: number;
}

/** The outcome of a closed item. */
export interface ItemResult {
  /** Votes (weights summed) per choice, in ballot order. */
  counts: { choice: string; votes: number }[];
  /** Ballots cast (people, proxies included). */
  ballots: number;
  /** Votes cast (weights summed). */
  votesCast: number;
  eligibleVoters: number;
  eligibleWeight: number;
  /** Ballots of the eligible voters, in percent (rounded). */
  turnoutPercent: number;
  /** Present or represented at close (proxies included). */
  present: number;
  /** Ballots cast through a proxy. */
  byProxy: number;
  /** Ballots cast before the meeting. */
  early: number;
  quorumRequired: number;
  quorumReached: boolean;
  /** Motion adopted, or a candidate elected. */
  adopted: boolean;
  /** The elected candidate (election), else null. */
  elected: string | null;
}

/** The choices of a new item. */
export function choicesOf(kind: ItemKind, candidates: readonly string[]): string[] {
  return kind === 'motion' ? [...MOTION_CHOICES] : [...candidates, BLANK];
}

/** Voters needed present or represented under `rule` with `eligible` voters. */
export function quorumRequired(rule: QuorumRule, eligible: number): number {
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'count':
      return rule.min;
    case 'fraction':
      return Math.ceil((eligible * rule.numerator) / rule.denominator);
  }
}

/**
 * Who is present or represented: checked in, having voted early, or represented by an active proxy whose
 * holder is present (checked in). Returns the voter ids.
 */
export function presentOrRepresented(input: { checkedIn: ReadonlySet<string>; votedEarly: ReadonlySet<string>; proxies: readonly Proxy[] }): Set<string> {
  const present = new Set<string>([...input.checkedIn, ...input.votedEarly]);
  for (const p of input.proxies) if (p.revokedAt === null && input.checkedIn.has(p.holderVoterId)) present.add(p.grantorVoterId);
  return present;
}

/** Counts per choice (weights summed) of the ballots, in the item's choice order. */
export function countChoices(choices: readonly string[], ballots: readonly { choice: string; weight: number }[]): { choice: string; votes: number }[] {
  const counts = new Map(choices.map((c) => [c, 0]));
  for (const b of ballots) if (counts.has(b.choice)) counts.set(b.choice, counts.get(b.choice)! + b.weight);
  return choices.map((choice) => ({ choice, votes: counts.get(choice)! }));
}

/** Whether the counts meet the item's majority; for persons also who is elected. Quorum is decided apart. */
export function decide(kind: ItemKind, majority: Majority, counts: readonly { choice: string; votes: number }[]): { adopted: boolean; elected: string | null } {
  const votes = (c: string) => counts.find((x) => x.choice === c)?.votes ?? 0;
  if (kind === 'motion') {
    const yes = votes('for');
    const no = votes('against');
    const abstain = votes('abstain');
    const adopted =
      majority === 'simple' ? yes > no
      : majority === 'absolute' ? yes * 2 > yes + no + abstain
      : majority === 'two_thirds' ? yes > 0 && yes * 3 >= (yes + no) * 2
      : yes > 0 && no === 0;
    return { adopted, elected: null };
  }
  const candidates = counts.filter((c) => c.choice !== BLANK);
  const valid = candidates.reduce((s, c) => s + c.votes, 0);
  const all = counts.reduce((s, c) => s + c.votes, 0);
  const top = [...candidates].sort((a, b) => b.votes - a.votes);
  const first = top[0];
  if (!first || first.votes === 0 || (top[1] && top[1].votes === first.votes)) return { adopted: false, elected: null };
  const ok =
    majority === 'simple' ? true
    : majority === 'absolute' ? first.votes * 2 > all
    : majority === 'two_thirds' ? first.votes * 3 >= valid * 2
    : first.votes === valid;
  return ok ? { adopted: true, elected: first.choice } : { adopted: false, elected: null };
}

/**
 * The result of an item from its ballots and who is present: counts, turnout, quorum and the decision.
 * Without quorum nothing is adopted.
 */
export function itemResult(input: {
  item: Pick<AgendaItem, 'kind' | 'majority' | 'choices'>;
  ballots: readonly { choice: string; weight: number }[];
  voters: readonly Pick<Voter, 'weight'>[];
  present: number;
  byProxy: number;
  early: number;
  quorum: QuorumRule;
}): ItemResult {
  const counts = countChoices(input.item.choices, input.ballots);
  const eligibleVoters = input.voters.length;
  const required = quorumRequired(input.quorum, eligibleVoters);
  const quorumReached = input.present >= required;
  const decision = decide(input.item.kind, input.item.majority, counts);
  return {
    counts,
    ballots: input.ballots.length,
    votesCast: counts.reduce((s, c) => s + c.votes, 0),
    eligibleVoters,
    eligibleWeight: input.voters.reduce((s, v) => s + v.weight, 0),
    turnoutPercent: eligibleVoters === 0 ? 0 : Math.round((input.ballots.length / eligibleVoters) * 100),
    present: input.present,
    byProxy: input.byProxy,
    early: input.early,
    quorumRequired: required,
    quorumReached,
    adopted: quorumReached && decision.adopted,
    elected: quorumReached ? decision.elected : null,
  };
}

/** Why a proxy may not be granted, or null when it may. Rules: both eligible, not oneself, one per grantor, no chains, the holder's maximum. */
export function proxyProblem(input: {
  grantor: Voter | null;
  holder: Voter | null;
  active: readonly Proxy[];
  maxPerHolder: number;
}): 'grantorNotEligible' | 'holderNotEligible' | 'self' | 'alreadyGranted' | 'grantorHolds' | 'holderGranted' | 'holderFull' | null {
  const { grantor, holder, active } = input;
  if (!grantor) return 'grantorNotEligible';
  if (!holder) return 'holderNotEligible';
  if (grantor.id === holder.id) return 'self';
  if (active.some((p) => p.grantorVoterId === grantor.id)) return 'alreadyGranted';
  // No chains: someone who holds proxies cannot hand their vote on, and a grantor cannot hold any.
  if (active.some((p) => p.holderVoterId === grantor.id)) return 'grantorHolds';
  if (active.some((p) => p.grantorVoterId === holder.id)) return 'holderGranted';
  if (active.filter((p) => p.holderVoterId === holder.id).length >= input.maxPerHolder) return 'holderFull';
  return null;
}

/** Whether early votes are being taken at `now`: from `earlyVotingFrom` until the meeting starts. */
export function earlyVotingOpen(assembly: Pick<Assembly, 'earlyVotingFrom' | 'startsAt'>, now: Date): boolean {
  return assembly.earlyVotingFrom !== null && now >= assembly.earlyVotingFrom && now < assembly.startsAt;
}

/** Action value of a ballot button: `<itemId>:<choice index>:<voter id voted for | self>` (fits Discord's 100 characters). */
export function ballotValue(itemId: string, choiceIndex: number, forVoterId: string | null): string {
  return `${itemId}:${choiceIndex}:${forVoterId ?? 'self'}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BALLOT_VALUE = new RegExp(`^(${UUID}):(\\d{1,2}):(self|${UUID})$`);

/** The parts of a ballot button's value, or null when it is not one. */
export function parseBallotValue(value: string | undefined): { itemId: string; choiceIndex: number; forVoterId: string | null } | null {
  const m = BALLOT_VALUE.exec(value ?? '');
  if (!m) return null;
  return { itemId: m[1]!, choiceIndex: Number(m[2]), forVoterId: m[3] === 'self' ? null : m[3]! };
}

/** Lower-case hex of at most 32 characters, dashes dropped: the id prefix a person typed, or null. */
export function idPrefix(typed: string): string | null {
  const hex = typed.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  // Back into the dashed form's positions (8-4-4-4-12) so a LIKE on id::text matches.
  const cuts = [8, 12, 16, 20];
  let out = '';
  for (let i = 0; i < hex.length; i++) {
    if (cuts.includes(i)) out += '-';
    out += hex[i];
  }
  return out;
}

/** The first 8 hex digits of an id: what people type. */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}
