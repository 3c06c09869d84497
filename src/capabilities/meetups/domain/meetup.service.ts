import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../kernel/clock.js';
import type { Member } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import { randomBase62 } from '../../../kernel/ids.js';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import { validate } from '../../../kernel/validate.js';
import {
  checkInCodeFrom,
  checkInOpen,
  hasEnded,
  ineligibility,
  inAudience,
  MEETUP_LIMITS,
  meetupIdPrefix,
  normaliseCheckInCode,
  placeOf,
  rsvpClosedReason,
  type Headcount,
  type Meetup,
  type MeetupAccount,
  type MeetupAnswer,
  type Rsvp,
} from './meetup.js';
import { meetupError } from './meetup.errors.js';
import { changeMeetupSchema, createMeetupSchema, type CreateMeetupInput, type MeetupChanges } from './meetup.schema.js';
import type { AttendeeRow, MeetupJobs, MeetupPatch, MeetupRepository, Notice, NoticeKind } from '../ports.js';

export interface MeetupServiceDeps {
  repo: MeetupRepository;
  clock: Clock;
  /** Queue work after a change (posting copies, refreshes, reminders, direct messages). */
  jobs: MeetupJobs;
  /** Where `meetup.created`, `meetup.rsvp-changed` and `meetup.attended` go (webhooks listen). */
  bus?: Pick<EventBus, 'publish'>;
  /** Looks up promoted members for the bus (they did not press anything themselves). */
  members: Pick<MemberRepository, 'findById'>;
  /** Receives failures of follow-up work; the change itself is stored and stays. */
  onFollowUpError?: (what: string, meetupId: string, error: unknown) => void;
}

/** Input of {@link MeetupService.rsvp}. */
export interface RsvpInput {
  organizationId: string;
  meetupId: string;
  /** The linked member answering (null when the chat account is not linked). */
  member: Member | null;
  answer: MeetupAnswer;
  /** Guests (+1s) the member brings; only with `going`. */
  guests?: number;
  /** The chat account the answer came from (direct messages about the meet-up go there). */
  account?: MeetupAccount;
}

/** A member's answer after an RSVP. */
export interface RsvpOutcome {
  meetup: Meetup;
  rsvp: Rsvp;
  /** 1-based place on the waitlist, when waitlisted. */
  waitlistPosition: number | null;
  /** False when the answer was the member's answer already (a repeated press): nothing changed. */
  changed: boolean;
  /** The member gave up a confirmed place (someone else may have moved up). */
  gaveUpPlace: boolean;
}

/** The managers' list with what insights want from it. */
export interface AttendeeList {
  meetup: Meetup;
  headcount: Headcount;
  /** Confirmed (in order of their place), waitlisted (in queue order), maybe, can't, then checked in without an answer. */
  rows: AttendeeRow[];
  /**
   * Per chapter (null: no chapter): members with a confirmed place, how many of them checked in (the
   * turn-up), and members who checked in without a place (walk-ins).
   */
  byChapter: { chapterId: string | null; chapterName: string | null; confirmed: number; checkedIn: number; walkIns: number }[];
  /** Members who checked in here at their first meet-up of the organisation. */
  firstTimers: number;
}

/** How long a meet-up read for an answer is reused (the repository re-checks status, deadline and capacity under its lock). */
const RSVP_CACHE_MS = 5_000;

/**
 * Meet-up use cases. Rules: only linked, active members of the organisation and the audience answer; one
 * answer per member (the last one counts, whichever platform it came from); at most `capacity` places
 * (members plus guests), the rest in a waitlist that moves up in order when places open; no answers after
 * the RSVP deadline or the start; a change of time or place, and cancelling, tell those who answered.
 */
export class MeetupService {
  private readonly cache = new Map<string, { meetup: Meetup; until: number }>();

  constructor(private readonly deps: MeetupServiceDeps) {}

  /**
   * Creates a scheduled meet-up and queues posting it.
   * @throws ValidationError for bad input; MeetupError `MEETUP.START_PASSED`, `MEETUP.END_BEFORE_START`,
   *   `MEETUP.TOO_LONG`, `MEETUP.BAD_DEADLINE`.
   */
  async create(input: CreateMeetupInput): Promise<Meetup> {
    const m = validate(createMeetupSchema, input);
    const now = this.deps.clock.now();
    checkTimes(m.startsAt, m.endsAt, m.rsvpDeadline, now, { times: true, deadline: true });
    const meetup = await this.deps.repo.create({
      organizationId: m.organizationId,
      createdByMemberId: m.createdByMemberId,
      title: m.title,
      description: m.description,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      timeZone: m.timeZone,
      place: placeOf(m.place),
      audience: m.audience,
      guestsPerMember: m.guestsPerMember,
      capacity: m.capacity,
      rsvpDeadline: m.rsvpDeadline,
      reminderOffsets: m.reminderOffsets,
      checkInCode: checkInCodeFrom((n) => randomBytes(n)),
      icsKey: randomBase62(24),
      targets: dedupeTargets(m.targets),
      createdAt: now,
    });
    await this.followUp('publish', meetup.id, async () => {
      await this.deps.jobs.publish(meetup.id);
      await this.deps.jobs.scheduleTimers(meetup, await this.deps.repo.listReminders(meetup.id));
      await this.deps.jobs.mirror(meetup.id, `v${meetup.version}`);
    });
    await this.deps.bus?.publish('meetup.created', {
      organizationId: meetup.organizationId,
      meetupId: meetup.id,
      title: meetup.title,
      description: meetup.description,
      startsAt: meetup.startsAt,
      endsAt: meetup.endsAt,
      timeZone: meetup.timeZone,
      place: { ...meetup.place },
      capacity: meetup.capacity,
      audience: structuredClone(meetup.audience),
      createdAt: meetup.createdAt,
    });
    return meetup;
  }

  /**
   * Finds a meet-up of the organisation by full id or short id (a prefix of at least 4 hex characters).
   * @throws `MEETUP.NOT_FOUND`, `MEETUP.AMBIGUOUS_ID`.
   */
  async find(organizationId: string, typedId: string): Promise<Meetup> {
    const prefix = meetupIdPrefix(typedId);
    if (!prefix) throw meetupError('MEETUP.NOT_FOUND', 'Not a meet-up id.', { id: typedId });
    const matches = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (matches.length === 0) throw meetupError('MEETUP.NOT_FOUND', 'No such meet-up.', { id: typedId });
    if (matches.length > 1) throw meetupError('MEETUP.AMBIGUOUS_ID', 'Several meet-ups match.', { id: typedId });
    return matches[0]!;
  }

  /** The meet-up with this exact id, or null. */
  findById(id: string): Promise<Meetup | null> {
    return this.deps.repo.findById(id);
  }

  /** The organisation's meet-ups that have not ended (or all, with `includePast`), soonest first. */
  list(organizationId: string, query: { includePast?: boolean; includeCancelled?: boolean; limit?: number } = {}): Promise<Meetup[]> {
    return this.deps.repo.list(organizationId, {
      ...(query.includePast ? {} : { from: this.deps.clock.now() }),
      includeCancelled: query.includeCancelled ?? false,
      limit: query.limit ?? 20,
    });
  }

  /** The live count. */
  headcount(meetup: Pick<Meetup, 'id'>): Promise<Headcount> {
    return this.deps.repo.headcount(meetup.id);
  }

  /** The member's answer, or null. */
  rsvpOf(meetup: Pick<Meetup, 'id'>, member: Pick<Member, 'id'>): Promise<Rsvp | null> {
    return this.deps.repo.findRsvp(meetup.id, member.id);
  }

  /**
   * Records a member's answer (the last one counts). Going takes a place if one is free and nobody waits,
   * else a place on the waitlist; giving up a place moves the waitlist up, and whoever moves up gets a
   * direct message.
   * @throws `MEETUP.NOT_FOUND`, `MEETUP.NOT_LINKED`, `MEETUP.NOT_ACTIVE`, `MEETUP.NOT_IN_AUDIENCE`,
   *   `MEETUP.CANCELLED`, `MEETUP.RSVP_CLOSED`, `MEETUP.STARTED`, `MEETUP.TOO_MANY_GUESTS`,
   *   `MEETUP.NO_ROOM_FOR_GUESTS` (params `{ free }`).
   */
  async rsvp(input: RsvpInput): Promise<RsvpOutcome> {
    const meetup = await this.meetupForRsvp(input.meetupId);
    // A button of another organisation's meet-up behaves as if it did not exist.
    if (!meetup || meetup.organizationId !== input.organizationId) throw meetupError('MEETUP.NOT_FOUND', 'No such meet-up.');
    const member = this.eligibleMember(meetup, input.member);
    const guests = input.answer === 'going' ? (input.guests ?? 0) : 0;
    if (!Number.isInteger(guests) || guests < 0 || guests > meetup.guestsPerMember) {
      throw meetupError('MEETUP.TOO_MANY_GUESTS', 'More guests than allowed.', { count: meetup.guestsPerMember });
    }
    const now = this.deps.clock.now();
    throwIfClosed(rsvpClosedReason(meetup, now));

    const result = await this.deps.repo.castRsvp({ meetupId: meetup.id, memberId: member.id, answer: input.answer, guests, account: input.account ?? null, at: now });
    if (result.status === 'closed') {
      this.cache.delete(meetup.id);
      if (result.reason === 'missing') throw meetupError('MEETUP.NOT_FOUND', 'No such meet-up.');
      throwIfClosed(result.reason);
    }
    if (result.status === 'no-room-for-guests') throw meetupError('MEETUP.NO_ROOM_FOR_GUESTS', 'The guests do not fit.', { free: result.free });
    if (result.status !== 'recorded') throw new Error('unreachable');

    const { rsvp, previous } = result;
    const changed = !previous || previous.answer !== rsvp.answer || previous.seat !== rsvp.seat || previous.guests !== rsvp.guests;
    if (changed || result.promoted.length > 0) {
      await this.followUp('refresh', meetup.id, () => this.deps.jobs.scheduleRefresh(meetup.id));
      await this.publishRsvp(meetup, member, rsvp, previous?.answer ?? null, false, now);
      await this.promoted(meetup, result.promoted, now);
    }
    return {
      meetup,
      rsvp,
      waitlistPosition: result.waitlistPosition,
      changed,
      gaveUpPlace: previous?.seat === 'confirmed' && rsvp.seat !== 'confirmed',
    };
  }

  /**
   * Changes a scheduled meet-up. A new time or place updates every copy and tells everyone who answered
   * going or maybe (direct messages); more places move the waitlist up.
   * @throws ValidationError; `MEETUP.ALREADY_CANCELLED`, `MEETUP.ENDED`, `MEETUP.START_PASSED`,
   *   `MEETUP.END_BEFORE_START`, `MEETUP.TOO_LONG`, `MEETUP.BAD_DEADLINE`, `MEETUP.CAPACITY_BELOW_TAKEN`.
   */
  async change(meetup: Meetup, changes: MeetupChanges): Promise<{ meetup: Meetup; timeOrPlaceChanged: boolean; told: number }> {
    const c = validate(changeMeetupSchema, changes);
    const now = this.deps.clock.now();
    if (meetup.status === 'cancelled') throw meetupError('MEETUP.ALREADY_CANCELLED', 'The meet-up is cancelled.');
    if (hasEnded(meetup, now)) throw meetupError('MEETUP.ENDED', 'The meet-up has ended.');
    const startsAt = c.startsAt ?? meetup.startsAt;
    const endsAt = c.endsAt ?? meetup.endsAt;
    const deadline = c.rsvpDeadline !== undefined ? c.rsvpDeadline : meetup.rsvpDeadline;
    checkTimes(startsAt, endsAt, deadline, now, { times: c.startsAt !== undefined || c.endsAt !== undefined, deadline: c.rsvpDeadline !== undefined });

    const patch: MeetupPatch = {
      ...(c.title !== undefined ? { title: c.title } : {}),
      ...(c.description !== undefined ? { description: c.description } : {}),
      ...(c.startsAt !== undefined ? { startsAt: c.startsAt } : {}),
      ...(c.endsAt !== undefined ? { endsAt: c.endsAt } : {}),
      ...(c.place !== undefined ? { place: placeOf(c.place) } : {}),
      ...(c.capacity !== undefined ? { capacity: c.capacity } : {}),
      ...(c.guestsPerMember !== undefined ? { guestsPerMember: c.guestsPerMember } : {}),
      ...(c.rsvpDeadline !== undefined ? { rsvpDeadline: c.rsvpDeadline } : {}),
      ...(c.reminderOffsets !== undefined ? { reminderOffsets: c.reminderOffsets } : {}),
    };
    const timeOrPlaceChanged =
      startsAt.getTime() !== meetup.startsAt.getTime() ||
      endsAt.getTime() !== meetup.endsAt.getTime() ||
      (patch.place !== undefined && (patch.place.text !== meetup.place.text || patch.place.kind !== meetup.place.kind));
    const result = await this.deps.repo.change(meetup.id, patch, { bumpVersion: timeOrPlaceChanged, at: now });
    this.cache.delete(meetup.id);
    if (result.status === 'missing') throw meetupError('MEETUP.NOT_FOUND', 'No such meet-up.');
    if (result.status === 'cancelled') throw meetupError('MEETUP.ALREADY_CANCELLED', 'The meet-up is cancelled.');
    if (result.status === 'capacity-below-taken') throw meetupError('MEETUP.CAPACITY_BELOW_TAKEN', 'Fewer places than taken.', { taken: result.taken });

    const changed = result.meetup;
    let told = 0;
    await this.followUp('change', changed.id, async () => {
      await this.deps.jobs.refreshOnce(changed.id, `change-${changed.updatedAt.getTime()}`);
      if (patch.startsAt !== undefined || patch.endsAt !== undefined || patch.reminderOffsets !== undefined) {
        await this.deps.jobs.scheduleTimers(changed, await this.deps.repo.listReminders(changed.id));
      }
      if (timeOrPlaceChanged) {
        told = await this.tellEveryone(changed, 'changed', `changed-v${changed.version}`);
        await this.deps.jobs.mirror(changed.id, `v${changed.version}`);
      }
    });
    await this.promoted(changed, result.promoted, now);
    return { meetup: changed, timeOrPlaceChanged, told };
  }

  /**
   * Cancels a meet-up: every copy says so (buttons removed) and everyone who answered going or maybe
   * gets a direct message.
   * @throws `MEETUP.ALREADY_CANCELLED`.
   */
  async cancel(meetup: Pick<Meetup, 'id'>): Promise<{ meetup: Meetup; told: number }> {
    const cancelled = await this.deps.repo.cancel(meetup.id, this.deps.clock.now());
    this.cache.delete(meetup.id);
    if (!cancelled) throw meetupError('MEETUP.ALREADY_CANCELLED', 'The meet-up was cancelled already.');
    let told = 0;
    await this.followUp('cancel', cancelled.id, async () => {
      await this.deps.jobs.refreshOnce(cancelled.id, 'cancelled');
      told = await this.tellEveryone(cancelled, 'cancelled', 'cancelled');
      await this.deps.jobs.mirror(cancelled.id, 'cancelled');
    });
    return { meetup: cancelled, told };
  }

  /**
   * Checks a member in with the code shown at the venue (from half an hour before the start to the end).
   * A second check-in changes nothing (`already`).
   * @throws `MEETUP.BAD_CODE`, `MEETUP.NOT_IN_AUDIENCE`, `MEETUP.NOT_ACTIVE`.
   */
  async checkIn(input: { organizationId: string; member: Member; code: string }): Promise<{ meetup: Meetup; firstTime: boolean; already: boolean }> {
    const now = this.deps.clock.now();
    const code = normaliseCheckInCode(input.code);
    if (!/^[0-9A-Z]{6}$/.test(code)) throw meetupError('MEETUP.BAD_CODE', 'Not a check-in code.');
    const open = (await this.deps.repo.findByCheckInCode(input.organizationId, code)).filter((m) => checkInOpen(m, now));
    const meetup = open.find((m) => inAudience(m.audience, input.member)) ?? open[0];
    if (!meetup) throw meetupError('MEETUP.BAD_CODE', 'No meet-up has this code open now.');
    const member = this.eligibleMember(meetup, input.member);
    const result = await this.deps.repo.checkIn(meetup.id, member.id, now);
    if (result.recorded) {
      await this.followUp('refresh', meetup.id, () => this.deps.jobs.scheduleRefresh(meetup.id));
      await this.deps.bus?.publish('meetup.attended', {
        organizationId: meetup.organizationId,
        meetupId: meetup.id,
        title: meetup.title,
        member,
        checkedInAt: result.checkedInAt,
        firstTime: result.firstTime,
      });
    }
    return { meetup, firstTime: result.firstTime, already: !result.recorded };
  }

  /** The managers' list: names, chapters, guests, places, check-ins, and the turn-up per chapter. */
  async attendees(meetup: Meetup): Promise<AttendeeList> {
    const [headcount, rows] = await Promise.all([this.deps.repo.headcount(meetup.id), this.deps.repo.attendees(meetup.id)]);
    const rank = (r: AttendeeRow) => (r.seat === 'confirmed' ? 0 : r.seat === 'waitlisted' ? 1 : r.answer === 'maybe' ? 2 : r.answer === 'not_going' ? 3 : 4);
    const sorted = [...rows].sort((a, b) => rank(a) - rank(b) || (a.answeredAt?.getTime() ?? 0) - (b.answeredAt?.getTime() ?? 0) || a.name.localeCompare(b.name));
    const chapters = new Map<string, AttendeeList['byChapter'][number]>();
    for (const r of rows) {
      if (r.seat !== 'confirmed' && r.checkedInAt === null) continue;
      const key = r.chapterId ?? '';
      const line = chapters.get(key) ?? { chapterId: r.chapterId, chapterName: r.chapterName, confirmed: 0, checkedIn: 0, walkIns: 0 };
      if (r.seat === 'confirmed') line.confirmed += 1;
      if (r.checkedInAt !== null) {
        if (r.seat === 'confirmed') line.checkedIn += 1;
        else line.walkIns += 1;
      }
      chapters.set(key, line);
    }
    const byChapter = [...chapters.values()].sort((a, b) => (a.chapterName ?? '\uffff').localeCompare(b.chapterName ?? '\uffff'));
    return { meetup, headcount, rows: sorted, byChapter, firstTimers: rows.filter((r) => r.firstVisit).length };
  }

  /**
   * Gives the member a new private calendar feed and revokes the earlier one (the link is shown once;
   * only its sha256 is stored). Returns the token for the URL.
   */
  async issueCalendarFeed(member: Member): Promise<string> {
    const token = randomBase62(32);
    await this.deps.repo.issueFeed(member.organizationId, member.id, feedTokenHash(token), this.deps.clock.now());
    return token;
  }

  /** Revokes the member's calendar feed; how many links stopped working (0 or 1). */
  stopCalendarFeed(member: Pick<Member, 'id'>): Promise<number> {
    return this.deps.repo.revokeFeeds(member.id, this.deps.clock.now());
  }

  /**
   * What a calendar feed shows: the meet-ups the member has a confirmed place at that end no longer than
   * 30 days ago (cancelled ones too, so calendars that subscribed remove them).
   * @throws `MEETUP.FEED_NOT_FOUND` for an unknown or revoked token, or a member who is no longer active.
   */
  async calendarFeed(token: string): Promise<{ member: Member; meetups: Meetup[] }> {
    if (!/^[0-9A-Za-z]{32}$/.test(token)) throw meetupError('MEETUP.FEED_NOT_FOUND', 'Not a feed token.');
    const feed = await this.deps.repo.findFeed(feedTokenHash(token));
    const member = feed ? await this.deps.members.findById(feed.organizationId, feed.memberId) : null;
    // A lapsed member's feed goes quiet: members-only things are for active members.
    if (!member || member.status !== 'active') throw meetupError('MEETUP.FEED_NOT_FOUND', 'No such feed.');
    const since = new Date(this.deps.clock.now().getTime() - 30 * 24 * 3600_000);
    return { member, meetups: await this.deps.repo.confirmedMeetupsOf(member.id, since) };
  }

  /** The meet-up of a public .ics URL, or null. */
  async byIcsKey(meetupId: string, key: string): Promise<Meetup | null> {
    if (!/^[0-9A-Za-z]{24}$/.test(key)) return null;
    const meetup = await this.deps.repo.findByIcsKey(key);
    return meetup && meetup.id === meetupId ? meetup : null;
  }

  /** Throws the error matching why `member` may not answer; returns the member otherwise. */
  private eligibleMember(meetup: Meetup, member: Member | null): Member {
    switch (ineligibility(meetup, member)) {
      case null:
        return member!;
      case 'not-linked':
        throw meetupError('MEETUP.NOT_LINKED', 'The chat account is not linked.');
      case 'other-organization':
      case 'not-active':
        throw meetupError('MEETUP.NOT_ACTIVE', 'The member may not answer here.');
      case 'not-in-audience':
        throw meetupError('MEETUP.NOT_IN_AUDIENCE', 'The member is not in the audience.');
    }
  }

  private async meetupForRsvp(id: string): Promise<Meetup | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.meetup;
    const meetup = await this.deps.repo.findById(id);
    if (meetup) {
      if (this.cache.size >= 1000) this.cache.clear();
      this.cache.set(id, { meetup, until: now + RSVP_CACHE_MS });
    }
    return meetup;
  }

  /** Direct messages to everyone who answered going (placed or waiting) or maybe. */
  private async tellEveryone(meetup: Meetup, kind: NoticeKind, key: string): Promise<number> {
    const rsvps = await this.deps.repo.rsvpsWith(meetup.id, ['going', 'maybe']);
    await this.deps.jobs.notify(rsvps.map((r): Notice => ({ meetupId: meetup.id, memberId: r.memberId, kind, key })));
    return rsvps.length;
  }

  /** Tells the promoted members (direct message) and the bus. */
  private async promoted(meetup: Meetup, promoted: readonly Rsvp[], at: Date): Promise<void> {
    if (promoted.length === 0) return;
    await this.followUp('promote', meetup.id, () =>
      this.deps.jobs.notify(promoted.map((r) => ({ meetupId: meetup.id, memberId: r.memberId, kind: 'promoted', key: `promoted-${r.seatAt?.getTime() ?? at.getTime()}` }))),
    );
    for (const r of promoted) {
      const member = await this.deps.members.findById(meetup.organizationId, r.memberId);
      if (member) await this.publishRsvp(meetup, member, r, 'going', true, at);
    }
  }

  private async publishRsvp(meetup: Meetup, member: Member, rsvp: Rsvp, previousAnswer: MeetupAnswer | null, promoted: boolean, at: Date): Promise<void> {
    await this.deps.bus?.publish('meetup.rsvp-changed', {
      organizationId: meetup.organizationId,
      meetupId: meetup.id,
      title: meetup.title,
      member,
      answer: rsvp.answer,
      seat: rsvp.seat,
      guests: rsvp.guests,
      previousAnswer,
      promoted,
      changedAt: at,
    });
  }

  /** Runs follow-up work; a failure is reported, never undoes or fails what was stored. */
  private async followUp(what: string, meetupId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.onFollowUpError?.(what, meetupId, err);
    }
  }
}

/** The stored form of a calendar feed token. */
export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The rules about times that need the clock, each with its own error (and text). Only what changes is
 * held against the clock: moving a meet-up whose RSVP deadline has passed is fine, but the deadline must
 * still come before the (new) start.
 */
function checkTimes(startsAt: Date, endsAt: Date, deadline: Date | null, now: Date, changed: { times: boolean; deadline: boolean }): void {
  if (changed.times) {
    if (startsAt.getTime() <= now.getTime()) throw meetupError('MEETUP.START_PASSED', 'The start lies in the past.');
    if (endsAt.getTime() <= startsAt.getTime()) throw meetupError('MEETUP.END_BEFORE_START', 'The end is not after the start.');
    if (endsAt.getTime() - startsAt.getTime() > MEETUP_LIMITS.maxDurationMs) throw meetupError('MEETUP.TOO_LONG', 'The meet-up is too long.');
  }
  if (!deadline) return;
  if ((changed.deadline && deadline.getTime() <= now.getTime()) || deadline.getTime() > startsAt.getTime()) {
    throw meetupError('MEETUP.BAD_DEADLINE', 'The deadline is not between now and the start.');
  }
}

function throwIfClosed(reason: ReturnType<typeof rsvpClosedReason>): void {
  if (reason === 'cancelled') throw meetupError('MEETUP.CANCELLED', 'The meet-up is cancelled.');
  if (reason === 'started') throw meetupError('MEETUP.STARTED', 'The meet-up has started.');
  if (reason === 'deadline') throw meetupError('MEETUP.RSVP_CLOSED', 'The RSVP deadline has passed.');
}

function dedupeTargets<T extends { platform: string; workspaceExternalId: string; channelExternalId: string }>(targets: T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.platform}\u0000${t.workspaceExternalId}\u0000${t.channelExternalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
