import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/kernel/errors.js';
import type { InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { ProcessedEventRepository, WorkspaceRepository } from '../../src/kernel/ports/directory.js';
import { kringTranslator } from '../../src/capabilities.js';
import { SLACK_BOT_SCOPES, SLACK_DEFAULT_API_URL, parseSlackConfig, type SlackPlatformConfig } from './config.js';

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const handler: InboundHandler = { handle: async () => undefined };
const processedEvents: ProcessedEventRepository = { markProcessed: async () => true, prune: async () => 0 };
const workspaces = {
  findByExternalId: async () => null,
  upsert: async () => ({ id: 'w', organizationId: 'o', platform: 'slack', externalId: 'T', name: null }),
  getInstallation: async () => null,
  deleteInstallation: async () => undefined,
  list: async () => [],
} satisfies WorkspaceRepository;
const common = { signingSecret: 'secret', handler, logger, processedEvents };
const translator = kringTranslator();

function issues(config: unknown): string[] {
  try {
    parseSlackConfig(config as SlackPlatformConfig);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe(parseSlackConfig.name, () => {
  it('reads single-workspace mode with defaults', () => {
    const parsed = parseSlackConfig({ ...common, botToken: 'xoxb-1' });
    expect(parsed).toMatchObject({ mode: 'single', botToken: 'xoxb-1', apiUrl: SLACK_DEFAULT_API_URL, registration: undefined });
    expect(parsed.clock.now()).toBeInstanceOf(Date);
  });

  it('adds the trailing slash the API URL needs', () => {
    expect(parseSlackConfig({ ...common, botToken: 'xoxb-1', apiUrl: 'http://127.0.0.1:9/api' }).apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('reads OAuth mode with the default scopes', () => {
    const parsed = parseSlackConfig({
      ...common, clientId: 'id', clientSecret: 'cs', stateSecret: 'a-long-state-secret', organizationId: 'org', workspaces, translator,
    });
    expect(parsed).toMatchObject({ mode: 'oauth', clientId: 'id', organizationId: 'org', scopes: [...SLACK_BOT_SCOPES], defaultLocale: 'nl' });
  });

  it('names the env vars to set when neither mode is configured', () => {
    expect(issues({ ...common })).toEqual([
      'botToken: set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs',
    ]);
  });

  it('refuses both modes at once, a user token and a missing signing secret', () => {
    expect(issues({ ...common, botToken: 'xoxb-1', clientId: 'id' })[0]).toMatch(/not both/);
    expect(issues({ ...common, botToken: 'xoxp-user' })[0]).toMatch(/^botToken: .*xoxb-/);
    expect(issues({ ...common, signingSecret: '', botToken: 'xoxb-1' })[0]).toMatch(/^signingSecret: set SLACK_SIGNING_SECRET/);
  });

  it('lists every missing OAuth setting', () => {
    expect(issues({ ...common, clientId: 'id' })).toEqual([
      'clientSecret: OAuth mode needs SLACK_CLIENT_SECRET too',
      'stateSecret: OAuth mode needs SLACK_STATE_SECRET too',
      'organizationId: OAuth mode needs the organisation installs connect to (KRING_ORG)',
      'workspaces: OAuth mode needs a WorkspaceRepository to keep installations',
      'translator: OAuth mode needs the translator for the install pages',
    ]);
  });

  it('accepts only http(s) API URLs', () => {
    expect(issues({ ...common, botToken: 'xoxb-1', apiUrl: 'ftp://slack.example/api/' })[0]).toMatch(/^apiUrl: SLACK_API_URL must be/);
  });

  it('checks the ports by shape', () => {
    expect(issues({ ...common, botToken: 'xoxb-1', handler: {} })[0]).toMatch(/^handler: must implement InboundHandler/);
  });
});
