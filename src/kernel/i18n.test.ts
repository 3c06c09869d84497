import { describe, expect, it } from 'vitest';
import { Translator } from './i18n.js';
import { en } from '../chat/i18n/en.js';
import { nl } from '../chat/i18n/nl.js';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
}

describe(Translator.name, () => {
  const sut = new Translator();

  it('has the same keys in every language', () => {
    expect(keys(nl).sort()).toEqual(keys(en).sort());
  });

  it('keeps the same placeholders in every language', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const flat = (obj: object, prefix = ''): Record<string, string> =>
      Object.fromEntries(
        Object.entries(obj).flatMap(([k, v]) =>
          typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flat(v as object, `${prefix}${k}.`)),
        ),
      );
    const fe = flat(en);
    const fn = flat(nl);
    for (const key of Object.keys(fe)) expect(placeholders(fn[key]!), key).toEqual(placeholders(fe[key]!));
  });

  it('speaks Dutch for nl and English for en', () => {
    expect(sut.for('nl')('unlink.done')).toMatch(/^Klaar/);
    expect(sut.for('en')('unlink.done')).toMatch(/^Done/);
  });

  it('chooses plural forms with the language rules', () => {
    expect(sut.for('nl')('link.codeInvalid', { count: 1 })).toContain('nog 1 poging.');
    expect(sut.for('nl')('link.codeInvalid', { count: 3 })).toContain('nog 3 pogingen.');
    expect(sut.for('en')('link.codeInvalid', { count: 1 })).toContain('1 attempt left');
  });

  it('does not HTML-escape names', () => {
    expect(sut.for('en')('link.verified', { name: 'Anne & <Bob>' })).toContain('Anne & <Bob>');
  });
});
