import { z } from 'zod';
import type { ChannelRepository, ChapterRepository } from '../../kernel/ports/directory.js';
import type { Form, Reply } from '../../kernel/ports/chat-platform.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';
import { STATEMENT_LIMITS, parseAnswerValue, parseStatementId, shortId, type StatementTarget } from './domain/statement.js';
import type { StatementService } from './domain/statement.service.js';
import type { StatementCopiesService } from './domain/statement-copies.service.js';
import { STATEMENT_ANSWER_ACTION, STATEMENT_DISCUSS_ACTION, statementResultsBlocks } from './views.js';

export interface StatementCommandDeps {
  statements: StatementService;
  copies: Pick<StatementCopiesService, 'discuss'>;
  channels: Pick<ChannelRepository, 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
}

/** formId of the statement form (`/kring statement post` without text). */
export const STATEMENT_POST_FORM = 'statement.post';

const idArg = [{ name: 'id', kind: 'string', required: true, descriptionKey: 'statements.args.id' }] as const;
const idSchema = z.object({ id: z.string().trim().min(1).max(64) });

/** Where a statement goes, as typed: here, everywhere, or a chapter's channels. */
export type StatementWhere = { kind: 'here' } | { kind: 'everywhere' } | { kind: 'chapter'; name: string };

/**
 * The text form: `<statement> [--everywhere | --chapter=<name>]`. The statement is everything before the
 * first ` --`; a chapter name may hold spaces.
 */
export function parseStatementText(input: string): { text: string; where: StatementWhere } | { problem: 'unknownFlag'; flag: string } {
  const at = input.search(/(^|\s)--[a-z]/i);
  const text = (at < 0 ? input : input.slice(0, at)).replace(/\s+/g, ' ').trim();
  const rest = at < 0 ? '' : input.slice(at).trim();
  if (rest === '') return { text, where: { kind: 'here' } };
  if (/^--everywhere$/i.test(rest)) return { text, where: { kind: 'everywhere' } };
  const chapter = /^--chapter=(.+)$/i.exec(rest);
  if (chapter) return { text, where: { kind: 'chapter', name: chapter[1]!.trim() } };
  return { problem: 'unknownFlag', flag: (/^--([^=\s]*)/.exec(rest)?.[1] ?? rest).slice(0, 40) };
}

/**
 * `/kring statement post|close|results|list` (community managers), the answer buttons and the discuss
 * button (anyone: an unlinked person gets an invitation to link).
 */
export function statementCommands(deps: StatementCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  async function targetsFor(ctx: CommandContext, where: StatementWhere): Promise<StatementTarget[] | Reply> {
    if (where.kind === 'here') {
      const here = ctx.event.channelId;
      if (!here) return privateText(ctx.t('statements.post.noChannel'));
      return [{ platform: ctx.account.platform, workspaceExternalId: ctx.account.workspaceId, channelExternalId: here }];
    }
    const channels = await deps.channels.list(ctx.organization.id);
    if (where.kind === 'everywhere') {
      return channels.filter((c) => c.purpose === 'general' || c.purpose === 'news').map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
    }
    const chapters = await deps.chapters.list(ctx.organization.id);
    const chapter = chapters.find((c) => c.name.toLowerCase() === where.name.toLowerCase());
    if (!chapter) return privateText(ctx.t('statements.post.unknownChapter', { chapter: where.name, chapters: chapters.map((c) => c.name).join(', ') || '-' }));
    return channels
      .filter((c) => c.purpose === 'chapter' && c.chapterId === chapter.id)
      .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
  }

  async function post(ctx: CommandContext, text: string, where: StatementWhere): Promise<Reply> {
    if (text.length < 3 || text.length > STATEMENT_LIMITS.textLength) return privateText(ctx.t('statements.post.tooShort', { max: STATEMENT_LIMITS.textLength }));
    const targets = await targetsFor(ctx, where);
    if (!Array.isArray(targets)) return targets;
    if (targets.length === 0) return privateText(ctx.t('statements.post.noTargets'));
    const statement = await deps.statements.create({ organizationId: ctx.organization.id, createdByMemberId: ctx.member?.id ?? null, text, targets });
    const count = new Set(targets.map((t) => `${t.platform}/${t.workspaceExternalId}/${t.channelExternalId}`)).size;
    return privateText(ctx.t('statements.post.created', { id: shortId(statement.id), count }));
  }

  const postCommand = defineCommand({
    path: ['statement', 'post'],
    access: 'manager',
    args: [{ name: 'text', kind: 'string', required: false, descriptionKey: 'statements.args.text', rest: true }],
    schema: z.object({ text: z.string().max(2000).optional() }),
    descriptionKey: 'statements.commands.post',
    async run(ctx, args) {
      const input = args.text?.trim() ?? '';
      if (input === '') return { ...privateText(ctx.t('statements.post.usage')), form: await statementForm(ctx, deps) };
      const parsed = parseStatementText(input);
      if ('problem' in parsed) return privateText(ctx.t('statements.post.unknownFlag', { flag: parsed.flag }));
      return post(ctx, parsed.text, parsed.where);
    },
  });

  const postForm: FormHandlerDefinition = {
    formId: STATEMENT_POST_FORM,
    access: 'manager',
    async run(ctx, values) {
      const parsed = z.object({ text: z.string().max(2000).default(''), where: z.string().max(200).default('here') }).safeParse(values);
      if (!parsed.success) return privateText(ctx.t('statements.post.usage'));
      const whereValue = parsed.data.where;
      const where: StatementWhere =
        whereValue === 'everywhere' ? { kind: 'everywhere' } : whereValue.startsWith('chapter=') ? { kind: 'chapter', name: whereValue.slice('chapter='.length) } : { kind: 'here' };
      return post(ctx, parsed.data.text.replace(/\s+/g, ' ').trim(), where);
    },
  };

  const close = defineCommand({
    path: ['statement', 'close'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'statements.commands.close',
    async run(ctx, args) {
      const statement = await deps.statements.find(ctx.organization.id, args.id);
      const r = await deps.statements.close(statement);
      return reply('private', ctx.t('statements.summary.closedBy', { id: shortId(statement.id) }), [
        ...statementResultsBlocks(r.statement, r.tally, r.chapters, ctx.t),
      ]);
    },
  });

  const results = defineCommand({
    path: ['statement', 'results'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'statements.commands.results',
    async run(ctx, args) {
      const statement = await deps.statements.find(ctx.organization.id, args.id);
      const r = await deps.statements.results(statement);
      return reply('private', ctx.t('statements.results.title', { text: statement.text }), statementResultsBlocks(statement, r.tally, r.chapters, ctx.t));
    },
  });

  const list = defineCommand({
    path: ['statement', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'statements.commands.list',
    async run(ctx) {
      const all = await deps.statements.list(ctx.organization.id, { limit: 15 });
      if (all.length === 0) return privateText(ctx.t('statements.list.none'));
      const lines = await Promise.all(
        all.map(async (s) => {
          const r = await deps.statements.results(s);
          return `- ${ctx.t('statements.list.line', {
            id: shortId(s.id),
            text: s.text,
            status: s.status === 'open' ? ctx.t('statements.results.open') : ctx.t('statements.results.closed'),
            answers: ctx.t('statements.view.answers', { count: r.tally.total }),
          })}`;
        }),
      );
      return reply('private', ctx.t('statements.list.title'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const answer: ActionDefinition = {
    prefix: STATEMENT_ANSWER_ACTION,
    access: 'anyone',
    async run(ctx, event) {
      const parsed = parseAnswerValue(event.value);
      if (!parsed) return privateText(ctx.t('errors.actionExpired'));
      if (!ctx.member) return privateText(ctx.t('statements.linkInvite'));
      await deps.statements.answer({ organizationId: ctx.organization.id, statementId: parsed.statementId, member: ctx.member, stance: parsed.stance });
      return privateText(ctx.t('statements.answer.recorded', { stance: ctx.t(`statements.stance.${parsed.stance}`) }));
    },
  };

  const discuss: ActionDefinition = {
    prefix: STATEMENT_DISCUSS_ACTION,
    access: 'anyone',
    async run(ctx, event) {
      const id = parseStatementId(event.value);
      if (!id) return privateText(ctx.t('errors.actionExpired'));
      const statement = await deps.statements.findById(id);
      if (!statement || statement.organizationId !== ctx.organization.id) return privateText(ctx.t('statements.errors.notFound'));
      if (!event.message) return privateText(ctx.t('statements.discuss.unsupported'));
      const outcome = await deps.copies.discuss(statement, event.message);
      if (outcome.kind === 'opened') return privateText(ctx.t('statements.discuss.opened'));
      if (outcome.kind === 'exists') return privateText(ctx.t('statements.discuss.exists'));
      return privateText(ctx.t('statements.discuss.unsupported'));
    },
  };

  return { commands: [postCommand, close, results, list] as CommandDefinition[], actions: [answer, discuss], forms: [postForm] };
}

/** The statement form: the text, and where it goes (here, everywhere, or a chapter). */
async function statementForm(ctx: CommandContext, deps: Pick<StatementCommandDeps, 'chapters'>): Promise<Form> {
  const chapters = await deps.chapters.list(ctx.organization.id);
  const options = [
    { label: ctx.t('statements.form.here'), value: 'here' },
    { label: ctx.t('statements.form.everywhere'), value: 'everywhere' },
    ...chapters.slice(0, 23).map((c) => ({ label: ctx.t('statements.form.chapter', { name: c.name }), value: `chapter=${c.name.replace(/,/g, ' ')}`.slice(0, 100) })),
  ];
  return {
    formId: STATEMENT_POST_FORM,
    title: ctx.t('statements.form.title'),
    submitLabel: ctx.t('statements.form.submit'),
    fields: [
      { name: 'text', label: ctx.t('statements.form.text'), kind: 'long', required: true, placeholder: ctx.t('statements.form.textPlaceholder'), maxLength: STATEMENT_LIMITS.textLength },
      { name: 'where', label: ctx.t('statements.form.where'), kind: 'select', required: true, options, initial: 'here' },
    ],
  };
}

