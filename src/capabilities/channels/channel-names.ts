import type { ChannelRef, ChatPlatforms } from '../../kernel/ports/chat-platform.js';
import type { Channel, ChannelRepository, WorkspaceRepository } from '../../kernel/ports/directory.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { Platform } from '../../kernel/types.js';

/** Names asked of the platforms at once when the connected channels are listed (Slack's conversations.info is tier 3). */
const NAME_LOOKUPS_AT_ONCE = 5;

/**
 * The platforms' names for connected channels (`ChatPlatform.channelName`, `onChannelRenamed`), kept on the
 * channel rows so that lists and the insights dashboard show `#nieuws` rather than `C0GENERAL1`: asked when a
 * channel is connected, again whenever the channels are listed, and taken over when a platform reports a
 * rename. A name is a nicety: when a platform cannot answer, the stored one stays.
 */
export class ChannelNames {
  constructor(
    private readonly deps: { platforms: ChatPlatforms; workspaces: WorkspaceRepository; channels: ChannelRepository; logger: Logger },
  ) {}

  /** The platform's name for a channel; undefined when the platform cannot tell or the look-up fails. */
  async nameOf(platform: Platform, channel: ChannelRef): Promise<string | undefined> {
    const chat = this.deps.platforms.get(platform);
    if (chat?.channelName === undefined) return undefined;
    try {
      return (await chat.channelName(channel)) ?? undefined;
    } catch (err) {
      // A rate limit or an outage keeps the stored name.
      this.deps.logger.warn({ platform, channelId: channel.channelId, err: (err as Error).message }, 'could not look up a channel name');
      return undefined;
    }
  }

  /** Asks the platforms for the current names and stores the ones that changed; returns the channels as they are now. */
  async refresh(channels: readonly Channel[]): Promise<Channel[]> {
    const refreshed: Channel[] = [];
    for (let i = 0; i < channels.length; i += NAME_LOOKUPS_AT_ONCE) {
      const batch = channels.slice(i, i + NAME_LOOKUPS_AT_ONCE);
      refreshed.push(
        ...(await Promise.all(
          batch.map(async (c) => {
            const name = await this.nameOf(c.platform, { workspaceId: c.workspaceExternalId, channelId: c.externalId });
            if (name === undefined || name === c.name) return c;
            await this.deps.channels.upsert({ workspaceId: c.workspaceId, externalId: c.externalId, name });
            return { ...c, name };
          }),
        )),
      );
    }
    return refreshed;
  }

  /** Listens to every connected platform that reports renames (called once the platforms have started). */
  follow(): void {
    for (const platform of this.deps.platforms.all()) {
      platform.onChannelRenamed?.((channel, name) => this.renamed(platform.platform, channel, name));
    }
  }

  /** A platform renamed a channel: store the new name when it is a connected channel. */
  async renamed(platform: Platform, channel: ChannelRef, name: string): Promise<void> {
    const workspace = await this.deps.workspaces.findByExternalId(platform, channel.workspaceId);
    if (workspace === null) return;
    const stored = await this.deps.channels.findByExternalId(workspace.id, channel.channelId);
    if (stored === null || stored.name === name) return;
    await this.deps.channels.upsert({ workspaceId: workspace.id, externalId: channel.channelId, name });
    this.deps.logger.info({ platform, channelId: channel.channelId }, 'connected channel renamed');
  }
}
