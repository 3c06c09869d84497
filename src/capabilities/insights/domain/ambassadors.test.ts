import { describe, expect, it } from 'vitest';
import { rankAmbassadors } from './ambassadors.js';
import type { MemberStats } from '../ports.js';

const stats = (name: string, replies: number, reactionsReceived: number, activeWeeks: number, roles: string[] = ['member']): MemberStats => ({
  memberId: name,
  name,
  chapterId: null,
  roles,
  replies,
  reactionsReceived,
  activeWeeks,
  messages: 10,
});

describe(rankAmbassadors.name, () => {
  it('shows each part of the score with its inputs', () => {
    const [top] = rankAmbassadors([stats('Anne', 20, 10, 4), stats('Bram', 10, 0, 2)], 4);
    expect(top).toEqual({
      memberId: 'Anne',
      name: 'Anne',
      chapterId: null,
      alreadyAmbassador: false,
      score: 100,
      parts: {
        helping: { replies: 20, points: 50 },
        appreciation: { reactionsReceived: 10, points: 25 },
        consistency: { activeWeeks: 4, weeks: 4, points: 25 },
      },
    });
  });

  it('ranks helping others above talking a lot, and leaves out who never replied', () => {
    const ranked = rankAmbassadors([stats('Talker', 0, 0, 4), stats('Helper', 8, 0, 1), stats('Steady', 4, 0, 4, ['member', 'ambassador'])], 4);
    expect(ranked.map((r) => [r.name, r.score, r.alreadyAmbassador])).toEqual([
      ['Helper', 56.3, false],
      ['Steady', 50, true],
    ]);
  });

  it('returns at most `limit` candidates', () => {
    expect(rankAmbassadors(Array.from({ length: 9 }, (_, i) => stats(`M${i}`, i + 1, 0, 1)), 2, 3)).toHaveLength(3);
  });
});
