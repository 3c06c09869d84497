import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import type { AgendaItem, Assembly, Voter } from './domain/assembly.js';
import { ballotView } from './views.js';

const t = kringTranslator().for('en');
const voter = (n: number): Voter => ({ id: `00000000-0000-4000-8000-00000000000${n}`, assemblyId: 'a', memberId: `m${n}`, memberNumber: `${n}`, name: `Voter ${n}`, status: 'active', roles: ['member'], weight: 1 });
const item = (choices: string[], kind: AgendaItem['kind'] = 'election'): AgendaItem => ({
  id: '11111111-1111-4111-8111-111111111111', assemblyId: 'a', position: 1, title: 'Board', kind, choices, majority: 'simple', secret: true, status: 'open', openedAt: null, closedAt: null, result: null,
});
const assembly = {} as Assembly;

describe(ballotView.name, () => {
  it('shows a row of buttons for the member and each proxy held, translated, and who has voted', () => {
    const view = ballotView({ assembly, voter: voter(1), gaveProxyTo: null, items: [{ item: item(['for', 'against', 'abstain'], 'motion'), early: false, for: [{ voter: voter(1), self: true, voted: false }, { voter: voter(2), self: false, voted: true }] }] }, t);
    const buttons = view.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    expect(buttons.map((b) => b.label)).toEqual(['For', 'Against', 'Abstain']);
    expect(buttons.map((b) => b.value)).toEqual([0, 1, 2].map((i) => `11111111-1111-4111-8111-111111111111:${i}:self`));
    expect(JSON.stringify(view)).toContain('For Voter 2 (proxy): Voted ✓');
  });

  it('keeps within Discord’s 5 rows of 5 buttons and says more ballots follow', () => {
    const many = item([...'ABCDEFGHIJ'].map((c) => `Candidate ${c}`).concat('blank'));
    const view = ballotView({ assembly, voter: voter(1), gaveProxyTo: null, items: [{ item: many, early: false, for: [1, 2, 3].map((n) => ({ voter: voter(n), self: n === 1, voted: false })) }] }, t);
    const rows = view.blocks.filter((b) => b.type === 'buttons').reduce((sum, b) => sum + Math.ceil((b.type === 'buttons' ? b.buttons.length : 0) / 5), 0);
    expect(rows).toBeLessThanOrEqual(5);
    expect(JSON.stringify(view)).toContain('More ballots follow');
    expect(JSON.stringify(view)).toContain('Blank');
  });
});
