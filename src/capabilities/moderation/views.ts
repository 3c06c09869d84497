import type { Member, Organization } from '../../kernel/community.js';
import type { Translator } from '../../kernel/i18n.js';
import type { View } from '../../kernel/ports/chat-platform.js';
import type { Locale } from '../../kernel/types.js';
import type { CaseOutcome, ModerationCase } from './domain/moderation.js';
import type { ModerationViews } from './domain/moderation.service.js';

const PLATFORM_NAMES = { discord: 'Discord', slack: 'Slack', teams: 'Teams', web: 'web' } as const;

/** A date and time in the organisation's zone, e.g. `2026-12-09 16:30`. */
export function formatMoment(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export const platformName = (c: Pick<ModerationCase, 'platform'>): string => PLATFORM_NAMES[c.platform];

/** The direct messages and moderators' cards of moderation. */
export function moderationViews(translator: Translator, timeZone: (organization: Pick<Organization, 'timezone'>) => string = (o) => o.timezone): ModerationViews {
  const message = (heading: string, text: string): View => ({ fallback: `${heading}: ${text}`, blocks: [{ type: 'heading', text: heading }, { type: 'text', text }] });
  return {
    caseCard(locale: Locale, c: ModerationCase, reports: number, reported: Member | null): View {
      const t = translator.for(locale);
      const heading = c.status === 'open' && c.outcome === null && c.messageRemovedAt === null ? t('moderation.card.title', { number: c.number }) : t('moderation.card.titleUpdated', { number: c.number, status: c.outcome ? t(`moderation.outcome.${c.outcome}`) : t(`moderation.status.${c.status}`) });
      const body = t('moderation.card.body', {
        number: c.number,
        platform: platformName(c),
        reports: t('moderation.list.reports', { count: reports }),
        member: reported ? t('moderation.card.about', { name: reported.name }) : '',
      });
      return {
        fallback: heading,
        blocks: [{ type: 'heading', text: heading }, { type: 'text', text: body }, ...(c.link ? [{ type: 'context' as const, text: t('moderation.card.open', { link: c.link }) }] : [])],
      };
    },
    warning(locale, organization, _c, text) {
      const t = translator.for(locale);
      return message(t('moderation.dm.warningTitle', { organization: organization.name }), [t('moderation.dm.warning'), ...(text ? [t('moderation.dm.warningMessage', { message: text })] : [])].join('\n\n'));
    },
    suspended(locale, organization, until) {
      const t = translator.for(locale);
      return message(t('moderation.dm.suspendedTitle', { organization: organization.name }), t('moderation.dm.suspended', { until: formatMoment(until, timeZone(organization)) }));
    },
    outcome(locale, organization, c, outcome: CaseOutcome) {
      const t = translator.for(locale);
      return message(t('moderation.dm.outcomeTitle', { organization: organization.name }), t('moderation.dm.outcome', { number: c.number, outcome: t(`moderation.outcome.${outcome}`) }));
    },
    handedOver(locale, organization, c) {
      const t = translator.for(locale);
      return message(t('moderation.dm.counsellorTitle', { organization: organization.name }), t('moderation.dm.counsellor', { number: c.number }));
    },
  };
}
