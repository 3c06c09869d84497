import { z } from 'zod';
import type { Form } from '../../kernel/ports/chat-platform.js';
import type { Clock } from '../../kernel/clock.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';
import { IDEA_LIMITS, IDEA_STATUSES, parseIdeaId, parseStatus } from './domain/idea.js';
import type { IdeaService } from './domain/idea.service.js';
import { zonedParts } from '../../kernel/zoned-time.js';
import { IDEA_UPVOTE_ACTION, digestText, shortIdeaId, statusText } from './views.js';

/** The month `now` falls in, in the organisation's time zone, as `YYYY-MM`. */
function currentMonth(now: Date, timeZone: string): string {
  const { year, month } = zonedParts(now, timeZone);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** formId of the idea form (`/kring idea` without text). */
export const IDEA_SUBMIT_FORM = 'idea.submit';

/**
 * `/kring idea <text>` (verified members; without text a form), `/kring idea status|list|digest`
 * (managers), and the upvote button (anyone: an unlinked person gets an invitation to link).
 */
export function ideaCommands(deps: { ideas: IdeaService; clock: Clock }): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  const submit = defineCommand({
    // `idea` is also the group of `idea status|list|digest`, which Discord's menu cannot run as a command
    // too: the menu has `idea submit`; typed, `/kring idea <text>` works as before.
    path: ['idea', 'submit'],
    aliases: [['idea']],
    access: 'member',
    args: [{ name: 'text', kind: 'string', required: false, descriptionKey: 'ideas.args.text', rest: true }],
    schema: z.object({ text: z.string().max(4000).optional() }),
    descriptionKey: 'ideas.commands.submit',
    async run(ctx, args) {
      const text = args.text?.trim() ?? '';
      if (text === '') {
        const form: Form = {
          formId: IDEA_SUBMIT_FORM,
          title: ctx.t('ideas.form.title'),
          submitLabel: ctx.t('ideas.form.submit'),
          fields: [{ name: 'text', label: ctx.t('ideas.form.text'), kind: 'long', required: true, placeholder: ctx.t('ideas.form.placeholder'), maxLength: IDEA_LIMITS.textLength }],
        };
        return { ...privateText(ctx.t('ideas.usage')), form };
      }
      const idea = await deps.ideas.submit({ organizationId: ctx.organization.id, member: ctx.member, text });
      return privateText(ctx.t('ideas.submitted', { id: shortIdeaId(idea.id) }));
    },
  });

  const submitForm: FormHandlerDefinition = {
    formId: IDEA_SUBMIT_FORM,
    access: 'member',
    async run(ctx, values) {
      const text = typeof values['text'] === 'string' ? values['text'].slice(0, 4000) : '';
      const idea = await deps.ideas.submit({ organizationId: ctx.organization.id, member: ctx.member, text });
      return privateText(ctx.t('ideas.submitted', { id: shortIdeaId(idea.id) }));
    },
  };

  const status = defineCommand({
    path: ['idea', 'status'],
    access: 'manager',
    args: [
      { name: 'id', kind: 'string', required: true, descriptionKey: 'ideas.args.id' },
      { name: 'change', kind: 'string', required: true, descriptionKey: 'ideas.args.change', rest: true },
    ],
    schema: z.object({ id: z.string().trim().min(1).max(64), change: z.string().trim().min(1).max(1000) }),
    descriptionKey: 'ideas.commands.status',
    async run(ctx, args) {
      const idea = await deps.ideas.find(ctx.organization.id, args.id);
      // The status is one word (`under_consideration`) or two (`under consideration`); the rest is the reason.
      const words = args.change.split(/\s+/);
      let next = parseStatus(words.slice(0, 2).join(' '), (s) => ctx.t(`ideas.status.${s}`));
      let rest = words.slice(2);
      if (!next) {
        next = parseStatus(words[0] ?? '', (s) => ctx.t(`ideas.status.${s}`));
        rest = words.slice(1);
      }
      if (!next) return privateText(ctx.t('ideas.statusUsage', { statuses: IDEA_STATUSES.join(', ') }));
      const changed = await deps.ideas.setStatus(idea, next, rest.join(' ') || null);
      return privateText(ctx.t('ideas.statusSet', { id: shortIdeaId(idea.id), status: statusText(changed, ctx.t) }));
    },
  });

  const list = defineCommand({
    path: ['idea', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'ideas.commands.list',
    async run(ctx) {
      const ideas = await deps.ideas.list(ctx.organization.id, { limit: 20 });
      if (ideas.length === 0) return privateText(ctx.t('ideas.list.none'));
      const lines = ideas.map(({ idea, votes }) => `- ${ctx.t('ideas.list.line', { id: shortIdeaId(idea.id), text: idea.text, status: statusText(idea, ctx.t), upvotes: ctx.t('ideas.view.upvotes', { count: votes }) })}`);
      return reply('private', ctx.t('ideas.list.title'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const digest = defineCommand({
    path: ['idea', 'digest'],
    access: 'manager',
    args: [
      { name: 'month', kind: 'string', required: false, descriptionKey: 'ideas.args.month' },
      { name: 'draft', kind: 'string', required: false, descriptionKey: 'ideas.args.draft' },
    ],
    schema: z.object({ month: z.string().trim().max(20).optional(), draft: z.string().trim().max(20).optional() }),
    descriptionKey: 'ideas.commands.digest',
    async run(ctx, args) {
      // `digest draft` (this month) and `digest 2026-11 draft` both make the news draft.
      const words = [args.month, args.draft].filter((w): w is string => !!w);
      const isDraft = (w: string) => ['draft', 'concept'].includes(w.toLowerCase());
      const month = words.find((w) => !isDraft(w)) || currentMonth(deps.clock.now(), ctx.organization.timezone);
      if (words.some(isDraft)) {
        const proposed = await deps.ideas.draftMonthly(ctx.organization.id, month);
        if (!proposed) return privateText(ctx.t('ideas.digest.badMonth'));
        if (proposed.lines === 0) return privateText(ctx.t('ideas.digest.nothingToDraft', { month }));
        return privateText(ctx.t('ideas.digest.proposed', { month, count: proposed.lines }));
      }
      const lines = await deps.ideas.digest(ctx.organization.id, month, ctx.organization.timezone);
      if (!lines) return privateText(ctx.t('ideas.digest.badMonth'));
      return privateText(digestText(month, lines, ctx.t), [{ type: 'context', text: ctx.t('ideas.digest.draftNote', { month }) }]);
    },
  });

  const upvote: ActionDefinition = {
    prefix: IDEA_UPVOTE_ACTION,
    access: 'anyone',
    async run(ctx, event) {
      const ideaId = parseIdeaId(event.value);
      if (!ideaId) return privateText(ctx.t('errors.actionExpired'));
      if (!ctx.member) return privateText(ctx.t('ideas.linkInvite'));
      const r = await deps.ideas.upvote({ organizationId: ctx.organization.id, ideaId, member: ctx.member });
      const upvotes = ctx.t('ideas.view.upvotes', { count: r.votes });
      return privateText(r.added ? ctx.t('ideas.upvote.added', { upvotes }) : ctx.t('ideas.upvote.already', { upvotes }));
    },
  };

  return { commands: [submit, status, list, digest] as CommandDefinition[], actions: [upvote], forms: [submitForm] };
}
