import type { Platform } from './types.js';
import type { PaceRequest, WindowRule } from './ports/pacer.js';

/**
 * How fast the fan-out may talk to each platform (../shared/PLATFORMS.md):
 * - Discord: 50 requests/s per bot, globally -> the BullMQ limiter of `fanout-discord` (job intake, shared
 *   by every worker process) and a global send-time pace (the limiter counts job starts in fixed windows,
 *   Discord counts requests in a sliding one). Per-route buckets come from response headers and are not
 *   hard-coded: a 429 pauses the queue for its Retry-After.
 * - Slack: chat.postMessage about 1 message/s per channel -> paced per channel. The workspace-wide cap is
 *   not published; a 429 pauses the queue for its Retry-After. The queue cap keeps bursts sane.
 * - Teams: per bot per conversation 7 messages/1 s, 8/2 s, 60/30 s, 1800/h -> paced per conversation; about
 *   30–50 requests/s per app per tenant -> the queue cap takes the low end.
 */
export interface PlatformLimits {
  /** Jobs started per window on the platform's queue, across processes (BullMQ limiter). */
  queue?: { max: number; durationMs: number };
  /** Sends per window to one channel (or one member's direct messages). */
  perTarget: readonly WindowRule[];
  /** Requests per window across every target of the platform, counted where they are sent (sliding). */
  global: readonly WindowRule[];
  /**
   * Jobs of this platform's queue running at once in one process. Jobs are I/O-bound and paced jobs wait
   * for their slot inside the handler, so this is well above the platform's per-second rate.
   */
  concurrency: number;
}

/** Production limits. */
export const PLATFORM_LIMITS: Readonly<Record<Platform, PlatformLimits>> = {
  discord: { queue: { max: 50, durationMs: 1000 }, perTarget: [], global: [{ max: 50, windowMs: 1000 }], concurrency: 32 },
  slack: { queue: { max: 50, durationMs: 1000 }, perTarget: [{ max: 1, windowMs: 1000 }], global: [], concurrency: 48 },
  teams: {
    queue: { max: 30, durationMs: 1000 },
    perTarget: [
      { max: 7, windowMs: 1000 },
      { max: 8, windowMs: 2000 },
      { max: 60, windowMs: 30_000 },
      { max: 1800, windowMs: 3_600_000 },
    ],
    global: [],
    concurrency: 48,
  },
};

/** No limits at all: the pipeline-ceiling benchmark and tests that are not about pacing. */
export function unlimited(concurrency = 32): Record<Platform, PlatformLimits> {
  return {
    discord: { perTarget: [], global: [], concurrency },
    slack: { perTarget: [], global: [], concurrency },
    teams: { perTarget: [], global: [], concurrency },
  };
}

/** The pacing key of a delivery's target: its channel, or the member's direct messages. */
export function paceKey(d: { platform: Platform; workspaceExternalId: string; kind: 'channel' | 'direct'; targetExternalId: string }): string {
  return `${d.platform}:${d.workspaceExternalId}:${d.kind}:${d.targetExternalId}`;
}

/** The planning request of one job on a target (per-target rules only), or undefined when there are none. */
export function paceRequest(limits: Readonly<Record<Platform, PlatformLimits>>, platform: Platform, key: string, holder: string): PaceRequest | undefined {
  const rules = limits[platform].perTarget;
  return rules.length === 0 ? undefined : { holder, keys: [{ key, rules }] };
}

/** The send-time request of one request to a target: its per-target and the platform's global rules. */
export function sendRequest(limits: Readonly<Record<Platform, PlatformLimits>>, platform: Platform, key: string | undefined, holder: string): PaceRequest | undefined {
  const { perTarget, global } = limits[platform];
  const keys = [
    ...(key !== undefined && perTarget.length > 0 ? [{ key, rules: perTarget }] : []),
    ...(global.length > 0 ? [{ key: `${platform}:global`, rules: global }] : []),
  ];
  return keys.length === 0 ? undefined : { holder, keys };
}
