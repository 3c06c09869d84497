import { createHmac } from 'node:crypto';
import { isActive, type Member, type MemberRole } from '../../../kernel/community.js';
import type { Platform } from '../../../kernel/types.js';

/** Limits of a poll, shared by the schema, the command parser and the views. */
export const POLL_LIMITS = {
  minOptions: 2,
  maxOptions: 10,
  questionLength: 300,
  optionLength: 80,
  /** More options than this are offered in a select instead of buttons (Discord: 5 buttons per row). */
  maxButtons: 5,
} as const;

/** `single`: one option per ballot. `multi`: several, optionally at most `maxChoices`. */
export const CHOICE_MODES = ['single', 'multi'] as const;
export type ChoiceMode = (typeof CHOICE_MODES)[number];

/** `live`: results are shown while the poll is open. `after_close`: only the number of votes until it closes. */
export const RESULTS_VISIBILITIES = ['live', 'after_close'] as const;
export type ResultsVisibility = (typeof RESULTS_VISIBILITIES)[number];

export type PollStatus = 'open' | 'closed';

/** Who may vote: the whole organisation, members of some chapters, or holders of some roles. */
export type PollAudience =
  | { kind: 'all' }
  | { kind: 'chapters'; chapterIds: string[] }
  | { kind: 'roles'; roles: MemberRole[] };

/** A question with 2–10 options; one tally however many channels and platforms it is posted to. */
export interface Poll {
  id: string;
  organizationId: string;
  /** The manager who created it; null when created otherwise (admin API). */
  createdByMemberId: string | null;
  question: string;
  /** Option labels; a ballot refers to an option by its index (position). */
  options: string[];
  choiceMode: ChoiceMode;
  /** Multi choice: at most this many options per ballot; null = no limit. Always null for single choice. */
  maxChoices: number | null;
  /** Anonymous polls store no member id with a ballot, only a keyed hash (see {@link voterKey}). */
  anonymous: boolean;
  resultsVisibility: ResultsVisibility;
  /** When voting stops (UTC); null = until a manager closes it. */
  deadline: Date | null;
  status: PollStatus;
  audience: PollAudience;
  createdAt: Date;
  closedAt: Date | null;
}

/** One posted copy of a poll: a message in a channel on one platform. */
export interface PollPost {
  id: string;
  pollId: string;
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
  /** The platform's message id once posted; null while the copy waits to be posted. */
  messageId: string | null;
}

/** Where a poll is to be posted. */
export interface PollTarget {
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
}

/** Vote counts of a poll. */
export interface Tally {
  /** Ballots per option, by position (same length as `Poll.options`). */
  counts: number[];
  /** Members with at least one chosen option (a multi-choice voter counts once). */
  voters: number;
}

/** One option's share of the result. */
export interface ResultLine {
  label: string;
  count: number;
  /** Whole percent of voters who chose it (multi choice may add up to more than 100). */
  percent: number;
}

/** True while votes are accepted: status open and the deadline (if any) not reached. */
export function isOpen(poll: Pick<Poll, 'status' | 'deadline'>, now: Date): boolean {
  return poll.status === 'open' && (poll.deadline === null || poll.deadline.getTime() > now.getTime());
}

/** True when people may see the counts per option: live polls always, hidden ones once closed. */
export function resultsVisible(poll: Pick<Poll, 'status' | 'deadline' | 'resultsVisibility'>, now: Date): boolean {
  return poll.resultsVisibility === 'live' || !isOpen(poll, now);
}

/** Why a member may not vote in a poll, or null when they may. */
export type IneligibleReason = 'not-linked' | 'not-active' | 'other-organization' | 'not-in-audience';

/**
 * Whether a member may vote: linked, active (verified members only), of the poll's organisation and
 * in its audience. Says nothing about open/closed (see {@link isOpen}).
 */
export function ineligibility(poll: Pick<Poll, 'organizationId' | 'audience'>, member: Member | null): IneligibleReason | null {
  if (!member) return 'not-linked';
  if (member.organizationId !== poll.organizationId) return 'other-organization';
  if (!isActive(member)) return 'not-active';
  return inAudience(poll.audience, member) ? null : 'not-in-audience';
}

/** True when the member belongs to the audience (chapter or role match). */
export function inAudience(audience: PollAudience, member: Pick<Member, 'chapterId' | 'roles'>): boolean {
  switch (audience.kind) {
    case 'all':
      return true;
    case 'chapters':
      return member.chapterId !== null && audience.chapterIds.includes(member.chapterId);
    case 'roles':
      return member.roles.some((role) => audience.roles.includes(role));
  }
}

/** True when `position` names one of the poll's options. */
export function isValidPosition(poll: Pick<Poll, 'options'>, position: number): boolean {
  return Number.isInteger(position) && position >= 0 && position < poll.options.length;
}

/** How a vote changes a ballot: single choice replaces it, multi choice toggles one option. */
export type BallotChange = { kind: 'set'; position: number } | { kind: 'toggle'; position: number; max: number | null };

/** The ballot change a press on option `position` means for this poll. */
export function ballotChangeFor(poll: Pick<Poll, 'choiceMode' | 'maxChoices'>, position: number): BallotChange {
  return poll.choiceMode === 'single' ? { kind: 'set', position } : { kind: 'toggle', position, max: poll.maxChoices };
}

/**
 * Applies a change to a ballot's current choices (null = no ballot yet). Choices stay sorted and unique;
 * a toggle that would pass `max` leaves them unchanged. The repositories implement exactly this, the
 * Prisma one inside one SQL statement.
 */
export function applyBallotChange(current: readonly number[] | null, change: BallotChange): number[] {
  if (change.kind === 'set') return [change.position];
  const now = current ?? [];
  if (now.includes(change.position)) return now.filter((p) => p !== change.position);
  if (change.max !== null && now.length >= change.max) return [...now];
  return [...now, change.position].sort((a, b) => a - b);
}

/**
 * True when a toggle was refused because the ballot is full. Inferred from the result alone (the
 * option is not chosen and the ballot holds `max` options: a removal always leaves fewer than `max`).
 */
export function refusedForMax(change: BallotChange, result: readonly number[]): boolean {
  return change.kind === 'toggle' && change.max !== null && !result.includes(change.position) && result.length >= change.max;
}

/**
 * The key that makes "one ballot per member per poll" a database constraint. Named polls use the member
 * id. Anonymous polls use HMAC-SHA256(organisation secret, poll id + member id): the same member always
 * gets the same key in one poll (so a second vote replaces the first), but the key reveals neither the
 * member nor links their ballots across polls to anyone without the secret.
 */
export function voterKey(poll: Pick<Poll, 'id' | 'anonymous'>, memberId: string, secret: string): string {
  if (!poll.anonymous) return memberId;
  return createHmac('sha256', Buffer.from(secret, 'base64')).update(`${poll.id}:${memberId}`).digest('hex');
}

/** Result lines in option order, with percentages of the voters (rounded to whole percent). */
export function resultLines(poll: Pick<Poll, 'options'>, tally: Tally): ResultLine[] {
  return poll.options.map((label, i) => {
    const count = tally.counts[i] ?? 0;
    return { label, count, percent: tally.voters === 0 ? 0 : Math.round((count / tally.voters) * 100) };
  });
}

/** A tally of nothing, for a poll without ballots. */
export function emptyTally(poll: Pick<Poll, 'options'>): Tally {
  return { counts: poll.options.map(() => 0), voters: 0 };
}

/** Counts ballots (lists of chosen positions) per option; empty ballots do not count as voters. */
export function tallyBallots(poll: Pick<Poll, 'options'>, ballots: Iterable<readonly number[]>): Tally {
  const tally = emptyTally(poll);
  for (const choices of ballots) {
    if (choices.length === 0) continue;
    tally.voters += 1;
    for (const p of choices) if (p >= 0 && p < tally.counts.length) tally.counts[p]! += 1;
  }
  return tally;
}

/** The id people see and type: the first 8 hex characters of the uuid. */
export function shortPollId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}

/** Normalises what a person typed as a poll id into a uuid prefix (lowercase, dashes kept where they belong). */
export function pollIdPrefix(typed: string): string | null {
  const hex = typed.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{4,32}$/.test(hex)) return null;
  // Re-insert dashes at the uuid positions (8-4-4-4-12) so the prefix matches the stored text form.
  const cuts = [8, 12, 16, 20];
  let out = '';
  for (let i = 0; i < hex.length; i++) {
    if (cuts.includes(i)) out += '-';
    out += hex[i];
  }
  return out;
}

/** The value of a vote button / select option: `<pollId>:<position>` (well under the 100-character limit). */
export function voteValue(pollId: string, position: number): string {
  return `${pollId}:${position}`;
}

/** Parses a vote value; null when malformed. */
export function parseVoteValue(value: string | undefined): { pollId: string; position: number } | null {
  const m = /^([0-9a-f-]{36}):(\d{1,2})$/i.exec(value ?? '');
  if (!m) return null;
  return { pollId: m[1]!.toLowerCase(), position: Number(m[2]) };
}
