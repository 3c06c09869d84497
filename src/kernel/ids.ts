import { randomBytes, randomUUID } from 'node:crypto';

/** A new random identifier (UUID v4), used for every entity Kring creates. */
export function newId(): string {
  return randomUUID();
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `length` uniformly random base62 characters from the CSPRNG. Bytes ≥ 248 are discarded (rejection
 * sampling), because 256 is not a multiple of 62 and `byte % 62` would favour the first characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
