import { isActive, type Member, type MemberRole } from '../../../kernel/community.js';
import type { Platform } from '../../../kernel/types.js';

/** Limits of a meet-up, shared by the schemas, the command parser and the views. */
export const MEETUP_LIMITS = {
  titleLength: 200,
  descriptionLength: 2000,
  placeLength: 300,
  maxCapacity: 100_000,
  /** Guests (+1s) one member may bring at most. */
  maxGuests: 10,
  maxReminders: 5,
  /** The earliest reminder: 30 days before the start. */
  maxReminderMinutes: 30 * 24 * 60,
  /** The longest meet-up: a week-end camp, not a season. */
  maxDurationMs: 14 * 24 * 3600_000,
} as const;

/** A day and an hour before the start, unless the manager says otherwise. */
export const DEFAULT_REMINDER_OFFSETS: readonly number[] = [24 * 60, 60];

/** Check-in opens this long before the start (people arrive early) and closes at the end. */
export const CHECK_IN_OPENS_BEFORE_MS = 30 * 60_000;

export type MeetupStatus = 'scheduled' | 'cancelled';

/** A member's answer. `not_going` is the "Can't" button. */
export const MEETUP_ANSWERS = ['going', 'maybe', 'not_going'] as const;
export type MeetupAnswer = (typeof MEETUP_ANSWERS)[number];

/** Where a `going` answer stands: a place, or a place in the queue. */
export type MeetupSeat = 'confirmed' | 'waitlisted';

/** Who the meet-up is for: everyone, members of some chapters, or holders of some roles. */
export type MeetupAudience =
  | { kind: 'all' }
  | { kind: 'chapters'; chapterIds: string[] }
  | { kind: 'roles'; roles: MemberRole[] };

/** An address, or the link of an online meeting. */
export interface MeetupPlace {
  kind: 'address' | 'online';
  text: string;
}

/** A meeting with one list of attendees, however many channels and platforms it is posted to. */
export interface Meetup {
  id: string;
  organizationId: string;
  createdByMemberId: string | null;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the times are shown in. */
  timeZone: string;
  place: MeetupPlace;
  audience: MeetupAudience;
  /** Guests each member may bring; 0 = members only. */
  guestsPerMember: number;
  /** Places for members and guests together; null = no limit. */
  capacity: number | null;
  /** Answers are accepted until then (and never after the start). */
  rsvpDeadline: Date | null;
  /** Minutes before the start at which those going get a reminder, largest first. */
  reminderOffsets: number[];
  status: MeetupStatus;
  /** Counts changes of time or place; notices about a change are keyed by it. */
  version: number;
  /** Shown at the venue; members type it to check in. */
  checkInCode: string;
  /** The unguessable part of the public .ics URL. */
  icsKey: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
}

/** A chat account, as the platforms name people. */
export interface MeetupAccount {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

/** One member's answer. */
export interface Rsvp {
  meetupId: string;
  memberId: string;
  answer: MeetupAnswer;
  /** Only for `going`. */
  seat: MeetupSeat | null;
  guests: number;
  /** When the place was confirmed or the queue place taken. */
  seatAt: Date | null;
  /** The account the member last answered from (direct messages go there); null when unknown. */
  account: MeetupAccount | null;
  updatedAt: Date;
}

/** One posted copy: a message in a channel on one platform. */
export interface MeetupPost {
  id: string;
  meetupId: string;
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
  /** Null while the copy waits to be posted. */
  messageId: string | null;
}

/** Where a meet-up is to be posted. */
export interface MeetupTarget {
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
}

/** The live count every copy shows. */
export interface Headcount {
  /** Places taken: confirmed members plus their guests. */
  confirmedPlaces: number;
  confirmedMembers: number;
  /** Members on the waitlist. */
  waitlisted: number;
  maybe: number;
  notGoing: number;
  checkedIn: number;
}

/** A headcount of nobody. */
export const EMPTY_HEADCOUNT: Headcount = { confirmedPlaces: 0, confirmedMembers: 0, waitlisted: 0, maybe: 0, notGoing: 0, checkedIn: 0 };

/** Places one answer takes: the member and their guests. */
export function placesOf(rsvp: Pick<Rsvp, 'guests'>): number {
  return 1 + rsvp.guests;
}

/** Why answers are not accepted now, or null when they are. */
export type RsvpClosedReason = 'cancelled' | 'deadline' | 'started';

/** Whether a meet-up takes answers at `now`: scheduled, not started, the deadline (if any) not passed. */
export function rsvpClosedReason(meetup: Pick<Meetup, 'status' | 'startsAt' | 'rsvpDeadline'>, now: Date): RsvpClosedReason | null {
  if (meetup.status === 'cancelled') return 'cancelled';
  if (now.getTime() >= meetup.startsAt.getTime()) return 'started';
  if (meetup.rsvpDeadline && now.getTime() >= meetup.rsvpDeadline.getTime()) return 'deadline';
  return null;
}

/** True from half an hour before the start until the end, for a meet-up that goes ahead. */
export function checkInOpen(meetup: Pick<Meetup, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  const t = now.getTime();
  return meetup.status === 'scheduled' && t >= meetup.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS && t < meetup.endsAt.getTime();
}

/** True once the meet-up is over. */
export function hasEnded(meetup: Pick<Meetup, 'endsAt'>, now: Date): boolean {
  return now.getTime() >= meetup.endsAt.getTime();
}

/** Why a member may not answer, or null when they may. */
export type IneligibleReason = 'not-linked' | 'not-active' | 'other-organization' | 'not-in-audience';

/** Linked, active, of the meet-up's organisation and in its audience. */
export function ineligibility(meetup: Pick<Meetup, 'organizationId' | 'audience'>, member: Member | null): IneligibleReason | null {
  if (!member) return 'not-linked';
  if (member.organizationId !== meetup.organizationId) return 'other-organization';
  if (!isActive(member)) return 'not-active';
  return inAudience(meetup.audience, member) ? null : 'not-in-audience';
}

/** True when the member belongs to the audience. */
export function inAudience(audience: MeetupAudience, member: Pick<Member, 'chapterId' | 'roles'>): boolean {
  switch (audience.kind) {
    case 'all':
      return true;
    case 'chapters':
      return member.chapterId !== null && audience.chapterIds.includes(member.chapterId);
    case 'roles':
      return member.roles.some((role) => audience.roles.includes(role));
  }
}

/** What the book looks like without the member who answers (their own row left out). */
export interface SeatBook {
  capacity: number | null;
  /** Places confirmed for everybody else. */
  otherConfirmedPlaces: number;
  /** Others on the waitlist. */
  otherWaitlisted: number;
}

/** What an answer does to the member's place. */
export type SeatDecision =
  | { seat: MeetupSeat | null; /** The member keeps the moment of their place (order in the queue). */ keepSeatAt: boolean }
  | { refused: 'no-room-for-guests' };

/**
 * Where an answer puts a member. Not going or maybe: no place. Going:
 * - already confirmed: stays confirmed, unless added guests no longer fit (refused, nothing changes);
 * - already waitlisted: keeps their place in the queue (promotion follows the queue);
 * - new: confirmed when the party fits and nobody is waiting, else at the back of the waitlist.
 * The repositories apply exactly this inside one transaction that holds the meet-up's row lock.
 */
export function decideSeat(current: Pick<Rsvp, 'answer' | 'seat'> | null, answer: MeetupAnswer, guests: number, book: SeatBook): SeatDecision {
  if (answer !== 'going') return { seat: null, keepSeatAt: false };
  const places = 1 + guests;
  const fits = book.capacity === null || book.otherConfirmedPlaces + places <= book.capacity;
  if (current?.seat === 'confirmed') return fits ? { seat: 'confirmed', keepSeatAt: true } : { refused: 'no-room-for-guests' };
  if (current?.seat === 'waitlisted') return { seat: 'waitlisted', keepSeatAt: true };
  // Without a limit nobody waits (a lifted limit moves the waitlist up in the same step).
  if (book.capacity === null) return { seat: 'confirmed', keepSeatAt: false };
  return fits && book.otherWaitlisted === 0 ? { seat: 'confirmed', keepSeatAt: false } : { seat: 'waitlisted', keepSeatAt: false };
}

/**
 * Who moves up from the waitlist when `free` places open: the queue in order, as long as each party fits.
 * A party that does not fit stops the queue (nobody jumps it); it moves up once enough places open.
 */
export function promotable<T extends { places: number }>(free: number, queue: readonly T[]): T[] {
  const out: T[] = [];
  let left = free;
  for (const entry of queue) {
    if (entry.places > left) break;
    out.push(entry);
    left -= entry.places;
  }
  return out;
}

/** The id people see and type: the first 8 hex characters of the uuid. */
export function shortMeetupId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}

/** What a person typed as an id, as a uuid prefix (dashes where they belong), or null. */
export function meetupIdPrefix(typed: string): string | null {
  const hex = typed.trim().toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{4,32}$/.test(hex)) return null;
  const cuts = [8, 12, 16, 20];
  let out = '';
  for (let i = 0; i < hex.length; i++) {
    if (cuts.includes(i)) out += '-';
    out += hex[i];
  }
  return out;
}

const ANSWER_CODES: Record<MeetupAnswer, string> = { going: 'g', maybe: 'm', not_going: 'n' };

/** The value of an RSVP button: `<meetupId>:g`, `<meetupId>:g1` (going with one guest), `:m`, `:n`. */
export function rsvpValue(meetupId: string, answer: MeetupAnswer, guests = 0): string {
  return `${meetupId}:${ANSWER_CODES[answer]}${answer === 'going' && guests > 0 ? guests : ''}`;
}

/** Parses an RSVP button value; null when malformed. */
export function parseRsvpValue(value: string | undefined): { meetupId: string; answer: MeetupAnswer; guests: number } | null {
  const m = /^([0-9a-f-]{36}):(g|m|n)(\d{1,2})?$/i.exec(value ?? '');
  if (!m) return null;
  const answer = (Object.keys(ANSWER_CODES) as MeetupAnswer[]).find((a) => ANSWER_CODES[a] === m[2]!.toLowerCase())!;
  if (answer !== 'going' && m[3] !== undefined) return null;
  return { meetupId: m[1]!.toLowerCase(), answer, guests: m[3] === undefined ? 0 : Number(m[3]) };
}

/** A place is an online link when it is one http(s) URL. */
export function placeOf(text: string): MeetupPlace {
  const t = text.trim();
  return /^https?:\/\/\S+$/i.test(t) ? { kind: 'online', text: t } : { kind: 'address', text: t };
}

/** The alphabet of check-in codes: no 0/O, 1/I/L, so a code read off a screen is typed right. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Six characters from {@link CODE_ALPHABET}, drawn from `randomByte` (the CSPRNG in production). */
export function checkInCodeFrom(randomBytes: (n: number) => Uint8Array): string {
  let out = '';
  while (out.length < 6) {
    for (const byte of randomBytes(12)) {
      // 248 = 8 × 31: rejection sampling keeps every character equally likely.
      if (byte >= 248) continue;
      out += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (out.length === 6) break;
    }
  }
  return out;
}

/** A typed check-in code in the stored form (upper case, no spaces or dashes). */
export function normaliseCheckInCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}
