import { z } from 'zod';
import { MEMBER_ROLES, type MemberRole } from '../../kernel/community.js';
import { POLL_LIMITS, parseVoteValue, shortPollId, type PollAudience, type PollTarget } from './domain/poll.js';
import type { PollService } from './domain/poll.service.js';
import { formatInZone, parseWallTime } from '../../kernel/zoned-time.js';
import type { Clock } from '../../kernel/clock.js';
import type { ChannelRepository, ChapterRepository } from '../../kernel/ports/directory.js';
import type { Form, Reply } from '../../kernel/ports/chat-platform.js';
import { parsePollDefinition } from './create-args.js';
import { pollCsv } from './poll-csv.js';
import { POLL_VOTE_ACTION, pollResultsBlocks, voteConfirmation, type PollViewContext } from './views.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';

/** Dependencies of the poll commands. */
export interface PollCommandDeps {
  polls: PollService;
  channels: ChannelRepository;
  chapters: ChapterRepository;
  clock: Clock;
  /** Characters of CSV shown in chat before it is cut (platform message limits; Slack sections take 3,000). */
  exportChars?: number;
}

const idArg = [{ name: 'id', kind: 'string', required: true, descriptionKey: 'polls.args.id' }] as const;
const idSchema = z.object({ id: z.string().trim().min(1).max(64) });

/**
 * `/kring poll create|close|results|export|list` (community managers) and the vote buttons (anyone: an
 * unlinked person gets an invitation to link, not an error). Authorisation is the router's; the rules
 * about who may vote are the PollService's.
 */
export function pollCommands(deps: PollCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  const viewContext = (ctx: CommandContext): PollViewContext => ({
    t: ctx.t,
    locale: ctx.locale,
    timeZone: ctx.organization.timezone,
    now: deps.clock.now(),
  });

  /** Creates and posts a poll from its text form (the command's words, or a submitted form joined up). */
  async function createFromText(ctx: CommandContext, text: string): Promise<Reply> {
    const parsed = parsePollDefinition(text);
    if ('problem' in parsed) return privateText(ctx.t(parsed.problem.key, parsed.problem.params));
    const def = parsed.ok;
    const tz = ctx.organization.timezone;

    let deadline: Date | null = null;
    if (def.deadline) {
      deadline = parseWallTime(def.deadline, tz);
      if (!deadline) return privateText(ctx.t('polls.create.badDeadline', { value: def.deadline, timezone: tz }));
      if (deadline.getTime() <= deps.clock.now().getTime()) {
        return privateText(ctx.t('polls.create.deadlinePast', { date: formatInZone(deadline, ctx.locale, tz) }));
      }
    }

    let audience: PollAudience = { kind: 'all' };
    if (def.chapters.length > 0) {
      const chapters = await deps.chapters.list(ctx.organization.id);
      const ids: string[] = [];
      for (const name of def.chapters) {
        const match = chapters.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (!match) {
          return privateText(ctx.t('polls.create.unknownChapter', { chapter: name, chapters: chapters.map((c) => c.name).join(', ') || '-' }));
        }
        ids.push(match.id);
      }
      audience = { kind: 'chapters', chapterIds: [...new Set(ids)] };
    } else if (def.roles.length > 0) {
      const roles: MemberRole[] = [];
      for (const name of def.roles) {
        const role = roleByName(name, ctx);
        if (!role) return privateText(ctx.t('polls.create.unknownRole', { role: name, roles: MEMBER_ROLES.join(', ') }));
        roles.push(role);
      }
      audience = { kind: 'roles', roles: [...new Set(roles)] };
    }

    const targets: PollTarget[] = [];
    const here = ctx.event.channelId;
    if (here) targets.push({ platform: ctx.account.platform, workspaceExternalId: ctx.account.workspaceId, channelExternalId: here });
    else if (!def.everywhere) return privateText(ctx.t('polls.create.noChannel'));
    if (def.everywhere) {
      const channels = await deps.channels.list(ctx.organization.id);
      // All members' channels for everyone; a chapter poll goes to its chapters' channels instead.
      const wanted = channels.filter((c) =>
        audience.kind === 'chapters'
          ? c.purpose === 'chapter' && c.chapterId !== null && audience.chapterIds.includes(c.chapterId)
          : c.purpose === 'general' || c.purpose === 'news',
      );
      for (const c of wanted) targets.push({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId });
    }
    if (targets.length === 0) return privateText(ctx.t('polls.create.noTargets'));

    const poll = await deps.polls.create({
      organizationId: ctx.organization.id,
      createdByMemberId: ctx.member?.id ?? null,
      question: def.question,
      options: def.options,
      choiceMode: def.multi ? 'multi' : 'single',
      maxChoices: def.multi ? def.maxChoices : null,
      anonymous: def.anonymous,
      resultsVisibility: def.hidden ? 'after_close' : 'live',
      deadline,
      audience,
      targets,
    });
    const posted = countTargets(targets);
    return privateText(ctx.t('polls.create.created', { id: shortPollId(poll.id), count: posted }));
  }

  const create = defineCommand({
    path: ['poll', 'create'],
    access: 'manager',
    // Optional: without a definition the command opens the poll form.
    args: [{ name: 'definition', kind: 'string', required: false, descriptionKey: 'polls.args.definition', rest: true }],
    schema: z.object({ definition: z.string().max(4000).optional() }),
    descriptionKey: 'polls.commands.create',
    async run(ctx, args) {
      const definition = args.definition?.trim() ?? '';
      if (definition === '') return { ...privateText(ctx.t('polls.create.usage')), form: pollForm(ctx) };
      return createFromText(ctx, definition);
    },
  });

  const createForm: FormHandlerDefinition = {
    formId: POLL_CREATE_FORM,
    access: 'manager',
    run: (ctx, values) => createFromText(ctx, pollFormText(values)),
  };

  const close = defineCommand({
    path: ['poll', 'close'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'polls.commands.close',
    async run(ctx, args) {
      const poll = await deps.polls.find(ctx.organization.id, args.id);
      await deps.polls.close(poll);
      return privateText(ctx.t('polls.close.done', { id: shortPollId(poll.id) }));
    },
  });

  const results = defineCommand({
    path: ['poll', 'results'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'polls.commands.results',
    async run(ctx, args) {
      const poll = await deps.polls.find(ctx.organization.id, args.id);
      const r = await deps.polls.results(poll);
      return reply('private', ctx.t('polls.results.title', { question: poll.question }), pollResultsBlocks(poll, r.tally, viewContext(ctx)));
    },
  });

  const exportCommand = defineCommand({
    path: ['poll', 'export'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'polls.commands.export',
    async run(ctx, args) {
      const poll = await deps.polls.find(ctx.organization.id, args.id);
      const data = await deps.polls.export(poll);
      const csv = pollCsv(data, ctx.t);
      const { text, shown, total } = cutLines(csv, deps.exportChars ?? 2800);
      const blocks: Reply['view']['blocks'] = [{ type: 'text', text: '```\n' + text + '\n```' }];
      if (shown < total) blocks.push({ type: 'context', text: ctx.t('polls.export.truncated', { shown, total }) });
      if (data.kind === 'anonymous') blocks.push({ type: 'context', text: ctx.t('polls.export.anonymousNote') });
      return reply('private', ctx.t('polls.export.title', { id: shortPollId(poll.id) }), blocks);
    },
  });

  const list = defineCommand({
    path: ['poll', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'polls.commands.list',
    async run(ctx) {
      const polls = await deps.polls.list(ctx.organization.id, { limit: 15 });
      if (polls.length === 0) return privateText(ctx.t('polls.list.none'));
      const lines: string[] = [];
      for (const poll of polls) {
        const r = await deps.polls.results(poll);
        lines.push(
          `- ${ctx.t('polls.list.line', {
            id: shortPollId(poll.id),
            question: poll.question,
            status: r.open ? ctx.t('polls.results.open') : ctx.t('polls.results.closed'),
            votes: ctx.t('polls.view.votes', { count: r.tally.voters }),
          })}`,
        );
      }
      return reply('private', ctx.t('polls.list.title'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const vote: ActionDefinition = {
    prefix: POLL_VOTE_ACTION,
    // Not 'member': someone not yet linked gets an invitation to link rather than a refusal.
    access: 'anyone',
    async run(ctx, event) {
      const parsed = parseVoteValue(event.value);
      if (!parsed) return privateText(ctx.t('errors.actionExpired'));
      if (!ctx.member) return privateText(ctx.t('polls.linkInvite'));
      const outcome = await deps.polls.vote({
        organizationId: ctx.organization.id,
        pollId: parsed.pollId,
        member: ctx.member,
        position: parsed.position,
        ...(event.eventId ? { deliveryId: `${event.platform}:${event.eventId}` } : {}),
      });
      return privateText(voteConfirmation(outcome.poll, outcome.choices, ctx.t));
    },
  };

  return { commands: [create, close, results, exportCommand, list] as CommandDefinition[], actions: [vote], forms: [createForm] };
}

/** formId of the poll form `/kring poll create` opens without arguments. */
export const POLL_CREATE_FORM = 'poll.create';

/** The poll form: question, options one per line, and the text form's settings. */
function pollForm(ctx: CommandContext): Form {
  return {
    formId: POLL_CREATE_FORM,
    title: ctx.t('polls.form.title'),
    submitLabel: ctx.t('polls.form.submit'),
    fields: [
      { name: 'question', label: ctx.t('polls.form.question'), kind: 'short', required: true, placeholder: ctx.t('polls.form.questionPlaceholder'), maxLength: POLL_LIMITS.questionLength },
      { name: 'options', label: ctx.t('polls.form.options'), kind: 'long', required: true, placeholder: ctx.t('polls.form.optionsPlaceholder'), maxLength: 2000 },
      { name: 'settings', label: ctx.t('polls.form.settings'), kind: 'short', required: false, placeholder: ctx.t('polls.form.settingsPlaceholder'), maxLength: 500 },
    ],
  };
}

/**
 * A submitted poll form as the text form (`question | option | option --settings`), so both go through
 * the same parsing and checks. A `|` typed in the question or an option would split it: it becomes `/`.
 */
export function pollFormText(values: Record<string, string>): string {
  const clean = (s: string) => s.replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
  const options = (values['options'] ?? '').split(/\r?\n/).map(clean).filter((o) => o !== '');
  return [clean(values['question'] ?? ''), ...options].join(' | ') + ` ${values['settings'] ?? ''}`.trimEnd();
}

/** Role names as typed: the code (`board`) or its name in the member's language (`bestuur`). */
function roleByName(name: string, ctx: CommandContext): MemberRole | undefined {
  const n = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return MEMBER_ROLES.find((r) => r === n || ctx.t(`roles.${r}`).toLowerCase().replace(/[\s-]+/g, '_') === n);
}

function countTargets(targets: readonly PollTarget[]): number {
  return new Set(targets.map((t) => `${t.platform}/${t.workspaceExternalId}/${t.channelExternalId}`)).size;
}

/** Whole lines of `text` fitting in `max` characters. */
function cutLines(text: string, max: number): { text: string; shown: number; total: number } {
  const lines = text.replace(/\r\n$/, '').split('\r\n');
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (used + line.length + 1 > max && shown > 0) break;
    used += line.length + 1;
    shown += 1;
  }
  return { text: lines.slice(0, shown).join('\n'), shown, total: lines.length };
}
