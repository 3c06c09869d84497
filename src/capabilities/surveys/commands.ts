import { z } from 'zod';
import { MEMBER_ROLES, type MemberRole } from '../../kernel/community.js';
import type { ChapterRepository } from '../../kernel/ports/directory.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import { parseWallTime } from '../../kernel/zoned-time.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';
import { choicesFromForm, parseAnswerForm, parseButtonValue, QUESTION_KINDS, shortSurveyId, SURVEY_LIMITS, type AnswerValue, type AudienceBase, type QuestionKind } from './domain/survey.js';
import type { AnswerResult, SurveyService } from './domain/survey.service.js';
import { surveyCsv } from './survey-csv.js';
import { answerForm, invitationView, questionView, resultsView, SURVEY_ANSWER_ACTION, SURVEY_ANSWER_FORM, SURVEY_FORM_ACTION, surveyLine, thanksView } from './views.js';

/** Question kinds as typed, in English and Dutch. */
const KIND_WORDS: Record<string, QuestionKind> = {
  single: 'single', enkel: 'single', keuze: 'single',
  multiple: 'multiple', meerdere: 'multiple', meerkeuze: 'multiple',
  scale: 'scale', schaal: 'scale',
  nps: 'nps',
  text: 'text', tekst: 'text',
};

const FLAGS = ['anonymous', 'chapter', 'role', 'panel', 'sample', 'opens', 'closes', 'min-group'] as const;
type Flag = (typeof FLAGS)[number];

/** `Title words --flag=value ...`: the title and the flags (values without spaces, or quoted with `"`). */
export function parseCreateArgs(text: string): { title: string; flags: Map<Flag, string>; unknown: string[] } {
  const flags = new Map<Flag, string>();
  const unknown: string[] = [];
  const title: string[] = [];
  const tokens = text.match(/--[a-z-]+(?:=(?:"[^"]*"|\S+))?|\S+/g) ?? [];
  for (const token of tokens) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(token);
    if (!m) {
      title.push(token);
      continue;
    }
    const name = m[1] as Flag;
    if (!(FLAGS as readonly string[]).includes(name)) unknown.push(m[1]!);
    else flags.set(name, (m[2] ?? '').replace(/^"|"$/g, ''));
  }
  return { title: title.join(' '), flags, unknown };
}

export interface SurveyCommandDeps {
  surveys: SurveyService;
  chapters: Pick<ChapterRepository, 'list'>;
  /** Characters of CSV a chat reply shows (the rest: CLI or admin API). */
  exportChars?: number;
}

/**
 * `/kring survey create|question|send|status|results|close|remind|export|list` (managers) and `/kring
 * survey answer <id>` (members: resume), the answer buttons and the answer form.
 */
export function surveyCommands(deps: SurveyCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  const { surveys } = deps;
  const idArg = [{ name: 'id', kind: 'string', required: true, descriptionKey: 'surveys.args.id' }] as const;
  const idSchema = z.object({ id: z.string().trim().min(1).max(64) });

  const create = defineCommand({
    path: ['survey', 'create'],
    access: 'manager',
    args: [{ name: 'text', kind: 'string', required: false, descriptionKey: 'surveys.args.create', rest: true }],
    schema: z.object({ text: z.string().max(1000).optional() }),
    descriptionKey: 'surveys.commands.create',
    async run(ctx, args) {
      const parsed = parseCreateArgs(args.text ?? '');
      if (parsed.unknown.length > 0) return privateText(ctx.t('surveys.create.unknownFlag', { flag: parsed.unknown[0]! }));
      if (parsed.title.trim().length < 3) return privateText(ctx.t('surveys.create.usage'));
      let base: AudienceBase = { kind: 'all' };
      const chapterName = parsed.flags.get('chapter');
      if (chapterName !== undefined) {
        const chapters = await deps.chapters.list(ctx.organization.id);
        const chapter = chapters.find((c) => c.name.toLowerCase() === chapterName.toLowerCase());
        if (!chapter) return privateText(ctx.t('surveys.create.unknownChapter', { chapter: chapterName, chapters: chapters.map((c) => c.name).join(', ') || '-' }));
        base = { kind: 'chapter', chapterId: chapter.id };
      }
      const roleName = parsed.flags.get('role');
      if (roleName !== undefined) {
        const role = MEMBER_ROLES.find((r) => r === roleName.toLowerCase() || ctx.t(`roles.${r}`).toLowerCase() === roleName.toLowerCase());
        if (!role) return privateText(ctx.t('surveys.create.unknownRole', { role: roleName, roles: MEMBER_ROLES.join(', ') }));
        if (base.kind !== 'all') return privateText(ctx.t('surveys.create.oneAudience'));
        base = { kind: 'role', role: role as MemberRole };
      }
      if (parsed.flags.has('panel')) {
        if (base.kind !== 'all') return privateText(ctx.t('surveys.create.oneAudience'));
        base = { kind: 'panel' };
      }
      const sampleText = parsed.flags.get('sample');
      const sample = sampleText === undefined ? null : Number(sampleText);
      if (sample !== null && (!Number.isInteger(sample) || sample < 1 || sample > SURVEY_LIMITS.sample)) return privateText(ctx.t('surveys.create.badNumber', { flag: 'sample' }));
      const minText = parsed.flags.get('min-group');
      const minGroupSize = minText === undefined ? SURVEY_LIMITS.minGroupSize : Number(minText);
      if (!Number.isInteger(minGroupSize) || minGroupSize < SURVEY_LIMITS.minGroupSize || minGroupSize > 1000) return privateText(ctx.t('surveys.create.badMinGroup', { min: SURVEY_LIMITS.minGroupSize }));
      const when = (flag: 'opens' | 'closes') => {
        const text = parsed.flags.get(flag);
        return text === undefined ? null : parseWallTime(text, ctx.organization.timezone);
      };
      const opensAt = when('opens');
      const closesAt = when('closes');
      if ((parsed.flags.has('opens') && !opensAt) || (parsed.flags.has('closes') && !closesAt)) return privateText(ctx.t('surveys.create.badTime'));
      if (closesAt && (closesAt <= new Date() || (opensAt && closesAt <= opensAt))) return privateText(ctx.t('surveys.create.closesBeforeOpens'));
      const survey = await surveys.create({
        organizationId: ctx.organization.id,
        createdByMemberId: ctx.member?.id ?? null,
        title: parsed.title,
        anonymous: parsed.flags.has('anonymous'),
        audience: { base, sample },
        minGroupSize,
        opensAt,
        closesAt,
      });
      return privateText(ctx.t('surveys.create.created', { id: shortSurveyId(survey.id), title: survey.title }));
    },
  });

  const question = defineCommand({
    path: ['survey', 'question'],
    access: 'manager',
    args: [
      { name: 'id', kind: 'string', required: true, descriptionKey: 'surveys.args.id' },
      { name: 'kind', kind: 'string', required: true, descriptionKey: 'surveys.args.kind' },
      { name: 'text', kind: 'string', required: true, descriptionKey: 'surveys.args.question', rest: true },
    ],
    schema: z.object({ id: z.string().trim().min(1).max(64), kind: z.string().trim().min(1).max(20), text: z.string().trim().min(1).max(2000) }),
    descriptionKey: 'surveys.commands.question',
    async run(ctx, args) {
      const kind = KIND_WORDS[args.kind.toLowerCase()];
      if (!kind) return privateText(ctx.t('surveys.question.usage', { kinds: QUESTION_KINDS.join(', ') }));
      const survey = await surveys.find(ctx.organization.id, args.id);
      const [prompt = '', ...options] = args.text.split('|').map((s) => s.trim());
      const updated = await surveys.addQuestion(survey, { kind, prompt, options: options.filter((o) => o !== '') });
      return privateText(ctx.t('surveys.question.added', { number: updated.questions.length, id: shortSurveyId(updated.id) }));
    },
  });

  const send = defineCommand({
    path: ['survey', 'send'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.send',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      const sent = await surveys.send(survey);
      if (sent.scheduled) return privateText(ctx.t('surveys.send.scheduled', { id: shortSurveyId(survey.id), at: sent.scheduled.toISOString().slice(0, 16).replace('T', ' ') }));
      return privateText(ctx.t('surveys.send.sent', { id: shortSurveyId(survey.id), count: sent.invited }));
    },
  });

  const status = defineCommand({
    path: ['survey', 'status'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.status',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      const c = await surveys.counts(survey);
      return reply('private', survey.title, [
        { type: 'fields', fields: [
          { label: ctx.t('surveys.results.status'), value: ctx.t(`surveys.status.${survey.status}`) },
          { label: ctx.t('surveys.results.questions'), value: String(survey.questions.length) },
          { label: ctx.t('surveys.results.invited'), value: String(c.invited) },
          { label: ctx.t('surveys.results.delivered'), value: String(c.delivered) },
          { label: ctx.t('surveys.results.started'), value: String(c.started) },
          { label: ctx.t('surveys.results.completed'), value: String(c.completed) },
        ] },
        { type: 'text', text: survey.questions.map((q) => `${q.position + 1}. [${q.kind}] ${q.prompt}${q.options.length ? ` (${q.options.join(' | ')})` : ''}`).join('\n') || ctx.t('surveys.status.noQuestions') },
      ]);
    },
  });

  const results = defineCommand({
    path: ['survey', 'results'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.results',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      return { visibility: 'private', view: resultsView(await surveys.results(survey), ctx.t) };
    },
  });

  const close = defineCommand({
    path: ['survey', 'close'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.close',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      return { visibility: 'private', view: resultsView(await surveys.close(survey), ctx.t) };
    },
  });

  const remind = defineCommand({
    path: ['survey', 'remind'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.remind',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      if (survey.status !== 'open') return privateText(ctx.t(survey.status === 'closed' ? 'surveys.errors.closed' : 'surveys.errors.notOpen'));
      return privateText(ctx.t('surveys.remind.sent', { count: await surveys.remind(survey.id) }));
    },
  });

  const exportCommand = defineCommand({
    path: ['survey', 'export'],
    access: 'manager',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.export',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      const csv = surveyCsv(survey, await surveys.exportAnswers(survey), ctx.t);
      const max = deps.exportChars ?? 2800;
      const shown = csv.length > max ? csv.slice(0, csv.lastIndexOf('\r\n', max)) : csv;
      const blocks = [{ type: 'text' as const, text: `\`\`\`\n${shown.replace(/\r\n/g, '\n')}\n\`\`\`` }];
      if (shown.length < csv.length) blocks.push({ type: 'text', text: ctx.t('surveys.export.cut') });
      return reply('private', ctx.t('surveys.export.title', { title: survey.title }), blocks);
    },
  });

  const list = defineCommand({
    path: ['survey', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'surveys.commands.list',
    async run(ctx) {
      const found = await surveys.list(ctx.organization.id, { limit: 20 });
      if (found.length === 0) return privateText(ctx.t('surveys.list.none'));
      return reply('private', ctx.t('surveys.list.title'), [{ type: 'text', text: found.map((s) => `- ${surveyLine(s, ctx.t)}`).join('\n') }]);
    },
  });

  const answerCommand = defineCommand({
    path: ['survey', 'answer'],
    access: 'member',
    args: idArg,
    schema: idSchema,
    descriptionKey: 'surveys.commands.answer',
    async run(ctx, args) {
      const survey = await surveys.find(ctx.organization.id, args.id);
      const next = await surveys.resume({ organizationId: ctx.organization.id, member: ctx.member, survey });
      if (!next) return privateText(ctx.t('surveys.errors.completed'));
      return { visibility: 'private', view: invitationView(survey, next, ctx.t, false) };
    },
  });

  /** After an answer: the next question in place of the answered one, or the thanks. */
  const afterAnswer = (ctx: CommandContext, r: AnswerResult, replaceOriginal: boolean): Reply => {
    const view = r.next ? questionView(r.survey, r.next, ctx.t) : thanksView(r.survey, ctx.t);
    return replaceOriginal ? { visibility: 'private', view, replaceOriginal: true } : { visibility: 'private', view };
  };

  const answerAction: ActionDefinition = {
    prefix: SURVEY_ANSWER_ACTION,
    access: 'member',
    async run(ctx, event) {
      const parsed = parseButtonValue(event.value);
      if (!parsed || parsed.value === null) return privateText(ctx.t('errors.actionExpired'));
      const r = await surveys.answerButton({ organizationId: ctx.organization.id, member: ctx.member, surveyId: parsed.surveyId, position: parsed.position, value: parsed.value });
      return afterAnswer(ctx, r, true);
    },
  };

  const formAction: ActionDefinition = {
    prefix: SURVEY_FORM_ACTION,
    access: 'member',
    async run(ctx, event) {
      const parsed = parseButtonValue(event.value);
      if (!parsed || parsed.value !== null) return privateText(ctx.t('errors.actionExpired'));
      const survey = await surveys.findById(parsed.surveyId);
      if (!survey || survey.organizationId !== ctx.organization.id) return privateText(ctx.t('surveys.errors.notFound'));
      const next = await surveys.resume({ organizationId: ctx.organization.id, member: ctx.member, survey });
      if (!next) return privateText(ctx.t('surveys.errors.completed'));
      if (next.position !== parsed.position) return { visibility: 'private', view: questionView(survey, next, ctx.t) };
      if (next.kind !== 'multiple' && next.kind !== 'text') return { visibility: 'private', view: questionView(survey, next, ctx.t) };
      // Platforms without forms show the view: the question again, with how to answer by command.
      return { ...privateText(ctx.t('surveys.form.noForms', { id: shortSurveyId(survey.id) })), form: answerForm(survey, next, ctx.t) };
    },
  };

  const answerFormHandler: FormHandlerDefinition = {
    formId: SURVEY_ANSWER_FORM,
    access: 'member',
    async run(ctx, values) {
      const parsed = parseAnswerForm(values);
      if (!parsed) return privateText(ctx.t('errors.actionExpired'));
      const survey = await surveys.findById(parsed.surveyId);
      const kind = survey?.questions.find((q) => q.position === parsed.position)?.kind;
      const answer: AnswerValue = kind === 'text' ? { kind: 'text', text: parsed.raw.slice(0, SURVEY_LIMITS.textLength + 1) } : { kind: 'choices', choices: choicesFromForm(parsed.raw) };
      const r = await surveys.answer({ organizationId: ctx.organization.id, member: ctx.member, surveyId: parsed.surveyId, position: parsed.position, answer });
      return afterAnswer(ctx, r, false);
    },
  };

  return {
    commands: [create, question, send, status, results, close, remind, exportCommand, list, answerCommand] as CommandDefinition[],
    actions: [answerAction, formAction],
    forms: [answerFormHandler],
  };
}
