import { z } from 'zod';
import { DOWNLOAD_TTL_MS, type DashboardAccess } from './domain/dashboard-access.js';
import type { PrivacyService } from './domain/privacy.service.js';
import { privateText } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition } from '../../chat/command.js';
import { onOff } from './commands.js';

/** Dependencies of the members' privacy commands. */
export interface PrivacyCommandDeps {
  privacy: PrivacyService;
  access: DashboardAccess;
  /** Base URL of Kring's HTTP server for links in chat (no trailing slash). */
  publicUrl: (organizationId: string) => Promise<string>;
}

/** Action id of the "yes, delete my data" button. */
export const FORGET_ACTION = 'privacy.forget';

/**
 * `privacy [on|off]`, `mydata`, `forget [confirm]`: a member's own rights. Open to every linked chat
 * account, whatever the membership status: a lapsed member has the same right to see and erase their data.
 */
export function privacyCommands(deps: PrivacyCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const privacy = defineCommand({
    path: ['privacy', 'show'],
    // Typed as `/kring privacy [on|off]`; Discord's menu (25 words under /kring) has it as `privacy show`.
    aliases: [['privacy']],
    access: 'anyone',
    args: [{ name: 'setting', kind: 'string', required: false, descriptionKey: 'insights.args.setting' }],
    schema: z.object({ setting: z.string().trim().toLowerCase().optional() }),
    descriptionKey: 'insights.commands.privacy',
    async run(ctx, args) {
      if (!ctx.member) return privateText(ctx.t('insights.privacy.notLinked'));
      // "privacy off" = stop counting me; "privacy on" = counting me is fine again.
      const counted = onOff(args.setting);
      if (counted === undefined && args.setting !== undefined) return privateText(ctx.t('insights.errors.badSetting'));
      if (counted === undefined) {
        const out = await deps.privacy.isOptedOut(ctx.member.id);
        return privateText(ctx.t('insights.privacy.status', { state: ctx.t(out ? 'insights.privacy.stateOut' : 'insights.privacy.stateIn') }));
      }
      await deps.privacy.setOptOut(ctx.member.id, !counted);
      return privateText(ctx.t(counted ? 'insights.privacy.optedIn' : 'insights.privacy.optedOut'));
    },
  });

  const mydata = defineCommand({
    path: ['privacy', 'mydata'],
    aliases: [['mydata']],
    access: 'anyone',
    args: [],
    schema: z.object({}),
    descriptionKey: 'insights.commands.mydata',
    async run(ctx) {
      if (!ctx.member) return privateText(ctx.t('insights.mydata.gone'));
      // The file is built when the link is opened, so it is current and never kept anywhere.
      const token = await deps.access.downloadToken('mydata', ctx.member, { locale: ctx.locale });
      const url = `${await deps.publicUrl(ctx.organization.id)}/insights/mydata.json?token=${token}`;
      return privateText(ctx.t('insights.mydata.ready', { url, minutes: DOWNLOAD_TTL_MS / 60_000 }));
    },
  });

  const forget = defineCommand({
    path: ['privacy', 'forget'],
    aliases: [['forget']],
    access: 'anyone',
    args: [{ name: 'confirm', kind: 'string', required: false, descriptionKey: 'insights.args.confirm' }],
    schema: z.object({ confirm: z.string().trim().toLowerCase().optional() }),
    descriptionKey: 'insights.commands.forget',
    async run(ctx, args) {
      if (!ctx.member) return privateText(ctx.t('insights.mydata.gone'));
      if (args.confirm === 'confirm' || args.confirm === 'bevestig') return erase(ctx, deps, false);
      return privateText(ctx.t('insights.forget.confirm'), [
        { type: 'buttons', buttons: [{ actionId: FORGET_ACTION, label: ctx.t('insights.forget.button'), style: 'danger' }] },
      ]);
    },
  });

  const forgetAction: ActionDefinition = {
    prefix: FORGET_ACTION,
    access: 'anyone',
    run: (ctx) => (ctx.member ? erase(ctx, deps, true) : Promise.resolve(privateText(ctx.t('insights.mydata.gone')))),
  };

  return { commands: [privacy, mydata, forget] as CommandDefinition[], actions: [forgetAction] };
}

async function erase(ctx: CommandContext, deps: PrivacyCommandDeps, replaceOriginal: boolean) {
  const result = await deps.privacy.forget(ctx.member!);
  const r = privateText(ctx.t('insights.forget.done', { accounts: result.unlinkedAccounts }));
  return replaceOriginal ? { ...r, replaceOriginal } : r;
}
