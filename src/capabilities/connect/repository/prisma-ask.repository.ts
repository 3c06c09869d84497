import type { Prisma, PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { MANAGER_ROLES } from '../../../kernel/community.js';
import type { Ask, AskRepository } from '../ports.js';

const ASK_INCLUDE = { recipients: { select: { memberId: true } } } as const;
type AskRow = Prisma.ConnectAskGetPayload<{ include: typeof ASK_INCLUDE }>;

function toAsk(row: AskRow): Ask {
  return {
    id: row.id,
    organizationId: row.organizationId,
    askerId: row.askerId,
    interestId: row.interestId,
    question: row.question,
    status: row.status as Ask['status'],
    createdAt: row.createdAt,
    helperId: row.helperId,
    escalateAt: row.escalateAt,
    recipientIds: row.recipients.map((r) => r.memberId),
  };
}

/**
 * Asks for help (`connect_ask`, `connect_ask_recipient`). Who offered help on what is
 * `connect_member_interest` of kind `help`; its `last_asked_at` makes the questions rotate over helpers.
 * State changes are single conditional updates, so two presses of "I'll help" at once make one helper.
 */
export class PrismaAskRepository implements AskRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async createDraft(input: { organizationId: string; askerId: string; interestId: string; question: string; at: Date }): Promise<Ask> {
    await this.prisma.connectProfile.createMany({ data: [{ memberId: input.askerId, organizationId: input.organizationId }], skipDuplicates: true });
    const row = await this.prisma.connectAsk.create({
      data: { organizationId: input.organizationId, askerId: input.askerId, interestId: input.interestId, question: input.question, status: 'draft', createdAt: input.at },
      include: ASK_INCLUDE,
    });
    return toAsk(row);
  }

  async getAsk(askId: string): Promise<Ask | null> {
    const row = await this.prisma.connectAsk.findUnique({ where: { id: askId }, include: ASK_INCLUDE });
    return row ? toAsk(row) : null;
  }

  async pickHelpers(organizationId: string, interestId: string, exceptMemberId: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ member_id: string }[]>`
      SELECT h.member_id::text AS member_id
        FROM connect_member_interest h
        JOIN member m ON m.id = h.member_id
       WHERE h.interest_id = ${interestId}::uuid AND h.kind = 'help'
         AND m.organization_id = ${organizationId}::uuid AND m.status = 'active' AND m.id <> ${exceptMemberId}::uuid
         AND EXISTS (SELECT 1 FROM platform_identity i WHERE i.member_id = m.id)
       ORDER BY h.last_asked_at ASC NULLS FIRST, random()
       LIMIT ${limit}`;
    return rows.map((r) => r.member_id);
  }

  async open(askId: string, recipientIds: readonly string[], at: Date, escalateAt: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connectAsk.updateMany({ where: { id: askId, status: 'draft' }, data: { status: 'open', consentedAt: at, escalateAt } });
      if (count === 0) return false;
      const ask = await tx.connectAsk.findUniqueOrThrow({ where: { id: askId } });
      await tx.connectAskRecipient.createMany({ data: recipientIds.map((memberId) => ({ askId, memberId, sentAt: at })), skipDuplicates: true });
      await tx.connectMemberInterest.updateMany({ where: { memberId: { in: [...recipientIds] }, interestId: ask.interestId, kind: 'help' }, data: { lastAskedAt: at } });
      return true;
    });
  }

  async claim(askId: string, helperId: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.connectAsk.updateMany({
      where: { id: askId, status: 'open', recipients: { some: { memberId: helperId } } },
      data: { status: 'helped', helperId, helpedAt: at },
    });
    return count > 0;
  }

  async escalate(askId: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.connectAsk.updateMany({ where: { id: askId, status: { in: ['draft', 'open'] } }, data: { status: 'escalated', escalatedAt: at } });
    return count > 0;
  }

  async cancel(askId: string, askerId: string): Promise<boolean> {
    const { count } = await this.prisma.connectAsk.updateMany({ where: { id: askId, askerId, status: { in: ['draft', 'open'] } }, data: { status: 'cancelled' } });
    return count > 0;
  }

  async askSettings(organizationId: string): Promise<{ helpers: number; escalateHours: number }> {
    const row = await this.prisma.connectSettings.findUnique({ where: { organizationId } });
    return { helpers: row?.askHelpers ?? 3, escalateHours: row?.askEscalateHours ?? 48 };
  }

  async managers(organizationId: string): Promise<string[]> {
    const rows = await this.prisma.member.findMany({
      where: { organizationId, status: 'active', roles: { hasSome: [...MANAGER_ROLES] }, identities: { some: {} } },
      select: { id: true },
      orderBy: { memberNumber: 'asc' },
    });
    return rows.map((r) => r.id);
  }
}
