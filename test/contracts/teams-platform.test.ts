import { chatPlatformContract, type InjectableFailure } from './chat-platform.contract.js';
import type { ConnectorFailure } from '../fakes/teams/fake-bot-connector.js';
import { TEST_CHANNEL, TEST_TENANT, TeamsTestBed, cardText, cardVerbs } from '../fakes/teams/teams-test-bed.js';

/**
 * The chat-platform contract against the real Teams adapter: botbuilder's CloudAdapter with
 * authentication on (outbound tokens from the fake token endpoint), talking to the fake Bot Connector.
 */
const FAILURES: Record<InjectableFailure, ConnectorFailure> = {
  'rate-limited': 'rate-limited',
  'not-found': 'not-found',
  forbidden: 'forbidden',
  'server-error': 'server-error',
};

/** Jan's Entra object id; no personal chat exists yet, so sendDirect creates one. */
const USER_ID = '6b1f8e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

chatPlatformContract({
  name: 'teams',
  async setup() {
    const bed = await new TeamsTestBed({ auth: true }).start();
    await bed.installInChannel(TEST_CHANNEL);
    const received = (conversationId: string) =>
      bed.connector.activities(conversationId).map((a) => ({
        channelId: a.conversationId,
        messageId: a.id,
        text: cardText(a),
        actionIds: cardVerbs(a),
        deleted: a.deleted,
      }));
    return {
      sut: bed.sut,
      channel: { workspaceId: TEST_TENANT, channelId: TEST_CHANNEL },
      user: { workspaceId: TEST_TENANT, userId: USER_ID },
      missingChannelId: '19:0000000000000000000000000000dead@thread.tacv2',
      messages: async (channelId) => received(channelId),
      directMessages: async (userId) => bed.connector.personalConversationsOf(userId).flatMap((c) => received(c.id)),
      failNext: (failure) => bed.connector.failNext(FAILURES[failure]),
      teardown: () => bed.stop(),
    };
  },
});
