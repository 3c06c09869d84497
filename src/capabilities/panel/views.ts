import type { Translate } from '../../kernel/i18n.js';
import type { Reply, View } from '../../kernel/ports/chat-platform.js';
import { formatInZone } from '../../kernel/zoned-time.js';
import { reply } from '../../chat/views.js';
import type { PanelOverview } from './domain/panel.service.js';

/**
 * How many members and groups a chat reply lists: a Discord message holds 2,000 characters and a Slack
 * section 3,000, so a large panel is listed in part, with how many more there are (the admin API lists all).
 */
export const PANEL_SHOW_LIMITS = { members: 30, strata: 20 } as const;

/** The panel for managers: summary, members (by stratum), seats per stratum against its pool, places. */
export function panelOverviewReply(o: PanelOverview, t: Translate, where: { locale: string; timeZone: string }): Reply {
  const summary = t('panel.show.summary', {
    drawnAt: formatInZone(o.panel.drawnAt, where.locale, where.timeZone),
    seats: o.panel.seats.length,
    size: o.panel.size,
    seed: o.panel.seed,
    candidates: o.candidates,
  });
  const members = o.members
    .slice(0, PANEL_SHOW_LIMITS.members)
    .map((m) => t(m.source === 'manual' ? 'panel.show.memberManual' : 'panel.show.member', { name: m.member.name, number: m.member.memberNumber, stratum: m.stratum }));
  if (o.members.length > PANEL_SHOW_LIMITS.members) members.push(t('panel.show.more', { count: o.members.length - PANEL_SHOW_LIMITS.members }));
  const strata = o.strata.slice(0, PANEL_SHOW_LIMITS.strata).map((s) => t('panel.show.stratum', { label: s.label, seats: s.seats, pool: s.pool }));
  if (o.strata.length > PANEL_SHOW_LIMITS.strata) strata.push(t('panel.show.more', { count: o.strata.length - PANEL_SHOW_LIMITS.strata }));
  const places = o.places.length === 0 ? t('panel.show.noPlaces') : t('panel.show.places', { places: o.places.map((p) => `${p.platform} ${p.kind}`).join(', ') });
  return reply('private', t('panel.show.title'), [
    { type: 'text', text: summary },
    { type: 'text', text: `**${t('panel.show.membersTitle')}**\n${members.join('\n') || '-'}` },
    { type: 'text', text: `**${t('panel.show.strataTitle')}**\n${strata.join('\n') || '-'}` },
    { type: 'text', text: places },
  ]);
}

/** The direct message to a member who came onto the panel. */
export function welcomeView(organizationName: string, t: Translate): View {
  const text = t('panel.welcome', { organization: organizationName });
  return { fallback: text, blocks: [{ type: 'text', text }] };
}
