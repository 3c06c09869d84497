import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { privateText, stripMarkdown } from './views.js';

describe(stripMarkdown.name, () => {
  it('drops the markers of bold, italic and code, and writes links as "label (url)"', () => {
    expect(stripMarkdown('**Let op**: _nu_ `/kring link` of [open het dashboard](https://kring.example.org/insights)')).toBe(
      'Let op: nu /kring link of open het dashboard (https://kring.example.org/insights)',
    );
  });

  it('leaves every URL as it is, whatever its token holds (issue 21, item 12)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{20,200}(\.[A-Za-z0-9_-]{20,60})?$/);
    fc.assert(
      fc.property(token, (t) => {
        const url = `https://kring.example.org/insights/signin?token=${t}`;
        const fallback = privateText(`Je link: [open het dashboard](${url}). Hij werkt _één keer_.`).view.fallback;
        expect(fallback).toBe(`Je link: open het dashboard (${url}). Hij werkt één keer.`);
        expect(stripMarkdown(`Bare ${url} link`)).toBe(`Bare ${url} link`);
      }),
      { numRuns: 500 },
    );
  });
});
