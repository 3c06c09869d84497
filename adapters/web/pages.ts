import type { Translate } from '../../src/kernel/i18n.js';
import { escapeHtml, markdownToHtml } from './render.js';
import { WEB_BASE_PATH } from './config.js';

/**
 * The web community's pages as HTML strings: sign-in (identifier, code, one-time link) and the chat page.
 * Semantic landmarks (header, nav, main), one h1, labelled inputs, a skip link, and the message list as
 * an ARIA live log, so keyboard and screen-reader users get everything sighted mouse users get.
 */

const B = WEB_BASE_PATH;

function shell(input: { locale: string; title: string; body: string; bodyAttributes?: string }): string {
  return (
    `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(input.title)}</title>` +
    `<link rel="stylesheet" href="${B}/static/web.css"><script src="${B}/static/web.js" defer></script></head>` +
    `<body${input.bodyAttributes ?? ''}>${input.body}</body></html>`
  );
}

/** A small page with one heading, a message and optionally a form (sign-in steps, errors). */
export function simplePage(input: { locale: string; title: string; heading: string; intro?: string; error?: string; form?: string; footer?: string }): string {
  const error = input.error ? `<p class="error" role="alert" id="page-error">${markdownToHtml(input.error).replace(/^<p>|<\/p>$/g, '')}</p>` : '';
  const intro = input.intro ? `<p id="page-intro">${escapeHtml(input.intro)}</p>` : '';
  return shell({
    locale: input.locale,
    title: input.title,
    body: `<main id="main" class="narrow"><h1>${escapeHtml(input.heading)}</h1>${error}${intro}${input.form ?? ''}${input.footer ?? ''}</main>`,
  });
}

/** Step 1 of signing in: the member number or e-mail address. */
export function identifierForm(t: Translate): string {
  return (
    `<form method="post" action="${B}/signin" class="stack">` +
    `<label for="identifier">${escapeHtml(t('web.signIn.identifier'))}</label>` +
    `<input id="identifier" name="identifier" type="text" autocomplete="username" required maxlength="254" aria-describedby="page-intro">` +
    `<button type="submit" class="primary">${escapeHtml(t('web.signIn.submit'))}</button></form>`
  );
}

/** Step 2: the code from the e-mail. */
export function codeForm(t: Translate): string {
  return (
    `<form method="post" action="${B}/signin/code" class="stack">` +
    `<label for="code">${escapeHtml(t('web.signIn.code'))}</label>` +
    `<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="50" aria-describedby="page-intro">` +
    `<button type="submit" class="primary">${escapeHtml(t('web.signIn.verify'))}</button></form>` +
    `<form method="post" action="${B}/signin/restart"><button type="submit" class="link">${escapeHtml(t('web.signIn.again'))}</button></form>`
  );
}

/** The one-time link's page: a button that POSTs the token (link previews must not use it up). */
export function linkForm(t: Translate, token: string): string {
  return (
    `<form method="post" action="${B}/signin/link"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
    `<button type="submit" class="primary" id="confirm">${escapeHtml(t('web.signIn.linkButton'))}</button></form>`
  );
}

/** A channel as the navigation lists it. */
export interface NavChannel {
  id: string;
  label: string;
}

/** The chat page: channels, the open channel's messages, the command box. */
export function chatPage(input: {
  t: Translate;
  locale: string;
  organizationName: string;
  memberName: string;
  userId: string;
  channels: readonly NavChannel[];
  current: { id: string; label: string; connected: boolean };
  messagesHtml: string;
  canOpenChannels: boolean;
}): string {
  const { t } = input;
  const nav = input.channels
    .map((c) => {
      const current = c.id === input.current.id ? ' aria-current="page"' : '';
      return (
        `<li><a href="${B}/?c=${encodeURIComponent(c.id)}"${current} data-channel-link="${escapeHtml(c.id)}">${escapeHtml(c.label)}</a>` +
        ` <span class="unread" data-unread="${escapeHtml(c.id)}" hidden></span></li>`
      );
    })
    .join('');
  const open = input.canOpenChannels
    ? `<form method="get" action="${B}/" class="open-channel"><label for="open-channel">${escapeHtml(t('web.openChannel'))}</label>` +
      `<p class="hint" id="open-channel-hint">${escapeHtml(t('web.openChannelHint'))}</p>` +
      `<div class="row"><input id="open-channel" name="c" pattern="[a-z0-9][a-z0-9-]{0,38}[a-z0-9]?" maxlength="40" aria-describedby="open-channel-hint">` +
      `<button type="submit">${escapeHtml(t('web.openChannelButton'))}</button></div></form>`
    : '';
  const none = input.channels.length === 0 ? `<p>${escapeHtml(t('web.noChannels'))}</p>` : '';
  const notConnected = input.current.connected ? '' : `<div class="notice">${markdownToHtml(t('web.notConnected'))}</div>`;
  const empty = input.messagesHtml === '' ? `<p class="empty" id="empty">${escapeHtml(t('web.empty'))}</p>` : '';
  const texts = {
    onlyYou: t('web.onlyYou'),
    dismiss: t('web.dismiss'),
    live: t('web.live'),
    offline: t('web.offline'),
    failed: t('web.errors.failed'),
    signedOut: t('web.errors.signedOut'),
    sending: t('web.sending'),
    newMessage: t('web.newMessage', { channel: '{channel}' }),
    updatedMessage: t('web.updatedMessage', { channel: '{channel}' }),
    unreadOne: t('web.unread', { count: 1 }),
    unreadOther: t('web.unread', { count: 2 }).replace('2', '{count}'),
  };
  const body =
    `<a class="skip" href="#composer-input">${escapeHtml(t('web.skipToComposer'))}</a>` +
    `<header class="top"><h1>${escapeHtml(input.organizationName)}</h1>` +
    `<p class="who">${escapeHtml(t('web.signedInAs', { name: input.memberName }))}</p>` +
    `<form method="post" action="${B}/signout"><button type="submit">${escapeHtml(t('web.signOut'))}</button></form></header>` +
    `<div class="layout"><nav aria-labelledby="nav-title"><h2 id="nav-title">${escapeHtml(t('web.channels'))}</h2>${none}<ul class="channels">${nav}</ul>${open}</nav>` +
    `<main id="main"><h2 id="channel-title">${escapeHtml(input.current.label)}</h2>${notConnected}` +
    // The live region wraps the list (a role on the <ol> itself would take its list semantics away).
    `<div class="log" role="log" tabindex="0" aria-live="polite" aria-relevant="additions text" aria-labelledby="channel-title"><ol id="messages" class="messages">${input.messagesHtml}</ol></div>${empty}` +
    `<form id="composer" class="composer"><label for="composer-input">${escapeHtml(t('web.composerLabel'))}</label>` +
    `<p class="hint" id="composer-hint">${escapeHtml(t('web.composerHint'))}</p>` +
    `<div class="row"><input id="composer-input" name="text" type="text" autocomplete="off" required maxlength="4000" aria-describedby="composer-hint">` +
    `<button type="submit" class="primary">${escapeHtml(t('web.send'))}</button></div></form>` +
    `<p id="status" class="status" role="status" aria-live="polite"></p></main></div>` +
    `<dialog id="form-dialog"></dialog>`;
  const attributes =
    ` data-channel="${escapeHtml(input.current.id)}" data-channel-label="${escapeHtml(input.current.label)}"` +
    ` data-user="${escapeHtml(input.userId)}" data-texts="${escapeHtml(JSON.stringify(texts))}"`;
  return shell({ locale: input.locale, title: t('web.title', { org: input.organizationName }), body, bodyAttributes: attributes });
}
