import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../src/capabilities.js';
import { landingCatalogue } from '../../src/http/i18n/index.js';
import { webCatalogue } from './i18n.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flat(v as object, `${prefix}${k}.`)))),
  );
}

/** The texts of Kring's own pages (web community, landing page), which the composition root adds to the catalogue. */
describe('the web pages’ texts', () => {
  it.each([webCatalogue, landingCatalogue].map((c) => [c.owner, c] as const))('have the same keys and placeholders in nl and en (%s)', (_owner, catalogue) => {
    const en = flat(catalogue.texts.en);
    const nl = flat(catalogue.texts.nl);
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en)) expect(placeholders(nl[key]!), key).toEqual(placeholders(en[key]!));
  });

  it('join the whole catalogue without a text defined twice, in both languages', () => {
    const t = kringTranslator([webCatalogue, landingCatalogue]);
    expect(t.for('nl')('web.signIn.submit')).toBe('Stuur me een code');
    expect(t.for('en')('landing.webLink')).toBe('Open the web community');
    expect(t.for('nl')('web.unread', { count: 2 })).toBe('2 nieuwe berichten');
    expect(t.for('nl')('platforms.web')).toBe('Kring-webcommunity');
  });
});
