import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { ChannelNames } from './channel-names.js';
import { channelCommands } from './commands.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';

/**
 * Channels: managers connect a chat channel to Kring with a purpose (general, news, chapter, managers),
 * which is where news, polls and the weekly digest go (`/kring channel connect|list`). Channel names come from
 * the platforms (`ChatPlatform.channelName`), refreshed whenever the channels are listed and when a platform
 * reports a rename.
 */
export const channels = defineCapability({
  name: 'channels',
  texts: { en, nl },
  build(ctx: CapabilityContext): CapabilityParts {
    const { workspaces, channels, chapters } = ctx.directory;
    const names = new ChannelNames({ platforms: ctx.platforms, workspaces, channels, logger: ctx.logger });
    return {
      commands: channelCommands({ workspaces, channels, chapters, names }),
      // The platforms are connected by now: follow their rename events.
      start: async () => names.follow(),
    };
  },
});
