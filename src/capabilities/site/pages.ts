import type { Express, Request, Response } from 'express';
import type { Translate, TextKey, Translator } from '../../kernel/i18n.js';
import { LOCALES, type Locale } from '../../kernel/types.js';

/** Where the pages are served; the Teams app manifest links `/privacy` and `/terms` (adapters/teams/app-package). */
export const SITE_PATHS = { home: '/', privacy: '/privacy', terms: '/terms' } as const;

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** HTML-escapes a catalogue text and shows its `code` spans as code. */
function inline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** One page: title, body HTML, the links to the other pages. */
function page(t: Translate, locale: Locale, titleKey: TextKey, body: string): string {
  const links = (['home', 'privacy', 'terms'] as const)
    .map((name) => `<a href="${SITE_PATHS[name]}">${inline(t(`site.links.${name}`))}</a>`)
    .join(' · ');
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${inline(t(titleKey))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}h1{color:#1F6F66}footer{margin-top:3rem;font-size:.9rem;color:#555}</style></head>
<body>
<h1>${inline(t(titleKey))}</h1>
${body}
<footer><nav>${links}</nav><p>${inline(t('site.footer'))}</p></footer>
</body>
</html>`;
}

const paragraph = (text: string) => `<p>${inline(text)}</p>`;
const list = (items: string[]) => `<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;

function home(t: Translate, locale: Locale): string {
  return page(t, locale, 'site.home.title', paragraph(t('site.home.intro')) + paragraph(t('site.home.start')));
}

function privacy(t: Translate, locale: Locale): string {
  const stored = (['member', 'accounts', 'activity', 'submitted', 'codes', 'topics'] as const).map((k) => t(`site.privacy.stored.${k}`));
  const choices = (['optOut', 'mydata', 'forget'] as const).map((k) => t(`site.privacy.choices.${k}`));
  return page(
    t,
    locale,
    'site.privacy.title',
    paragraph(t('site.privacy.intro')) +
      `<h2>${inline(t('site.privacy.storedTitle'))}</h2>${list(stored)}` +
      `<h2>${inline(t('site.privacy.neverTitle'))}</h2>${paragraph(t('site.privacy.never'))}` +
      `<h2>${inline(t('site.privacy.choicesTitle'))}</h2>${list(choices)}` +
      paragraph(t('site.privacy.contact')),
  );
}

function terms(t: Translate, locale: Locale): string {
  return page(t, locale, 'site.terms.title', paragraph(t('site.terms.body')));
}

/** The reader's language from Accept-Language (Express negotiates q-values); Dutch when neither is asked for. */
function localeOf(req: Request): Locale {
  const accepted = req.acceptsLanguages(...LOCALES);
  return typeof accepted === 'string' && (LOCALES as readonly string[]).includes(accepted) ? (accepted as Locale) : 'nl';
}

/**
 * Mounts `/`, `/privacy` and `/terms`. `/` is deliberately minimal: the web platform will replace it with a
 * landing page (drop the home route here when it does).
 */
export function mountSitePages(app: Express, translator: Translator): void {
  const serve = (render: (t: Translate, locale: Locale) => string) => (req: Request, res: Response) => {
    const locale = localeOf(req);
    res.set({ ...HEADERS, 'Content-Language': locale, Vary: 'Accept-Language' }).type('html').send(render(translator.for(locale), locale));
  };
  app.get(SITE_PATHS.home, serve(home));
  app.get(SITE_PATHS.privacy, serve(privacy));
  app.get(SITE_PATHS.terms, serve(terms));
}
