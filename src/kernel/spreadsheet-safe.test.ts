import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMULA_TRIGGERS, SPREADSHEET_SAFE_CSV, spreadsheetSafe, spreadsheetSafeCell, startsLikeFormula } from './spreadsheet-safe.js';

/** Any text, weighted towards formula characters, quotes, separators and line breaks. */
const text = fc.oneof(fc.string({ unit: fc.constantFrom(...'aZ 1=+-@\t\r\n",;\'é€') }), fc.string({ unit: 'grapheme' }));

describe('spreadsheet-safe cells (OWASP CSV injection)', () => {
  it('guards every formula character and nothing else', () => {
    expect(FORMULA_TRIGGERS.map((c) => spreadsheetSafe(`${c}1+2 Afdeling`))).toEqual(FORMULA_TRIGGERS.map((c) => `'${c}1+2 Afdeling`));
    expect(spreadsheetSafe('=1+2 Afdeling')).toBe("'=1+2 Afdeling");
    expect(spreadsheetSafe('Afdeling =1+2')).toBe('Afdeling =1+2');
    expect(spreadsheetSafe('')).toBe('');
    expect(spreadsheetSafeCell(-3)).toBe(-3);
  });

  it('never starts a cell like a formula, and otherwise keeps the text (property)', () => {
    fc.assert(
      fc.property(text, (value) => {
        const safe = spreadsheetSafe(value);
        expect(startsLikeFormula(safe)).toBe(false);
        expect(safe).toBe(startsLikeFormula(value) ? `'${value}` : value);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips through csv-stringify and csv-parse with the safe options (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const csv = stringify(rows, { ...SPREADSHEET_SAFE_CSV, record_delimiter: 'windows' });
        const back = parse(csv, { relax_column_count: false }) as string[][];
        expect(back.flat().some(startsLikeFormula)).toBe(false);
        expect(back).toEqual(rows.map((r) => r.map(spreadsheetSafe)));
      }),
      { numRuns: 500 },
    );
  });
});
