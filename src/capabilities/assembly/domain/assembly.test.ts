import { describe, expect, it } from 'vitest';
import { ballotValue, decide, itemResult, parseBallotValue, presentOrRepresented, proxyProblem, quorumRequired, type Proxy, type Voter } from './assembly.js';
import { InMemoryBallotBox, newReceipt } from './ballot-box.js';

const voter = (id: string): Voter => ({ id, assemblyId: 'a', memberId: `m-${id}`, memberNumber: id, name: id, status: 'active', roles: ['member'], weight: 1 });
const proxy = (grantor: string, holder: string): Proxy => ({ id: `${grantor}>${holder}`, assemblyId: 'a', grantorVoterId: grantor, holderVoterId: holder, grantedAt: new Date(0), revokedAt: null });
const counts = (o: Record<string, number>) => Object.entries(o).map(([choice, votes]) => ({ choice, votes }));

describe('assembly rules', () => {
  it('decides motions by the statutes’ majority', () => {
    expect(decide('motion', 'simple', counts({ for: 5, against: 4, abstain: 10 })).adopted).toBe(true);
    expect(decide('motion', 'simple', counts({ for: 4, against: 4, abstain: 0 })).adopted).toBe(false);
    expect(decide('motion', 'absolute', counts({ for: 5, against: 4, abstain: 2 })).adopted).toBe(false);
    expect(decide('motion', 'absolute', counts({ for: 6, against: 4, abstain: 1 })).adopted).toBe(true);
    expect(decide('motion', 'two_thirds', counts({ for: 8, against: 4, abstain: 9 })).adopted).toBe(true);
    expect(decide('motion', 'two_thirds', counts({ for: 7, against: 4, abstain: 0 })).adopted).toBe(false);
    expect(decide('motion', 'unanimous', counts({ for: 7, against: 1, abstain: 0 })).adopted).toBe(false);
  });

  it('elects the candidate with the most votes, never on a tie, blanks counting only for the absolute majority', () => {
    expect(decide('election', 'simple', counts({ Anna: 4, Bram: 3, blank: 5 }))).toEqual({ adopted: true, elected: 'Anna' });
    expect(decide('election', 'simple', counts({ Anna: 3, Bram: 3, blank: 0 }))).toEqual({ adopted: false, elected: null });
    expect(decide('election', 'absolute', counts({ Anna: 4, Bram: 3, blank: 2 }))).toEqual({ adopted: false, elected: null });
    expect(decide('election', 'absolute', counts({ Anna: 5, Bram: 3, blank: 1 }))).toEqual({ adopted: true, elected: 'Anna' });
  });

  it('counts present or represented with proxies whose holder checked in, and early voters', () => {
    const present = presentOrRepresented({ checkedIn: new Set(['h1', 'x']), votedEarly: new Set(['e']), proxies: [proxy('g1', 'h1'), proxy('g2', 'absent')] });
    expect([...present].sort()).toEqual(['e', 'g1', 'h1', 'x']);
    expect(quorumRequired({ kind: 'fraction', numerator: 1, denominator: 2 }, 21)).toBe(11);
    const r = itemResult({ item: { kind: 'motion', majority: 'simple', choices: ['for', 'against', 'abstain'] }, ballots: [{ choice: 'for', weight: 1 }], voters: [voter('a'), voter('b')], present: 0, byProxy: 0, early: 0, quorum: { kind: 'count', min: 1 } });
    expect(r).toMatchObject({ quorumReached: false, adopted: false, turnoutPercent: 50 });
  });

  it('refuses proxies over the maximum, to non-eligible holders, to oneself and in chains', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(voter) as [Voter, Voter, Voter, Voter];
    expect(proxyProblem({ grantor: a, holder: null, active: [], maxPerHolder: 2 })).toBe('holderNotEligible');
    expect(proxyProblem({ grantor: a, holder: a, active: [], maxPerHolder: 2 })).toBe('self');
    expect(proxyProblem({ grantor: a, holder: b, active: [proxy('c', 'b'), proxy('d', 'b')], maxPerHolder: 2 })).toBe('holderFull');
    expect(proxyProblem({ grantor: a, holder: b, active: [proxy('b', 'c')], maxPerHolder: 2 })).toBe('holderGranted');
    expect(proxyProblem({ grantor: c, holder: d, active: [proxy('a', 'c')], maxPerHolder: 2 })).toBe('grantorHolds');
    expect(proxyProblem({ grantor: a, holder: d, active: [proxy('a', 'c')], maxPerHolder: 2 })).toBe('alreadyGranted');
    expect(proxyProblem({ grantor: a, holder: b, active: [proxy('c', 'b')], maxPerHolder: 2 })).toBeNull();
  });

  it('round-trips ballot button values within Discord’s 100 characters', () => {
    const item = '11111111-2222-4333-8444-555555555555';
    const v = ballotValue(item, 3, '66666666-7777-4888-9999-aaaaaaaaaaaa');
    expect(`assembly.vote|${v}`.length).toBeLessThanOrEqual(100);
    expect(parseBallotValue(v)).toEqual({ itemId: item, choiceIndex: 3, forVoterId: '66666666-7777-4888-9999-aaaaaaaaaaaa' });
    expect(parseBallotValue(ballotValue(item, 0, null))).toEqual({ itemId: item, choiceIndex: 0, forVoterId: null });
    expect(parseBallotValue(`${item}:0:self;DROP`)).toBeNull();
  });

  it('makes unguessable receipts and hands the box back shuffled', () => {
    const receipts = new Set(Array.from({ length: 2000 }, () => newReceipt()));
    expect(receipts.size).toBe(2000);
    for (const r of receipts) expect(r).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    // Put 200 ballots in a known order; the order taken out does not follow it (the chance that it does is 1/200!).
    const box = new InMemoryBallotBox();
    for (let i = 0; i < 200; i++) box.put('item', { receipt: String(i).padStart(3, '0'), choice: 'x', weight: 1 });
    const out = box.take('item').map((b) => Number(b.receipt));
    expect([...out].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(out).not.toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(box.size('item')).toBe(0);
  });
});
