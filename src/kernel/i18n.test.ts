import { describe, expect, it } from 'vitest';
import { capabilities, kringTranslator } from '../capabilities.js';
import { chatCatalogue } from '../chat/i18n/index.js';
import { catalogues } from '../capability.js';
import { Translator } from './i18n.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flat(v as object, `${prefix}${k}.`)))),
  );
}

describe(Translator.name, () => {
  const sut = kringTranslator();
  const all = catalogues([chatCatalogue], capabilities);

  it.each(all.map((c) => [c.owner, c] as const))('has the same keys in every language (%s)', (_owner, catalogue) => {
    expect(Object.keys(flat(catalogue.texts.nl)).sort()).toEqual(Object.keys(flat(catalogue.texts.en)).sort());
  });

  it.each(all.map((c) => [c.owner, c] as const))('keeps the same placeholders in every language (%s)', (_owner, catalogue) => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const fe = flat(catalogue.texts.en);
    const fn = flat(catalogue.texts.nl);
    for (const key of Object.keys(fe)) expect(placeholders(fn[key]!), key).toEqual(placeholders(fe[key]!));
  });

  it('refuses two owners defining the same text', () => {
    const a = { owner: 'a', texts: { en: { x: { y: 'one' } }, nl: { x: { y: 'een' } } } };
    const b = { owner: 'b', texts: { en: { x: { y: 'two' } }, nl: { x: { y: 'twee' } } } };
    expect(() => new Translator([a, b])).toThrow(/"x\.y" is defined twice \(again by b\)/);
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

  it('knows which keys exist', () => {
    expect(sut.has('errors.notManager')).toBe(true);
    expect(sut.has('errors.noSuchText')).toBe(false);
  });
});
