import { createHash, randomBytes } from 'node:crypto';
import type { ApiScope } from '../../../kernel/api-scopes.js';

/** An API token as stored and listed: never the secret itself, only its hash. */
export interface ApiToken {
  id: string;
  organizationId: string;
  /** What the token is for, e.g. `CRM sync` (shown in `kring tokens list` and in logs' context). */
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Every token starts with this, so secret scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = 'kring_';
/** Random base62 characters after the prefix: 43 × log2(62) ≈ 256 bits. */
export const API_TOKEN_RANDOM_CHARS = 43;

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

/** A new token secret: `kring_` + 43 random base62 characters. Shown once, never stored. */
export function generateApiTokenSecret(): string {
  return `${API_TOKEN_PREFIX}${randomBase62(API_TOKEN_RANDOM_CHARS)}`;
}

/**
 * The stored form of a token: hex sha256. A fast hash is enough because the secret has 256 random bits
 * (nothing to brute-force, unlike a password), and it lets a request find its token with one index look-up.
 */
export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `value` has the shape of a token secret (cheap check before touching the database). */
export function looksLikeApiToken(value: string): boolean {
  return value.length === API_TOKEN_PREFIX.length + API_TOKEN_RANDOM_CHARS && value.startsWith(API_TOKEN_PREFIX) && /^[0-9A-Za-z]+$/.test(value.slice(API_TOKEN_PREFIX.length));
}
