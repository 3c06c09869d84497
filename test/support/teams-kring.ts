import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeBotConnector } from '../fakes/teams/fake-bot-connector.js';
import type { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT } from '../fakes/teams/teams-test-bed.js';
import type { AccountRef } from './kring-harness.js';

/** The environment that points Kring's Teams adapter (auth on) at the fake identity's endpoints. */
export function teamsKringEnv(identity: FakeBotIdentity, appId: string, appPassword: string): Record<string, string> {
  const endpoints = identity.settings;
  return {
    MICROSOFT_APP_ID: appId,
    MICROSOFT_APP_PASSWORD: appPassword,
    MICROSOFT_APP_TENANT_ID: TEST_TENANT,
    TEAMS_OPENID_METADATA_URL: endpoints.openIdMetadataUrl,
    TEAMS_TOKEN_ISSUER: endpoints.tokenIssuer,
    TEAMS_LOGIN_URL: endpoints.loginUrl,
    TEAMS_OAUTH_SCOPE: endpoints.oauthScope,
    TEAMS_TOKEN_ENDPOINT: endpoints.tokenEndpoint,
  };
}

/** A Teams user with a personal chat with the bot on the fake connector, and their Kring account ref. */
export function addTeamsUser(connector: FakeBotConnector, name: string) {
  const aadObjectId = randomUUID();
  const from = { id: `29:${randomBytes(24).toString('base64url')}`, name, aadObjectId };
  const chatId = `a:${randomBytes(30).toString('base64url')}`;
  connector.addConversation(chatId, { isGroup: false, tenantId: TEST_TENANT, members: [{ id: from.id, aadObjectId }] });
  const account: AccountRef = { platform: 'teams', workspaceId: TEST_TENANT, userId: aadObjectId };
  return { from, chatId, account };
}
