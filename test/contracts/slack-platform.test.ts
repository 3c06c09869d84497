import { createSlackPlatform } from '../../adapters/slack/index.js';
import { FAKE_SLACK, FakeSlackApi, type FakeSlackFailure } from '../fakes/slack/fake-slack-api.js';
import { InMemoryProcessedEventRepository, RecordingInboundHandler, RecordingLogger } from '../fakes/slack/doubles.js';
import { chatPlatformContract, type InjectableFailure } from './chat-platform.contract.js';

/** How the fake plays each failure the contract injects, the way real Slack answers. */
const FAILURES: Record<InjectableFailure, FakeSlackFailure> = {
  'rate-limited': { type: 'rate-limited', retryAfterSeconds: 1 },
  'not-found': { type: 'error', error: 'channel_not_found' },
  forbidden: { type: 'error', error: 'not_in_channel' },
  'server-error': { type: 'http', status: 503 },
};

chatPlatformContract({
  name: 'Slack (Bolt + @slack/web-api against the fake Slack Web API)',
  async setup() {
    const fake = await FakeSlackApi.start();
    const sut = createSlackPlatform({
      botToken: FAKE_SLACK.botToken,
      signingSecret: 'contract-signing-secret',
      apiUrl: fake.apiUrl,
      handler: new RecordingInboundHandler(),
      logger: new RecordingLogger(),
      processedEvents: new InMemoryProcessedEventRepository(),
    });
    await sut.start();
    return {
      sut,
      channel: { workspaceId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId },
      user: { workspaceId: FAKE_SLACK.teamId, userId: FAKE_SLACK.userId },
      missingChannelId: 'C0MISSING9',
      messages: async (channelId) => fake.received(channelId),
      directMessages: async (userId) => fake.directMessages(userId),
      failNext: (failure) => fake.failNext(FAILURES[failure]),
      teardown: async () => {
        await sut.stop();
        await fake.stop();
      },
    };
  },
});
