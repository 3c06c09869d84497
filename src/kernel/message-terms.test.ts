import { describe, expect, it } from 'vitest';
import { extractTerms, looksLikeQuestion, MAX_TERMS_PER_MESSAGE, messageInsights } from './message-terms.js';

describe(extractTerms.name, () => {
  it('removes Dutch and English stop words and stems with the Dutch stemmer by default', () => {
    expect(extractTerms('De ledenvergadering is op zaterdag, en de vergaderingen duren lang')).toEqual(['ledenvergader', 'zaterdag', 'vergader', 'dur', 'lang']);
  });

  it('stems English for English locales', () => {
    expect(extractTerms('The meetings are running late', 'en-GB')).toEqual(['meet', 'run', 'late']);
  });

  it('never turns codes, links, addresses or mentions into terms', () => {
    expect(extractTerms('Lidnummer 12345, code A7X9, mail jan@example.org, zie https://example.org/route of <@U123> en @bram')).toEqual(['lidnummer', 'cod', 'mail']);
  });

  it('counts each term once per message, in order of first use', () => {
    expect(extractTerms('fietstocht! Fietstocht? fietstochten...')).toEqual(['fietstocht']);
  });

  it('takes at most the first terms of a very long message', () => {
    const words = Array.from({ length: 100 }, (_, i) => `woord${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);
    expect(extractTerms(words.join(' '))).toHaveLength(MAX_TERMS_PER_MESSAGE);
  });
});

describe(looksLikeQuestion.name, () => {
  it('recognises a question mark outside links and question words at the start', () => {
    expect(looksLikeQuestion('Komt er iemand zaterdag?')).toBe(true);
    expect(looksLikeQuestion('Wie heeft de sleutel')).toBe(true);
    expect(looksLikeQuestion('How do I pay the membership fee')).toBe(true);
    expect(looksLikeQuestion('Zie https://example.org/?page=2')).toBe(false);
    expect(looksLikeQuestion('Fijn weekend allemaal')).toBe(false);
  });
});

describe(messageInsights.name, () => {
  it('gives adapters the terms and the question flag in one call', () => {
    expect(messageInsights('Wanneer is de contributie verschuldigd?', 'nl')).toEqual({ terms: ['contributie', 'verschuldigd'], question: true });
  });
});
