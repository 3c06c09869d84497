import type { MemberStats } from '../ports.js';

/**
 * The ambassador score: transparent, three parts, each shown to the manager with its inputs.
 * - helping (weight 0.5): replies in threads, relative to the most helpful member of the period;
 * - appreciation (0.25): reactions received, relative to the most appreciated member;
 * - consistency (0.25): share of the period's weeks in which the member was active at all.
 * A member who writes a lot but never helps others or comes back scores low on purpose.
 */
export const AMBASSADOR_WEIGHTS = { helping: 0.5, appreciation: 0.25, consistency: 0.25 } as const;

export interface AmbassadorCandidate {
  memberId: string;
  name: string;
  chapterId: string | null;
  alreadyAmbassador: boolean;
  /** 0-100. */
  score: number;
  parts: {
    helping: { replies: number; points: number };
    appreciation: { reactionsReceived: number; points: number };
    consistency: { activeWeeks: number; weeks: number; points: number };
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Scores members and returns the best `limit`, highest first (ties: more replies, then name). Members
 * with no replies at all are not candidates: helping others is what makes an ambassador.
 */
export function rankAmbassadors(stats: readonly MemberStats[], weeks: number, limit = 5): AmbassadorCandidate[] {
  const eligible = stats.filter((s) => s.replies > 0);
  const maxReplies = Math.max(1, ...eligible.map((s) => s.replies));
  const maxReactions = Math.max(1, ...eligible.map((s) => s.reactionsReceived));
  const w = AMBASSADOR_WEIGHTS;
  const span = Math.max(1, weeks);
  return eligible
    .map((s) => {
      const helping = (100 * w.helping * s.replies) / maxReplies;
      const appreciation = (100 * w.appreciation * s.reactionsReceived) / maxReactions;
      const consistency = (100 * w.consistency * Math.min(s.activeWeeks, span)) / span;
      return {
        memberId: s.memberId,
        name: s.name,
        chapterId: s.chapterId,
        alreadyAmbassador: s.roles.includes('ambassador'),
        score: round1(helping + appreciation + consistency),
        parts: {
          helping: { replies: s.replies, points: round1(helping) },
          appreciation: { reactionsReceived: s.reactionsReceived, points: round1(appreciation) },
          consistency: { activeWeeks: Math.min(s.activeWeeks, span), weeks: span, points: round1(consistency) },
        },
      };
    })
    .sort((a, b) => b.score - a.score || b.parts.helping.replies - a.parts.helping.replies || a.name.localeCompare(b.name))
    .slice(0, limit);
}
