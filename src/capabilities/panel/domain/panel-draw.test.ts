import { describe, expect, it } from 'vitest';
import { allocateSeats, drawPanel, PanelDrawError, seededRandom, stratumLabel, type DrawCandidate } from './panel-draw.js';

/** `n` candidates in a stratum; ids say where they come from, so a test can count per stratum. */
function pool(prefix: string, n: number, strata: (string | null)[]): DrawCandidate[] {
  return Array.from({ length: n }, (_, i) => ({ memberId: `${prefix}-${String(i).padStart(3, '0')}`, strata }));
}

const countBy = (ids: readonly string[]) => ids.reduce<Record<string, number>>((acc, id) => ({ ...acc, [id.split('-')[0]!]: (acc[id.split('-')[0]!] ?? 0) + 1 }), {});

describe(allocateSeats.name, () => {
  it('gives each stratum its whole quota and the seats left over to the largest remainders', () => {
    // Quotas 1.5, 1.2 and 0.3 of 3 seats: whole parts 1 and 1, the last seat to the remainder 0.5.
    expect(allocateSeats([5, 4, 1], 3, [0, 0, 0])).toEqual([2, 1, 0]);
    // Quotas 6 and 4: exactly proportional, nothing left over.
    expect(allocateSeats([60, 40], 10, [0, 0])).toEqual([6, 4]);
  });

  it('breaks equal remainders by the tie-break order, not by the strata order', () => {
    // Quotas 0.5 and 0.5 of 1 seat: it goes to the stratum with the lower tie-break number.
    expect(allocateSeats([1, 1], 1, [0.9, 0.1])).toEqual([0, 1]);
    expect(allocateSeats([1, 1], 1, [0.1, 0.9])).toEqual([1, 0]);
  });

  it('always adds up to the size and never gives a stratum more than its pool', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const pools = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 12));
      const total = pools.reduce((a, b) => a + b, 0);
      const size = Math.floor(random() * (total + 1));
      const seats = allocateSeats(pools, size, pools.map(() => random()));
      expect(seats.reduce((a, b) => a + b, 0)).toBe(total === 0 ? 0 : size);
      seats.forEach((s, i) => expect(s).toBeLessThanOrEqual(pools[i]!));
    }
  });
});

describe(drawPanel.name, () => {
  const candidates = [
    ...pool('utrecht18', 30, ['Utrecht', '18-30']),
    ...pool('utrecht31', 30, ['Utrecht', '31-65']),
    ...pool('zwolle18', 20, ['Zwolle', '18-30']),
    ...pool('zwolle31', 20, ['Zwolle', null]),
  ];

  it('draws each stratum in proportion to its share of the candidates', () => {
    const sut = drawPanel(candidates, 10, 42);

    expect(sut.drawn).toHaveLength(10);
    expect(new Set(sut.drawn.map((d) => d.memberId)).size).toBe(10);
    expect(countBy(sut.drawn.map((d) => d.memberId))).toEqual({ utrecht18: 3, utrecht31: 3, zwolle18: 2, zwolle31: 2 });
    expect(sut.allocation).toEqual([
      { label: 'Utrecht / 18-30', pool: 30, seats: 3 },
      { label: 'Utrecht / 31-65', pool: 30, seats: 3 },
      { label: 'Zwolle / -', pool: 20, seats: 2 },
      { label: 'Zwolle / 18-30', pool: 20, seats: 2 },
    ]);
    // Every drawn member is labelled with the stratum they were drawn from.
    for (const d of sut.drawn) expect(d.stratum).toBe(stratumLabel(candidates.find((c) => c.memberId === d.memberId)!.strata));
  });

  it('gives the same panel for the same seed, whatever order the candidates come in, and another for another seed', () => {
    const first = drawPanel(candidates, 10, 42).drawn.map((d) => d.memberId).sort();
    const again = drawPanel([...candidates].reverse(), 10, 42).drawn.map((d) => d.memberId).sort();
    const other = drawPanel(candidates, 10, 43).drawn.map((d) => d.memberId).sort();

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(countBy(other)).toEqual(countBy(first));
  });

  it('draws every member of a stratum about equally often', () => {
    const small = pool('a', 4, ['A']);
    const times = new Map<string, number>();
    for (let seed = 1; seed <= 4000; seed++) for (const d of drawPanel(small, 1, seed).drawn) times.set(d.memberId, (times.get(d.memberId) ?? 0) + 1);

    // 1,000 expected each; a fair draw stays well within ±15 %.
    for (const c of small) expect(Math.abs((times.get(c.memberId) ?? 0) - 1000)).toBeLessThan(150);
  });

  it('takes everyone when the size is the number of candidates, and counts a candidate listed twice once', () => {
    const sut = drawPanel([...candidates, candidates[0]!], 100, 1);
    expect(sut.drawn.map((d) => d.memberId).sort()).toEqual(candidates.map((c) => c.memberId).sort());
  });

  it('refuses a size larger than the candidates, or one below 1, saying how many there are', () => {
    expect(() => drawPanel(candidates, 101, 1)).toThrow(PanelDrawError);
    try {
      drawPanel(candidates, 101, 1);
    } catch (err) {
      expect(err).toMatchObject({ reason: 'too-few', size: 101, available: 100 });
    }
    expect(() => drawPanel(candidates, 0, 1)).toThrow(expect.objectContaining({ reason: 'bad-size' }) as Error);
    expect(() => drawPanel(candidates, 2.5, 1)).toThrow(expect.objectContaining({ reason: 'bad-size' }) as Error);
  });
});
