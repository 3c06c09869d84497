import { createHash } from 'node:crypto';
import { randomBase62 } from '../../../kernel/ids.js';

export type { ApiToken } from '../../../kernel/api-access.js';
export { randomBase62 } from '../../../kernel/ids.js';

/** Every token starts with this, so secret scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = 'kring_';
/** Random base62 characters after the prefix: 43 × log2(62) ≈ 256 bits. */
export const API_TOKEN_RANDOM_CHARS = 43;

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
