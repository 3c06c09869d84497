import type { Platform } from '../../../kernel/types.js';
import type { PostedCopy } from '../../../kernel/posted-copies.js';

/** The three answers to a statement, in the order the buttons and bars show them. */
export const STANCES = ['agree', 'neutral', 'disagree'] as const;
export type Stance = (typeof STANCES)[number];

export const STATEMENT_STATUSES = ['open', 'closed'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/** Limits of a statement's text (a Slack header takes 150 characters; longer statements go in the text). */
export const STATEMENT_LIMITS = { textLength: 500 } as const;

/** A statement (stelling) a manager posted; members answer agree, neutral or disagree. */
export interface Statement {
  id: string;
  organizationId: string;
  createdByMemberId: string | null;
  text: string;
  status: StatementStatus;
  createdAt: Date;
  closedAt: Date | null;
}

/** A channel a statement goes to. */
export interface StatementTarget {
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
}

/** One posted copy; `threadId` once its discussion thread was opened. */
export interface StatementPost extends PostedCopy {
  statementId: string;
  threadId: string | null;
}

/** Answers per stance (agree, neutral, disagree) and the number of members who answered. */
export interface StatementTally {
  agree: number;
  neutral: number;
  disagree: number;
  total: number;
}

/** The tally of one chapter (null: members without a chapter). */
export interface ChapterTally extends StatementTally {
  chapterId: string | null;
  chapterName: string | null;
}

export const EMPTY_TALLY: StatementTally = { agree: 0, neutral: 0, disagree: 0, total: 0 };

/** Percent of the total per stance, rounded (0 when nobody answered). */
export function percentages(tally: StatementTally): Record<Stance, number> {
  const pct = (n: number) => (tally.total === 0 ? 0 : Math.round((n / tally.total) * 100));
  return { agree: pct(tally.agree), neutral: pct(tally.neutral), disagree: pct(tally.disagree) };
}

/** The value of an answer button: `<statementId>:<stance>`. */
export function answerValue(statementId: string, stance: Stance): string {
  return `${statementId}:${stance}`;
}

/** Parses an answer button's value; null for anything else (old, forged or cut values). */
export function parseAnswerValue(value: string | undefined): { statementId: string; stance: Stance } | null {
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(agree|neutral|disagree)$/.exec(value ?? '');
  return m ? { statementId: m[1]!, stance: m[2] as Stance } : null;
}

/** Parses the discuss button's value (the statement id). */
export function parseStatementId(value: string | undefined): string | null {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value ?? '') ? value! : null;
}

/** The short id people type (`/kring statement close 3f2a9c1e`). */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}

/** What a person typed as an id, as a uuid prefix (lowercase, dashes where the uuid has them); null when no id. */
export function idPrefix(typed: string): string | null {
  const hex = typed.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{4,32}$/.test(hex)) return null;
  const cuts = new Set([8, 12, 16, 20]);
  let out = '';
  for (let i = 0; i < hex.length; i++) out += (cuts.has(i) ? '-' : '') + hex[i];
  return out;
}

/** The summary sentence's key figure: which stance won (null on a tie or without answers). */
export function leadingStance(tally: StatementTally): Stance | null {
  const sorted = STANCES.map((s) => [s, tally[s]] as const).sort((a, b) => b[1] - a[1]);
  if (tally.total === 0 || sorted[0]![1] === sorted[1]![1]) return null;
  return sorted[0]![0];
}
