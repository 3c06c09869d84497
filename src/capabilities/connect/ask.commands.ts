import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import { ASK_ACTIONS, askDraftView, reachText } from './ask-views.js';
import type { AskService } from './domain/ask.service.js';
import { connectError } from './domain/connect.errors.js';

const ID = /^[0-9a-f-]{36}$/;

/**
 * `/kring ask <topic> <question>` (verified members) and its buttons: send or cancel (the asker's), and
 * "I'll help" (the helpers it went to). Nothing is sent before the asker pressed send.
 */
export function askCommands(deps: { asks: AskService }): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const ask = defineCommand({
    path: ['ask'],
    access: 'member',
    args: [{ name: 'question', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.ask' }],
    // The service names the limit in the member's language; this only keeps absurd input out.
    schema: z.object({ question: z.string().trim().min(1).max(5000) }),
    descriptionKey: 'connect.commands.ask',
    async run(ctx, args) {
      const draft = await deps.asks.draft(ctx.member!, args.question);
      return { visibility: 'private', view: askDraftView(ctx.t, draft) };
    },
  });
  const askId = (value: string | undefined): string => {
    if (!value || !ID.test(value)) throw connectError('CONNECT.ASK_NOT_YOURS', 'malformed ask id');
    return value;
  };
  const actions: ActionDefinition[] = [
    {
      prefix: ASK_ACTIONS.send,
      access: 'member',
      async run(ctx, event) {
        const sent = await deps.asks.send(ctx.member!, askId(event.value));
        return privateText(sent.outcome === 'sent' ? ctx.t('connect.ask.sent', { count: sent.helpers }) : ctx.t('connect.ask.nobody'));
      },
    },
    {
      prefix: ASK_ACTIONS.cancel,
      access: 'member',
      async run(ctx, event) {
        await deps.asks.cancel(ctx.member!, askId(event.value));
        return privateText(ctx.t('connect.ask.cancelled'));
      },
    },
    {
      prefix: ASK_ACTIONS.help,
      access: 'member',
      async run(ctx, event) {
        const helped = await deps.asks.help(ctx.member!, askId(event.value));
        return privateText(helped.outcome === 'connected' ? ctx.t('connect.ask.connected', { asker: reachText(ctx.t, helped.asker), topic: helped.topic }) : ctx.t('connect.ask.taken'));
      },
    },
  ];
  return { commands: [ask] as CommandDefinition[], actions };
}
