import { randomBytes, randomInt } from 'node:crypto';
import type { SealedBallot } from './assembly.js';
import type { BallotBox } from '../ports.js';

/** Crockford's base-32 alphabet: no I, L, O or U, so a receipt read aloud or typed is unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new receipt code: 80 random bits (node:crypto) as 16 base-32 characters in groups of four,
 * e.g. `7K2Q-9XMD-4TRB-H0PE`. Nobody can guess another voter's code.
 */
export function newReceipt(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Shuffles in place with node:crypto's uniform randomInt (Fisher–Yates). */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** {@link BallotBox} in this process's memory. A restart loses the ballots (the service notices at close). */
export class InMemoryBallotBox implements BallotBox {
  private readonly boxes = new Map<string, SealedBallot[]>();

  put(itemId: string, ballot: SealedBallot): void {
    const box = this.boxes.get(itemId) ?? [];
    box.push(ballot);
    // A random place at once: even the list in memory does not follow the order of voting.
    const j = randomInt(box.length);
    [box[box.length - 1], box[j]] = [box[j]!, box[box.length - 1]!];
    this.boxes.set(itemId, box);
  }

  size(itemId: string): number {
    return this.boxes.get(itemId)?.length ?? 0;
  }

  take(itemId: string): SealedBallot[] {
    const box = this.boxes.get(itemId) ?? [];
    this.boxes.delete(itemId);
    return shuffle(box);
  }
}
