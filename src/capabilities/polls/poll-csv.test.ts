import { kringTranslator } from '../../capabilities.js';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Poll } from './domain/poll.js';
import { pollCsv } from './poll-csv.js';
import { startsLikeFormula } from '../../kernel/spreadsheet-safe.js';

const t = kringTranslator().for('en');
const poll: Poll = {
  id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', organizationId: 'o', createdByMemberId: null, question: 'Q?',
  options: ['Yes, please', 'No'], choiceMode: 'single', maxChoices: null, anonymous: false, resultsVisibility: 'live',
  deadline: null, status: 'open', audience: { kind: 'all' }, createdAt: new Date(0), closedAt: null,
};

describe(pollCsv.name, () => {
  it('lists the voters of a named poll', () => {
    const csv = pollCsv(
      {
        poll, kind: 'named', voters: 1, lines: [],
        ballots: [{ memberId: 'm', memberNumber: '042', name: 'Jan "JJ" Jansen', choices: [0], updatedAt: new Date('2026-11-25T10:00:00Z') }],
      },
      t,
    );
    expect(csv).toBe('member_number,name,choices,voted_at\r\n042,"Jan ""JJ"" Jansen","Yes, please",2026-11-25T10:00:00.000Z\r\n');
  });

  it('holds only counts for an anonymous poll', () => {
    const csv = pollCsv(
      { poll: { ...poll, anonymous: true }, kind: 'anonymous', voters: 3, lines: [{ label: 'Yes, please', count: 2, percent: 67 }, { label: 'No', count: 1, percent: 33 }] },
      t,
    );
    expect(csv).toBe('option,votes,percent\r\n"Yes, please",2,67\r\nNo,1,33\r\nvoters,3,\r\n');
  });
});

describe('poll CSV cells', () => {
  it('quotes only when needed and defuses formulas', () => {
    const cells = ['plain', 'a,b', 'two\nlines', ' padded', '=HYPERLINK("x")', '-1'];
    const csv = pollCsv({ poll: { ...poll, anonymous: true }, kind: 'anonymous', voters: 1, lines: cells.map((label) => ({ label, count: -1, percent: 0 })) }, t);
    expect(csv.split('\r\n').slice(1, 7)).toEqual([
      'plain,-1,0', '"a,b",-1,0', '"two\nlines",-1,0', '" padded",-1,0', '"\'=HYPERLINK(""x"")",-1,0', "'-1,-1,0",
    ]);
  });

  it('never writes a cell that starts like a formula, and keeps every other text as it is (property)', () => {
    // Any text, weighted towards what matters here: formula characters, quotes, separators and line breaks.
    const text = fc.oneof(fc.string({ unit: fc.constantFrom(...'ab =+-@\t\r\n",;\'é') }), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(fc.array(fc.record({ memberNumber: text, name: text, option: text }), { minLength: 1, maxLength: 5 }), (voters) => {
        const csv = pollCsv(
          {
            poll: { ...poll, options: voters.map((v) => v.option) }, kind: 'named', voters: voters.length, lines: [],
            ballots: voters.map((v, i) => ({ memberId: `m${i}`, memberNumber: v.memberNumber, name: v.name, choices: [i], updatedAt: new Date(0) })),
          },
          t,
        );
        const records = parse(csv, { relax_column_count: false }) as string[][];
        const cells = records.slice(1).map(([memberNumber, name, choices]) => [memberNumber!, name!, choices!]);
        for (const cell of cells.flat()) expect(startsLikeFormula(cell)).toBe(false);
        cells.forEach(([memberNumber, name, choices], i) => {
          const v = voters[i]!;
          expect([memberNumber, name, choices]).toEqual([v.memberNumber, v.name, v.option].map((x) => (startsLikeFormula(x) ? `'${x}` : x)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
