import { z } from 'zod';
import { defineCommand, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import type { ProfileService } from './domain/profile.service.js';

/**
 * `/kring privacy share [on|off]`: whether the association's own systems (its member administration, through
 * the admin API and webhooks) may read the member's profile. Off until the member says on.
 */
export function shareCommands(deps: { profiles: ProfileService }): { commands: CommandDefinition[] } {
  const share = defineCommand({
    path: ['privacy', 'share'],
    access: 'member',
    args: [{ name: 'setting', kind: 'string', required: false, descriptionKey: 'connect.args.buddy' }],
    schema: z.object({ setting: z.string().trim().toLowerCase().max(10).optional() }),
    descriptionKey: 'connect.commands.share',
    async run(ctx, args) {
      const on = args.setting === undefined ? undefined : ['on', 'aan', 'ja', 'yes'].includes(args.setting) ? true : ['off', 'uit', 'nee', 'no'].includes(args.setting) ? false : null;
      if (on === null) return privateText(ctx.t('connect.share.usage'));
      if (on === undefined) {
        const profile = await deps.profiles.profileOf(ctx.member!);
        return privateText(ctx.t(profile.shareWithApi ? 'connect.share.isOn' : 'connect.share.isOff'));
      }
      await deps.profiles.setSharing(ctx.member!, on);
      return privateText(ctx.t(on ? 'connect.share.on' : 'connect.share.off'));
    },
  });
  return { commands: [share] as CommandDefinition[] };
}
