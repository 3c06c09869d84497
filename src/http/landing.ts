import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, Request, Response } from 'express';
import type { Translator } from '../kernel/i18n.js';
import { PLATFORMS, toLocale, type Locale, type Platform } from '../kernel/types.js';

/** What the landing page shows. */
export interface LandingDeps {
  translator: Translator;
  organizationName: string;
  defaultLocale: Locale;
  /** The platforms connected in this process. */
  connected: () => readonly Platform[];
  /** The web community's address, when it is on. */
  webUrl: string | undefined;
  demo: boolean;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const here = dirname(fileURLToPath(import.meta.url));
const css = readFileSync(join(here, 'landing.css'));

/**
 * `GET /`: what Kring is, which platforms are connected, and the way in: the web community, the insights
 * dashboard's sign-in and the admin API's documentation. In the visitor's language (Accept-Language), else
 * the organisation's.
 */
export function mountLanding(app: Express, deps: LandingDeps): void {
  app.get('/landing.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=300');
    res.send(css);
  });
  app.get('/', (req: Request, res: Response) => {
    const locale = toLocale(req.headers['accept-language']?.split(',')[0]) ?? deps.defaultLocale;
    const t = deps.translator.for(locale);
    const org = deps.organizationName;
    const connected = new Set(deps.connected());
    const platforms = PLATFORMS.map(
      (p) =>
        `<li><span class="name">${escapeHtml(t(`platforms.${p}`))}</span> <span class="state ${connected.has(p) ? 'on' : 'off'}">${escapeHtml(t(connected.has(p) ? 'landing.connected' : 'landing.notConnected'))}</span></li>`,
    ).join('');
    const chatApps = PLATFORMS.filter((p) => p !== 'web' && connected.has(p));
    const link = (href: string, label: string, hint: string, id: string) =>
      `<li><a href="${escapeHtml(href)}" id="${id}" aria-describedby="${id}-hint">${escapeHtml(label)}</a><p class="hint" id="${id}-hint">${escapeHtml(hint)}</p></li>`;
    const links = [
      deps.webUrl ? link('/web/', t('landing.webLink'), t('landing.webHint'), 'link-web') : '',
      link('/insights/', t('landing.dashboardLink'), t('landing.dashboardHint'), 'link-dashboard'),
      link('/api/v1/docs', t('landing.apiLink'), t('landing.apiHint'), 'link-api'),
    ].join('');
    const html =
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(t('landing.title', { org }))}</title><link rel="stylesheet" href="/landing.css"></head><body>` +
      `<header><p class="brand">Kring</p><h1>${escapeHtml(org)}</h1><p class="tagline">${escapeHtml(t('landing.tagline'))}</p></header>` +
      `<main id="main"><p>${escapeHtml(t('landing.what'))}</p>` +
      (deps.demo ? `<p class="demo" role="note">${escapeHtml(t('landing.demo'))}</p>` : '') +
      `<section aria-labelledby="links-title"><h2 id="links-title">${escapeHtml(t('landing.linksTitle'))}</h2><ul class="links">${links}</ul></section>` +
      `<section aria-labelledby="platforms-title"><h2 id="platforms-title">${escapeHtml(t('landing.platformsTitle', { org }))}</h2><ul class="platforms">${platforms}</ul>` +
      (chatApps.length === 0 ? `<p class="hint">${escapeHtml(t('landing.noChatApp'))}</p>` : '') +
      `</section></main><footer><p>${escapeHtml(t('landing.footer'))}</p>` +
      // The site capability's pages: what Kring stores, and the terms of use.
      `<p><a href="/privacy">${escapeHtml(t('site.links.privacy'))}</a> · <a href="/terms">${escapeHtml(t('site.links.terms'))}</a></p></footer></body></html>`;
    res.status(200).type('html').setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(html);
  });
}
