import { createDiscordPlatform } from '../../adapters/discord/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { FakeDiscord, snowflake } from '../fakes/discord/index.js';
import { chatPlatformContract, type ChatPlatformHarness } from './chat-platform.contract.js';

/** The chat-platform contract against the real discord.js client (gateway + REST) and the fake Discord. */
const harness: ChatPlatformHarness = {
  name: 'Discord (discord.js 14 + fake Discord)',
  async setup() {
    const fake = await FakeDiscord.start();
    const sut = createDiscordPlatform({
      token: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      memberRoleId: fake.state.memberRoleId,
      handler: { handle: async () => undefined },
      logger: createLogger({ level: 'silent' }),
    });
    await sut.start();
    return {
      sut,
      channel: { workspaceId: fake.guildId, channelId: fake.state.generalChannelId },
      user: { workspaceId: fake.guildId, userId: fake.state.anna.id },
      missingChannelId: snowflake(),
      messages: async (channelId) => fake.messages(channelId),
      directMessages: async (userId) => fake.directMessages(userId),
      failNext: (failure) => fake.failNext(failure),
      async teardown() {
        await sut.stop();
        await fake.stop();
      },
    };
  },
};

chatPlatformContract(harness);
