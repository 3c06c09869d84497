import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Member } from '../../../kernel/community.js';
import {
  checkInCodeFrom,
  checkInOpen,
  decideSeat,
  ineligibility,
  meetupIdPrefix,
  normaliseCheckInCode,
  parseRsvpValue,
  placeOf,
  promotable,
  rsvpClosedReason,
  rsvpValue,
  shortMeetupId,
} from './meetup.js';

const ID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const member = (o: Partial<Member> = {}): Member => ({
  id: 'm-1', organizationId: 'org', memberNumber: '1', name: 'An', email: null, status: 'active', roles: ['member'],
  chapterId: 'utrecht', locale: null, createdAt: new Date(0), updatedAt: new Date(0), ...o,
});
const at = (iso: string) => new Date(iso);

describe('seats', () => {
  const book = (otherConfirmedPlaces: number, otherWaitlisted = 0, capacity: number | null = 2) => ({ capacity, otherConfirmedPlaces, otherWaitlisted });

  it('gives a new member a place while the party fits and nobody waits, else the back of the waitlist', () => {
    expect(decideSeat(null, 'going', 0, book(1))).toEqual({ seat: 'confirmed', keepSeatAt: false });
    expect(decideSeat(null, 'going', 1, book(1))).toEqual({ seat: 'waitlisted', keepSeatAt: false });
    expect(decideSeat(null, 'going', 0, book(2))).toEqual({ seat: 'waitlisted', keepSeatAt: false });
    // A free place, but someone is waiting for it: no jumping the queue.
    expect(decideSeat(null, 'going', 0, book(1, 1))).toEqual({ seat: 'waitlisted', keepSeatAt: false });
    expect(decideSeat(null, 'going', 5, book(1000, 3, null))).toEqual({ seat: 'confirmed', keepSeatAt: false });
  });

  it('keeps a confirmed place (and its moment), and refuses added guests that do not fit', () => {
    expect(decideSeat({ answer: 'going', seat: 'confirmed' }, 'going', 0, book(1))).toEqual({ seat: 'confirmed', keepSeatAt: true });
    expect(decideSeat({ answer: 'going', seat: 'confirmed' }, 'going', 1, book(1))).toEqual({ refused: 'no-room-for-guests' });
  });

  it('keeps a waitlisted member in their place in the queue', () => {
    expect(decideSeat({ answer: 'going', seat: 'waitlisted' }, 'going', 0, book(0))).toEqual({ seat: 'waitlisted', keepSeatAt: true });
  });

  it('gives maybe and can\'t no seat at all', () => {
    expect(decideSeat({ answer: 'going', seat: 'confirmed' }, 'maybe', 0, book(1))).toEqual({ seat: null, keepSeatAt: false });
    expect(decideSeat(null, 'not_going', 0, book(0))).toEqual({ seat: null, keepSeatAt: false });
  });

  it('moves the waitlist up in order while parties fit, and never lets a party jump one that does not', () => {
    const q = [{ id: 'a', places: 1 }, { id: 'b', places: 2 }, { id: 'c', places: 1 }];
    expect(promotable(1, q).map((x) => x.id)).toEqual(['a']);
    expect(promotable(3, q).map((x) => x.id)).toEqual(['a', 'b']);
    expect(promotable(2, q.slice(1)).map((x) => x.id)).toEqual(['b']);
    expect(promotable(1, q.slice(1))).toEqual([]);
    expect(promotable(0, q)).toEqual([]);
  });
});

describe('meet-up rules', () => {
  const meetup = { status: 'scheduled' as const, startsAt: at('2026-10-24T17:30:00Z'), endsAt: at('2026-10-24T19:30:00Z'), rsvpDeadline: at('2026-10-23T22:00:00Z') };

  it('takes answers until the deadline, never after the start, never when cancelled', () => {
    expect(rsvpClosedReason(meetup, at('2026-10-23T21:59:59Z'))).toBeNull();
    expect(rsvpClosedReason(meetup, at('2026-10-23T22:00:00Z'))).toBe('deadline');
    expect(rsvpClosedReason({ ...meetup, rsvpDeadline: null }, at('2026-10-24T17:30:00Z'))).toBe('started');
    expect(rsvpClosedReason({ ...meetup, status: 'cancelled' }, at('2026-10-01T00:00:00Z'))).toBe('cancelled');
  });

  it('opens check-in half an hour before the start and closes it at the end', () => {
    expect(checkInOpen(meetup, at('2026-10-24T16:59:59Z'))).toBe(false);
    expect(checkInOpen(meetup, at('2026-10-24T17:00:00Z'))).toBe(true);
    expect(checkInOpen(meetup, at('2026-10-24T19:29:59Z'))).toBe(true);
    expect(checkInOpen(meetup, at('2026-10-24T19:30:00Z'))).toBe(false);
    expect(checkInOpen({ ...meetup, status: 'cancelled' }, at('2026-10-24T18:00:00Z'))).toBe(false);
  });

  it('lets only linked, active members of the organisation and the audience answer', () => {
    const m = { organizationId: 'org', audience: { kind: 'chapters' as const, chapterIds: ['utrecht'] } };
    expect(ineligibility(m, member())).toBeNull();
    expect(ineligibility(m, null)).toBe('not-linked');
    expect(ineligibility(m, member({ status: 'lapsed' }))).toBe('not-active');
    expect(ineligibility(m, member({ organizationId: 'other' }))).toBe('other-organization');
    expect(ineligibility(m, member({ chapterId: 'amsterdam' }))).toBe('not-in-audience');
    expect(ineligibility({ organizationId: 'org', audience: { kind: 'roles', roles: ['board'] } }, member({ roles: ['member', 'board'] }))).toBeNull();
  });

  it('reads a place as online only when it is one link', () => {
    expect(placeOf(' https://meet.example.org/abc ')).toEqual({ kind: 'online', text: 'https://meet.example.org/abc' });
    expect(placeOf('Stadhuisplein 1, Utrecht')).toEqual({ kind: 'address', text: 'Stadhuisplein 1, Utrecht' });
    expect(placeOf('Zaal 2, see https://example.org')).toEqual({ kind: 'address', text: 'Zaal 2, see https://example.org' });
  });
});

describe('ids, button values and codes', () => {
  it('round-trips RSVP button values and refuses forged ones', () => {
    expect(parseRsvpValue(rsvpValue(ID, 'going'))).toEqual({ meetupId: ID, answer: 'going', guests: 0 });
    expect(parseRsvpValue(rsvpValue(ID, 'going', 2))).toEqual({ meetupId: ID, answer: 'going', guests: 2 });
    expect(parseRsvpValue(rsvpValue(ID, 'not_going'))).toEqual({ meetupId: ID, answer: 'not_going', guests: 0 });
    expect(parseRsvpValue(`${ID}:m3`)).toBeNull();
    expect(parseRsvpValue(`${ID}:x`)).toBeNull();
    expect(parseRsvpValue('drop table')).toBeNull();
    expect(rsvpValue(ID, 'going', 10).length).toBeLessThanOrEqual(100);
  });

  it('shortens ids to 8 characters and reads them back as a prefix', () => {
    expect(shortMeetupId(ID)).toBe('0f1e2d3c');
    expect(meetupIdPrefix('0F1E2D3C4B')).toBe('0f1e2d3c-4b');
    expect(meetupIdPrefix('zz')).toBeNull();
  });

  it('draws check-in codes of six unambiguous characters and reads typed codes leniently', () => {
    const codes = Array.from({ length: 200 }, () => checkInCodeFrom((n) => randomBytes(n)));
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
    expect(normaliseCheckInCode(' k7q-4xp ')).toBe('K7Q4XP');
  });
});
