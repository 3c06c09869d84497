import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryPollRepository } from '../../../../test/fakes/in-memory-poll.repository.js';
import type { Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { Poll } from './poll.js';
import { isPollError } from './poll.errors.js';
import { PollService, type PollEvents } from './poll.service.js';
import type { CreatePollInput } from './poll.schema.js';

const ORG = randomUUID();

function member(overrides: Partial<Member> = {}): Member {
  const id = randomUUID();
  return {
    id,
    organizationId: ORG,
    memberNumber: id.slice(0, 6),
    name: `Member ${id.slice(0, 4)}`,
    email: null,
    status: 'active',
    roles: ['member'],
    chapterId: null,
    locale: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

class FakeClock implements Clock {
  constructor(public at = new Date('2026-11-25T10:00:00Z')) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at = new Date(this.at.getTime() + ms);
  }
}

class RecordingEvents implements PollEvents {
  readonly seen: { event: string; pollId: string }[] = [];
  async created(poll: Poll) { this.seen.push({ event: 'created', pollId: poll.id }); }
  async ballotChanged(poll: Poll) { this.seen.push({ event: 'ballotChanged', pollId: poll.id }); }
  async closed(poll: Poll) { this.seen.push({ event: 'closed', pollId: poll.id }); }
}

const base: CreatePollInput = {
  organizationId: ORG,
  question: 'Where do we meet?',
  options: ['Utrecht', 'Zwolle', 'Online'],
  targets: [{ platform: 'slack', workspaceExternalId: 'T1', channelExternalId: 'C1' }],
};

async function rejectsWith(p: Promise<unknown>, code: Parameters<typeof isPollError>[1]) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isPollError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
}

describe(PollService.name, () => {
  let repo: InMemoryPollRepository;
  let clock: FakeClock;
  let events: RecordingEvents;
  let sut: PollService;
  const processed = new Set<string>();

  beforeEach(() => {
    repo = new InMemoryPollRepository((id) => ({ memberNumber: `n-${id.slice(0, 4)}`, name: `Name ${id.slice(0, 4)}` }));
    clock = new FakeClock();
    events = new RecordingEvents();
    processed.clear();
    sut = new PollService({
      repo,
      clock,
      events,
      deliveries: { markProcessed: async (k) => (processed.has(k) ? false : (processed.add(k), true)) },
    });
  });

  describe('create', () => {
    it('creates an open poll with its posts and announces it', async () => {
      const poll = await sut.create(base);
      expect(poll).toMatchObject({ status: 'open', choiceMode: 'single', anonymous: false, resultsVisibility: 'live', options: base.options });
      expect(await repo.listPosts(poll.id)).toHaveLength(1);
      expect(events.seen).toEqual([{ event: 'created', pollId: poll.id }]);
    });

    it('refuses fewer than 2 or more than 10 options', async () => {
      await expect(sut.create({ ...base, options: ['only'] })).rejects.toBeInstanceOf(ValidationError);
      await expect(sut.create({ ...base, options: Array.from({ length: 11 }, (_, i) => `o${i}`) })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses the same option twice', async () => {
      await expect(sut.create({ ...base, options: ['Yes', 'yes'] })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a maximum for single choice or above the number of options', async () => {
      await expect(sut.create({ ...base, maxChoices: 2 })).rejects.toBeInstanceOf(ValidationError);
      await expect(sut.create({ ...base, choiceMode: 'multi', maxChoices: 4 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a deadline in the past', async () => {
      await rejectsWith(sut.create({ ...base, deadline: new Date(clock.at.getTime() - 1) }), 'POLL.DEADLINE_PASSED');
    });

    it('posts once to a channel listed twice', async () => {
      const poll = await sut.create({ ...base, targets: [base.targets![0]!, base.targets![0]!] });
      expect(await repo.listPosts(poll.id)).toHaveLength(1);
    });
  });

  describe('vote', () => {
    it('records a vote and reports the choice', async () => {
      const poll = await sut.create(base);
      const m = member();
      const out = await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 1 });
      expect(out.choices).toEqual([1]);
      expect((await repo.tally(poll.id))).toEqual({ counts: [0, 1, 0], voters: 1 });
      expect(events.seen.at(-1)).toEqual({ event: 'ballotChanged', pollId: poll.id });
    });

    it('keeps one ballot per member: a second vote replaces the first', async () => {
      const poll = await sut.create(base);
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 0 });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 });
      expect(await repo.tally(poll.id)).toEqual({ counts: [0, 0, 1], voters: 1 });
    });

    it('asks a person who is not linked to link first', async () => {
      const poll = await sut.create(base);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: null, position: 0 }), 'POLL.NOT_LINKED');
    });

    it('refuses members who are not active', async () => {
      const poll = await sut.create(base);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member({ status: 'lapsed' }), position: 0 }), 'POLL.NOT_ACTIVE');
    });

    it('refuses a member of another organisation', async () => {
      const poll = await sut.create(base);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member({ organizationId: randomUUID() }), position: 0 }), 'POLL.NOT_ACTIVE');
    });

    it('treats a poll of another organisation as unknown', async () => {
      const poll = await sut.create(base);
      await rejectsWith(sut.vote({ organizationId: randomUUID(), pollId: poll.id, member: member(), position: 0 }), 'POLL.NOT_FOUND');
    });

    it('lets only the chapter audience vote in a chapter poll', async () => {
      const chapter = randomUUID();
      const poll = await sut.create({ ...base, audience: { kind: 'chapters', chapterIds: [chapter] } });
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member({ chapterId: randomUUID() }), position: 0 }), 'POLL.NOT_IN_AUDIENCE');
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 }), 'POLL.NOT_IN_AUDIENCE');
      await expect(sut.vote({ organizationId: ORG, pollId: poll.id, member: member({ chapterId: chapter }), position: 0 })).resolves.toBeTruthy();
    });

    it('lets only the role audience vote in a role poll', async () => {
      const poll = await sut.create({ ...base, audience: { kind: 'roles', roles: ['board'] } });
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 }), 'POLL.NOT_IN_AUDIENCE');
      await expect(sut.vote({ organizationId: ORG, pollId: poll.id, member: member({ roles: ['member', 'board'] }), position: 0 })).resolves.toBeTruthy();
    });

    it('refuses an option that does not exist', async () => {
      const poll = await sut.create(base);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 3 }), 'POLL.INVALID_OPTION');
    });

    it('rejects a vote after the poll closes', async () => {
      const poll = await sut.create(base);
      await sut.close(poll);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 }), 'POLL.CLOSED');
      expect(await repo.tally(poll.id)).toEqual({ counts: [0, 0, 0], voters: 0 });
    });

    it('rejects a vote once the deadline has passed, even before the close job ran', async () => {
      const poll = await sut.create({ ...base, deadline: new Date(clock.at.getTime() + 60_000) });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 });
      clock.advance(60_000);
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 }), 'POLL.CLOSED');
    });

    it('rejects a vote when the poll closes between the check and the write', async () => {
      const poll = await sut.create(base);
      const castVote = repo.castVote.bind(repo);
      repo.castVote = async (input) => {
        await repo.close(poll.id, clock.now());
        return castVote(input);
      };
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 }), 'POLL.CLOSED');
    });

    it('toggles options in a multi-choice poll', async () => {
      const poll = await sut.create({ ...base, choiceMode: 'multi' });
      const m = member();
      expect((await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 })).choices).toEqual([2]);
      expect((await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 0 })).choices).toEqual([0, 2]);
      expect((await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 })).choices).toEqual([0]);
      expect(await repo.tally(poll.id)).toEqual({ counts: [1, 0, 0], voters: 1 });
    });

    it('respects the maximum of a multi-choice poll', async () => {
      const poll = await sut.create({ ...base, choiceMode: 'multi', maxChoices: 2 });
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 0 });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 1 });
      await rejectsWith(sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 }), 'POLL.MAX_CHOICES');
      expect(await sut.currentChoices(poll, m)).toEqual([0, 1]);
      // Removing one is always allowed, and frees a place.
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 0 });
      expect((await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 })).choices).toEqual([1, 2]);
    });

    it('counts a toggle delivered twice once', async () => {
      const poll = await sut.create({ ...base, choiceMode: 'multi' });
      const m = member();
      const press = { organizationId: ORG, pollId: poll.id, member: m, position: 1, deliveryId: 'slack:trigger-1' };
      await sut.vote(press);
      expect((await sut.vote(press)).choices).toEqual([1]);
      expect(await repo.tally(poll.id)).toEqual({ counts: [0, 1, 0], voters: 1 });
    });

    it('does not count a member who toggled every option off as a voter', async () => {
      const poll = await sut.create({ ...base, choiceMode: 'multi' });
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 1 });
      expect((await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 1 })).choices).toEqual([]);
      expect((await repo.tally(poll.id)).voters).toBe(0);
    });
  });

  describe('anonymous polls', () => {
    it('store no member id, only a keyed hash that still keeps one ballot per member', async () => {
      const poll = await sut.create({ ...base, anonymous: true });
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 0 });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 1 });
      const stored = [...repo.ballots.get(poll.id)!.values()];
      expect(stored).toHaveLength(1);
      expect(stored[0]!.memberId).toBeNull();
      expect(stored[0]!.voterKey).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(m.id);
      expect(await sut.currentChoices(poll, m)).toEqual([1]);
    });

    it('give the same member different keys in different polls', async () => {
      const a = await sut.create({ ...base, anonymous: true });
      const b = await sut.create({ ...base, anonymous: true });
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: a.id, member: m, position: 0 });
      await sut.vote({ organizationId: ORG, pollId: b.id, member: m, position: 0 });
      const ka = [...repo.ballots.get(a.id)!.keys()][0];
      const kb = [...repo.ballots.get(b.id)!.keys()][0];
      expect(ka).not.toEqual(kb);
    });

    it('export only counts', async () => {
      const poll = await sut.create({ ...base, anonymous: true });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 });
      const exp = await sut.export(poll);
      expect(exp.kind).toBe('anonymous');
      expect(exp).not.toHaveProperty('ballots');
      expect(exp.voters).toBe(1);
    });
  });

  describe('close', () => {
    it('closes once and announces it', async () => {
      const poll = await sut.create(base);
      const closed = await sut.close(poll);
      expect(closed).toMatchObject({ status: 'closed', closedAt: clock.at });
      expect(events.seen.at(-1)).toEqual({ event: 'closed', pollId: poll.id });
      await rejectsWith(sut.close(poll), 'POLL.ALREADY_CLOSED');
    });

    it('closes at the deadline and not before', async () => {
      const poll = await sut.create({ ...base, deadline: new Date(clock.at.getTime() + 1000) });
      expect(await sut.closeIfDue(poll.id)).toBeNull();
      clock.advance(1000);
      expect(await sut.closeIfDue(poll.id)).toMatchObject({ status: 'closed' });
      expect(await sut.closeIfDue(poll.id)).toBeNull();
    });
  });

  describe('find', () => {
    it('finds a poll by its short id within the organisation', async () => {
      const poll = await sut.create(base);
      expect((await sut.find(ORG, poll.id.slice(0, 8).toUpperCase())).id).toBe(poll.id);
      expect((await sut.find(ORG, poll.id)).id).toBe(poll.id);
      await rejectsWith(sut.find(randomUUID(), poll.id.slice(0, 8)), 'POLL.NOT_FOUND');
      await rejectsWith(sut.find(ORG, 'not-an-id'), 'POLL.NOT_FOUND');
    });
  });

  describe('results and export', () => {
    it('hides counts from members until a hidden poll closes', async () => {
      const poll = await sut.create({ ...base, resultsVisibility: 'after_close' });
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 });
      expect((await sut.results(poll)).visible).toBe(false);
      const closed = await sut.close(poll);
      expect((await sut.results(closed)).visible).toBe(true);
    });

    it('lists voters of a named poll with their choices', async () => {
      const poll = await sut.create(base);
      const m = member();
      await sut.vote({ organizationId: ORG, pollId: poll.id, member: m, position: 2 });
      const exp = await sut.export(poll);
      expect(exp.kind).toBe('named');
      if (exp.kind === 'named') expect(exp.ballots).toEqual([expect.objectContaining({ memberId: m.id, choices: [2] })]);
    });
  });

  it('keeps a vote when a listener fails, and reports the failure', async () => {
    const failures: string[] = [];
    sut = new PollService({
      repo,
      clock,
      events: { ballotChanged: async () => { throw new Error('queue down'); } },
      onEventError: (event, _poll, err) => failures.push(`${event}: ${(err as Error).message}`),
    });
    const poll = await sut.create(base);
    await sut.vote({ organizationId: ORG, pollId: poll.id, member: member(), position: 0 });
    expect((await repo.tally(poll.id)).voters).toBe(1);
    expect(failures).toEqual(['ballotChanged: queue down']);
  });
});
