import type { Platform } from '../../../kernel/types.js';
import type { PostedCopy } from '../../../kernel/posted-copies.js';
import { zonedParts, zonedTimeToUtc } from '../../../kernel/zoned-time.js';

/** An idea's life: new, under consideration, planned, done, or declined (with a reason). */
export const IDEA_STATUSES = ['new', 'under_consideration', 'planned', 'done', 'declined'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

export const IDEA_LIMITS = { textLength: 1000, reasonLength: 500 } as const;

/** An idea a verified member put in the idea box (ideeënbus). */
export interface Idea {
  id: string;
  organizationId: string;
  submittedByMemberId: string | null;
  text: string;
  status: IdeaStatus;
  /** Why it was declined (declined ideas only). */
  reason: string | null;
  statusChangedAt: Date;
  createdAt: Date;
}

export interface IdeaTarget {
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
}

export interface IdeaPost extends PostedCopy {
  ideaId: string;
}

/** One status change, for the monthly "you said, we did". */
export interface IdeaStatusChange {
  ideaId: string;
  status: IdeaStatus;
  reason: string | null;
  changedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The upvote button's value (the idea id), or null for anything else. */
export function parseIdeaId(value: string | undefined): string | null {
  return UUID.test(value ?? '') ? value! : null;
}

/** What a person typed as an idea status (`planned`, `under consideration`, `in behandeling`…), or null. */
export function parseStatus(typed: string, localName: (s: IdeaStatus) => string): IdeaStatus | null {
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const n = norm(typed);
  return IDEA_STATUSES.find((s) => s === n || norm(localName(s)) === n) ?? null;
}

/**
 * The first moment of a calendar month `YYYY-MM` and of the month after, in `timeZone` (the organisation's:
 * a change at 00:30 on 1 December in Amsterdam belongs to December), or null for anything else.
 */
export function monthRange(month: string, timeZone = 'UTC'): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const index = Number(m[2]);
  const from = zonedTimeToUtc({ year, month: index, day: 1, hour: 0, minute: 0 }, timeZone);
  const to = zonedTimeToUtc({ year: index === 12 ? year + 1 : year, month: index === 12 ? 1 : index + 1, day: 1, hour: 0, minute: 0 }, timeZone);
  return { from, to };
}

/** The month before the one `now` falls in, in `timeZone`, as `YYYY-MM` (what the monthly job drafts on the 1st). */
export function previousMonth(now: Date, timeZone: string): string {
  const { year, month } = zonedParts(now, timeZone);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** The month `YYYY-MM` as people write it (`november 2026`, `November 2026`). */
export function monthName(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
}
