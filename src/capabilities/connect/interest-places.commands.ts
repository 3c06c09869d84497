import { z } from 'zod';
import { defineCommand, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import type { InterestPlaceService } from './domain/interest-places.service.js';
import type { ProfileService } from './domain/profile.service.js';

/** A Discord role as typed: a mention `<@&123…>` or the bare id. */
const ROLE = /^(?:<@&(\d{15,22})>|(\d{15,22}))$/;

/**
 * `/kring interests place <interest> [role]` (managers): the channel it is typed in (Slack, Teams), or the
 * Discord role named, is where members who pick the interest are let in.
 */
export function interestPlaceCommands(deps: { profiles: ProfileService; places: InterestPlaceService }): { commands: CommandDefinition[] } {
  const place = defineCommand({
    path: ['interests', 'place'],
    access: 'manager',
    args: [{ name: 'words', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.place' }],
    schema: z.object({ words: z.string().trim().min(1).max(300) }),
    descriptionKey: 'connect.commands.interestsPlace',
    async run(ctx, args) {
      const words = args.words.split(/\s+/);
      const role = ROLE.exec(words.at(-1) ?? '');
      const name = (role ? words.slice(0, -1) : words).join(' ');
      const interest = await deps.profiles.interestByName(ctx.organization.id, name);
      const placed = await deps.places.setPlace(interest, { platform: ctx.account.platform, workspaceId: ctx.account.workspaceId, channelId: ctx.event.channelId ?? '' }, role ? (role[1] ?? role[2]!) : null);
      return privateText(ctx.t(placed.kind === 'role' ? 'connect.interests.placedRole' : 'connect.interests.placedChannel', { name: interest.name }));
    },
  });
  return { commands: [place] as CommandDefinition[] };
}
