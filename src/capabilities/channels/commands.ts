import { z } from 'zod';
import { CHANNEL_PURPOSES, type ChannelRepository, type ChapterRepository, type WorkspaceRepository } from '../../kernel/ports/directory.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type CommandDefinition } from '../../chat/command.js';
import type { ChannelNames } from './channel-names.js';

export interface ChannelCommandDeps {
  workspaces: WorkspaceRepository;
  channels: ChannelRepository;
  chapters: ChapterRepository;
  /** The platforms' channel names (looked up when a command runs). */
  names: ChannelNames;
}

/**
 * Managers connect channels to Kring and say what each is for (news fan-out, chapter channels, the
 * managers' channel for digests). Polls and announcements target these. The channel's name is asked of
 * the platform when it is connected and again whenever the channels are listed (see {@link ChannelNames}).
 */
export function channelCommands(deps: ChannelCommandDeps): CommandDefinition[] {
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
      const name = await deps.names.nameOf(ctx.account.platform, { workspaceId: ctx.account.workspaceId, channelId });
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
      const channels = await deps.names.refresh(await deps.channels.list(ctx.organization.id));
      if (channels.length === 0) return privateText(ctx.t('channel.none'));
      const lines = channels.map(
        (c) => `- ${ctx.t(`platforms.${c.platform}`)} · ${c.name ? `#${c.name}` : c.externalId} · ${ctx.t(`channel.purposes.${c.purpose}`)}`,
      );
      return reply('private', ctx.t('channel.listTitle'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  return [connect, list] as CommandDefinition[];
}
