import { z } from 'zod';
import { CHANNEL_PURPOSES, type Channel, type ChannelRepository, type ChapterRepository, type WorkspaceRepository } from '../../kernel/ports/directory.js';
import type { ChatPlatforms } from '../../kernel/ports/chat-platform.js';
import type { Logger } from '../../kernel/ports/logger.js';
import type { Platform } from '../../kernel/types.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type CommandDefinition } from '../../chat/command.js';

export interface ChannelCommandDeps {
  workspaces: WorkspaceRepository;
  channels: ChannelRepository;
  chapters: ChapterRepository;
  /** The connected platforms, asked for channel names (looked up when a command runs). */
  platforms: ChatPlatforms;
  logger: Logger;
}

/** Names asked of the platforms at once when the connected channels are listed (Slack's conversations.info is tier 3). */
const NAME_LOOKUPS_AT_ONCE = 5;

/**
 * Managers connect channels to Kring and say what each is for (news fan-out, chapter channels, the
 * managers' channel for digests). Polls and announcements target these. The channel's name is asked of
 * the platform when it is connected and again whenever the channels are listed, so lists and the
 * insights dashboard show names, also after a rename.
 */
export function channelCommands(deps: ChannelCommandDeps): CommandDefinition[] {
  /** The platform's name for a channel; undefined when the platform cannot tell or the look-up fails. */
  const nameOf = async (platform: Platform, workspaceId: string, channelId: string): Promise<string | undefined> => {
    const chat = deps.platforms.get(platform);
    if (chat?.channelName === undefined) return undefined;
    try {
      return (await chat.channelName({ workspaceId, channelId })) ?? undefined;
    } catch (err) {
      // A name is a nicety: a rate limit or an outage keeps the stored one.
      deps.logger.warn({ platform, channelId, err: (err as Error).message }, 'could not look up a channel name');
      return undefined;
    }
  };

  /** Asks the platforms for the current names and stores the ones that changed; returns the channels as shown. */
  const refreshNames = async (channels: Channel[]): Promise<Channel[]> => {
    const refreshed: Channel[] = [];
    for (let i = 0; i < channels.length; i += NAME_LOOKUPS_AT_ONCE) {
      const batch = channels.slice(i, i + NAME_LOOKUPS_AT_ONCE);
      refreshed.push(
        ...(await Promise.all(
          batch.map(async (c) => {
            const name = await nameOf(c.platform, c.workspaceExternalId, c.externalId);
            if (name === undefined || name === c.name) return c;
            await deps.channels.upsert({ workspaceId: c.workspaceId, externalId: c.externalId, name });
            return { ...c, name };
          }),
        )),
      );
    }
    return refreshed;
  };

  const connect = defineCommand({
    path: ['channel', 'connect'],
    access: 'manager',
    args: [
      { name: 'purpose', kind: 'string', required: true, descriptionKey: 'args.purpose' },
      { name: 'chapter', kind: 'string', required: false, descriptionKey: 'args.chapter', rest: true },
    ],
    schema: z.object({
      purpose: z.string().trim().toLowerCase().pipe(z.enum(CHANNEL_PURPOSES, { message: `use one of: ${CHANNEL_PURPOSES.join(', ')}` })),
      chapter: z.string().trim().max(200).optional(),
    }),
    descriptionKey: 'commands.channelConnect',
    async run(ctx, args) {
      const channelId = ctx.event.channelId;
      if (!channelId) return privateText(ctx.t('channel.noChannel'));
      const workspace = await deps.workspaces.upsert({
        organizationId: ctx.organization.id,
        platform: ctx.account.platform,
        externalId: ctx.account.workspaceId,
      });
      let chapterId: string | null = null;
      if (args.chapter) {
        const chapters = await deps.chapters.list(ctx.organization.id);
        const match = chapters.find((c) => c.name.toLowerCase() === args.chapter!.toLowerCase());
        if (!match) {
          return privateText(ctx.t('channel.unknownChapter', { chapter: args.chapter, chapters: chapters.map((c) => c.name).join(', ') || '-' }));
        }
        chapterId = match.id;
      }
      const name = await nameOf(ctx.account.platform, ctx.account.workspaceId, channelId);
      await deps.channels.upsert({ workspaceId: workspace.id, externalId: channelId, purpose: args.purpose, chapterId, ...(name === undefined ? {} : { name }) });
      return privateText(ctx.t('channel.connected', { purpose: ctx.t(`channel.purposes.${args.purpose}`) }));
    },
  });

  const list = defineCommand({
    path: ['channel', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'commands.channelList',
    async run(ctx) {
      const channels = await refreshNames(await deps.channels.list(ctx.organization.id));
      if (channels.length === 0) return privateText(ctx.t('channel.none'));
      const lines = channels.map(
        (c) => `- ${ctx.t(`platforms.${c.platform}`)} · ${c.name ? `#${c.name}` : c.externalId} · ${ctx.t(`channel.purposes.${c.purpose}`)}`,
      );
      return reply('private', ctx.t('channel.listTitle'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  return [connect, list] as CommandDefinition[];
}
