import type { MemberStats } from '../ports.js';

/**
 * The ambassador score: transparent, four parts, each shown to the manager with its inputs.
 * - helping (weight 0.4): replies in threads, relative to the most helpful member of the period;
 * - appreciation (0.2): reactions received, relative to the most appreciated member;
 * - consistency (0.2): share of the period's weeks in which the member was active at all;
 * - turning up (0.2): meet-ups checked in at, relative to the member who came to most.
 * A member who writes a lot but never helps others or comes back scores low on purpose.
 */
export const AMBASSADOR_WEIGHTS = { helping: 0.4, appreciation: 0.2, consistency: 0.2, turningUp: 0.2 } as const;

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
    turningUp: { meetupsAttended: number; points: number };
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
  const maxMeetups = Math.max(1, ...eligible.map((s) => s.meetupsAttended));
  const w = AMBASSADOR_WEIGHTS;
  const span = Math.max(1, weeks);
  return eligible
    .map((s) => {
      const helping = (100 * w.helping * s.replies) / maxReplies;
      const appreciation = (100 * w.appreciation * s.reactionsReceived) / maxReactions;
      const consistency = (100 * w.consistency * Math.min(s.activeWeeks, span)) / span;
      const turningUp = (100 * w.turningUp * s.meetupsAttended) / maxMeetups;
      return {
        memberId: s.memberId,
        name: s.name,
        chapterId: s.chapterId,
        alreadyAmbassador: s.roles.includes('ambassador'),
        score: round1(helping + appreciation + consistency + turningUp),
        parts: {
          helping: { replies: s.replies, points: round1(helping) },
          appreciation: { reactionsReceived: s.reactionsReceived, points: round1(appreciation) },
          consistency: { activeWeeks: Math.min(s.activeWeeks, span), weeks: span, points: round1(consistency) },
          turningUp: { meetupsAttended: s.meetupsAttended, points: round1(turningUp) },
        },
      };
    })
    .sort((a, b) => b.score - a.score || b.parts.helping.replies - a.parts.helping.replies || a.name.localeCompare(b.name))
    .slice(0, limit);
}
