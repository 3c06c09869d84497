import { z } from 'zod';
import { reply } from './views.js';
import { allows, defineCommand, usage, type CommandDefinition } from './command.js';

/** `help`: lists exactly the commands this person may run now. */
export function helpCommand(all: () => readonly CommandDefinition[]): CommandDefinition {
  return defineCommand({
    path: ['help'],
    access: 'anyone',
    args: [],
    schema: z.object({}),
    descriptionKey: 'commands.help',
    async run(ctx) {
      const allowed = all().filter((def) => allows(def.access, ctx));
      const lines = allowed.map((def) => `- \`${usage(def)}\`: ${ctx.t(def.descriptionKey)}`);
      return reply('private', ctx.t('help.title'), [
        { type: 'text', text: `${ctx.t('help.intro')}\n${lines.join('\n')}` },
        ...(ctx.isMember ? [] : [{ type: 'context' as const, text: ctx.t('help.linkHint') }]),
        { type: 'context', text: ctx.t('help.footer', { org: ctx.organization.name }) },
      ]);
    },
  }) as CommandDefinition;
}
