import type { MemberRole } from '../../../kernel/community.js';
import type { Platform } from '../../../kernel/types.js';

/**
 * Announcements (nieuwsberichten) and their deliveries: the types and the pure rules of the news
 * capability. No I/O here; {@link ../news.service.ts} orchestrates, the repository stores, the queue sends.
 */

/**
 * Where an announcement is in its life:
 * - `draft`: written, not going anywhere yet;
 * - `scheduled`: waits for its publish time (a delayed queue job);
 * - `publishing`: deliveries exist and are being sent;
 * - `published`: no delivery is pending any more (each is sent, failed or retracted);
 * - `retracted`: taken back; every delivered copy is (being) deleted.
 */
export const ANNOUNCEMENT_STATUSES = ['draft', 'scheduled', 'publishing', 'published', 'retracted'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

/** A delivery's state: waiting in the queue, posted, given up on, or taken back. */
export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'retracted'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A delivery goes to a connected channel, or to one member's direct messages on one platform. */
export type DeliveryKind = 'channel' | 'direct';

/**
 * Who an announcement is for. `all`: the news channels; `chapters`: those chapters' channels; `roles`:
 * members holding one of the roles, reached by direct message (a channel cannot be limited to roles).
 * With `directMessages`, the audience's linked members also get it as a direct message.
 */
export type Audience =
  | { kind: 'all' }
  | { kind: 'chapters'; chapterIds: string[] }
  | { kind: 'roles'; roles: MemberRole[] };

/** What a manager writes. `body` is our markdown subset (see View text blocks). */
export interface AnnouncementContent {
  title: string;
  body: string;
  linkUrl: string | null;
  imageUrl: string | null;
}

/** News written once by a manager and fanned out to every targeted channel. */
export interface Announcement extends AnnouncementContent {
  id: string;
  organizationId: string;
  /** The manager who wrote it; null when it came through the admin API. */
  authorMemberId: string | null;
  audience: Audience;
  directMessages: boolean;
  /** When a scheduled announcement goes out; null for "now". */
  publishAt: Date | null;
  status: AnnouncementStatus;
  /** 1 on creation, +1 per edit; a delivered copy records the version it shows. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  retractedAt: Date | null;
}

/** One place an announcement goes to. Unique per announcement. */
export interface DeliveryTarget {
  kind: DeliveryKind;
  platform: Platform;
  /** Slack team id, Discord guild id, Teams tenant id. */
  workspaceExternalId: string;
  /** The channel id, or the platform user id for a direct message. */
  targetExternalId: string;
}

/** One (announcement, target) pair and what happened to it. */
export interface Delivery extends DeliveryTarget {
  id: string;
  announcementId: string;
  organizationId: string;
  status: DeliveryStatus;
  /** Where the copy was posted (for direct messages: the DM conversation), once sent. */
  channelExternalId: string | null;
  /** The platform's id of the posted copy, once sent. */
  messageId: string | null;
  /** The announcement version the copy shows (0 before it is sent). */
  version: number;
  /** Why it failed (a ChatPlatformError code and message), or the last retryable error while queued. */
  failureReason: string | null;
  /** Tries that reached the platform without a definite "not posted" answer. */
  attempts: number;
  sentAt: Date | null;
  updatedAt: Date;
}

/** Length of the id prefix shown to managers (`/kring news status 3f9c01ab`). */
export const SHORT_ID_LENGTH = 8;

/** The short form of an announcement id that managers see and type. */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_LENGTH);
}

/** A typed id prefix, normalised, or undefined when it cannot be one (ids are lowercase UUIDs). */
export function normaliseIdPrefix(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  return /^[0-9a-f][0-9a-f-]{3,35}$/.test(value) ? value : undefined;
}

/** Whether the announcement can still be changed (everything but a retracted one). */
export function canEdit(status: AnnouncementStatus): boolean {
  return status !== 'retracted';
}

/** Whether edits must reach copies that are out there already. */
export function hasCopiesOut(status: AnnouncementStatus): boolean {
  return status === 'publishing' || status === 'published';
}

/** Whether the publish job may start publishing from this status (re-runs of a started publish included). */
export function canStartPublishing(status: AnnouncementStatus): boolean {
  return status === 'draft' || status === 'scheduled' || status === 'publishing';
}

/** A connected channel, as far as targeting cares. */
export interface TargetChannel {
  platform: Platform;
  workspaceExternalId: string;
  externalId: string;
  purpose: 'general' | 'news' | 'chapter' | 'managers' | 'moderators' | 'ideas';
  chapterId: string | null;
}

/**
 * The channels an audience reaches: `all` -> every `news` channel; `chapters` -> the `chapter` channels of
 * those chapters; `roles` -> none (roles are reached by direct message). Duplicates are dropped.
 */
export function channelTargets(audience: Audience, channels: readonly TargetChannel[]): DeliveryTarget[] {
  const chosen = channels.filter((c) => {
    switch (audience.kind) {
      case 'all':
        return c.purpose === 'news';
      case 'chapters':
        return c.purpose === 'chapter' && c.chapterId !== null && audience.chapterIds.includes(c.chapterId);
      case 'roles':
        return false;
    }
  });
  return uniqueTargets(
    chosen.map((c) => ({ kind: 'channel', platform: c.platform, workspaceExternalId: c.workspaceExternalId, targetExternalId: c.externalId })),
  );
}

/** Whether the audience reaches members by direct message. */
export function wantsDirectMessages(audience: Audience, directMessages: boolean): boolean {
  return directMessages || audience.kind === 'roles';
}

/** Drops repeated targets, keeping the first. */
export function uniqueTargets(targets: readonly DeliveryTarget[]): DeliveryTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.kind}\u0000${t.platform}\u0000${t.workspaceExternalId}\u0000${t.targetExternalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Deliveries per state, overall or for one platform. */
export type DeliveryTally = Record<DeliveryStatus, number> & { total: number };

/** An empty tally. */
export function emptyTally(): DeliveryTally {
  return { queued: 0, sent: 0, failed: 0, retracted: 0, total: 0 };
}

/** One delivery named for a report line. */
export interface ReportedDelivery {
  platform: Platform;
  kind: DeliveryKind;
  /** Channel name when known, else the target id. */
  target: string;
  reason: string | null;
}

/** What the manager's delivery report shows. */
export interface DeliveryReport {
  announcement: Announcement;
  totals: DeliveryTally;
  byPlatform: { platform: Platform; tally: DeliveryTally }[];
  /** Some failed deliveries (the repository caps the list). */
  failures: ReportedDelivery[];
  /** Some deliveries still waiting. */
  pending: ReportedDelivery[];
  /** When the report was made. */
  at: Date;
}

/** Builds the report's tallies from per-(platform, status) counts. */
export function tallyDeliveries(counts: readonly { platform: Platform; status: DeliveryStatus; count: number }[]): {
  totals: DeliveryTally;
  byPlatform: { platform: Platform; tally: DeliveryTally }[];
} {
  const totals = emptyTally();
  const per = new Map<Platform, DeliveryTally>();
  for (const c of counts) {
    const tally = per.get(c.platform) ?? emptyTally();
    tally[c.status] += c.count;
    tally.total += c.count;
    totals[c.status] += c.count;
    totals.total += c.count;
    per.set(c.platform, tally);
  }
  const byPlatform = [...per.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([platform, tally]) => ({ platform, tally }));
  return { totals, byPlatform };
}

/** Whether every delivery has an outcome (nothing queued): publishing is over. */
export function isSettled(totals: DeliveryTally): boolean {
  return totals.queued === 0;
}

/** Share of deliveries that have an outcome, 0–100 (100 when there is nothing to deliver). */
export function progressPercent(tally: DeliveryTally): number {
  if (tally.total === 0) return 100;
  return Math.floor(((tally.total - tally.queued) / tally.total) * 100);
}
