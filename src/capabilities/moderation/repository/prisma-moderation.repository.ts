import { Prisma, type ModerationAudit as AuditRow, type ModerationCase as CaseRow, type ModerationReport as ReportRow, type PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { Platform } from '../../../kernel/types.js';
import { CASE_ACTIONS, type AuditEntry, type CaseAction, type CaseOutcome, type CaseStatus, type ModerationCase, type ModerationReport } from '../domain/moderation.js';
import type { ModerationRepository, NewReport } from '../ports.js';

function toCase(row: CaseRow): ModerationCase {
  return {
    id: row.id,
    organizationId: row.organizationId,
    number: row.number,
    status: row.status,
    outcome: row.outcome,
    platform: row.platform,
    workspaceId: row.workspaceExternalId,
    channelId: row.channelExternalId,
    messageId: row.messageId,
    channelName: row.channelName,
    link: row.link,
    reportedPlatformUserId: row.reportedPlatformUserId,
    reportedMemberId: row.reportedMemberId,
    counsellorMemberId: row.counsellorMemberId,
    messageRemovedAt: row.messageRemovedAt,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
  };
}

function toReport(row: ReportRow): ModerationReport {
  return {
    id: row.id,
    caseId: row.caseId,
    reporterMemberId: row.reporterMemberId,
    platform: row.platform,
    workspaceId: row.workspaceExternalId,
    platformUserId: row.platformUserId,
    text: row.text,
    note: row.note,
    createdAt: row.createdAt,
    erasedAt: row.erasedAt,
  };
}

function toAudit(row: AuditRow): AuditEntry {
  const detail = row.detail && typeof row.detail === 'object' && !Array.isArray(row.detail) ? (row.detail as AuditEntry['detail']) : {};
  return {
    organizationId: row.organizationId,
    caseNumber: row.caseNumber,
    actorMemberId: row.actorMemberId,
    actorLabel: row.actorLabel,
    action: (CASE_ACTIONS as readonly string[]).includes(row.action) ? (row.action as CaseAction) : 'viewed',
    detail,
    at: row.at,
  };
}

/** {@link ModerationRepository} on PostgreSQL/PGlite (tables moderation_*). */
export class PrismaModerationRepository implements ModerationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async fileReport(input: NewReport): Promise<{ case: ModerationCase; report: ModerationReport; created: boolean }> {
    // Two reports at once may both try to open the case or take the next number: the unique index decides, the loser retries.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx) => {
          let row = await tx.moderationCase.findFirst({
            where: {
              organizationId: input.organizationId,
              platform: input.platform,
              workspaceExternalId: input.workspaceId,
              channelExternalId: input.channelId,
              messageId: input.messageId,
              status: { not: 'closed' },
            },
          });
          const created = row === null;
          if (!row) {
            const last = await tx.moderationCase.aggregate({ where: { organizationId: input.organizationId }, _max: { number: true } });
            row = await tx.moderationCase.create({
              data: {
                organizationId: input.organizationId,
                number: (last._max.number ?? 0) + 1,
                platform: input.platform,
                workspaceExternalId: input.workspaceId,
                channelExternalId: input.channelId,
                messageId: input.messageId,
                link: input.link,
                reportedPlatformUserId: input.reportedPlatformUserId,
                reportedMemberId: input.reportedMemberId,
                createdAt: input.at,
              },
            });
          }
          const report = await tx.moderationReport.upsert({
            where: { caseId_reporterMemberId: { caseId: row.id, reporterMemberId: input.reporterMemberId } },
            create: {
              caseId: row.id,
              reporterMemberId: input.reporterMemberId,
              platform: input.platform,
              workspaceExternalId: input.workspaceId,
              platformUserId: input.reporterPlatformUserId,
              text: input.text,
              note: input.note,
              createdAt: input.at,
            },
            update: { text: input.text, note: input.note, createdAt: input.at },
          });
          return { case: toCase(row), report: toReport(report), created };
        });
      } catch (err) {
        if (attempt < 3 && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') continue;
        throw err;
      }
    }
  }

  async reportCounts(caseIds: readonly string[]): Promise<Map<string, number>> {
    const ids = caseIds.filter(isUuid);
    if (ids.length === 0) return new Map();
    const groups = await this.prisma.moderationReport.groupBy({ by: ['caseId'], where: { caseId: { in: ids } }, _count: { _all: true } });
    return new Map(groups.map((g) => [g.caseId, g._count._all]));
  }

  async findCase(organizationId: string, number: number): Promise<ModerationCase | null> {
    if (!isUuid(organizationId)) return null;
    const row = await this.prisma.moderationCase.findUnique({ where: { organizationId_number: { organizationId, number } } });
    return row ? toCase(row) : null;
  }

  async listCases(organizationId: string, statuses: readonly CaseStatus[], limit: number): Promise<ModerationCase[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.moderationCase.findMany({ where: { organizationId, status: { in: [...statuses] } }, orderBy: { number: 'desc' }, take: limit });
    return rows.map(toCase);
  }

  async reportsOf(caseId: string): Promise<ModerationReport[]> {
    return (await this.prisma.moderationReport.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } })).map(toReport);
  }

  async setCounsellor(caseId: string, counsellorMemberId: string): Promise<ModerationCase> {
    return toCase(await this.prisma.moderationCase.update({ where: { id: caseId }, data: { status: 'counsellor', counsellorMemberId } }));
  }

  async markMessageRemoved(caseId: string, at: Date): Promise<ModerationCase> {
    return toCase(await this.prisma.moderationCase.update({ where: { id: caseId }, data: { messageRemovedAt: at } }));
  }

  async close(caseId: string, outcome: CaseOutcome, at: Date): Promise<ModerationCase> {
    const [row] = await this.prisma.$transaction([
      this.prisma.moderationCase.update({ where: { id: caseId }, data: { status: 'closed', outcome, closedAt: at } }),
      // The reported text lives only as long as the case.
      this.prisma.moderationReport.updateMany({ where: { caseId }, data: { text: null, note: null, erasedAt: at } }),
    ]);
    return toCase(row);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.prisma.moderationAudit.create({
      data: {
        organizationId: entry.organizationId,
        caseNumber: entry.caseNumber,
        actorMemberId: entry.actorMemberId,
        actorLabel: entry.actorLabel,
        action: entry.action,
        detail: entry.detail as Prisma.InputJsonValue,
        at: entry.at,
      },
    });
  }

  async auditOf(organizationId: string, caseNumber: number): Promise<AuditEntry[]> {
    if (!isUuid(organizationId)) return [];
    return (await this.prisma.moderationAudit.findMany({ where: { organizationId, caseNumber }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map(toAudit);
  }

  async savePost(caseId: string, post: { platform: Platform; workspaceId: string; channelId: string; messageId: string }): Promise<void> {
    const id = { caseId, platform: post.platform, workspaceExternalId: post.workspaceId, channelExternalId: post.channelId };
    await this.prisma.moderationCasePost.upsert({
      where: { caseId_platform_workspaceExternalId_channelExternalId: id },
      create: { ...id, messageId: post.messageId },
      update: { messageId: post.messageId },
    });
  }

  async postsOf(caseId: string): Promise<{ platform: Platform; workspaceId: string; channelId: string; messageId: string }[]> {
    const rows = await this.prisma.moderationCasePost.findMany({ where: { caseId } });
    return rows.map((r) => ({ platform: r.platform, workspaceId: r.workspaceExternalId, channelId: r.channelExternalId, messageId: r.messageId }));
  }
}
