import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

describe(loadConfig.name, () => {
  it('starts on embedded defaults with an empty environment', () => {
    const sut = loadConfig({});
    expect(sut.http.port).toBe(3000);
    expect(sut.org.slug).toBe('default');
    expect(sut.databaseUrl).toBeUndefined();
    expect(sut.redisUrl).toBeUndefined();
    expect(sut.dataDir).toBe('./data');
    expect(sut.slack).toBeUndefined();
    expect(sut.discord).toBeUndefined();
    expect(sut.teams).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('names every bad key and how to fix it in one error', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', KRING_ORG: 'Mijn Club', SLACK_BOT_TOKEN: 'xoxb-1' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const keys = (err as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).toEqual(['DATABASE_URL', 'KRING_ORG', 'PORT', 'SLACK_SIGNING_SECRET']);
    expect((err as ConfigError).message).toContain('postgresql://');
    expect((err as ConfigError).message).toContain('lowercase letters');
    expect((err as ConfigError).message).toContain('README.md');
  });

  it('never echoes secret values in its message', () => {
    try {
      loadConfig({ SLACK_SIGNING_SECRET: 'super-secret-value' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('super-secret-value');
      expect((e as ConfigError).problems.map((p) => p.key)).toEqual(['SLACK_BOT_TOKEN']);
    }
  });

  it('rejects an unknown time zone', () => {
    expect(() => loadConfig({ KRING_TIMEZONE: 'Mars/Olympus' })).toThrow(/IANA time zone/);
  });

  it('builds platform sections from their variables', () => {
    const sut = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      DISCORD_TOKEN: 't',
      DISCORD_APPLICATION_ID: '123456789012345678',
      MICROSOFT_APP_ID: 'app',
      MICROSOFT_APP_PASSWORD: 'pw',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(sut.slack).toMatchObject({ mode: 'single', botToken: 'xoxb-1' });
    expect(sut.discord).toMatchObject({ applicationId: '123456789012345678', messageContent: false });
    expect(sut.teams).toMatchObject({ appId: 'app', appType: 'MultiTenant' });
    expect(sut.redisUrl).toBe('redis://127.0.0.1:6379');
  });
});
