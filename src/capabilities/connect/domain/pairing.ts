/**
 * Pairing for introduction rounds (what Donut does for Slack, across platforms): every opted-in member is
 * put in a group of two, and one group of three when the count is odd. Pure and deterministic for a given
 * `random`, so rounds can be replayed in tests and the benchmark.
 *
 * Rules, in order of weight:
 * 1. Everyone is in exactly one group; groups have two members, one has three only for an odd count.
 * 2. No two members who met in one of the rounds to avoid (`recent`) are grouped again, whenever the
 *    members allow it. With `n` members of whom nobody has more than `d` recent partners, a repeat-free
 *    round always exists when `n - 1 - d >= n / 2` (Dirac's condition on the graph of allowed pairs), and
 *    the repair step below always finds it then; a trio needs `(n - 1) / 2 > d` on top.
 * 3. Members who share a platform are preferred (they can mention each other), and with `preferChapter`
 *    (rounds meant to meet in person) members of the same chapter come first.
 *
 * Greedy with bounded look-ups per pool, then 2-opt repair of the pairs that had to repeat: O(n) for a
 * round in practice (10,000 members in well under a second, see bench/connect-pairing.bench.ts).
 */

/** One member to pair. */
export interface PairingCandidate {
  id: string;
  /** Platforms the member can be reached on, the preferred one first. */
  platforms: readonly string[];
  chapterId: string | null;
}

export interface PairingOptions {
  /** {@link pairKey}s of members grouped together in the rounds to avoid. */
  recent: ReadonlySet<string>;
  /** Prefer members of the same chapter (rounds meant for meeting in person). */
  preferChapter?: boolean;
  /** Uniform numbers in [0, 1); default Math.random. */
  random?: () => number;
}

export interface PairingResult {
  /** Groups of member ids: pairs, and one trio for an odd count. */
  groups: string[][];
  /** A lone member (fewer than two candidates); never set when there are two or more. */
  unpaired: string[];
  /** Pairs inside the groups that met in a recent round (only when the members left no other way). */
  repeats: number;
}

/** The key of a pair, the same in either order. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Every pair key inside a group (one for a pair, three for a trio). */
export function groupPairKeys(group: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) keys.push(pairKey(group[i]!, group[j]!));
  return keys;
}

/** How many candidates of one pool a search looks at before it tries a wider pool. */
const SCAN_LIMIT = 64;

/**
 * A pool of candidate indexes in random order, with lazy removal: matched entries are dropped when a scan
 * meets them, so a member may sit in several pools (each platform, its chapter) at no extra cost.
 */
class Pool {
  readonly items: number[] = [];

  /** The first allowed unmatched index from the end, looking at most `limit` live entries; -1 when none. */
  find(self: number, matched: Uint8Array, allowed: (other: number) => boolean, limit: number): number {
    let looked = 0;
    for (let i = this.items.length - 1; i >= 0 && looked < limit; i--) {
      const other = this.items[i]!;
      if (matched[other] === 1) {
        // Swap-remove: order inside a pool is already random.
        this.items[i] = this.items[this.items.length - 1]!;
        this.items.pop();
        continue;
      }
      if (other === self) continue;
      looked++;
      if (allowed(other)) return other;
    }
    return -1;
  }
}

/** Pairs `candidates` (see the module comment for the rules). */
export function pairMembers(candidates: readonly PairingCandidate[], options: PairingOptions): PairingResult {
  const random = options.random ?? Math.random;
  const n = candidates.length;
  if (n < 2) return { groups: [], unpaired: candidates.map((c) => c.id), repeats: 0 };

  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    random,
  );
  const ids = candidates.map((c) => c.id);
  const recent = options.recent;
  const isAllowed = (a: number, b: number) => recent.size === 0 || !recent.has(pairKey(ids[a]!, ids[b]!));
  const preferChapter = options.preferChapter === true;

  // An odd count: one member joins a pair at the end, making the one trio.
  const odd = n % 2 === 1 ? order.pop()! : -1;

  const pools = new Map<string, Pool>();
  const poolOf = (key: string): Pool => {
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = new Pool()));
    return pool;
  };
  /** The pool keys a member is searched in, most preferred first; the last is everyone. */
  const levels = (i: number): string[] => {
    const c = candidates[i]!;
    const keys: string[] = [];
    const chapter = preferChapter && c.chapterId !== null ? c.chapterId : null;
    if (chapter !== null) for (const p of c.platforms) keys.push(`cp\u0000${chapter}\u0000${p}`);
    if (chapter !== null) keys.push(`c\u0000${chapter}`);
    for (const p of c.platforms) keys.push(`p\u0000${p}`);
    keys.push('*');
    return keys;
  };
  const memberLevels = new Array<string[]>(n);
  for (const i of order) {
    memberLevels[i] = levels(i);
    for (const key of memberLevels[i]!) poolOf(key).items.push(i);
  }

  const matched = new Uint8Array(n);
  if (odd >= 0) matched[odd] = 1;
  const pairs: [number, number][] = [];
  const forced: number[] = [];
  const everyone = poolOf('*');

  for (const u of order) {
    if (matched[u] === 1) continue;
    matched[u] = 1;
    const allowed = (v: number) => isAllowed(u, v);
    let partner = -1;
    for (const key of memberLevels[u]!) {
      partner = pools.get(key)!.find(u, matched, allowed, SCAN_LIMIT);
      if (partner >= 0) break;
    }
    // The bounded scans missed: look at everyone left, then take anyone (a repeat the repair may undo).
    if (partner < 0) partner = everyone.find(u, matched, allowed, Number.POSITIVE_INFINITY);
    if (partner < 0) {
      partner = everyone.find(u, matched, () => true, Number.POSITIVE_INFINITY);
      forced.push(pairs.length);
    }
    matched[partner] = 1;
    pairs.push([u, partner]);
  }

  // 2-opt repair: (u, v) repeats; find (a, b) such that (u, a) + (v, b) or (u, b) + (v, a) are both new.
  for (const index of forced) {
    const [u, v] = pairs[index]!;
    if (isAllowed(u, v)) continue;
    const start = Math.floor(random() * pairs.length);
    for (let k = 0; k < pairs.length; k++) {
      const j = (start + k) % pairs.length;
      if (j === index) continue;
      const [a, b] = pairs[j]!;
      if (!isAllowed(a, b)) continue;
      if (isAllowed(u, a) && isAllowed(v, b)) {
        pairs[index] = [u, a];
        pairs[j] = [v, b];
        break;
      }
      if (isAllowed(u, b) && isAllowed(v, a)) {
        pairs[index] = [u, b];
        pairs[j] = [v, a];
        break;
      }
    }
  }

  const groups: number[][] = pairs.map((p) => [...p]);
  if (odd >= 0) {
    // The pair the odd member joins: fewest repeats first, then shared platforms (and chapter).
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    const start = Math.floor(random() * groups.length);
    for (let k = 0; k < groups.length; k++) {
      const j = (start + k) % groups.length;
      const [a, b] = groups[j]!;
      const repeats = Number(!isAllowed(odd, a!)) + Number(!isAllowed(odd, b!));
      const score = -repeats * 100 + affinity(candidates, odd, a!, preferChapter) + affinity(candidates, odd, b!, preferChapter);
      if (score > bestScore) {
        best = j;
        bestScore = score;
        if (repeats === 0 && score >= 2 * maxAffinity(preferChapter)) break;
      }
    }
    groups[best]!.push(odd);
  }

  let repeats = 0;
  for (const g of groups) {
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) if (!isAllowed(g[i]!, g[j]!)) repeats++;
  }
  return { groups: groups.map((g) => g.map((i) => ids[i]!)), unpaired: [], repeats };
}

/** How well two members fit: a shared platform counts 1, the same chapter 2 (when chapters matter). */
function affinity(candidates: readonly PairingCandidate[], a: number, b: number, preferChapter: boolean): number {
  const x = candidates[a]!;
  const y = candidates[b]!;
  const platform = x.platforms.some((p) => y.platforms.includes(p)) ? 1 : 0;
  const chapter = preferChapter && x.chapterId !== null && x.chapterId === y.chapterId ? 2 : 0;
  return platform + chapter;
}

function maxAffinity(preferChapter: boolean): number {
  return preferChapter ? 3 : 1;
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A small seeded generator (mulberry32) for reproducible rounds. */
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
