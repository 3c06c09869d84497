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
