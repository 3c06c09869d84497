import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

/** Issue 18: process roles (KRING_ROLES), Discord shards, Redis Cluster hash tags in REDIS_PREFIX. */
const REDIS = { REDIS_URL: 'redis://127.0.0.1:6379' };
const DISCORD = { DISCORD_TOKEN: 'x'.repeat(30), DISCORD_APPLICATION_ID: '123456789012345678' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.key} ${p.message}`);
    throw err;
  }
  return [];
}

describe('KRING_ROLES', () => {
  it('runs every role by default, as the single embedded process always has', () => {
    expect([...loadConfig({}).roles]).toEqual(['http', 'workers', 'gateway', 'schedulers']);
    expect([...loadConfig({ KRING_ROLES: '' }).roles]).toEqual(['http', 'workers', 'gateway', 'schedulers']);
    expect([...loadConfig({ KRING_ROLES: 'all' }).roles]).toEqual(['http', 'workers', 'gateway', 'schedulers']);
  });

  it('takes a comma-separated list in any order and case, with Redis', () => {
    expect([...loadConfig({ ...REDIS, KRING_ROLES: ' Workers , http,http' }).roles]).toEqual(['http', 'workers']);
    expect([...loadConfig({ ...REDIS, KRING_ROLES: 'gateway' }).roles]).toEqual(['gateway']);
  });

  it('names the key and the roles it knows for an unknown role', () => {
    expect(problems({ ...REDIS, KRING_ROLES: 'http,web' })).toEqual([expect.stringMatching(/^KRING_ROLES must be "all" or a comma-separated list of http, workers, gateway, schedulers; not "web"/)]);
    expect(problems({ ...REDIS, KRING_ROLES: ',' })).toEqual([expect.stringMatching(/^KRING_ROLES .*not empty/)]);
  });

  it('refuses a split set of roles without REDIS_URL, saying why', () => {
    const found = problems({ KRING_ROLES: 'http,workers' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^KRING_ROLES runs only http, workers, which needs REDIS_URL/);
    // Every role named explicitly is the single process, which needs no Redis.
    expect(problems({ KRING_ROLES: 'gateway,schedulers,workers,http' })).toEqual([]);
  });
});

describe('DISCORD_SHARD_IDS and DISCORD_SHARD_COUNT', () => {
  it('hands the shards to the Discord configuration', () => {
    expect(loadConfig({ ...DISCORD, DISCORD_SHARD_IDS: '2, 0', DISCORD_SHARD_COUNT: '4' }).discord?.shards).toEqual({ ids: [0, 2], count: 4 });
    // A count alone: this process holds every shard of that count.
    expect(loadConfig({ ...DISCORD, DISCORD_SHARD_COUNT: '2' }).discord?.shards).toEqual({ ids: [0, 1], count: 2 });
    expect(loadConfig(DISCORD).discord?.shards).toBeUndefined();
  });

  it('names the missing count, shards out of range and malformed lists', () => {
    expect(problems({ ...DISCORD, DISCORD_SHARD_IDS: '0' })).toEqual([expect.stringMatching(/^DISCORD_SHARD_COUNT is required together with DISCORD_SHARD_IDS/)]);
    expect(problems({ ...DISCORD, DISCORD_SHARD_IDS: '0,2', DISCORD_SHARD_COUNT: '2' })).toEqual([expect.stringMatching(/^DISCORD_SHARD_IDS must be shard numbers below DISCORD_SHARD_COUNT \(2\)/)]);
    expect(problems({ ...DISCORD, DISCORD_SHARD_IDS: 'een', DISCORD_SHARD_COUNT: '2' })).toEqual([expect.stringMatching(/^DISCORD_SHARD_IDS must be a comma-separated list of shard numbers/)]);
    expect(problems({ ...DISCORD, DISCORD_SHARD_COUNT: '0' })).toHaveLength(1);
  });
});

describe('REDIS_PREFIX with a Redis Cluster hash tag', () => {
  it('accepts a prefix in braces (one slot for every key of the deployment) and rejects broken braces', () => {
    expect(loadConfig({ REDIS_PREFIX: '{kring}' }).redisPrefix).toBe('{kring}');
    expect(loadConfig({ REDIS_PREFIX: 'prod-{kring-utrecht}' }).redisPrefix).toBe('prod-{kring-utrecht}');
    expect(problems({ REDIS_PREFIX: '{kring' })).toEqual([expect.stringMatching(/^REDIS_PREFIX must be 1-64 letters.*hash tag/)]);
    expect(problems({ REDIS_PREFIX: '{}' })).toHaveLength(1);
    expect(problems({ REDIS_PREFIX: '{kring:x}' })).toHaveLength(1);
  });
});
