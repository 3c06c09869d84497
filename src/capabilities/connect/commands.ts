import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';
import { privateText, reply } from '../../chat/views.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import type { ChapterRepository, IdentityRepository } from '../../kernel/ports/directory.js';
import type { Platform } from '../../kernel/types.js';
import { connectError } from './domain/connect.errors.js';
import { PROGRAM_LIMITS } from './domain/intro.js';
import type { IntroService, ScopeRequest } from './domain/intro.service.js';
import type { ProfileService } from './domain/profile.service.js';
import { findView, interestsView, MET_ACTION, PROFILE_FORM, profileForm, profileSummary, savedText } from './views.js';

export interface ConnectCommandDeps {
  profiles: ProfileService;
  intros: IntroService;
  chapters: Pick<ChapterRepository, 'list'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
}

const nameSchema = z.object({ name: z.string().trim().min(1).max(200) });
const restSchema = z.object({ words: z.string().trim().max(300).optional() });

/** Words for a program's scope, in either language. */
const SCOPE_WORDS: Record<string, ScopeRequest['kind']> = {
  interest: 'interest', interesse: 'interest',
  chapter: 'chapter', afdeling: 'chapter',
  all: 'all', everyone: 'all', iedereen: 'all', alle: 'all',
};

/** `interest Fietsen --every=2` -> the scope and the cadence; null when the words make no scope. */
export function parseScope(words: string): { scope: ScopeRequest; everyWeeks: number | null } | null {
  let everyWeeks: number | null = 2;
  const rest: string[] = [];
  for (const word of words.split(/\s+/).filter((w) => w !== '')) {
    const every = /^--(?:every|elke)=(\S+)$/i.exec(word);
    if (every) {
      const n = Number(every[1]);
      everyWeeks = Number.isInteger(n) && n >= PROGRAM_LIMITS.everyWeeks.min && n <= PROGRAM_LIMITS.everyWeeks.max ? n : null;
    } else rest.push(word);
  }
  const kind = SCOPE_WORDS[(rest[0] ?? '').toLowerCase()];
  if (!kind) return null;
  const name = rest.slice(1).join(' ').trim();
  if (kind === 'all') return { scope: { kind: 'all' }, everyWeeks };
  if (name === '') return null;
  return { scope: { kind, name }, everyWeeks };
}

/**
 * `/kring interests add|remove|list`, `/kring profile` (a form), `/kring find <interest> [page]`,
 * `/kring intros start|stop|status`, the profile form and the "did you meet?" buttons. Authorisation is the
 * router's (managers keep the list and the rounds; everything else is for verified active members).
 */
export function connectCommands(deps: ConnectCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  const linkedPlatforms = async (ctx: CommandContext): Promise<Platform[]> => [...new Set((await deps.identities.listByMember(ctx.member!.id)).map((i) => i.platform))];

  const interestsAdd = defineCommand({
    path: ['interests', 'add'],
    access: 'manager',
    args: [{ name: 'name', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.interest' }],
    schema: nameSchema,
    descriptionKey: 'connect.commands.interestsAdd',
    async run(ctx, args) {
      const interest = await deps.profiles.addInterest(ctx.organization.id, args.name);
      return privateText(ctx.t('connect.interests.added', { name: interest.name }));
    },
  });
  const interestsRemove = defineCommand({
    path: ['interests', 'remove'],
    access: 'manager',
    args: [{ name: 'name', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.interest' }],
    schema: nameSchema,
    descriptionKey: 'connect.commands.interestsRemove',
    async run(ctx, args) {
      const interest = await deps.profiles.removeInterest(ctx.organization.id, args.name);
      return privateText(ctx.t('connect.interests.removed', { name: interest.name }));
    },
  });
  const interestsList = defineCommand({
    path: ['interests', 'list'],
    access: 'member',
    args: [],
    schema: z.object({}),
    descriptionKey: 'connect.commands.interestsList',
    aliases: [['interests']],
    async run(ctx) {
      return { visibility: 'private', view: interestsView(ctx.t, await deps.profiles.listInterests(ctx.organization.id)) };
    },
  });

  const profile = defineCommand({
    path: ['profile'],
    access: 'member',
    args: [],
    schema: z.object({}),
    descriptionKey: 'connect.commands.profile',
    async run(ctx): Promise<Reply> {
      const member = ctx.member!;
      const [current, interests, platforms] = await Promise.all([deps.profiles.profileOf(member), deps.profiles.listInterests(ctx.organization.id), linkedPlatforms(ctx)]);
      return {
        visibility: 'private',
        view: profileSummary(ctx.t, current, interests, ctx.organization.name),
        form: profileForm(ctx.t, current, interests, platforms),
      };
    },
  });
  const profileSubmit: FormHandlerDefinition = {
    formId: PROFILE_FORM,
    access: 'member',
    async run(ctx, values) {
      const saved = await deps.profiles.save(ctx.member!, values, await linkedPlatforms(ctx));
      return privateText(savedText(ctx.t, saved));
    },
  };

  const find = defineCommand({
    path: ['find'],
    access: 'member',
    args: [{ name: 'words', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.interestThenPage' }],
    schema: z.object({ words: z.string().trim().min(1).max(200) }),
    descriptionKey: 'connect.commands.find',
    async run(ctx, args) {
      const words = args.words.split(/\s+/);
      const last = words[words.length - 1]!;
      const paged = words.length > 1 && /^\d{1,4}$/.test(last);
      const page = paged ? Number(last) : 1;
      const name = paged ? words.slice(0, -1).join(' ') : args.words;
      const result = await deps.profiles.find(ctx.member!, name, page);
      const chapters = new Map((await deps.chapters.list(ctx.organization.id)).map((c) => [c.id, c.name]));
      return { visibility: 'private', view: findView(ctx.t, result, ctx.account, chapters) };
    },
  });

  const scopeCommand = (verb: 'start' | 'stop') =>
    defineCommand({
      path: ['intros', verb],
      access: 'manager',
      args: [{ name: 'words', kind: 'string', required: false, rest: true, descriptionKey: 'connect.args.scope' }],
      schema: restSchema,
      descriptionKey: verb === 'start' ? 'connect.commands.introsStart' : 'connect.commands.introsStop',
      async run(ctx, args) {
        const parsed = parseScope(args.words ?? '');
        if (!parsed) return privateText(ctx.t('connect.intros.usage'));
        if (verb === 'stop') {
          const program = await deps.intros.stop(ctx.organization.id, parsed.scope);
          return privateText(ctx.t('connect.intros.stopped', { scope: await scopeLabel(ctx, program.scope) }));
        }
        if (parsed.everyWeeks === null) return privateText(ctx.t('connect.intros.badEvery'));
        const program = await deps.intros.start(ctx.organization.id, parsed.scope, { everyWeeks: parsed.everyWeeks });
        return privateText(ctx.t('connect.intros.started', { scope: await scopeLabel(ctx, program.scope), weeks: program.everyWeeks }));
      },
    });
  const scopeLabel = async (ctx: CommandContext, scope: Parameters<IntroService['label']>[1]) => {
    const label = await deps.intros.label(ctx.organization.id, scope);
    return label === '*' ? ctx.t('connect.intros.everyone') : label;
  };

  const status = defineCommand({
    path: ['intros', 'status'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'connect.commands.introsStatus',
    aliases: [['intros']],
    async run(ctx) {
      const programs = await deps.intros.status(ctx.organization.id);
      if (programs.length === 0) return privateText(ctx.t('connect.intros.statusNone'));
      const date = (d: Date) => d.toLocaleDateString(ctx.locale === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: ctx.organization.timezone, day: 'numeric', month: 'short', year: 'numeric' });
      const lines = programs.map((p) => {
        const head = ctx.t('connect.intros.statusProgram', { scope: p.label === '*' ? ctx.t('connect.intros.everyone') : p.label, weeks: p.program.everyWeeks, next: date(p.program.nextRoundAt) });
        const rounds = p.rounds.length === 0
          ? [`  - ${ctx.t('connect.intros.statusNoRounds')}`]
          : p.rounds.map((r) => `  - ${ctx.t('connect.intros.statusRound', { number: r.number, date: date(r.ranAt), members: r.members, groups: r.groups, met: r.totals.metGroups, yes: r.totals.yes, no: r.totals.no })}`);
        return [`- ${head}`, ...rounds].join('\n');
      });
      return reply('private', ctx.t('connect.intros.statusHeading'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const met: ActionDefinition = {
    prefix: MET_ACTION,
    access: 'member',
    async run(ctx, event) {
      const match = /^([0-9a-f-]{36}):(yes|no)$/.exec(event.value ?? '');
      if (!match) throw connectError('CONNECT.NOT_YOUR_INTRODUCTION', 'malformed follow-up value');
      const yes = match[2] === 'yes';
      await deps.intros.answer(ctx.member!, match[1]!, yes);
      return privateText(ctx.t(yes ? 'connect.intros.thanksMet' : 'connect.intros.thanksNotMet'));
    },
  };

  return {
    commands: [interestsAdd, interestsRemove, interestsList, profile, find, scopeCommand('start'), scopeCommand('stop'), status] as CommandDefinition[],
    actions: [met],
    forms: [profileSubmit],
  };
}
