import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { Reply } from '../../src/kernel/ports/chat-platform.js';
import { TEST_CHANNEL, TEST_PERSONAL_CHAT, TEST_TENANT, TEST_USER, TeamsTestBed, cardText } from '../fakes/teams/teams-test-bed.js';

/**
 * The Teams adapter with authentication ON, end to end: real botbuilder validates real RS256 JWTs
 * against the fake OpenID key set, fetches outbound tokens from the fake token endpoint, and talks to
 * the fake Bot Connector. One bed (fresh ports) for the file: botbuilder caches keys per URL.
 */
describe('Teams adapter with authentication on', () => {
  let bed: TeamsTestBed;

  const whoamiReply: Reply = {
    visibility: 'channel',
    view: { fallback: 'Jij bent Jan', blocks: [{ type: 'heading', text: 'Jij bent Jan Jansen' }, { type: 'text', text: 'Lid sinds **2019**' }] },
  };

  beforeAll(async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, {
      isGroup: false,
      tenantId: TEST_TENANT,
      members: [{ id: TEST_USER.teamsId, aadObjectId: TEST_USER.aadObjectId }],
    });
  });
  afterAll(async () => {
    await bed.stop();
  });
  beforeEach(() => {
    bed.handler.events.length = 0;
    bed.handler.reply = () => undefined;
  });

  it('accepts a validly signed command, hands it to the handler and sends the reply card', async () => {
    bed.handler.reply = (event) => (event.type === 'command' ? whoamiReply : undefined);
    const res = await bed.send(bed.fixture('message-personal-command'));
    expect(res.status).toBe(200);
    expect(bed.handler.events).toMatchObject([
      { type: 'command', path: ['link'], args: ['jan.jansen@example.org'], workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId },
    ]);
    const [sent] = bed.connector.activities(TEST_PERSONAL_CHAT);
    expect(sent).toBeDefined();
    expect(cardText(sent!)).toContain('Jij bent Jan Jansen');
    expect(sent!.activity['attachments']).toMatchObject([{ contentType: 'application/vnd.microsoft.card.adaptive', content: { version: '1.5' } }]);
    // The reply went out with a token from the (fake) Entra token endpoint.
    const call = bed.connector.calls.find((c) => c.method === 'POST' && c.conversationId === TEST_PERSONAL_CHAT);
    expect(call?.authorization).toMatch(/^Bearer fake-outbound-/);
    expect(bed.identity.tokenRequests.every((r) => r.ok && r.clientId === bed.appId)).toBe(true);
  });

  describe('rejects with 401, without calling the handler,', () => {
    const cases: [string, (activity: Record<string, unknown>) => Promise<string | null>][] = [
      ['a missing Authorization header', async () => null],
      ['a token for another app (wrong audience)', async (a) => `Bearer ${await bed.token(a, { audience: 'a1b2c3d4-0000-4000-8000-000000000000' })}`],
      ['an expired token (beyond the 5 minute skew)', async (a) => `Bearer ${await bed.token(a, { expiresInSeconds: -600, notBeforeSeconds: -4000 })}`],
      ['a token signed by a foreign key under the published key id', async (a) => `Bearer ${await bed.token(a, { foreignKey: 'same-kid' })}`],
      ['a token signed by a foreign key under an unknown key id', async (a) => `Bearer ${await bed.token(a, { foreignKey: 'other-kid' })}`],
      ['a token that is not valid yet (nbf in the future)', async (a) => `Bearer ${await bed.token(a, { notBeforeSeconds: 3600 })}`],
      ['a token from another issuer', async (a) => `Bearer ${await bed.token(a, { issuer: 'https://evil.example.org' })}`],
      ['a token for another service URL', async (a) => `Bearer ${await bed.token(a, { serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`],
      ['an HS256 token', async (a) => `Bearer ${await hs256Token(bed.appId, String(a['serviceUrl']))}`],
      ['garbage', async () => 'Bearer not-a-jwt'],
    ];

    it.each(cases)('%s', async (_name, authorization) => {
      const activity = bed.fixture('message-personal-command');
      const res = await bed.send(activity, await authorization(activity));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'unauthorized' });
      expect(bed.handler.events).toEqual([]);
    });
  });

  it('answers a button press (adaptiveCard/action) with the updated card in the HTTP response', async () => {
    await bed.installInChannel(TEST_CHANNEL);
    const original = await bed.sut.post({ workspaceId: TEST_TENANT, channelId: TEST_CHANNEL }, {
      fallback: 'Poll',
      blocks: [{ type: 'heading', text: 'Komt je dinsdag?' }, { type: 'buttons', buttons: [{ actionId: 'vote.yes', label: 'Ja', value: 'opt-1' }] }],
    });
    bed.handler.events.length = 0;
    bed.handler.reply = (event) =>
      event.type === 'action'
        ? {
            visibility: 'channel',
            replaceOriginal: true,
            view: { fallback: 'Gestemd', blocks: [{ type: 'heading', text: 'Komt je dinsdag?' }, { type: 'bars', bars: [{ label: 'Ja', count: 1, percent: 100 }] }] },
          }
        : undefined;
    const invoke = bed.fixture('invoke-action-execute');
    invoke['replyToId'] = original.messageId;
    invoke['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: `${TEST_CHANNEL};messageid=${original.messageId}` };

    const res = await bed.send(invoke);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5' } });
    expect(JSON.stringify(res.body)).toContain('100% (1)');
    expect(bed.handler.events).toMatchObject([
      { type: 'action', actionId: 'vote.yes', value: 'opt-1', message: { messageId: original.messageId, channelId: TEST_CHANNEL } },
    ]);
    // A channel-visible replacement is also applied to the message for everyone else.
    const updated = bed.connector.activities(TEST_CHANNEL).find((a) => a.id === original.messageId);
    expect(updated?.updates).toBe(1);
    expect(cardText(updated!)).toContain('100% (1)');
  });

  it('stores the reference when installed in a channel, so that a later post works proactively', async () => {
    const channel = '19:5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a9b@thread.tacv2';
    await expect(bed.sut.post({ workspaceId: TEST_TENANT, channelId: channel }, whoamiReply.view)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await bed.installInChannel(channel);
    const ref = await bed.sut.post({ workspaceId: TEST_TENANT, channelId: channel }, { fallback: 'Nieuws', blocks: [{ type: 'text', text: 'Nieuws van het **bestuur**' }] });

    expect(ref).toMatchObject({ platform: 'teams', workspaceId: TEST_TENANT, channelId: channel });
    const posted = bed.connector.activities(channel).find((a) => a.id === ref.messageId);
    expect(cardText(posted!)).toContain('Nieuws van het **bestuur**');
    // A new thread in the channel, not a reply to some message.
    expect(posted!.replyToId).toBeUndefined();
  });
});

/** A well-formed token signed with HMAC instead of the published RSA key. */
function hs256Token(appId: string, serviceUrl: string): Promise<string> {
  return new SignJWT({ serviceurl: serviceUrl })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('https://api.botframework.com')
    .setAudience(appId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('a-shared-secret-that-nobody-should-accept'));
}
