import { randomBytes } from 'node:crypto';
import type { MemberRole } from '../../src/kernel/community.js';
import type { Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/infra/database/database.js';
import type { InboundEvent, MessageSeenEvent } from '../../src/kernel/ports/chat-platform.js';

/** Rows the insights tests build on: an organisation with a workspace, channels and a chapter. */
export interface InsightsWorld {
  organizationId: string;
  slug: string;
  workspace: string;
  platform: Platform;
  chapterId: string;
  /** Channel ids: `general` is a plain channel, `noord` belongs to the chapter, `managers` gets digests. */
  channels: { general: string; noord: string; managers: string };
}

/** Creates an organisation (time zone Europe/Amsterdam) with one Slack workspace, three channels, one chapter. */
export async function seedWorld(db: Database, options: { slug?: string; workspace?: string; name?: string } = {}): Promise<InsightsWorld> {
  const p = db.prisma;
  const slug = options.slug ?? `ins-${randomBytes(3).toString('hex')}`;
  const org = await p.organization.create({ data: { slug, name: options.name ?? `Vereniging ${slug}`, timezone: 'Europe/Amsterdam', defaultLocale: 'nl' } });
  const chapter = await p.chapter.create({ data: { organizationId: org.id, name: 'Noord' } });
  const workspace = options.workspace ?? `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const ws = await p.workspace.create({ data: { organizationId: org.id, platform: 'slack', externalId: workspace, name: 'Slack' } });
  const channels = { general: 'CGENERAL', noord: 'CNOORD', managers: 'CMANAGERS' };
  await p.channel.createMany({
    data: [
      { organizationId: org.id, workspaceId: ws.id, externalId: channels.general, name: 'algemeen', purpose: 'general' },
      { organizationId: org.id, workspaceId: ws.id, externalId: channels.noord, name: 'noord', purpose: 'chapter', chapterId: chapter.id },
      { organizationId: org.id, workspaceId: ws.id, externalId: channels.managers, name: 'bestuur', purpose: 'managers' },
    ],
  });
  return { organizationId: org.id, slug, workspace, platform: 'slack', chapterId: chapter.id, channels };
}

/** Adds a member linked to Slack user `userId` (linked at `linkedAt`, default now). */
export async function addMember(
  db: Database,
  world: InsightsWorld,
  userId: string,
  options: { name?: string; roles?: MemberRole[]; chapterId?: string | null; linkedAt?: Date; email?: string } = {},
): Promise<{ id: string; userId: string; memberNumber: string }> {
  const memberNumber = `${userId}-${randomBytes(2).toString('hex')}`;
  const member = await db.prisma.member.create({
    data: {
      organizationId: world.organizationId,
      memberNumber,
      name: options.name ?? `Lid ${userId}`,
      email: options.email ?? `${userId.toLowerCase()}@example.org`,
      roles: options.roles ?? ['member'],
      chapterId: options.chapterId === undefined ? null : options.chapterId,
    },
  });
  await db.prisma.platformIdentity.create({
    data: {
      organizationId: world.organizationId,
      memberId: member.id,
      platform: world.platform,
      workspaceId: world.workspace,
      platformUserId: userId,
      displayName: options.name ?? null,
      ...(options.linkedAt ? { linkedAt: options.linkedAt } : {}),
    },
  });
  return { id: member.id, userId, memberNumber };
}

/** A message-seen event as an adapter builds it (metadata only). */
export function seen(world: InsightsWorld, userId: string, at: Date, extra: Partial<MessageSeenEvent> = {}): MessageSeenEvent {
  return {
    type: 'message-seen',
    platform: world.platform,
    workspaceId: world.workspace,
    userId,
    channelId: world.channels.general,
    length: 10,
    at,
    raw: {},
    ...extra,
  };
}

/** A `/kring ...` command event. */
export function command(world: InsightsWorld, userId: string, words: string[], channelId?: string): InboundEvent {
  return {
    type: 'command',
    platform: world.platform,
    workspaceId: world.workspace,
    userId,
    channelId: channelId ?? world.channels.general,
    path: words.slice(0, 1),
    args: words.slice(1),
    options: {},
    raw: {},
    locale: 'nl',
  };
}

/** The rollups of an organisation, as plain rows sorted for comparison. */
export async function rollups(db: Database, organizationId: string) {
  const rows = await db.prisma.activityDaily.findMany({ where: { organizationId } });
  return rows
    .map((r) => ({ day: r.day.toISOString().slice(0, 10), channel: r.channelKey, member: r.memberKey, kind: r.kind, count: r.count, chars: Number(r.chars), chapterId: r.chapterId }))
    .sort((a, b) => [a.day, a.channel, a.member, a.kind].join('|').localeCompare([b.day, b.channel, b.member, b.kind].join('|')));
}
