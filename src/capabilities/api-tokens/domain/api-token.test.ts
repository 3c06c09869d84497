import { describe, expect, it } from 'vitest';
import { API_TOKEN_PREFIX, generateApiTokenSecret, hashApiToken, looksLikeApiToken, randomBase62 } from './api-token.js';

describe('API token secrets', () => {
  it('look like kring_ followed by 43 base62 characters', () => {
    const secret = generateApiTokenSecret();
    expect(secret).toMatch(/^kring_[0-9A-Za-z]{43}$/);
    expect(looksLikeApiToken(secret)).toBe(true);
  });

  it('are different every time', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateApiTokenSecret));
    expect(secrets.size).toBe(1000);
  });

  it('hash to hex sha256, the same for the same secret', () => {
    const secret = generateApiTokenSecret();
    expect(hashApiToken(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken(secret)).toBe(hashApiToken(secret));
    expect(hashApiToken(secret)).not.toBe(hashApiToken(generateApiTokenSecret()));
  });

  it('rejects strings that cannot be a token before any look-up', () => {
    expect(looksLikeApiToken('')).toBe(false);
    expect(looksLikeApiToken(`${API_TOKEN_PREFIX}short`)).toBe(false);
    expect(looksLikeApiToken(`other_${'a'.repeat(43)}`)).toBe(false);
    expect(looksLikeApiToken(`${API_TOKEN_PREFIX}${'a'.repeat(42)}!`)).toBe(false);
  });

  it('uses every base62 character about equally often (no modulo bias)', () => {
    const text = randomBase62(62 * 2000);
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(1600);
  });
});
