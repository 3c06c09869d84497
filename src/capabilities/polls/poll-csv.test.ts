import { kringTranslator } from '../../capabilities.js';
import { describe, expect, it } from 'vitest';
import type { Poll } from './domain/poll.js';
import { csvField, pollCsv } from './poll-csv.js';

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

describe(csvField.name, () => {
  it('quotes only when needed and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
  });
});
