import type { Platform } from '../../../kernel/types.js';

/** What a program's rounds are for: one interest, one chapter, or every opted-in member. */
export type ProgramScope = { kind: 'interest'; interestId: string } | { kind: 'chapter'; chapterId: string } | { kind: 'all' };

/** Limits of a program a manager starts. */
export const PROGRAM_LIMITS = {
  /** Rounds every 1 to 12 weeks. */
  everyWeeks: { min: 1, max: 12 },
  /** Pairs of this many earlier rounds are not made again (default 4). */
  avoidRounds: 4,
  /** "Did you meet?" this many days after the introduction (default 7). */
  followUpDays: 7,
  /** Conversation starters in the catalogue (`connect.intros.starters.0` …). */
  starters: 4,
} as const;

/** Introduction rounds a manager turned on. */
export interface Program {
  id: string;
  organizationId: string;
  scope: ProgramScope;
  everyWeeks: number;
  /** Pair members of the same chapter first (rounds meant to meet in person). */
  preferChapter: boolean;
  avoidRounds: number;
  followUpDays: number;
  nextRoundAt: Date;
  createdAt: Date;
  stoppedAt: Date | null;
}

/** A member a round may pair: open to introductions, due, in the program's scope, with a linked account. */
export interface IntroCandidate {
  memberId: string;
  chapterId: string | null;
  /** Linked accounts, oldest first. */
  accounts: { platform: Platform; workspaceId: string; platformUserId: string; displayName: string | null }[];
}

/** One member of an introduction group, and the account their introduction went to. */
export interface IntroMember {
  memberId: string;
  platform: Platform;
  workspaceId: string;
  platformUserId: string;
  met: boolean | null;
  answeredAt: Date | null;
}

/** A pair or trio of one round. */
export interface IntroGroup {
  id: string;
  roundId: string;
  organizationId: string;
  starter: number;
  members: IntroMember[];
}

/** One round as stored. */
export interface Round {
  id: string;
  programId: string;
  organizationId: string;
  number: number;
  ranAt: Date;
  members: number;
  groups: number;
  followUpAt: Date;
  followUpSentAt: Date | null;
}

/** Follow-up answers of a round so far. */
export interface RoundTotals {
  /** Groups in which someone said yes. */
  metGroups: number;
  yes: number;
  no: number;
}

/**
 * The account a member's introduction goes to: one on a platform the others of the group are on as well
 * (so the introduction can mention them), else their oldest linked account.
 */
export function chooseAccount(self: IntroCandidate, others: readonly IntroCandidate[]): IntroCandidate['accounts'][number] | undefined {
  const shared = self.accounts.find((a) => others.some((o) => o.accounts.some((b) => b.platform === a.platform && b.workspaceId === a.workspaceId)));
  return shared ?? self.accounts[0];
}

/** When the next round after `from` runs. */
export function nextRoundAfter(from: Date, everyWeeks: number): Date {
  return new Date(from.getTime() + everyWeeks * 7 * 86_400_000);
}

/** Whether a member open to introductions every `everyWeeks` weeks is due again (a day of slack for timers). */
export function introDue(lastIntroducedAt: Date | null, everyWeeks: number, now: Date): boolean {
  return lastIntroducedAt === null || now.getTime() - lastIntroducedAt.getTime() >= everyWeeks * 7 * 86_400_000 - 86_400_000;
}
