import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TextKey, Translate, Translator } from '../../src/kernel/i18n.js';
import { LOCALES, type Locale } from '../../src/kernel/types.js';

/**
 * The pages a person sees at the end of "Add to Slack" (OAuth mode), in their browser's language. Bolt's
 * own pages are English only, and its failure page answers 500 when the person merely pressed "Cancel".
 * Texts live in the catalogue (`site.slackInstall.*`, src/capabilities/site/i18n).
 *
 * https://docs.slack.dev/authentication/installing-with-oauth
 */

/** How an install ended, as far as the person is concerned. */
export type InstallOutcome = 'installed' | 'cancelled' | 'expired' | 'org-wide' | 'not-allowed' | 'declined' | 'failed';

/** Our installation store refuses an install (see installation-store.ts); shown as a 403 page. */
export class InstallRefusedError extends Error {
  constructor(
    readonly reason: 'org-wide' | 'not-allowed',
    message: string,
  ) {
    super(message);
    this.name = 'InstallRefusedError';
  }
}

/** Error codes of @slack/oauth (its ErrorCode enum) that mean the link itself is no good. */
const LINK_ERRORS = new Set(['slack_oauth_missing_state', 'slack_oauth_invalid_state', 'slack_oauth_missing_code']);

/**
 * Errors of oauth.v2.access that mean the code in the link is no good (used, expired, made up), not that
 * Slack failed: https://docs.slack.dev/reference/methods/oauth.v2.access#errors
 */
const CODE_ERRORS = new Set(['invalid_code', 'code_already_used', 'code_expired']);

/** The outcome for an error Bolt's installer reports from the redirect. */
export function failureOutcome(error: unknown): InstallOutcome {
  if (error instanceof InstallRefusedError) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'slack_oauth_installer_authorization_error') return 'cancelled';
  if (typeof code === 'string' && LINK_ERRORS.has(code)) return 'expired';
  const slackError = (error as { data?: { error?: unknown } } | null)?.data?.error;
  if (code === 'slack_webapi_platform_error' && typeof slackError === 'string' && CODE_ERRORS.has(slackError)) return 'expired';
  return 'failed';
}

/**
 * The outcome of a redirect on which Slack itself reports an error (`?error=...`): Cancel is `access_denied`;
 * anything else (a scope or workspace Slack refused) did not install, but nothing failed on our side.
 */
export function slackErrorOutcome(error: string): InstallOutcome {
  return error === 'access_denied' ? 'cancelled' : 'declined';
}

const STATUS: Record<InstallOutcome, number> = {
  installed: 200,
  cancelled: 200,
  expired: 400,
  'org-wide': 403,
  'not-allowed': 403,
  // Slack sent the person back with an error of its own: the request brings the refusal, nothing to retry here.
  declined: 400,
  // Slack's oauth.v2.access (or the auth.test after it) failed: the gateway's answer, not ours.
  failed: 502,
};

interface PageText {
  title: TextKey;
  body: TextKey;
}

const TEXTS: Record<InstallOutcome, PageText> = {
  installed: { title: 'site.slackInstall.installedTitle', body: 'site.slackInstall.installed' },
  cancelled: { title: 'site.slackInstall.cancelledTitle', body: 'site.slackInstall.cancelled' },
  expired: { title: 'site.slackInstall.expiredTitle', body: 'site.slackInstall.expired' },
  'org-wide': { title: 'site.slackInstall.refusedTitle', body: 'site.slackInstall.orgWide' },
  'not-allowed': { title: 'site.slackInstall.refusedTitle', body: 'site.slackInstall.notAllowed' },
  declined: { title: 'site.slackInstall.failedTitle', body: 'site.slackInstall.failed' },
  failed: { title: 'site.slackInstall.failedTitle', body: 'site.slackInstall.failed' },
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escapes a text and shows its `code` spans as code. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/**
 * The reader's language: Express negotiates Accept-Language (q-values included) when the route runs on
 * Kring's Express server; otherwise, or when neither language is asked for, `fallback`.
 */
export function pageLocale(req: IncomingMessage, fallback: Locale): Locale {
  const negotiate = (req as IncomingMessage & { acceptsLanguages?: (...langs: string[]) => string | false }).acceptsLanguages;
  if (typeof negotiate !== 'function' || req.headers['accept-language'] === undefined) return fallback;
  const accepted = negotiate.call(req, ...LOCALES);
  return typeof accepted === 'string' && (LOCALES as readonly string[]).includes(accepted) ? (accepted as Locale) : fallback;
}

export interface InstallPageInput {
  outcome: InstallOutcome;
  locale: Locale;
  /** Installed: the workspace's name and id (for the "Open Slack" link). */
  workspace?: { id: string; name: string | undefined };
  /** Where "Install again" starts (`/slack/install`). */
  installPath: string;
}

/** The page as HTML; links only to Slack and to our own install path. */
export function renderInstallPage(t: Translate, input: InstallPageInput): string {
  const text = TEXTS[input.outcome];
  const title = inline(t(text.title));
  const body = inline(t(text.body, { workspace: input.workspace?.name ?? input.workspace?.id ?? '' }));
  let link = '';
  if (input.outcome === 'installed' && input.workspace !== undefined) {
    link = `<p><a href="https://app.slack.com/client/${encodeURIComponent(input.workspace.id)}">${inline(t('site.slackInstall.openSlack'))}</a></p>`;
  } else if (input.outcome !== 'org-wide' && input.outcome !== 'not-allowed') {
    link = `<p><a href="${escapeHtml(input.installPath)}">${inline(t('site.slackInstall.startAgain'))}</a></p>`;
  }
  return `<!doctype html>
<html lang="${input.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;text-align:center}</style></head>
<body><h1>${title}</h1><p>${body}</p>${link}</body>
</html>`;
}

/** Sends the page for `input.outcome` with its status (headers already set on `res`, such as Bolt's cookie deletion, stay). */
export function sendInstallPage(res: ServerResponse, translator: Translator, input: InstallPageInput): void {
  if (res.headersSent) return;
  res.writeHead(STATUS[input.outcome], {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': input.locale,
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    'Cache-Control': 'no-store',
  });
  res.end(renderInstallPage(translator.for(input.locale), input));
}
