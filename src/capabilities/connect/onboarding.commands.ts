import { z } from 'zod';
import { defineCommand, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import type { OnboardingService } from './domain/onboarding.service.js';

/** `/kring intros buddy on|off`: an ambassador offers to be a new member's buddy (or stops). */
export function onboardingCommands(deps: { onboarding: OnboardingService }): { commands: CommandDefinition[] } {
  const buddy = defineCommand({
    path: ['intros', 'buddy'],
    access: 'member',
    args: [{ name: 'setting', kind: 'string', required: true, descriptionKey: 'connect.args.buddy' }],
    schema: z.object({ setting: z.string().trim().toLowerCase().max(10) }),
    descriptionKey: 'connect.commands.introsBuddy',
    async run(ctx, args) {
      const on = ['on', 'aan', 'ja', 'yes'].includes(args.setting) ? true : ['off', 'uit', 'nee', 'no'].includes(args.setting) ? false : null;
      if (on === null) return privateText(ctx.t('connect.onboarding.buddyUsage'));
      await deps.onboarding.setBuddy(ctx.member!, on);
      return privateText(ctx.t(on ? 'connect.onboarding.buddyOn' : 'connect.onboarding.buddyOff'));
    },
  });
  return { commands: [buddy] as CommandDefinition[] };
}
