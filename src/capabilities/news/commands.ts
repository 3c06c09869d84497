import { z } from 'zod';
import { MEMBER_ROLES, type MemberRole } from '../../kernel/community.js';
import { shortId, type Audience } from './domain/announcement.js';
import type { NewsViews } from './ports.js';
import type { NewsService } from './domain/news.service.js';
import { parseAnnouncementText, parsePublishTime } from './domain/news.schemas.js';
import type { Clock } from '../../kernel/clock.js';
import { KringError } from '../../kernel/errors.js';
import type { Locale } from '../../kernel/types.js';
import type { ChatPlatforms, Form, Reply } from '../../kernel/ports/chat-platform.js';
import type { ChapterRepository } from '../../kernel/ports/directory.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';

/** Dependencies of the news commands. */
export interface NewsCommandDeps {
  news: NewsService;
  chapters: ChapterRepository;
  platforms: ChatPlatforms;
  views: NewsViews;
  clock: Clock;
}

const idArg = { name: 'id', kind: 'string', required: true, descriptionKey: 'news.args.id' } as const;
const textArg = { name: 'text', kind: 'string', required: false, descriptionKey: 'news.args.text', rest: true } as const;
const text = z.string().max(4000).optional();

/**
 * `/kring news post|schedule|status|edit|retract|list` for community managers (the router checks the
 * role). The text form is `<title> | <text> [| <link>] [| <image>]`, with optional `--dm` (also as direct
 * messages to linked members), `--chapter=<name>` (those chapters' channels) and `--role=<role>` (direct
 * messages to members with the role).
 */
export function newsCommands(deps: NewsCommandDeps): CommandDefinition[] {
  const commands = defineAll(deps);
  // Refusals (not found, retracted, bad time...) in the manager's own language: the router would answer
  // thrown errors in the platform's or organisation's language.
  return commands.map((def) => ({ ...def, run: (ctx, args) => def.run(ctx, args).catch((err: unknown) => inLanguage(ctx, err)) }));
}

function inLanguage(ctx: CommandContext, err: unknown): Reply {
  if (err instanceof KringError && err.messageKey) return privateText(ctx.t(err.messageKey, { ...err.params }));
  throw err;
}

function defineAll(deps: NewsCommandDeps): CommandDefinition[] {
  const post = defineCommand({
    path: ['news', 'post'],
    access: 'manager',
    args: [textArg],
    schema: z.object({ text }),
    descriptionKey: 'news.commands.post',
    async run(ctx, args) {
      // Without text the command opens the announcement form.
      if ((args.text ?? '').trim() === '') return { ...privateText(ctx.t('news.errors.textForm')), form: newsForm(ctx) };
      const draft = await readDraft(ctx, deps, args.text ?? '');
      if ('reply' in draft) return draft.reply;
      return publish(ctx, deps, draft.input);
    },
  });

  const schedule = defineCommand({
    path: ['news', 'schedule'],
    access: 'manager',
    args: [{ name: 'when', kind: 'string', required: true, descriptionKey: 'news.args.when' }, textArg],
    schema: z.object({ when: z.string().trim().min(1).max(40), text }),
    descriptionKey: 'news.commands.schedule',
    async run(ctx, args) {
      const publishAt = parsePublishTime(args.when, deps.clock.now(), ctx.organization.timezone);
      const draft = await readDraft(ctx, deps, args.text ?? '');
      if ('reply' in draft) return draft.reply;
      const { announcement, targets } = await deps.news.create({
        ...draft.input,
        organizationId: ctx.organization.id,
        authorMemberId: ctx.member?.id ?? null,
        publishAt,
      });
      const at = formatTime(publishAt, ctx.locale, ctx.organization.timezone);
      return privateText(ctx.t('news.post.scheduled', { id: shortId(announcement.id), count: targets, at }));
    },
  });

  const status = defineCommand({
    path: ['news', 'status'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: z.string().trim().min(1).max(64) }),
    descriptionKey: 'news.commands.status',
    async run(ctx, args) {
      const report = await deps.news.report(ctx.organization.id, args.id);
      const view = deps.views.report(report, ctx.locale);
      const running = report.announcement.status === 'publishing' || report.announcement.status === 'scheduled';
      const chat = deps.platforms.get(ctx.account.platform);
      const channelId = ctx.event.channelId;
      // A live report is a message Kring posts itself (a reply cannot be edited later); the status job
      // redraws it as deliveries complete. Finished announcements just get the report as a reply.
      if (running && chat && channelId) {
        try {
          const ref = await chat.post({ workspaceId: ctx.account.workspaceId, channelId }, view);
          await deps.news.watch(ctx.organization.id, report.announcement.id, { ...ref, locale: ctx.locale });
          return privateText(ctx.t('news.status.live', { id: shortId(report.announcement.id) }));
        } catch {
          // Cannot post here (no permission, DM): the reply still shows the report as it is now.
        }
      }
      return { visibility: 'private', view };
    },
  });

  const edit = defineCommand({
    path: ['news', 'edit'],
    access: 'manager',
    args: [idArg, textArg],
    schema: z.object({ id: z.string().trim().min(1).max(64), text }),
    descriptionKey: 'news.commands.edit',
    async run(ctx, args) {
      const content = parseAnnouncementText(args.text ?? '');
      const { announcement, copies } = await deps.news.edit(ctx.organization.id, args.id, {
        title: content.title,
        body: content.body,
        linkUrl: content.linkUrl ?? null,
        imageUrl: content.imageUrl ?? null,
      });
      return privateText(ctx.t('news.edit.done', { id: shortId(announcement.id), count: copies }));
    },
  });

  const retract = defineCommand({
    path: ['news', 'retract'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: z.string().trim().min(1).max(64) }),
    descriptionKey: 'news.commands.retract',
    async run(ctx, args) {
      const { announcement, copies } = await deps.news.retract(ctx.organization.id, args.id);
      return privateText(ctx.t('news.retract.done', { id: shortId(announcement.id), count: copies }));
    },
  });

  const publishDraft = defineCommand({
    path: ['news', 'publish'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: z.string().trim().min(1).max(64) }),
    descriptionKey: 'news.commands.publish',
    async run(ctx, args) {
      const { announcement, targets } = await deps.news.publishDraft(ctx.organization.id, args.id);
      return privateText(ctx.t('news.post.started', { id: shortId(announcement.id), count: targets }));
    },
  });

  const list = defineCommand({
    path: ['news', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'news.commands.list',
    async run(ctx) {
      const recent = await deps.news.list(ctx.organization.id, 10);
      if (recent.length === 0) return privateText(ctx.t('news.list.empty'));
      const lines = recent.map((a) =>
        ctx.t('news.list.line', {
          id: shortId(a.id),
          title: a.title,
          status: ctx.t(`news.statuses.${a.status}`),
          date: formatTime(a.publishAt ?? a.createdAt, ctx.locale, ctx.organization.timezone),
        }),
      );
      return reply('private', ctx.t('news.list.title'), [{ type: 'text', text: lines.map((l) => `- ${l}`).join('\n') }]);
    },
  });

  return [post, schedule, status, edit, retract, publishDraft, list] as CommandDefinition[];
}

/** Creates the announcement and starts its fan-out, as `/kring news post` does. */
async function publish(ctx: CommandContext, deps: NewsCommandDeps, input: DraftInput): Promise<Reply> {
  const { announcement, targets } = await deps.news.create({ ...input, organizationId: ctx.organization.id, authorMemberId: ctx.member?.id ?? null });
  return privateText(ctx.t('news.post.started', { id: shortId(announcement.id), count: targets }));
}

/** formId of the announcement form `/kring news post` opens without text. */
export const NEWS_POST_FORM = 'news.post';

function newsForm(ctx: CommandContext): Form {
  return {
    formId: NEWS_POST_FORM,
    title: ctx.t('news.form.title'),
    submitLabel: ctx.t('news.form.submit'),
    fields: [
      { name: 'title', label: ctx.t('news.form.titleField'), kind: 'short', required: true, maxLength: 200 },
      { name: 'body', label: ctx.t('news.form.body'), kind: 'long', required: true, maxLength: 3000 },
      { name: 'link', label: ctx.t('news.form.link'), kind: 'short', required: false, placeholder: ctx.t('news.form.linkPlaceholder'), maxLength: 500 },
    ],
  };
}

/**
 * The handler of the announcement form: posts to everyone, exactly like `/kring news post <title> | <text>
 * [| <link>]` (the flags of the text form have no field; the body keeps its line breaks).
 */
export function newsForms(deps: NewsCommandDeps): FormHandlerDefinition[] {
  const post: FormHandlerDefinition = {
    formId: NEWS_POST_FORM,
    access: 'manager',
    async run(ctx, values) {
      const title = (values['title'] ?? '').trim();
      const body = (values['body'] ?? '').trim();
      const link = (values['link'] ?? '').trim();
      if (title === '' || body === '') return privateText(ctx.t('news.errors.textForm'));
      if (link !== '' && !/^https?:\/\/\S+$/i.test(link)) return privateText(ctx.t('news.form.badLink'));
      const input: DraftInput = { title, body, linkUrl: link === '' ? null : link, imageUrl: null, audience: { kind: 'all' }, directMessages: false };
      return publish(ctx, deps, input).catch((err: unknown) => inLanguage(ctx, err));
    },
  };
  return [post];
}

type DraftInput = { title: string; body: string; linkUrl: string | null; imageUrl: string | null; audience: Audience; directMessages: boolean };

/** Reads the text form and its flags into announcement input, or a polite refusal. */
async function readDraft(ctx: CommandContext, deps: NewsCommandDeps, raw: string): Promise<{ input: DraftInput } | { reply: ReturnType<typeof privateText> }> {
  const flags = { dm: false, chapters: [] as string[], roles: [] as string[] };
  const words = raw.split(/\s+/).filter((w) => {
    const m = /^--(dm|chapter=(.+)|role=(.+))$/i.exec(w);
    if (!m) return true;
    if (m[1]!.toLowerCase() === 'dm') flags.dm = true;
    else if (m[2] !== undefined) flags.chapters.push(m[2].replace(/_/g, ' '));
    else if (m[3] !== undefined) flags.roles.push(m[3]);
    return false;
  });
  const content = parseAnnouncementText(words.join(' '));
  let audience: Audience = { kind: 'all' };
  if (flags.chapters.length > 0) {
    const chapters = await deps.chapters.list(ctx.organization.id);
    const ids: string[] = [];
    for (const name of flags.chapters) {
      const match = chapters.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (!match) return { reply: privateText(ctx.t('news.errors.unknownChapter', { chapter: name, chapters: chapters.map((c) => c.name).join(', ') || '-' })) };
      ids.push(match.id);
    }
    audience = { kind: 'chapters', chapterIds: [...new Set(ids)] };
  } else if (flags.roles.length > 0) {
    const roles: MemberRole[] = [];
    for (const name of flags.roles) {
      const role = MEMBER_ROLES.find((r) => r === name.toLowerCase().replace(/-/g, '_'));
      if (!role) return { reply: privateText(ctx.t('news.errors.unknownRole', { role: name, roles: MEMBER_ROLES.join(', ') })) };
      roles.push(role);
    }
    audience = { kind: 'roles', roles: [...new Set(roles)] };
  }
  return {
    input: { title: content.title, body: content.body, linkUrl: content.linkUrl ?? null, imageUrl: content.imageUrl ?? null, audience, directMessages: flags.dm },
  };
}

function formatTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
}
