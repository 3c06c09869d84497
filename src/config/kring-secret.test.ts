import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64url');

function problems(env: Record<string, string>): { key: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('KRING_SECRET configuration', () => {
  it('is required in production, with how to create one', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found).toContainEqual({ key: 'KRING_SECRET', message: expect.stringContaining('openssl rand -base64 32') as string });
  });

  it('is optional outside production (a key is then generated into the data directory)', () => {
    expect(loadConfig({}).secrets).toEqual({ current: undefined, previous: [] });
    expect(loadConfig({ NODE_ENV: 'test', KRING_SECRET: ' ' }).secrets.current).toBeUndefined();
  });

  it('takes the current key and a comma-separated list of previous ones', () => {
    const config = loadConfig({ NODE_ENV: 'production', KRING_SECRET: KEY_A, KRING_SECRET_PREVIOUS: ` ${KEY_B}, ${KEY_A} ,` });
    expect(config.secrets).toEqual({ current: KEY_A, previous: [KEY_B, KEY_A] });
  });

  it('refuses keys that are too short or not base64, without repeating them', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    const found = problems({ KRING_SECRET: 'correct horse battery staple', KRING_SECRET_PREVIOUS: `${KEY_A},${short}` });
    expect(found.map((p) => p.key).sort()).toEqual(['KRING_SECRET', 'KRING_SECRET_PREVIOUS']);
    expect(found.find((p) => p.key === 'KRING_SECRET')!.message).toContain('must be base64 of at least 32 random bytes');
    expect(JSON.stringify(found)).not.toContain('horse');
    expect(JSON.stringify(found)).not.toContain(short);
  });
});
