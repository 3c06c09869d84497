import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupPairKeys, pairKey, pairMembers, seededRandom, type PairingCandidate } from './pairing.js';

const PLATFORMS = ['slack', 'discord', 'teams'] as const;

function candidates(n: number, platformOf: (i: number) => string[] = (i) => [PLATFORMS[i % 3]!], chapterOf: (i: number) => string | null = () => null): PairingCandidate[] {
  return Array.from({ length: n }, (_, i) => ({ id: `m${i}`, platforms: platformOf(i), chapterId: chapterOf(i) }));
}

/** Runs `rounds` consecutive rounds, each avoiding the pairs of the previous `avoid` rounds, as the service does. */
function simulate(members: PairingCandidate[], rounds: number, avoid: number, seed: number) {
  const history: string[][] = [];
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const recent = new Set(history.slice(-avoid).flat());
    const result = pairMembers(members, { recent, random: seededRandom(seed + r) });
    results.push({ result, recent });
    history.push(result.groups.flatMap(groupPairKeys));
  }
  return results;
}

describe(pairMembers.name, () => {
  it('puts everyone in exactly one group, in pairs, with one trio only for an odd count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer(), (n, seed) => {
        const { groups, unpaired } = pairMembers(candidates(n), { recent: new Set(), random: seededRandom(seed) });
        const seen = groups.flat();
        expect(unpaired).toEqual([]);
        expect(seen.length).toBe(n);
        expect(new Set(seen).size).toBe(n);
        const trios = groups.filter((g) => g.length === 3).length;
        expect(trios).toBe(n % 2);
        expect(groups.every((g) => g.length === 2 || g.length === 3)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('repeats no pair of the last rounds whenever the members allow it (property: n >= 4 × avoided rounds + 4)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((avoid) => fc.tuple(fc.constant(avoid), fc.integer({ min: 4 * avoid + 4, max: 120 }), fc.integer({ min: 1, max: 8 }), fc.integer())),
        ([avoid, n, rounds, seed]) => {
          for (const { result, recent } of simulate(candidates(n), rounds + avoid, avoid, seed)) {
            expect(result.repeats).toBe(0);
            for (const key of result.groups.flatMap(groupPairKeys)) expect(recent.has(key)).toBe(false);
            expect(result.groups.flat().length).toBe(n);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('repeats no pair under any history with few enough recent partners each (property: random histories)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 80 }), fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (n, seed, density) => {
        // Each member gets at most d = floor((n - 2) / 4) recent partners: Dirac's condition with room for the trio.
        const d = Math.floor((n - 2) / 4);
        const random = seededRandom(seed);
        const degree = new Array<number>(n).fill(0);
        const recent = new Set<string>();
        for (let a = 0; a < n; a++) {
          for (let b = a + 1; b < n; b++) {
            if (random() < density && degree[a]! < d && degree[b]! < d) {
              recent.add(pairKey(`m${a}`, `m${b}`));
              degree[a]!++;
              degree[b]!++;
            }
          }
        }
        const result = pairMembers(candidates(n), { recent, random: seededRandom(seed ^ 0x5bd1e995) });
        expect(result.repeats).toBe(0);
        expect(result.groups.flat().length).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('repeats only when nothing else is possible, and still groups everyone', () => {
    // Three members who all met last round: any grouping repeats.
    const members = candidates(3);
    const recent = new Set([pairKey('m0', 'm1'), pairKey('m0', 'm2'), pairKey('m1', 'm2')]);
    const result = pairMembers(members, { recent, random: seededRandom(1) });
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]).toHaveLength(3);
    expect(result.repeats).toBe(3);
  });

  it('prefers members who share a platform', () => {
    // Slack and Discord members alternate; with nothing to avoid, everyone meets someone on their own platform.
    const members = candidates(40, (i) => [i % 2 === 0 ? 'slack' : 'discord']);
    for (let seed = 0; seed < 20; seed++) {
      const { groups } = pairMembers(members, { recent: new Set(), random: seededRandom(seed) });
      const platformOf = new Map(members.map((m) => [m.id, m.platforms[0]]));
      for (const g of groups) expect(new Set(g.map((id) => platformOf.get(id))).size).toBe(1);
    }
  });

  it('prefers the same chapter for in-person rounds, then a shared platform', () => {
    const members = candidates(
      24,
      (i) => [i % 2 === 0 ? 'slack' : 'discord'],
      (i) => (i < 12 ? 'utrecht' : 'zwolle'),
    );
    const chapterOf = new Map(members.map((m) => [m.id, m.chapterId]));
    const platformOf = new Map(members.map((m) => [m.id, m.platforms[0]]));
    const { groups } = pairMembers(members, { recent: new Set(), preferChapter: true, random: seededRandom(7) });
    for (const g of groups) {
      expect(new Set(g.map((id) => chapterOf.get(id))).size).toBe(1);
      expect(new Set(g.map((id) => platformOf.get(id))).size).toBe(1);
    }
  });

  it('leaves a lone member unpaired, and pairs two', () => {
    expect(pairMembers(candidates(1), { recent: new Set() })).toEqual({ groups: [], unpaired: ['m0'], repeats: 0 });
    expect(pairMembers(candidates(2), { recent: new Set() }).groups.map((g) => [...g].sort())).toEqual([['m0', 'm1']]);
  });

  it('gives the same round for the same seed', () => {
    const members = candidates(50);
    const a = pairMembers(members, { recent: new Set(), random: seededRandom(42) });
    const b = pairMembers(members, { recent: new Set(), random: seededRandom(42) });
    expect(a).toEqual(b);
  });
});
