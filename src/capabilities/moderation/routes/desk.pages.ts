import type { Organization } from '../../../kernel/community.js';
import type { Translate } from '../../../kernel/i18n.js';
import type { Locale } from '../../../kernel/types.js';
import { escapeHtml as e } from '../../../kernel/web-page.js';
import { DESK_BASE } from '../domain/desk-access.js';
import { isDecidable, MAX_SUSPENSION_DAYS, type AuditEntry, type ModerationCase } from '../domain/moderation.js';
import type { CaseDetail } from '../domain/moderation.service.js';
import { formatMoment, platformName } from '../views.js';

/**
 * The case desk's HTML, rendered on the server: no script at all (the page works with the keyboard and
 * any screen reader as plain forms and tables), every text from the catalogue in the moderator's language,
 * everything from outside escaped.
 */

export { DESK_BASE };

/** Who is looking, for the header and the forms. */
export interface DeskViewer {
  name: string;
  memberId: string;
  formToken: string;
}

/** A banner above the page: what was just done, or why nothing was. */
export type Banner = { kind: 'done' | 'error'; text: string } | null;

/** One HTML page around `body`. */
export function layout(locale: Locale, title: string, body: string, t: Translate, viewer: DeskViewer | null): string {
  const header = viewer
    ? `<header class="bar"><p class="who">${e(t('moderation.desk.signedInAs', { name: viewer.name }))}</p>` +
      `<form method="post" action="${DESK_BASE}/signout">${tokenField(viewer)}<button type="submit" class="secondary">${e(t('moderation.desk.signOut'))}</button></form></header>`
    : '';
  return (
    `<!doctype html>\n<html lang="${locale}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="robots" content="noindex">\n<title>${e(title)}</title>\n<link rel="stylesheet" href="${DESK_BASE}/assets/desk.css">\n</head>\n<body>\n` +
    `${header}\n<main id="main">\n${body}\n</main>\n</body>\n</html>\n`
  );
}

/** A page with one message (signed out, refused, not found). */
export function messagePage(locale: Locale, t: Translate, text: string): string {
  const title = t('moderation.desk.signInTitle');
  return layout(locale, title, `<h1>${e(title)}</h1>\n<p id="message">${e(text)}</p>`, t, null);
}

/** The page a chat link opens: one button that POSTs the token (a link preview must not use the link up). */
export function confirmPage(locale: Locale, t: Translate, token: string): string {
  const title = t('moderation.desk.signInTitle');
  return layout(
    locale,
    title,
    `<h1>${e(title)}</h1>\n<p>${e(t('moderation.desk.signInIntro'))}</p>\n` +
      `<form method="post" action="${DESK_BASE}/signin"><input type="hidden" name="token" value="${e(token)}">` +
      `<button type="submit" id="confirm">${e(t('moderation.desk.signInButton'))}</button></form>`,
    t,
    null,
  );
}

/** The queue: open cases (or closed ones), newest first. */
export function listPage(
  locale: Locale,
  t: Translate,
  org: Organization,
  viewer: DeskViewer,
  rows: readonly { case: ModerationCase; reports: number }[],
  closed: boolean,
): string {
  const tz = org.timezone;
  const caption = t(closed ? 'moderation.desk.closedCases' : 'moderation.desk.openCases');
  const table = rows.length
    ? `<table id="cases"><caption>${e(caption)}</caption>\n<thead><tr>` +
      ['number', 'status', 'platform', 'date', 'reports'].map((k) => `<th scope="col">${e(t(`moderation.desk.${k as 'number'}`))}</th>`).join('') +
      `</tr></thead>\n<tbody>\n` +
      rows
        .map(
          ({ case: c, reports }) =>
            `<tr data-case="${c.number}"><td><a href="${DESK_BASE}/cases/${c.number}">${e(t('moderation.desk.caseTitle', { number: c.number }))}</a></td>` +
            `<td>${e(statusText(t, c))}</td><td>${e(platformName(c))}</td><td>${e(formatMoment(c.createdAt, tz))}</td><td>${reports}</td></tr>`,
        )
        .join('\n') +
      `\n</tbody></table>`
    : `<h2>${e(caption)}</h2>\n<p id="none">${e(t('moderation.desk.none'))}</p>`;
  const toggle = closed
    ? `<p><a href="${DESK_BASE}/">${e(t('moderation.desk.showOpen'))}</a></p>`
    : `<p><a href="${DESK_BASE}/?closed=1">${e(t('moderation.desk.showClosed'))}</a></p>`;
  const title = t('moderation.desk.title', { org: org.name });
  return layout(locale, title, `<h1>${e(title)}</h1>\n${table}\n${toggle}`, t, viewer);
}

/** One case: where, the author, the reports (as `show` gives them to this viewer), the decisions, the log. */
export function casePage(locale: Locale, t: Translate, org: Organization, viewer: DeskViewer, d: CaseDetail, banner: Banner): string {
  const c = d.case;
  const tz = org.timezone;
  const where = c.link && /^https?:\/\//i.test(c.link)
    ? `${e(platformName(c))}, <a href="${e(c.link)}" rel="noopener noreferrer">${e(t('moderation.desk.openMessage'))}</a>`
    : `${e(platformName(c))}, ${e(t('moderation.desk.channel', { channel: c.channelName ?? c.channelId }))}`;
  const author = d.reported ? `${d.reported.name} (${d.reported.memberNumber})` : t('moderation.desk.authorUnlinked', { account: c.reportedPlatformUserId ?? '-' });
  const facts: [string, string][] = [
    [t('moderation.desk.status'), e(statusText(t, c))],
    [t('moderation.desk.where'), where],
    [t('moderation.desk.author'), e(author)],
    [t('moderation.desk.date'), e(formatMoment(c.createdAt, tz))],
  ];
  if (c.messageRemovedAt) facts.push([t('moderation.desk.message'), e(t('moderation.desk.removed', { date: formatMoment(c.messageRemovedAt, tz) }))]);
  const hidden = c.status === 'counsellor' && viewer.memberId !== c.counsellorMemberId;

  const reports = hidden
    ? `<p id="hidden">${e(t('moderation.show.hidden'))}</p>`
    : `<table id="reports"><caption class="visually-hidden">${e(t('moderation.desk.reportsTitle'))}</caption>\n<thead><tr>` +
      ['reporter', 'reportedAt', 'text', 'note'].map((k) => `<th scope="col">${e(t(`moderation.desk.${k as 'reporter'}`))}</th>`).join('') +
      `</tr></thead>\n<tbody>\n` +
      d.reports
        .map(
          (r) =>
            `<tr><td>${e(r.reporter?.name ?? '-')}</td><td>${e(formatMoment(r.createdAt, tz))}</td>` +
            `<td class="text">${r.text === null ? `<em>${e(t('moderation.show.erased'))}</em>` : e(r.text)}</td><td class="text">${e(r.note ?? '')}</td></tr>`,
        )
        .join('\n') +
      `\n</tbody></table>`;

  const decide = isDecidable(c) && !hidden ? decisions(t, c, viewer) : `<p id="closed-note">${e(t('moderation.desk.closedNote'))}</p>`;
  const audit = d.audit.filter((a) => a.action !== 'viewed');
  const log =
    `<table id="audit"><caption class="visually-hidden">${e(t('moderation.desk.auditTitle'))}</caption>\n<thead><tr>` +
    ['auditWhen', 'auditWhat', 'auditWho', 'auditDetail'].map((k) => `<th scope="col">${e(t(`moderation.desk.${k as 'auditWhen'}`))}</th>`).join('') +
    `</tr></thead>\n<tbody>\n` +
    audit
      .map(
        (a) =>
          `<tr data-action="${a.action}"><td>${e(formatMoment(a.at, tz))}</td><td>${e(t(`moderation.desk.actions.${a.action}`))}</td>` +
          `<td>${e(actorText(t, a))}</td><td>${e(detailText(t, a, tz))}</td></tr>`,
      )
      .join('\n') +
    `\n</tbody></table>`;

  const bannerHtml = banner
    ? banner.kind === 'done'
      ? `<p id="banner" class="done" role="status">${e(banner.text)}</p>`
      : `<p id="banner" class="error" role="alert">${e(banner.text)}</p>`
    : '';
  const title = t('moderation.desk.caseTitle', { number: c.number });
  const body =
    `<p><a href="${DESK_BASE}/">${e(t('moderation.desk.back'))}</a></p>\n<h1>${e(title)}</h1>\n${bannerHtml}\n` +
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>\n` +
    `<section aria-labelledby="h-reports"><h2 id="h-reports">${e(t('moderation.desk.reportsTitle'))}</h2>\n${reports}</section>\n` +
    `<section aria-labelledby="h-decide"><h2 id="h-decide">${e(t('moderation.desk.decideTitle'))}</h2>\n${decide}</section>\n` +
    `<section aria-labelledby="h-audit"><h2 id="h-audit">${e(t('moderation.desk.auditTitle'))}</h2>\n${log}</section>`;
  return layout(locale, `${title} · ${org.name}`, body, t, viewer);
}

/** A form per decision the chat has (`/kring case dismiss|warn|remove|suspend|counsel|resolve`). */
function decisions(t: Translate, c: ModerationCase, viewer: DeskViewer): string {
  const action = `${DESK_BASE}/cases/${c.number}`;
  const form = (name: string, inner: string, button: string) =>
    `<form method="post" action="${action}" class="decision" id="form-${name}">${tokenField(viewer)}<input type="hidden" name="action" value="${name}">${inner}` +
    `<button type="submit" id="do-${name}">${e(button)}</button></form>`;
  const forms = [
    form('dismiss', '', t('moderation.desk.dismiss')),
    form(
      'warn',
      `<label for="warn-message">${e(t('moderation.desk.warnLabel'))}</label><textarea id="warn-message" name="message" rows="3" maxlength="1000"></textarea>`,
      t('moderation.desk.warn'),
    ),
    c.messageRemovedAt ? '' : form('remove', '', t('moderation.desk.remove')),
    form(
      'suspend',
      `<label for="suspend-days">${e(t('moderation.desk.daysLabel', { max: MAX_SUSPENSION_DAYS }))}</label>` +
        `<input id="suspend-days" name="days" type="number" min="1" max="${MAX_SUSPENSION_DAYS}" step="1" value="7" required>`,
      t('moderation.desk.suspend'),
    ),
    c.status === 'open' ? form('counsel', '', t('moderation.desk.counsel')) : '',
    form('resolve', '', t('moderation.desk.resolve')),
  ];
  return `<div class="decisions">${forms.filter(Boolean).join('\n')}</div>`;
}

function tokenField(viewer: DeskViewer): string {
  return `<input type="hidden" name="formToken" value="${e(viewer.formToken)}">`;
}

function statusText(t: Translate, c: ModerationCase): string {
  return c.outcome ? t(`moderation.outcome.${c.outcome}`) : t(`moderation.status.${c.status}`);
}

/** Who acted, in words: a report (the log never names the reporter), a moderator, or the admin API. */
function actorText(t: Translate, a: AuditEntry): string {
  return a.action === 'reported' && a.actorMemberId === null ? t('moderation.desk.byReporter') : a.actorLabel;
}

/** The log's detail in words for the decisions that have one; anything else as `key: value`. */
function detailText(t: Translate, a: AuditEntry, timeZone: string): string {
  const d = a.detail;
  if (a.action === 'reported') return d['newCase'] === true ? t('moderation.desk.detailNewCase') : t('moderation.desk.detailJoined');
  if (a.action === 'suspended' && typeof d['days'] === 'number' && typeof d['until'] === 'string') {
    return t('moderation.desk.detailSuspended', { count: d['days'], until: formatMoment(new Date(d['until']), timeZone) });
  }
  if (a.action === 'warned') return d['message'] === true ? t('moderation.desk.detailWithMessage') : '';
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}
