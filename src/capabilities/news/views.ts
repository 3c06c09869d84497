import { progressPercent, shortId, type DeliveryReport, type ReportedDelivery } from './domain/announcement.js';
import type { NewsViews } from './ports.js';
import type { Locale } from '../../kernel/types.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { Translator } from '../../kernel/i18n.js';
import { stripMarkdown } from '../../chat/views.js';

/** Report lines shown per list (failures, pending). */
const LIST_LINES = 10;

/**
 * How announcements and delivery reports look, in the catalogue's words. The queue worker posts these;
 * the status command shows the report.
 */
export function createNewsViews(translator: Translator, options: { timeZone?: string } = {}): NewsViews {
  return {
    announcement({ announcement: a, authorName, organizationName, locale }): View {
      const t = translator.for(locale);
      const blocks: ViewBlock[] = [
        { type: 'heading', text: a.title },
        { type: 'text', text: a.body },
      ];
      if (a.linkUrl) blocks.push({ type: 'text', text: `[${t('news.view.readMore')}](${a.linkUrl})` });
      // Views have no image block (yet): a link lets each platform preview the picture.
      if (a.imageUrl) blocks.push({ type: 'text', text: `[${t('news.view.image')}](${a.imageUrl})` });
      const footer = authorName ? t('news.view.footerAuthor', { org: organizationName, author: authorName }) : t('news.view.footer', { org: organizationName });
      blocks.push({ type: 'context', text: a.version > 1 ? `${footer} · ${t('news.view.edited')}` : footer });
      return { fallback: `${a.title}: ${stripMarkdown(a.body)}`.slice(0, 300), blocks };
    },

    report(report: DeliveryReport, locale: Locale): View {
      const t = translator.for(locale);
      const a = report.announcement;
      const timeZone = options.timeZone ?? 'Europe/Amsterdam';
      const time = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { timeStyle: 'medium', timeZone }).format(report.at);
      const title = t('news.report.title', { title: a.title });
      const blocks: ViewBlock[] = [
        { type: 'heading', text: title },
        { type: 'context', text: t('news.report.meta', { id: shortId(a.id), status: t(`news.statuses.${a.status}`), time }) },
      ];
      const tally = report.totals;
      if (tally.total === 0) {
        blocks.push({ type: 'text', text: t('news.report.nothing') });
      } else {
        blocks.push({
          type: 'fields',
          fields: [
            { label: t('news.report.sent'), value: String(tally.sent) },
            { label: t('news.report.failed'), value: String(tally.failed) },
            { label: t('news.report.pending'), value: String(tally.queued) },
            ...(tally.retracted > 0 ? [{ label: t('news.report.retracted'), value: String(tally.retracted) }] : []),
            { label: t('news.report.total'), value: String(tally.total) },
          ],
        });
        blocks.push({
          type: 'bars',
          bars: report.byPlatform.map(({ platform, tally: p }) => ({
            label: t('news.report.platformBar', { platform: t(`platforms.${platform}`), done: p.total - p.queued, total: p.total }),
            count: p.sent,
            percent: progressPercent(p),
          })),
        });
      }
      const lines = (items: readonly ReportedDelivery[], total: number, withReason: boolean): string => {
        const shown = items.slice(0, LIST_LINES).map((d) => {
          const target = d.kind === 'direct' ? `${t('news.report.direct')} ${d.target}` : d.target;
          const params = { platform: t(`platforms.${d.platform}`), target, reason: d.reason ?? '' };
          return withReason && d.reason ? t('news.report.lineReason', params) : t('news.report.line', params);
        });
        const rest = total - shown.length;
        return [...shown, ...(rest > 0 ? [t('news.report.more', { count: rest })] : [])].join('\n');
      };
      if (tally.failed > 0) blocks.push({ type: 'text', text: `${t('news.report.failuresTitle')}\n${lines(report.failures, tally.failed, true)}` });
      if (tally.queued > 0 && report.pending.length > 0) blocks.push({ type: 'text', text: `${t('news.report.pendingTitle')}\n${lines(report.pending, tally.queued, false)}` });
      return { fallback: `${title}: ${tally.sent}/${tally.total}`, blocks };
    },
  };
}
