import { describe, expect, it } from 'vitest';
import type { Member } from '../../../kernel/community.js';
import {
  applyBallotChange,
  ballotChangeFor,
  ineligibility,
  isOpen,
  parseVoteValue,
  pollIdPrefix,
  refusedForMax,
  resultLines,
  resultsVisible,
  shortPollId,
  tallyBallots,
  voteValue,
  voterKey,
} from './poll.js';

const ORG = 'org-1';
const member = (o: Partial<Member> = {}): Member => ({
  id: 'm-1', organizationId: ORG, memberNumber: '1', name: 'An', email: null, status: 'active', roles: ['member'],
  chapterId: null, locale: null, createdAt: new Date(0), updatedAt: new Date(0), ...o,
});
const now = new Date('2026-11-25T12:00:00Z');
const ID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

describe('poll rules', () => {
  it('is open until closed or until the deadline', () => {
    expect(isOpen({ status: 'open', deadline: null }, now)).toBe(true);
    expect(isOpen({ status: 'closed', deadline: null }, now)).toBe(false);
    expect(isOpen({ status: 'open', deadline: new Date(now.getTime() + 1) }, now)).toBe(true);
    expect(isOpen({ status: 'open', deadline: now }, now)).toBe(false);
  });

  it('shows results live, or only once closed for hidden polls', () => {
    expect(resultsVisible({ status: 'open', deadline: null, resultsVisibility: 'live' }, now)).toBe(true);
    expect(resultsVisible({ status: 'open', deadline: null, resultsVisibility: 'after_close' }, now)).toBe(false);
    expect(resultsVisible({ status: 'closed', deadline: null, resultsVisibility: 'after_close' }, now)).toBe(true);
  });

  it('lets only linked active members of the organisation and audience vote', () => {
    const all = { organizationId: ORG, audience: { kind: 'all' as const } };
    expect(ineligibility(all, null)).toBe('not-linked');
    expect(ineligibility(all, member({ status: 'left' }))).toBe('not-active');
    expect(ineligibility(all, member({ organizationId: 'other' }))).toBe('other-organization');
    expect(ineligibility(all, member())).toBeNull();
    expect(ineligibility({ organizationId: ORG, audience: { kind: 'chapters', chapterIds: ['c1'] } }, member({ chapterId: 'c2' }))).toBe('not-in-audience');
    expect(ineligibility({ organizationId: ORG, audience: { kind: 'roles', roles: ['ambassador'] } }, member({ roles: ['member', 'ambassador'] }))).toBeNull();
  });

  it('replaces a single-choice ballot and toggles a multi-choice one within the maximum', () => {
    expect(applyBallotChange([2], ballotChangeFor({ choiceMode: 'single', maxChoices: null }, 0))).toEqual([0]);
    const multi = (p: number) => ballotChangeFor({ choiceMode: 'multi', maxChoices: 2 }, p);
    expect(applyBallotChange(null, multi(3))).toEqual([3]);
    expect(applyBallotChange([3], multi(1))).toEqual([1, 3]);
    expect(applyBallotChange([1, 3], multi(0))).toEqual([1, 3]);
    expect(refusedForMax(multi(0), [1, 3])).toBe(true);
    expect(applyBallotChange([1, 3], multi(3))).toEqual([1]);
    expect(refusedForMax(multi(3), [1])).toBe(false);
  });

  it('derives anonymous voter keys with a secret, and uses the member id for named polls', () => {
    const secret = Buffer.alloc(32, 7).toString('base64');
    expect(voterKey({ id: ID, anonymous: false }, 'm-1', secret)).toBe('m-1');
    const k = voterKey({ id: ID, anonymous: true }, 'm-1', secret);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(k).toBe(voterKey({ id: ID, anonymous: true }, 'm-1', secret));
    expect(k).not.toBe(voterKey({ id: ID, anonymous: true }, 'm-1', Buffer.alloc(32, 8).toString('base64')));
    expect(k).not.toContain('m-1');
  });

  it('counts voters once and gives percentages of voters', () => {
    const poll = { options: ['a', 'b', 'c'] };
    const tally = tallyBallots(poll, [[0], [0, 1], [], [2]]);
    expect(tally).toEqual({ counts: [2, 1, 1], voters: 3 });
    expect(resultLines(poll, tally)).toEqual([
      { label: 'a', count: 2, percent: 67 },
      { label: 'b', count: 1, percent: 33 },
      { label: 'c', count: 1, percent: 33 },
    ]);
    expect(resultLines(poll, { counts: [0, 0, 0], voters: 0 }).every((l) => l.percent === 0)).toBe(true);
  });

  it('shows short ids and resolves typed prefixes into the uuid text form', () => {
    expect(shortPollId(ID)).toBe('0f1e2d3c');
    expect(pollIdPrefix('0F1E2D3C')).toBe('0f1e2d3c');
    expect(pollIdPrefix('0f1e2d3c4b')).toBe('0f1e2d3c-4b');
    expect(pollIdPrefix(ID)).toBe(ID);
    expect(pollIdPrefix('abc')).toBeNull();
    expect(pollIdPrefix('zzzzzzzz')).toBeNull();
  });

  it('packs a vote into a button value of at most 100 characters and back', () => {
    const v = voteValue(ID, 9);
    expect(v.length).toBeLessThanOrEqual(100);
    expect(parseVoteValue(v)).toEqual({ pollId: ID, position: 9 });
    expect(parseVoteValue('x:1')).toBeNull();
    expect(parseVoteValue(undefined)).toBeNull();
  });
});
