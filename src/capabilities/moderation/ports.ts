import type { Platform } from '../../kernel/types.js';
import type { AuditEntry, CaseOutcome, CaseStatus, ModerationCase, ModerationReport } from './domain/moderation.js';

/** What a new report says about the message. */
export interface NewReport {
  organizationId: string;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  messageId: string;
  link: string | null;
  reportedPlatformUserId: string | null;
  reportedMemberId: string | null;
  reporterMemberId: string;
  reporterPlatformUserId: string;
  text: string;
  note: string | null;
  at: Date;
}

/**
 * Storage of cases, reports and the audit log (repository/prisma-moderation.repository.ts). Every query is
 * scoped by organisation or by a case id.
 */
export interface ModerationRepository {
  /**
   * Files a report: on the message's case that is not closed, or on a new case numbered next in the
   * organisation. A second report by the same member on the same case replaces their text and note.
   */
  fileReport(input: NewReport): Promise<{ case: ModerationCase; report: ModerationReport; created: boolean }>;
  findCase(organizationId: string, number: number): Promise<ModerationCase | null>;
  /** Cases of these statuses, newest first. */
  listCases(organizationId: string, statuses: readonly CaseStatus[], limit: number): Promise<ModerationCase[]>;
  reportsOf(caseId: string): Promise<ModerationReport[]>;
  /** How many reports each of these cases has (cases without reports are left out). */
  reportCounts(caseIds: readonly string[]): Promise<Map<string, number>>;
  /** Hands the case to the counsellor. */
  setCounsellor(caseId: string, counsellorMemberId: string): Promise<ModerationCase>;
  markMessageRemoved(caseId: string, at: Date): Promise<ModerationCase>;
  /** Closes the case with an outcome and erases the reported texts and notes (they live only as long as the case). */
  close(caseId: string, outcome: CaseOutcome, at: Date): Promise<ModerationCase>;
  audit(entry: AuditEntry): Promise<void>;
  auditOf(organizationId: string, caseNumber: number): Promise<AuditEntry[]>;
  /** The case's cards in moderators' channels. */
  savePost(caseId: string, post: { platform: Platform; workspaceId: string; channelId: string; messageId: string }): Promise<void>;
  postsOf(caseId: string): Promise<{ platform: Platform; workspaceId: string; channelId: string; messageId: string }[]>;
}

/**
 * Single-use sign-in links to the moderators' case desk (`moderation_desk_link`). Only a token's sha256
 * is stored; the token itself lives only in the chat reply.
 */
export interface DeskLinkStore {
  createDeskLink(link: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }): Promise<void>;
  /** Marks the link used and returns whose it is, once: null when unknown, used already or expired at `now`. */
  consumeDeskLink(tokenHash: string, now: Date): Promise<{ organizationId: string; memberId: string } | null>;
  /** Deletes links that expired before `now`. */
  pruneDeskLinks(now: Date): Promise<void>;
}
