import { z } from 'zod';
import type { MembershipService } from './domain/membership.service.js';
import { reply, privateText } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition } from '../../chat/command.js';

/** Dependencies of the membership commands. */
export interface MembershipCommandDeps {
  membership: MembershipService;
  /** Minutes a verification code stays valid (shown to the member). */
  codeTtlMinutes: number;
}

/** Action id of the "unlink this account" button on `whoami`. */
export const UNLINK_ACTION = 'membership.unlink';

async function unlinkReply(ctx: CommandContext, deps: MembershipCommandDeps, replaceOriginal: boolean) {
  await deps.membership.unlink(ctx.account);
  const r = privateText(ctx.t('unlink.done'));
  return replaceOriginal ? { ...r, replaceOriginal } : r;
}

/** link, verify, unlink, whoami. */
export function membershipCommands(deps: MembershipCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const link = defineCommand({
    path: ['link'],
    access: 'anyone',
    args: [{ name: 'identifier', kind: 'string', required: false, descriptionKey: 'args.identifier', rest: true }],
    schema: z.object({ identifier: z.string().trim().max(254).optional() }),
    descriptionKey: 'commands.link',
    async run(ctx, args) {
      if (!args.identifier) return privateText(ctx.t('link.askIdentifier'));
      const sent = await deps.membership.requestLink({
        organizationId: ctx.organization.id,
        account: ctx.account,
        identifier: args.identifier,
        locale: ctx.locale,
      });
      return privateText(ctx.t('link.codeSent', { email: sent.sentTo, minutes: deps.codeTtlMinutes }));
    },
  });

  const verify = defineCommand({
    path: ['verify'],
    access: 'anyone',
    args: [{ name: 'code', kind: 'string', required: true, descriptionKey: 'args.code' }],
    schema: z.object({ code: z.string().trim().regex(/^\d{6}$/, 'the code has 6 digits') }),
    descriptionKey: 'commands.verify',
    async run(ctx, args) {
      const { member } = await deps.membership.confirmLink({
        account: ctx.account,
        code: args.code,
        displayName: ctx.event.displayName ?? null,
      });
      return privateText(ctx.t('link.verified', { name: member.name }));
    },
  });

  const unlink = defineCommand({
    path: ['unlink'],
    access: 'anyone',
    args: [],
    schema: z.object({}),
    descriptionKey: 'commands.unlink',
    run: (ctx) => unlinkReply(ctx, deps, false),
  });

  const whoami = defineCommand({
    path: ['whoami'],
    access: 'anyone',
    args: [],
    schema: z.object({}),
    descriptionKey: 'commands.whoami',
    async run(ctx) {
      const p = await deps.membership.profile(ctx.account);
      const t = ctx.t;
      return reply('private', t('whoami.title', { name: p.member.name }), [
        {
          type: 'fields',
          fields: [
            { label: t('whoami.organization'), value: p.organization.name },
            { label: t('whoami.memberNumber'), value: p.member.memberNumber },
            { label: t('whoami.status'), value: t(`status.${p.member.status}`) },
            { label: t('whoami.chapter'), value: p.chapter?.name ?? t('whoami.noChapter') },
            { label: t('whoami.roles'), value: p.member.roles.map((r) => t(`roles.${r}`)).join(', ') },
            {
              label: t('whoami.platforms'),
              value: [...new Set(p.identities.map((i) => t(`platforms.${i.platform}`)))].join(', '),
            },
          ],
        },
        { type: 'buttons', buttons: [{ actionId: UNLINK_ACTION, label: t('unlink.button'), style: 'danger' }] },
      ]);
    },
  });

  const unlinkAction: ActionDefinition = {
    prefix: UNLINK_ACTION,
    access: 'anyone',
    run: (ctx) => unlinkReply(ctx, deps, true),
  };

  return { commands: [link, verify, unlink, whoami] as CommandDefinition[], actions: [unlinkAction] };
}
