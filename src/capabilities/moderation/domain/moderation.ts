import type { Platform } from '../../../kernel/types.js';

/**
 * Reports, cases and moderators' decisions as plain data. One case per reported message: a second report
 * of the same message joins its case. Who reported is kept for the moderators and the outcome message,
 * never shown to the reported member and never in the audit log or on the bus.
 */

export type CaseStatus = 'open' | 'counsellor' | 'closed';
export type CaseOutcome = 'dismissed' | 'warned' | 'suspended' | 'resolved';

/** A reported message in the moderators' queue. */
export interface ModerationCase {
  id: string;
  organizationId: string;
  /** Per organisation, from 1: what moderators type (`/kring case show 12`). */
  number: number;
  status: CaseStatus;
  outcome: CaseOutcome | null;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  messageId: string;
  channelName: string | null;
  link: string | null;
  reportedPlatformUserId: string | null;
  reportedMemberId: string | null;
  counsellorMemberId: string | null;
  messageRemovedAt: Date | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** One member's report on a case. `text` is null once the case closed (the text lives as long as the case). */
export interface ModerationReport {
  id: string;
  caseId: string;
  reporterMemberId: string;
  platform: Platform;
  workspaceId: string;
  platformUserId: string;
  text: string | null;
  note: string | null;
  createdAt: Date;
  erasedAt: Date | null;
}

/** What moderators do to a case (and what the audit log records). */
export const CASE_ACTIONS = ['reported', 'viewed', 'dismissed', 'warned', 'removed', 'suspended', 'counsellor', 'resolved'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** One line of the audit log: who did what to which case, when. */
export interface AuditEntry {
  organizationId: string;
  caseNumber: number;
  /** The moderator; null for the admin API and Kring itself (`actorLabel` says who). */
  actorMemberId: string | null;
  actorLabel: string;
  action: CaseAction;
  detail: Record<string, string | number | boolean | null>;
  at: Date;
}

/** Who acts on a case: a moderator (chat) or the association's own systems (admin API). */
export interface Actor {
  memberId: string | null;
  label: string;
}

/** Longest suspension a moderator can give. */
export const MAX_SUSPENSION_DAYS = 365;
export const DAY_MS = 24 * 60 * 60_000;

/** Whether a case still takes decisions. */
export function isDecidable(c: Pick<ModerationCase, 'status'>): boolean {
  return c.status !== 'closed';
}
