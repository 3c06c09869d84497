import type { Platform } from './types.js';
import type { PaceRequest, WindowRule } from './ports/pacer.js';

/**
 * How fast the fan-out may talk to each platform: the platforms' published limits as pacing buckets.
 * Every request of the fan-out takes a slot in each bucket that counts its operation, right before it
 * leaves (src/infra/queue/pacer.ts), and jobs are planned onto those slots when they are enqueued; so
 * no BullMQ queue limiter is involved (it counts job starts in fixed windows, the platforms count
 * arrivals in sliding ones) and a 429 delays only the job that got it.
 *
 * Sources (checked 2026; ../shared/PLATFORMS.md):
 * - Discord: 50 requests/s per bot, across every route (https://discord.com/developers/docs/topics/rate-limits#global-rate-limit).
 *   Per-route buckets (5 messages / 5 s per channel, ...) come from the `X-RateLimit-*` headers, which
 *   discord.js follows per process; they are not hard-coded.
 * - Slack: `chat.postMessage` 1 message/s per channel with short bursts, plus a workspace-wide limit of
 *   "several hundred messages per minute" (https://docs.slack.dev/reference/methods/chat.postMessage),
 *   taken as 600 per minute; `chat.update`, `chat.delete`, `conversations.history`, `conversations.open`
 *   are Tier 3, 50+ per minute per workspace (https://docs.slack.dev/apis/web-api/rate-limits).
 * - Teams: per bot per conversation 7 / 1 s, 8 / 2 s, 60 / 30 s, 1800 / 1 h; 50 requests/s per app per
 *   tenant, every request counted (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit;
 *   older versions of the page said 30).
 */

/** What a fan-out request does at the platform; a bucket counts the operations it lists. */
export type PacedOperation =
  /** A new message in a channel. */
  | 'post'
  /** A new direct message to a member (Slack: `conversations.open` + `chat.postMessage`). */
  | 'direct'
  /** An edit of a posted copy, or of a live delivery report. */
  | 'update'
  /** The deletion of a posted copy. */
  | 'delete'
  /** Looking for an earlier copy before posting again (Slack `conversations.history`). */
  | 'lookup';

/** Every operation: buckets that count all requests (Discord's global limit, Teams' per-tenant one). */
export const ALL_OPERATIONS: readonly PacedOperation[] = ['post', 'direct', 'update', 'delete', 'lookup'];

/**
 * Whose budget a bucket is: one target (a channel, or one member's direct messages), one workspace (Slack
 * team, Discord guild, Teams tenant), or the whole app (the bot, across every workspace).
 */
export type PaceScope = 'target' | 'workspace' | 'app';

/** "At most these many requests per sliding window", for the operations listed, per scope. */
export interface PaceBucket {
  /** Part of the pacing key in Redis: keep it stable across versions. */
  name: string;
  scope: PaceScope;
  ops: readonly PacedOperation[];
  rules: readonly WindowRule[];
}

/** One platform's limits as the fan-out keeps them. */
export interface PlatformLimits {
  /** Every bucket a request may count toward; none means no pacing at all. */
  buckets: readonly PaceBucket[];
  /**
   * Jobs of this platform's queue running at once in one process. Jobs are I/O-bound and paced jobs wait
   * for their slot inside the handler, so this is well above what one window lets through at once.
   */
  concurrency: number;
}

/** A target of the fan-out, as the pacing keys see it. */
export interface PaceTarget {
  platform: Platform;
  workspaceExternalId: string;
  kind: 'channel' | 'direct';
  /** The channel id, or the member's platform user id for direct messages. */
  targetExternalId: string;
}

const TEAMS_PER_CONVERSATION: readonly WindowRule[] = [
  { max: 7, windowMs: 1000 },
  { max: 8, windowMs: 2000 },
  { max: 60, windowMs: 30_000 },
  { max: 1800, windowMs: 3_600_000 },
];

/** Slack's Tier 3: 50 requests per minute per method and workspace. */
const SLACK_TIER_3: readonly WindowRule[] = [{ max: 50, windowMs: 60_000 }];

/** Production limits. */
export const PLATFORM_LIMITS: Readonly<Record<Platform, PlatformLimits>> = {
  discord: {
    buckets: [{ name: 'global', scope: 'app', ops: ALL_OPERATIONS, rules: [{ max: 50, windowMs: 1000 }] }],
    // A whole window's 50 requests in flight at once.
    concurrency: 64,
  },
  slack: {
    buckets: [
      { name: 'post', scope: 'target', ops: ['post', 'direct'], rules: [{ max: 1, windowMs: 1000 }] },
      { name: 'post', scope: 'workspace', ops: ['post', 'direct'], rules: [{ max: 600, windowMs: 60_000 }] },
      { name: 'open', scope: 'workspace', ops: ['direct'], rules: SLACK_TIER_3 },
      { name: 'update', scope: 'workspace', ops: ['update'], rules: SLACK_TIER_3 },
      { name: 'delete', scope: 'workspace', ops: ['delete'], rules: SLACK_TIER_3 },
      { name: 'history', scope: 'workspace', ops: ['lookup'], rules: SLACK_TIER_3 },
    ],
    // Up to 600 posts may leave at once (the workspace's minute): enough jobs in flight to send them (the
    // WebClient itself sends at most 100 at a time).
    concurrency: 100,
  },
  teams: {
    buckets: [
      // Counted for every request to the conversation: the page lists sends, and "all requests are subject
      // to the same rate limiting policy".
      { name: 'conversation', scope: 'target', ops: ALL_OPERATIONS, rules: TEAMS_PER_CONVERSATION },
      { name: 'tenant', scope: 'workspace', ops: ALL_OPERATIONS, rules: [{ max: 50, windowMs: 1000 }] },
    ],
    // A whole window's 50 requests in flight at once.
    concurrency: 64,
  },
  // Kring's own web community: no platform in between, nothing to pace.
  web: { buckets: [], concurrency: 32 },
};

/** No limits at all: the pipeline-ceiling benchmark and tests that are not about pacing. */
export function unlimited(concurrency = 32): Record<Platform, PlatformLimits> {
  return {
    discord: { buckets: [], concurrency },
    slack: { buckets: [], concurrency },
    teams: { buckets: [], concurrency },
    web: { buckets: [], concurrency },
  };
}

/** The pacing key of one bucket for a target: `<platform>:<bucket>:<scope key>`. */
export function bucketKey(bucket: PaceBucket, target: PaceTarget): string {
  switch (bucket.scope) {
    case 'target':
      return `${target.platform}:${bucket.name}:${target.workspaceExternalId}:${target.kind}:${target.targetExternalId}`;
    case 'workspace':
      return `${target.platform}:${bucket.name}:${target.workspaceExternalId}`;
    case 'app':
      return `${target.platform}:${bucket.name}`;
  }
}

const SCOPE_ORDER: Record<PaceScope, number> = { target: 0, workspace: 1, app: 2 };

/**
 * The pacing request of one request (`op`) to a target: a slot in every bucket that counts the operation,
 * held by `holder`, its keys ordered from the narrowest scope to the widest (the last one is shared by the
 * most requests). Undefined when no bucket counts it (the request is not paced).
 */
export function paceRequest(limits: Readonly<Record<Platform, PlatformLimits>>, target: PaceTarget, op: PacedOperation, holder: string): PaceRequest | undefined {
  const keys = limits[target.platform].buckets
    .filter((b) => b.ops.includes(op))
    .sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope])
    .map((b) => ({ key: bucketKey(b, target), rules: b.rules }));
  return keys.length === 0 ? undefined : { holder, keys };
}
