import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

/** REDIS_PREFIX and TRUST_PROXY (issue 21, items 15 and 6). */
describe('REDIS_PREFIX and TRUST_PROXY', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.key} ${p.message}`);
      throw err;
    }
  };

  it('defaults to the prefix kring and to trusting no proxy', () => {
    const config = loadConfig({});
    expect(config.redisPrefix).toBe('kring');
    expect(config.http.trustProxy).toBe(false);
  });

  it('takes a prefix of letters, digits, "_", "." and "-", and refuses one with ":" or spaces', () => {
    expect(loadConfig({ REDIS_PREFIX: 'kring-utrecht' }).redisPrefix).toBe('kring-utrecht');
    expect(problems({ REDIS_PREFIX: 'kring:utrecht' })).toEqual([expect.stringMatching(/^REDIS_PREFIX must be 1-64 letters/)]);
    expect(problems({ REDIS_PREFIX: 'met spatie' })).toHaveLength(1);
  });

  it('reads TRUST_PROXY as false, true, a number of hops or the proxies\' addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.10' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10']);
    expect(problems({ TRUST_PROXY: 'yes please' })).toEqual([expect.stringContaining('TRUST_PROXY must be false, true, a number of proxy hops')]);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33' })).toHaveLength(1);
  });
});
