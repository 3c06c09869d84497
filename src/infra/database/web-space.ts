import type { View } from '../../kernel/ports/chat-platform.js';
import type { WebMessage, WebMessageStore, WebSessionStore, WebToken, WebTokenKind } from '../../kernel/ports/web-space.js';
import { Prisma, type PrismaClient } from './generated/prisma/client.js';

/** The web community's storage (src/kernel/ports/web-space.ts) on PostgreSQL/PGlite through Prisma. */

type MessageRow = { id: string; space: string; channel: string; view: Prisma.JsonValue; createdAt: Date; updatedAt: Date };

function toMessage(row: MessageRow): WebMessage {
  return { id: row.id, space: row.space, channel: row.channel, view: row.view as unknown as View, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

const json = (view: View) => JSON.parse(JSON.stringify(view)) as Prisma.InputJsonValue;

/** {@link WebMessageStore}: a retried post with the same idempotency key finds the first one (unique index). */
export class PrismaWebMessageStore implements WebMessageStore {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { space: string; channel: string; view: View; idempotencyKey?: string }): Promise<{ message: WebMessage; created: boolean }> {
    const key = input.idempotencyKey;
    if (key !== undefined) {
      const existing = await this.prisma.webMessage.findUnique({ where: { space_idempotencyKey: { space: input.space, idempotencyKey: key } } });
      if (existing) return { message: toMessage(existing), created: false };
    }
    try {
      const row = await this.prisma.webMessage.create({ data: { space: input.space, channel: input.channel, view: json(input.view), idempotencyKey: key ?? null } });
      return { message: toMessage(row), created: true };
    } catch (err) {
      // Two attempts with one key at once: the second finds the first's message.
      if (key !== undefined && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const existing = await this.prisma.webMessage.findUnique({ where: { space_idempotencyKey: { space: input.space, idempotencyKey: key } } });
        if (existing) return { message: toMessage(existing), created: false };
      }
      throw err;
    }
  }

  async update(space: string, id: string, view: View): Promise<WebMessage | null> {
    const { count } = await this.prisma.webMessage.updateMany({ where: { id, space }, data: { view: json(view), updatedAt: new Date() } });
    if (count === 0) return null;
    const row = await this.prisma.webMessage.findUnique({ where: { id } });
    return row ? toMessage(row) : null;
  }

  async delete(space: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webMessage.deleteMany({ where: { id, space } });
    return count > 0;
  }

  async recent(space: string, channel: string, limit: number): Promise<WebMessage[]> {
    const rows = await this.prisma.webMessage.findMany({ where: { space, channel }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
    return rows.reverse().map(toMessage);
  }
}

const KINDS: readonly WebTokenKind[] = ['session', 'pending', 'link'];

/** {@link WebSessionStore}: tokens by their sha256; consuming is one DELETE, so only one caller wins. */
export class PrismaWebSessionStore implements WebSessionStore {
  constructor(private readonly prisma: PrismaClient) {}

  async save(tokenHash: string, token: WebToken): Promise<void> {
    await this.prisma.webSession.create({ data: { tokenHash, kind: token.kind, space: token.space, userId: token.userId, expiresAt: token.expiresAt } });
  }

  async find(tokenHash: string, now: Date): Promise<WebToken | null> {
    const row = await this.prisma.webSession.findUnique({ where: { tokenHash } });
    return row && row.expiresAt.getTime() > now.getTime() ? toToken(row) : null;
  }

  async consume(tokenHash: string, now: Date): Promise<WebToken | null> {
    const rows = await this.prisma.$queryRaw<{ kind: string; space: string; user_id: string; expires_at: Date }[]>`
      DELETE FROM web_session WHERE token_hash = ${tokenHash} RETURNING kind, space, user_id, expires_at`;
    const row = rows[0];
    if (!row || row.expires_at.getTime() <= now.getTime()) return null;
    return toToken({ kind: row.kind, space: row.space, userId: row.user_id, expiresAt: row.expires_at });
  }

  async prune(now: Date): Promise<number> {
    const { count } = await this.prisma.webSession.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}

function toToken(row: { kind: string; space: string; userId: string; expiresAt: Date }): WebToken | null {
  const kind = KINDS.find((k) => k === row.kind);
  return kind ? { kind, space: row.space, userId: row.userId, expiresAt: row.expiresAt } : null;
}
