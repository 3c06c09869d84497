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

  /** The keys and messages of the ConfigError `env` raises (the test fails when it raises none). */
  function problemsOf(env: Record<string, string>): { key: string; message: string }[] {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return [...(e as ConfigError).problems];
    }
    throw new Error('expected a ConfigError');
  }

  const OAUTH = { SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'a-state-secret-of-some-length', SLACK_SIGNING_SECRET: 'signing' };

  it('starts Slack in OAuth mode on client id, client secret, state secret and signing secret alone (as the README documents)', () => {
    expect(loadConfig(OAUTH).slack).toEqual({
      mode: 'oauth',
      clientId: '1111.2222',
      clientSecret: 'client-secret',
      stateSecret: 'a-state-secret-of-some-length',
      signingSecret: 'signing',
      apiUrl: undefined,
    });
  });

  it('names the conflict when both the single-workspace and the OAuth Slack variables are set', () => {
    const problems = problemsOf({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' });

    expect(problems).toHaveLength(1);
    expect(problems[0]!.key).toBe('SLACK_BOT_TOKEN');
    expect(problems[0]!.message).toMatch(/conflicts with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET.*not both/);
  });

  it('names every missing OAuth variable, and a state secret that is too short', () => {
    expect(problemsOf({ SLACK_CLIENT_ID: '1111.2222', SLACK_STATE_SECRET: 'short' }).map((p) => p.key).sort()).toEqual([
      'SLACK_CLIENT_SECRET',
      'SLACK_SIGNING_SECRET',
      'SLACK_STATE_SECRET',
    ]);
  });

  it('refuses a Slack bot token that is not one before anything starts', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' })).toEqual([
      { key: 'SLACK_BOT_TOKEN', message: expect.stringContaining('xoxb-') },
    ]);
  });

  it.each(['singletenant', 'SINGLETENANT', 'SingleTenant', ' singleTenant '])('accepts MICROSOFT_APP_TYPE=%s in any capitalisation', (appType) => {
    const sut = loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 'tenant', MICROSOFT_APP_TYPE: appType });

    expect(sut.teams?.appType).toBe('SingleTenant');
  });

  it('asks for the tenant of a UserAssignedMSI or SingleTenant app, and no password for a managed identity', () => {
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'UserAssignedMsi' })).toEqual([
      { key: 'MICROSOFT_APP_TENANT_ID', message: expect.stringContaining('UserAssignedMSI') },
    ]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'singletenant' }).map((p) => p.key)).toEqual([
      'MICROSOFT_APP_TENANT_ID',
    ]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: 't', MICROSOFT_APP_TYPE: 'UserAssignedMSI' }).map((p) => p.key)).toEqual([
      'MICROSOFT_APP_PASSWORD',
    ]);
  });

  it('still names an app type that does not exist', () => {
    expect(problemsOf({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'Tenantless' }).map((p) => p.key)).toContain('MICROSOFT_APP_TYPE');
  });
});
