import type { Platform } from '../../../kernel/types.js';
import type { PostedCopy } from '../../../kernel/posted-copies.js';

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

/** The first and last moment of a calendar month `YYYY-MM` (UTC), or null for anything else. */
export function monthRange(month: string): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  return { from, to };
}
