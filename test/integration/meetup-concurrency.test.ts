import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placesOf, promotable, rsvpValue, type MeetupAnswer } from '../../src/capabilities/meetups/domain/meetup.js';
import type { Database } from '../../src/infra/database/database.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';

/**
 * 500 answers to one meet-up at once, through the chat router on PostgreSQL: 150 members, each answering
 * 3–4 times in a row from alternating platforms (Slack, Discord) with repeats, every member's answers
 * racing everyone else's. The list that is left must be exact: one row per member holding their last
 * answer, never more confirmed places than the capacity, nobody waiting while their party fits, the
 * waitlist in one order, and the live count equal to the rows.
 */

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('500 concurrent answers to one meet-up', () => {
  let db: Database;
  let h: MeetupHarness;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    h = await createMeetupHarness({
      repos: prismaRepositories(db.prisma),
      database: db,
      platforms: [new FakeChatPlatform('slack'), new FakeChatPlatform('discord')],
      // Copies are not what this test is about; no worker runs.
      start: false,
      record: ['meetup.rsvp-changed'],
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  it('leaves an exact, capacity-respecting list', async () => {
    const CAPACITY = 60;
    const meetup = await h.meetups.service.create({
      organizationId: h.organization.id,
      title: 'General assembly',
      startsAt: new Date(Date.now() + 7 * 24 * 3600_000),
      endsAt: new Date(Date.now() + 7 * 24 * 3600_000 + 2 * 3600_000),
      timeZone: 'Europe/Amsterdam',
      place: 'Jaarbeurs, Utrecht',
      capacity: CAPACITY,
      guestsPerMember: 1,
    });
    const next = random(15);
    const step = (): { answer: MeetupAnswer; guests: number } => {
      const r = next();
      const answer: MeetupAnswer = r < 0.6 ? 'going' : r < 0.8 ? 'maybe' : 'not_going';
      return { answer, guests: answer === 'going' && next() < 0.3 ? 1 : 0 };
    };
    const members: { id: string; accounts: Account[]; plan: { answer: MeetupAnswer; guests: number }[] }[] = [];
    let planned = 0;
    for (let i = 0; i < 150; i++) {
      const accounts: Account[] = [
        { platform: 'slack', workspaceId: 'T-load', userId: `U${i}` },
        { platform: 'discord', workspaceId: 'G-load', userId: `D${i}` },
      ];
      const { member } = await h.member({ accounts });
      const plan = Array.from({ length: 3 }, step);
      // A repeated press (a platform retry, a double click) in about a quarter of the chains.
      if (next() < 0.25) plan[1] = plan[0]!;
      planned += plan.length;
      members.push({ id: member.id, accounts, plan });
    }
    // A fourth answer for every third member: exactly 500.
    for (let i = 0; planned < 500; i += 3, planned++) members[i]!.plan.push(step());
    expect(members.reduce((n, m) => n + m.plan.length, 0)).toBe(500);

    // Every member's answers in order (each from the other platform than the one before), all members at once.
    const replies = await Promise.all(
      members.map(async (m) => {
        const out: string[] = [];
        for (const [j, step] of m.plan.entries()) {
          const reply = await h.press(m.accounts[j % 2]!, 'meetup.rsvp', rsvpValue(meetup.id, step.answer, step.guests));
          out.push(replyText(reply));
        }
        return out;
      }),
    );
    // Every answer was recorded or refused for a stated reason (no unexpected error).
    for (const texts of replies) for (const text of texts) expect(text).toMatch(/You are going|waitlist|Noted|nothing changed|no room for that many guests/);

    const rows = await db.prisma.meetupRsvp.findMany({ where: { meetupId: meetup.id }, orderBy: [{ seatAt: 'asc' }, { memberId: 'asc' }] });
    // One row per member, holding the member's last answer (a refused guest change leaves the place as it was).
    expect(rows).toHaveLength(members.length);
    for (const m of members) {
      const row = rows.find((r) => r.memberId === m.id)!;
      const last = m.plan.at(-1)!;
      const lastReply = replies[members.indexOf(m)]!.at(-1)!;
      if (lastReply.includes('no room for that many guests')) {
        expect(row.answer).toBe('going');
        expect(row.seat).toBe('confirmed');
      } else {
        expect([row.answer, row.guests]).toEqual([last.answer, last.answer === 'going' ? last.guests : 0]);
        expect(row.seat === null).toBe(last.answer !== 'going');
      }
      // The account of the last recorded answer is where direct messages go.
      if (!lastReply.includes('no room for that many guests')) expect(row.platformUserId).toBe(m.accounts[(m.plan.length - 1) % 2]!.userId);
    }
    const confirmed = rows.filter((r) => r.seat === 'confirmed');
    const waiting = rows.filter((r) => r.seat === 'waitlisted');
    const taken = confirmed.reduce((n, r) => n + placesOf(r), 0);
    expect(taken).toBeLessThanOrEqual(CAPACITY);
    // Nobody waits while the head of the queue fits in the places left.
    if (waiting.length > 0) expect(promotable(CAPACITY - taken, waiting.map((r) => ({ places: placesOf(r) })))).toEqual([]);
    // The waitlist has one order: no two members share a moment and id.
    expect(new Set(waiting.map((r) => `${r.seatAt?.toISOString()}|${r.memberId}`)).size).toBe(waiting.length);
    // Going members got in: with this many, the meet-up is full (nobody fits but is left out).
    expect(taken).toBeGreaterThan(CAPACITY - 2);

    expect(await h.meetups.repo.headcount(meetup.id)).toEqual({
      confirmedPlaces: taken,
      confirmedMembers: confirmed.length,
      waitlisted: waiting.length,
      maybe: rows.filter((r) => r.answer === 'maybe').length,
      notGoing: rows.filter((r) => r.answer === 'not_going').length,
      checkedIn: 0,
    });
    // Every promotion the bus heard was of a member who was waiting and got a place.
    const promotions = h.heard['meetup.rsvp-changed']!.filter((e) => e.promoted);
    for (const p of promotions) expect(p.seat).toBe('confirmed');
  }, 120_000);
});
