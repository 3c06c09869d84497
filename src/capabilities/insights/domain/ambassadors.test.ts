import { describe, expect, it } from 'vitest';
import { rankAmbassadors } from './ambassadors.js';
import type { MemberStats } from '../ports.js';

const stats = (name: string, replies: number, reactionsReceived: number, activeWeeks: number, roles: string[] = ['member'], meetupsAttended = 0): MemberStats => ({
  memberId: name,
  name,
  chapterId: null,
  roles,
  replies,
  reactionsReceived,
  activeWeeks,
  messages: 10,
  meetupsAttended,
});

describe(rankAmbassadors.name, () => {
  it('shows each part of the score with its inputs', () => {
    const [top] = rankAmbassadors([stats('Anne', 20, 10, 4, ['member'], 2), stats('Bram', 10, 0, 2, ['member'], 1)], 4);
    expect(top).toEqual({
      memberId: 'Anne',
      name: 'Anne',
      chapterId: null,
      alreadyAmbassador: false,
      score: 100,
      parts: {
        helping: { replies: 20, points: 40 },
        appreciation: { reactionsReceived: 10, points: 20 },
        consistency: { activeWeeks: 4, weeks: 4, points: 20 },
        turningUp: { meetupsAttended: 2, points: 20 },
      },
    });
  });

  it('ranks helping others above talking a lot, and leaves out who never replied', () => {
    const ranked = rankAmbassadors([stats('Talker', 0, 0, 4), stats('Helper', 8, 0, 1), stats('Steady', 4, 0, 4, ['member', 'ambassador'])], 4);
    expect(ranked.map((r) => [r.name, r.score, r.alreadyAmbassador])).toEqual([
      ['Helper', 45, false],
      ['Steady', 40, true],
    ]);
  });

  it('counts turning up at meet-ups: a steady helper who comes to them passes one who does not', () => {
    const ranked = rankAmbassadors([stats('Helper', 8, 0, 1), stats('Steady', 4, 0, 4, ['member'], 3), stats('Once', 4, 0, 4, ['member'], 1)], 4);
    expect(ranked.map((r) => [r.name, r.score, r.parts.turningUp])).toEqual([
      ['Steady', 60, { meetupsAttended: 3, points: 20 }],
      ['Once', 46.7, { meetupsAttended: 1, points: 6.7 }],
      ['Helper', 45, { meetupsAttended: 0, points: 0 }],
    ]);
  });

  it('returns at most `limit` candidates', () => {
    expect(rankAmbassadors(Array.from({ length: 9 }, (_, i) => stats(`M${i}`, i + 1, 0, 1)), 2, 3)).toHaveLength(3);
  });
});
