/**
 * The panel draw: a stratified random sample. Candidates fall into strata (the combination of their
 * chapter and the member import's columns, e.g. age group and membership type); each stratum gets seats
 * in proportion to its share of the candidates (largest-remainder method, in whole numbers, so the seats
 * add up to the panel's size exactly), then that many of its members are drawn at random. The random
 * numbers come from a seeded generator: the same candidates, size and seed give the same panel, so a
 * draw can be explained and repeated.
 */

/** One member who may be drawn, with the values that place them in a stratum (null: not known). */
export interface DrawCandidate {
  memberId: string;
  /** In a fixed order, e.g. `[chapter, age group, membership type]`. */
  strata: readonly (string | null)[];
}

/** A stratum's share of the panel. */
export interface StratumAllocation {
  /** The stratum's values joined for people (`Utrecht / 18-30 / -`). */
  label: string;
  /** Candidates in it. */
  pool: number;
  /** Seats it gets. */
  seats: number;
}

/** The outcome of a draw: who, from which stratum, and each stratum's share. */
export interface PanelDrawResult {
  drawn: { memberId: string; stratum: string }[];
  /** Every stratum with candidates, largest pool first (then by label). */
  allocation: StratumAllocation[];
}

/** The draw cannot be made: no size, or more seats than candidates. */
export class PanelDrawError extends Error {
  constructor(
    readonly reason: 'bad-size' | 'too-few',
    readonly size: number,
    readonly available: number,
  ) {
    super(reason === 'too-few' ? `a panel of ${size} needs ${size} candidates; there are ${available}` : `a panel needs a size of at least 1, not ${size}`);
  }
}

/** What stands for an unknown value in a stratum's label. */
export const UNKNOWN_STRATUM_VALUE = '-';

/** A stratum's label: its values joined with ` / `, an unknown value as `-`. */
export function stratumLabel(values: readonly (string | null)[]): string {
  return values.map((v) => (v === null || v.trim() === '' ? UNKNOWN_STRATUM_VALUE : v.trim())).join(' / ');
}

/**
 * Mulberry32: a small, fast 32-bit generator with a good spread for sampling (not for secrets). Returns
 * numbers in [0, 1); the same seed gives the same sequence on every machine.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seats per stratum in proportion to the pools, by the largest-remainder (Hamilton) method: each stratum
 * gets the whole part of its quota `size * pool / total`, and the seats left over go to the largest
 * remainders. Remainders are compared exactly (integers: `size * pool mod total`); equal remainders are
 * ordered by `tieBreak` (lower first), so no stratum wins ties by its name. A stratum never gets more
 * seats than it has candidates. `size` must be between 0 and the total.
 */
export function allocateSeats(pools: readonly number[], size: number, tieBreak: readonly number[]): number[] {
  const total = pools.reduce((a, b) => a + b, 0);
  if (total === 0) return pools.map(() => 0);
  const seats = pools.map((pool) => Math.floor((size * pool) / total));
  let left = size - seats.reduce((a, b) => a + b, 0);
  const order = pools
    .map((pool, i) => ({ i, remainder: (size * pool) % total, tie: tieBreak[i] ?? 0 }))
    .sort((a, b) => b.remainder - a.remainder || a.tie - b.tie || a.i - b.i);
  for (const { i, remainder } of order) {
    if (left === 0) break;
    if (remainder === 0) continue;
    seats[i]! += 1;
    left--;
  }
  return seats;
}

/**
 * Draws a panel of `size` from `candidates`, balanced over their strata (see the module comment).
 * Candidates are put in member-id order first, so the order they arrive in does not change the panel.
 * @throws PanelDrawError when `size` is not a whole number of at least 1, or exceeds the candidates.
 */
export function drawPanel(candidates: readonly DrawCandidate[], size: number, seed: number): PanelDrawResult {
  if (!Number.isInteger(size) || size < 1) throw new PanelDrawError('bad-size', size, candidates.length);
  const unique = [...new Map(candidates.map((c) => [c.memberId, c])).values()].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  if (size > unique.length) throw new PanelDrawError('too-few', size, unique.length);
  const byStratum = new Map<string, string[]>();
  for (const c of unique) {
    const label = stratumLabel(c.strata);
    byStratum.set(label, [...(byStratum.get(label) ?? []), c.memberId]);
  }
  const strata = [...byStratum.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const random = seededRandom(seed);
  const tieBreak = strata.map(() => random());
  const seats = allocateSeats(strata.map(([, ids]) => ids.length), size, tieBreak);
  const drawn: PanelDrawResult['drawn'] = [];
  strata.forEach(([label, ids], i) => {
    // A partial Fisher–Yates shuffle: the first `seats[i]` places are a uniform sample of the stratum.
    const pool = [...ids];
    const take = seats[i]!;
    for (let k = 0; k < take; k++) {
      const j = k + Math.floor(random() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      drawn.push({ memberId: pool[k]!, stratum: label });
    }
  });
  const allocation = strata
    .map(([label, ids], i) => ({ label, pool: ids.length, seats: seats[i]! }))
    .sort((a, b) => b.pool - a.pool || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { drawn, allocation };
}
