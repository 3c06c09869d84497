import { z } from 'zod';
import { defineCommand, type CommandContext, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import type { PanelService } from './domain/panel.service.js';
import { panelOverviewReply } from './views.js';

/** A Discord role as typed: a mention `<@&123…>` or the bare id. */
const ROLE = /^(?:<@&(\d{15,22})>|(\d{15,22}))$/;

const MEMBER_ACTIONS = ['status', 'join', 'leave'] as const;
const MANAGER_ACTIONS = ['show', 'draw', 'redraw', 'add', 'remove', 'place'] as const;

/**
 * `/kring panel <action> [more]` on Slack, Teams and the web (a typed alias), `/kring survey panel` in
 * Discord's menu, whose 25 top-level words are taken. One command with the action as its first word:
 * members `status|join|leave`; community managers also `show|draw <N>|redraw|add <number>|remove
 * <number>|place [role]`. A member asking for a manager's action gets a polite refusal, not a link hint.
 */
export function panelCommands(deps: { panel: PanelService }): { commands: CommandDefinition[] } {
  const { panel } = deps;

  async function managerAction(ctx: CommandContext, action: (typeof MANAGER_ACTIONS)[number], more: string): Promise<Reply> {
    const organizationId = ctx.organization.id;
    switch (action) {
      case 'show':
        return panelOverviewReply(await panel.overview(organizationId), ctx.t, { locale: ctx.locale, timeZone: ctx.organization.timezone });
      case 'draw': {
        const size = /^\d{1,6}$/.test(more) ? Number(more) : Number.NaN;
        const drawn = await panel.draw({ organizationId, size, drawnBy: ctx.member });
        return withSummary(ctx, drawn);
      }
      case 'redraw':
        return withSummary(ctx, await panel.redraw(organizationId, ctx.member));
      case 'add':
      case 'remove': {
        if (more === '' || /\s/.test(more)) return privateText(ctx.t('panel.errors.memberNumber'));
        const member = action === 'add' ? await panel.add(organizationId, more) : await panel.remove(organizationId, more);
        return privateText(ctx.t(action === 'add' ? 'panel.added' : 'panel.removed', { name: member.name }));
      }
      case 'place': {
        const role = ROLE.exec(more);
        const { place, members } = await panel.setPlace(organizationId, { platform: ctx.account.platform, workspaceId: ctx.account.workspaceId, channelId: ctx.event.channelId ?? '' }, role ? (role[1] ?? role[2]!) : null);
        return privateText(ctx.t(place.kind === 'role' ? 'panel.placedRole' : 'panel.placedChannel', { count: members }));
      }
    }
  }

  function withSummary(ctx: CommandContext, drawn: Awaited<ReturnType<PanelService['draw']>>): Reply {
    const overview = panelOverviewReply(drawn, ctx.t, { locale: ctx.locale, timeZone: ctx.organization.timezone });
    const lead = ctx.t('panel.drawn', { seats: drawn.panel.seats.length, candidates: drawn.candidates, seed: drawn.panel.seed });
    return { ...overview, view: { fallback: lead, blocks: [{ type: 'text', text: lead }, ...overview.view.blocks] } };
  }

  const command = defineCommand({
    path: ['survey', 'panel'],
    aliases: [['panel']],
    access: 'member',
    args: [
      { name: 'action', kind: 'string', required: false, descriptionKey: 'panel.args.action' },
      { name: 'more', kind: 'string', required: false, descriptionKey: 'panel.args.more', rest: true },
    ],
    schema: z.object({ action: z.string().trim().max(40).optional(), more: z.string().trim().max(200).optional() }),
    descriptionKey: 'panel.commands.panel',
    async run(ctx, args) {
      const action = (args.action ?? 'status').toLowerCase();
      const more = args.more ?? '';
      const member = ctx.member!;
      if ((MANAGER_ACTIONS as readonly string[]).includes(action)) {
        if (!ctx.isManager) return privateText(ctx.t('panel.managersOnly'));
        return managerAction(ctx, action as (typeof MANAGER_ACTIONS)[number], more);
      }
      if (!(MEMBER_ACTIONS as readonly string[]).includes(action)) return privateText(ctx.t('panel.usage'));
      if (action === 'join') return privateText(ctx.t((await panel.join(member)).already ? 'panel.join.already' : 'panel.join.done'));
      if (action === 'leave') {
        const left = await panel.leave(member);
        return privateText(ctx.t(left.leftPanel ? 'panel.leave.doneAndOff' : left.wasOptedIn ? 'panel.leave.done' : 'panel.leave.notSignedUp'));
      }
      const status = await panel.status(member);
      return privateText(ctx.t(status.onPanel ? 'panel.status.onPanel' : status.optedIn ? 'panel.status.optedIn' : 'panel.status.notOptedIn'));
    },
  });
  return { commands: [command] as CommandDefinition[] };
}
