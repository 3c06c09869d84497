import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/kernel/errors.js';
import { parseTeamsSettings, type TeamsPlatformConfig } from './config.js';

const collaborators = {
  handler: { handle: async () => undefined },
  logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
  conversationReferences: { save: async () => undefined, find: async () => null },
} as unknown as Pick<TeamsPlatformConfig, 'handler' | 'logger' | 'conversationReferences'>;

function parse(settings: Partial<TeamsPlatformConfig>) {
  return parseTeamsSettings({ ...collaborators, ...settings });
}

function issuesOf(settings: Partial<TeamsPlatformConfig>): string[] {
  try {
    parse(settings);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('parseTeamsSettings', () => {
  it('treats empty env values as absent: auth off', () => {
    expect(parse({ appId: '', appPassword: '', tenantId: '', appType: '' })).toMatchObject({ appType: 'MultiTenant' });
    expect(parse({ appId: '' }).appId).toBeUndefined();
  });

  it('accepts the app type in any case', () => {
    expect(parse({ appId: 'a', tenantId: 't', appType: 'userassignedmsi' }).appType).toBe('UserAssignedMSI');
    expect(parse({ appId: 'a', appPassword: 'p', tenantId: 't', appType: 'SINGLETENANT' }).appType).toBe('SingleTenant');
  });

  it('names every missing or conflicting key', () => {
    expect(issuesOf({ appId: 'a', appType: 'SingleTenant' })).toEqual([
      expect.stringMatching(/^appPassword: set MICROSOFT_APP_PASSWORD/),
      expect.stringMatching(/^tenantId: set MICROSOFT_APP_TENANT_ID/),
    ]);
    expect(issuesOf({ appId: 'a', appPassword: 'p', tenantId: 't', appType: 'UserAssignedMSI' })).toEqual([expect.stringMatching(/^appPassword: leave MICROSOFT_APP_PASSWORD empty/)]);
    expect(issuesOf({ appPassword: 'p' })).toEqual([expect.stringMatching(/^appId:/)]);
    expect(issuesOf({ appType: 'Personal' })).toEqual([expect.stringMatching(/^appType: use one of MultiTenant, SingleTenant, UserAssignedMSI/)]);
    expect(issuesOf({ openIdMetadataUrl: 'not a url' })).toEqual([expect.stringMatching(/^openIdMetadataUrl:/)]);
  });
});
