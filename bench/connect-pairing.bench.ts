/**
 * Introduction rounds (issue 13): how long pairing takes for a round of 10,000 opted-in members, the goal
 * being under a second. Pure CPU (src/capabilities/connect/domain/pairing.ts), no database: members on
 * three platforms in 40 chapters, rounds run one after another, each avoiding the pairs of the previous 4
 * rounds (what a program does), with and without preferring the chapter. Prints the median and worst round
 * time after a warm-up, and the repeats (pairs of recent rounds made again; the goal is none).
 *
 *   npx tsx bench/connect-pairing.bench.ts [members=10000] [rounds=12]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { groupPairKeys, pairMembers, seededRandom, type PairingCandidate } from '../src/capabilities/connect/domain/pairing.js';

const members = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 12);
const AVOID = 4;
const PLATFORMS = ['slack', 'discord', 'teams'];

function candidates(n: number, random: () => number): PairingCandidate[] {
  return Array.from({ length: n }, (_, i) => {
    const platforms = [PLATFORMS[Math.floor(random() * 3)]!];
    // One in ten is on two platforms.
    if (random() < 0.1) platforms.push(PLATFORMS[(PLATFORMS.indexOf(platforms[0]!) + 1) % 3]!);
    return { id: `member-${i.toString().padStart(6, '0')}`, platforms, chapterId: `chapter-${Math.floor(random() * 40)}` };
  });
}

function run(preferChapter: boolean): { median: number; worst: number; repeats: number; trios: number } {
  const list = candidates(members, seededRandom(7));
  const history: string[][] = [];
  const times: number[] = [];
  let repeats = 0;
  let trios = 0;
  for (let r = 0; r < rounds + 2; r++) {
    const recent = new Set(history.slice(-AVOID).flat());
    const start = performance.now();
    const result = pairMembers(list, { recent, preferChapter, random: seededRandom(100 + r) });
    const ms = performance.now() - start;
    history.push(result.groups.flatMap(groupPairKeys));
    // The first two rounds warm the JIT up.
    if (r >= 2) {
      times.push(ms);
      repeats += result.repeats;
      trios += result.groups.filter((g) => g.length === 3).length;
    }
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, worst: times[times.length - 1]!, repeats, trios };
}

console.log(`connect pairing: ${members} members, ${rounds} rounds (after 2 warm-up rounds), avoiding the last ${AVOID} rounds`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const preferChapter of [false, true]) {
  const { median, worst, repeats, trios } = run(preferChapter);
  const goal = worst < 1000 ? 'met' : 'NOT met';
  console.log(`  prefer chapter ${preferChapter ? 'yes' : 'no '}: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms per round (goal < 1000 ms: ${goal}); repeats ${repeats}; trios ${trios} over ${rounds} rounds`);
}
