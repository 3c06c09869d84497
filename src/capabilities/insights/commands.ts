import { z } from 'zod';
import type { Organization } from '../../kernel/community.js';
import { DOWNLOAD_TTL_MS, SIGN_IN_LINK_TTL_MS, type DashboardAccess } from './domain/dashboard-access.js';
import { percentChange, type Compare, type InsightsOverview, type InsightsService } from './domain/insights.service.js';
import type { GroupTotal } from './ports.js';
import type { PeriodKey } from './domain/time.js';
import type { Locale } from '../../kernel/types.js';
import type { Reply, ViewBar, ViewBlock, View } from '../../kernel/ports/chat-platform.js';
import type { ChapterRepository } from '../../kernel/ports/directory.js';
import type { Translate } from '../../kernel/i18n.js';
import { privateText, reply } from '../../chat/views.js';
import { defineCommand, type CommandContext, type CommandDefinition } from '../../chat/command.js';

/** Dependencies of the managers' insights commands. */
export interface InsightsCommandDeps {
  insights: InsightsService;
  access: DashboardAccess;
  chapters: Pick<ChapterRepository, 'list'>;
  /** Base URL of Kring's HTTP server for links in chat (no trailing slash). */
  publicUrl: (organizationId: string) => Promise<string>;
}

/** Period words managers may type (English, and the Dutch ones people type anyway). */
const PERIOD_ALIASES: Record<string, PeriodKey> = {
  week: 'week', w: 'week', month: 'month', maand: 'month', m: 'month', quarter: 'quarter', kwartaal: 'quarter', q: 'quarter', year: 'year', jaar: 'year', y: 'year',
};

/** The period a word names, or undefined. */
export function parsePeriod(word: string | undefined): PeriodKey | undefined {
  return word === undefined ? undefined : PERIOD_ALIASES[word.trim().toLowerCase()];
}

const periodArgs = [
  { name: 'period', kind: 'string', required: false, descriptionKey: 'insights.args.period' },
  { name: 'chapter', kind: 'string', required: false, descriptionKey: 'insights.args.chapter', rest: true },
] as const;
const periodSchema = z.object({ period: z.string().trim().max(50).optional(), chapter: z.string().trim().max(200).optional() });

/**
 * Reads `[period] [chapter]`; a first word that is no period starts the chapter name
 * (`/kring insights Noord`). Returns an error reply when the chapter does not exist.
 */
async function scope(
  ctx: CommandContext,
  deps: InsightsCommandDeps,
  args: z.output<typeof periodSchema>,
): Promise<{ period: PeriodKey; chapter?: { id: string; name: string } } | Reply> {
  const period = parsePeriod(args.period);
  const chapterName = (period ? (args.chapter ?? '') : [args.period, args.chapter].filter(Boolean).join(' ')).trim();
  if (chapterName === '') return { period: period ?? 'month' };
  const chapters = await deps.chapters.list(ctx.organization.id);
  const match = chapters.find((c) => c.name.toLowerCase() === chapterName.toLowerCase());
  if (!match) {
    const unknown = ctx.t('insights.overview.unknownChapter', { chapter: chapterName, chapters: chapters.map((c) => c.name).join(', ') || '-' });
    return privateText(period ? unknown : `${ctx.t('insights.overview.badPeriod')} ${unknown}`);
  }
  return { period: period ?? 'month', chapter: { id: match.id, name: match.name } };
}

/** `insights show` (also `insights`), `insights export`, `insights topics`, `dashboard`: managers only. */
export function insightsCommands(deps: InsightsCommandDeps): CommandDefinition[] {
  const insights = defineCommand({
    // `insights` is also the group of `insights export` and `insights topics`; Discord cannot run a group
    // itself, so the overview has a sub-command name of its own. Typed text may still say `/kring insights`.
    path: ['insights', 'show'],
    aliases: [['insights']],
    access: 'manager',
    args: periodArgs,
    schema: periodSchema,
    descriptionKey: 'insights.commands.insights',
    async run(ctx, args) {
      const s = await scope(ctx, deps, args);
      if ('view' in s) return s;
      const overview = await deps.insights.overview(ctx.organization, { period: s.period, chapterId: s.chapter?.id });
      const view = overviewView(ctx.t, ctx.locale, overview, { chapterName: s.chapter?.name, chapterNames: await chapterNames(deps, ctx.organization) });
      return { visibility: 'private', view };
    },
  });

  const exportCsv = defineCommand({
    path: ['insights', 'export'],
    access: 'manager',
    args: periodArgs,
    schema: periodSchema,
    descriptionKey: 'insights.commands.export',
    async run(ctx, args) {
      const s = await scope(ctx, deps, args);
      if ('view' in s) return s;
      const params: Record<string, string> = { period: s.period, locale: ctx.locale, ...(s.chapter ? { chapter: s.chapter.id } : {}) };
      const token = await deps.access.downloadToken('export', ctx.member!, params);
      const url = `${await deps.publicUrl(ctx.organization.id)}/insights/export.csv?token=${token}`;
      return privateText(ctx.t('insights.export.ready', { period: ctx.t(`insights.periods.${s.period}`), url, minutes: DOWNLOAD_TTL_MS / 60_000 }));
    },
  });

  const topics = defineCommand({
    path: ['insights', 'topics'],
    access: 'manager',
    args: [{ name: 'setting', kind: 'string', required: false, descriptionKey: 'insights.args.setting' }],
    schema: z.object({ setting: z.string().trim().toLowerCase().optional() }),
    descriptionKey: 'insights.commands.topics',
    async run(ctx, args) {
      const on = onOff(args.setting);
      if (on === undefined && args.setting !== undefined) return privateText(ctx.t('insights.errors.badSetting'));
      if (on === undefined) {
        const state = (await deps.insights.topicsEnabled(ctx.organization.id)) ? 'stateOn' : 'stateOff';
        return privateText(ctx.t('insights.topics.status', { state: ctx.t(`insights.topics.${state}`) }));
      }
      await deps.insights.setTopics(ctx.organization.id, on);
      return privateText(ctx.t(on ? 'insights.topics.on' : 'insights.topics.off'));
    },
  });

  const dashboard = defineCommand({
    path: ['insights', 'dashboard'],
    // Typed as `/kring dashboard` too; in Discord's menu it sits in the insights group (25 words under /kring).
    aliases: [['dashboard']],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'insights.commands.dashboard',
    async run(ctx) {
      const { token } = await deps.access.createSignInToken(ctx.member!);
      const url = `${await deps.publicUrl(ctx.organization.id)}/insights/signin?token=${token}`;
      return privateText(ctx.t('insights.dashboard.link', { url, minutes: SIGN_IN_LINK_TTL_MS / 60_000 }));
    },
  });

  return [insights, exportCsv, topics, dashboard] as CommandDefinition[];
}

/** `on`/`off` in the words people use; undefined for anything else. */
export function onOff(word: string | undefined): boolean | undefined {
  if (word === undefined) return undefined;
  if (['on', 'aan', 'in', 'yes', 'ja'].includes(word)) return true;
  if (['off', 'uit', 'out', 'no', 'nee'].includes(word)) return false;
  return undefined;
}

async function chapterNames(deps: InsightsCommandDeps, org: Organization): Promise<Map<string, string>> {
  return new Map((await deps.chapters.list(org.id)).map((c) => [c.id, c.name]));
}

/** A number with a signed percentage against the period before. */
function compared(t: Translate, fmt: Intl.NumberFormat, c: Compare): string {
  const value = fmt.format(c.current);
  const change = percentChange(c);
  if (change === null) return c.current > 0 ? t('insights.overview.noPrevious', { value }) : value;
  return t('insights.overview.withChange', { value, change: `${change > 0 ? '+' : ''}${change}%` });
}

function bars(groups: readonly GroupTotal[], label: (g: GroupTotal) => string): ViewBar[] {
  const total = groups.reduce((n, g) => n + g.count, 0);
  return groups.map((g) => ({ label: label(g), count: g.count, percent: total > 0 ? Math.round((100 * g.count) / total) : 0 }));
}

/**
 * The overview as a View: key numbers as fields (period over period), bars for channels and chapters,
 * rising topics. Used by `/kring insights` and the weekly digest.
 */
export function overviewView(
  t: Translate,
  locale: Locale,
  o: InsightsOverview,
  names: { chapterName?: string | undefined; chapterNames: ReadonlyMap<string, string>; heading?: string; intro?: string },
): View {
  const fmt = new Intl.NumberFormat(locale);
  const period = t(`insights.periods.${o.period.key}`);
  const heading =
    names.heading ?? (names.chapterName ? t('insights.overview.titleChapter', { period, chapter: names.chapterName }) : t('insights.overview.title', { period }));
  const none = t('insights.overview.none');
  const blocks: ViewBlock[] = [];
  if (names.intro) blocks.push({ type: 'text', text: names.intro });
  blocks.push({
    type: 'fields',
    fields: [
      { label: t('insights.overview.activeMembers'), value: compared(t, fmt, o.activeMembers) },
      { label: t('insights.overview.dauWauMau'), value: [o.dailyActive, o.weeklyActive, o.monthlyActive].map((n) => fmt.format(n)).join(' / ') },
      { label: t('insights.overview.messages'), value: compared(t, fmt, o.messages) },
      { label: t('insights.overview.replies'), value: compared(t, fmt, o.replies) },
      { label: t('insights.overview.newReturning'), value: `${fmt.format(o.newMembers)} / ${fmt.format(o.returningMembers)}` },
      { label: t('insights.overview.votes'), value: compared(t, fmt, o.votes) },
      {
        label: t('insights.overview.unanswered', { hours: o.unanswered.hours }),
        value: t('insights.overview.unansweredValue', { unanswered: fmt.format(o.unanswered.unanswered), questions: fmt.format(o.unanswered.questions) }),
      },
      {
        label: t('insights.overview.medianReply'),
        value: o.unanswered.medianFirstReplyMinutes === null ? none : t('insights.overview.minutes', { count: o.unanswered.medianFirstReplyMinutes }),
      },
      { label: t('insights.overview.pollRate'), value: o.polls.averageRate === null ? none : `${fmt.format(o.polls.averageRate)}%` },
      ...(o.meetups.meetups > 0
        ? [
            {
              label: t('insights.overview.meetupTurnout'),
              value: t('insights.overview.meetupTurnoutValue', {
                turnedUp: fmt.format(o.meetups.turnedUp),
                confirmed: fmt.format(o.meetups.confirmed),
                rate: o.meetups.rate === null ? none : `${fmt.format(o.meetups.rate)}%`,
                firstTimers: fmt.format(o.meetups.firstTimers),
                meetups: fmt.format(o.meetups.meetups),
              }),
            },
          ]
        : []),
    ],
  });
  if (o.meetups.byChapter.length > 1 || (o.meetups.byChapter.length === 1 && o.meetups.byChapter[0]!.chapterId !== null)) {
    const lines = o.meetups.byChapter.map(
      (c) =>
        `- ${t('insights.overview.meetupChapterLine', {
          chapter: c.chapterId ? (names.chapterNames.get(c.chapterId) ?? c.name ?? c.chapterId) : t('insights.overview.noChapter'),
          turnedUp: fmt.format(c.turnedUp),
          confirmed: fmt.format(c.confirmed),
          rate: c.rate === null ? none : `${fmt.format(c.rate)}%`,
          firstTimers: fmt.format(c.firstTimers),
        })}`,
    );
    blocks.push({ type: 'text', text: `${t('insights.overview.meetupsByChapterTitle')}\n${lines.join('\n')}` });
  }
  if (o.channels.length > 0) {
    blocks.push({ type: 'text', text: t('insights.overview.channelsTitle') });
    blocks.push({ type: 'bars', bars: bars(o.channels, (g) => (g.name ? `#${g.name}` : (g.key ?? none))) });
  } else {
    blocks.push({ type: 'text', text: t('insights.overview.noActivity') });
  }
  if (o.chapters.length > 1 || (o.chapters.length === 1 && o.chapters[0]!.key !== null)) {
    blocks.push({ type: 'text', text: t('insights.overview.chaptersTitle') });
    blocks.push({
      type: 'bars',
      bars: bars(o.chapters, (g) => (g.key ? (names.chapterNames.get(g.key) ?? g.name ?? g.key) : t('insights.overview.noChapter'))),
    });
  }
  if (!o.topics.enabled) {
    blocks.push({ type: 'context', text: t('insights.overview.topicsOff') });
  } else {
    const lines = o.topics.rising.slice(0, 5).map((r) => `- ${r.term} (${fmt.format(r.current)}, ${fmt.format(r.previous)})`);
    blocks.push({ type: 'text', text: `${t('insights.overview.topicsTitle')}\n${lines.length > 0 ? lines.join('\n') : t('insights.overview.topicsNone')}` });
  }
  blocks.push({ type: 'context', text: `${t('insights.overview.footer')} ${t('insights.overview.dashboardHint')}` });
  return reply('private', heading, blocks).view;
}
