import type { Member, Organization } from '../../kernel/community.js';
import type { View } from '../../kernel/ports/chat-platform.js';
import type { Platform } from '../../kernel/types.js';
import type {
  Headcount,
  Meetup,
  MeetupAccount,
  MeetupAnswer,
  MeetupAudience,
  MeetupPlace,
  MeetupPost,
  MeetupSeat,
  MeetupTarget,
  Rsvp,
  RsvpClosedReason,
} from './domain/meetup.js';

/**
 * The meet-ups capability's ports. Storage is implemented with Prisma (PostgreSQL / PGlite) in
 * repository/prisma-meetup.repository.ts; test/integration/meetup-*.test.ts run it on PostgreSQL.
 *
 * Concurrency is the repository's job: {@link MeetupRepository.castRsvp} and {@link MeetupRepository.change}
 * take the meet-up's row lock, so "one answer per member", "never more confirmed places than the capacity"
 * and "the waitlist moves up in order" hold under any interleaving of answers from any platform.
 * Deliberately left out: deleting meet-ups (cancel them; they stay in the members' history), answers from
 * people who are not members (guests come as a member's +1s), and recurring meet-ups.
 */
export interface MeetupRepository {
  /** Stores a scheduled meet-up with its copies to post (no message id yet) and its reminders, atomically. */
  create(record: NewMeetupRecord): Promise<Meetup>;
  /** The meet-up with this id, or null (also for a malformed id). */
  findById(id: string): Promise<Meetup | null>;
  /** Meet-ups of the organisation whose id starts with `prefix` (dashed uuid form), at most `limit`. */
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Meetup[]>;
  /** The meet-up whose public .ics URL carries this key, or null. */
  findByIcsKey(key: string): Promise<Meetup | null>;
  /** The organisation's meet-ups that end after `from` (all when absent), soonest first. */
  list(organizationId: string, query: { from?: Date; includeCancelled: boolean; limit: number }): Promise<Meetup[]>;
  /** Scheduled meet-ups of every organisation that have not ended at `now` (rescheduling after a restart). */
  listUpcoming(now: Date, limit: number): Promise<Meetup[]>;
  /** Scheduled meet-ups of the organisation with this check-in code (normalised). */
  findByCheckInCode(organizationId: string, code: string): Promise<Meetup[]>;
  /**
   * Changes a scheduled meet-up under its row lock. A new start re-times the reminders (those now in the
   * future go out again); `bumpVersion` counts a change of time or place. More places move the waitlist up.
   */
  change(id: string, patch: MeetupPatch, options: { bumpVersion: boolean; at: Date }): Promise<ChangeResult>;
  /** Cancels a scheduled meet-up; null when it was cancelled already or does not exist. */
  cancel(id: string, at: Date): Promise<Meetup | null>;
  /**
   * Records one member's answer atomically (see {@link decideSeat} and {@link promotable} in the domain),
   * but only while the meet-up takes answers at `at`, checked under the same lock.
   */
  castRsvp(input: CastRsvpInput): Promise<CastRsvpResult>;
  /** The member's answer, or null. */
  findRsvp(meetupId: string, memberId: string): Promise<Rsvp | null>;
  /** Answers of the meet-up with one of these answers, waitlist in queue order. */
  rsvpsWith(meetupId: string, answers: readonly MeetupAnswer[]): Promise<Rsvp[]>;
  /** The live count. */
  headcount(meetupId: string): Promise<Headcount>;
  /** Everyone who answered or checked in, with name, member number and chapter, ordered by name. */
  attendees(meetupId: string): Promise<AttendeeRow[]>;
  listPosts(meetupId: string): Promise<MeetupPost[]>;
  setPostMessage(postId: string, messageId: string): Promise<void>;
  listReminders(meetupId: string): Promise<MeetupReminder[]>;
  /** Marks the reminder sent if it is due at `now` and was not sent; true for exactly one caller. */
  claimReminder(meetupId: string, offsetMinutes: number, now: Date): Promise<boolean>;
  /**
   * Records that the member was there (once). `firstTime` when they had checked in at no earlier
   * meet-up of the organisation.
   */
  checkIn(meetupId: string, memberId: string, at: Date): Promise<{ recorded: boolean; firstTime: boolean; checkedInAt: Date }>;
  /** Stores a new calendar feed token hash for the member and revokes their earlier ones. */
  issueFeed(organizationId: string, memberId: string, tokenHash: string, at: Date): Promise<void>;
  /** Revokes the member's feeds; returns how many were active. */
  revokeFeeds(memberId: string, at: Date): Promise<number>;
  /** The member of an active feed token hash, or null. */
  findFeed(tokenHash: string): Promise<{ organizationId: string; memberId: string } | null>;
  /** Meet-ups where the member has a confirmed place and that ended after `since` (cancelled ones too). */
  confirmedMeetupsOf(memberId: string, since: Date): Promise<Meetup[]>;
  listMirrors(meetupId: string): Promise<MeetupMirror[]>;
  saveMirror(mirror: Omit<MeetupMirror, 'id'>): Promise<void>;
}

/** What {@link MeetupRepository.create} stores. */
export interface NewMeetupRecord {
  organizationId: string;
  createdByMemberId: string | null;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  place: MeetupPlace;
  audience: MeetupAudience;
  guestsPerMember: number;
  capacity: number | null;
  rsvpDeadline: Date | null;
  reminderOffsets: number[];
  checkInCode: string;
  icsKey: string;
  targets: MeetupTarget[];
  createdAt: Date;
}

/** The fields {@link MeetupRepository.change} may set. */
export type MeetupPatch = Partial<Pick<Meetup, 'title' | 'description' | 'startsAt' | 'endsAt' | 'place' | 'capacity' | 'guestsPerMember' | 'rsvpDeadline' | 'reminderOffsets'>>;

export type ChangeResult =
  | { status: 'changed'; meetup: Meetup; promoted: Rsvp[] }
  | { status: 'cancelled' }
  | { status: 'missing' }
  /** The new capacity is below the places already confirmed. */
  | { status: 'capacity-below-taken'; taken: number };

export interface CastRsvpInput {
  meetupId: string;
  memberId: string;
  answer: MeetupAnswer;
  guests: number;
  /** Where the member answered from (their direct messages go there). */
  account: MeetupAccount | null;
  at: Date;
}

export type CastRsvpResult =
  | {
      status: 'recorded';
      rsvp: Rsvp;
      /** The answer before this one; null for a first answer. */
      previous: Pick<Rsvp, 'answer' | 'seat' | 'guests'> | null;
      /** Members moved up from the waitlist by this answer, in queue order. */
      promoted: Rsvp[];
      /** 1-based place in the waitlist when waitlisted. */
      waitlistPosition: number | null;
    }
  | { status: 'closed'; reason: RsvpClosedReason | 'missing' }
  /** Added guests do not fit; `free`: places left beyond the member's current party. */
  | { status: 'no-room-for-guests'; free: number };

/** One line of the managers' list. */
export interface AttendeeRow {
  memberId: string;
  memberNumber: string;
  name: string;
  chapterId: string | null;
  chapterName: string | null;
  /** Null for someone who checked in without answering. */
  answer: MeetupAnswer | null;
  seat: MeetupSeat | null;
  guests: number;
  answeredAt: Date | null;
  checkedInAt: Date | null;
  /** Checked in here and at no earlier meet-up of the organisation. */
  firstVisit: boolean;
}

export interface MeetupReminder {
  meetupId: string;
  offsetMinutes: number;
  dueAt: Date;
  sentAt: Date | null;
}

export interface MeetupMirror {
  id: string;
  meetupId: string;
  platform: Platform;
  workspaceExternalId: string;
  externalId: string;
}

/** Direct messages Kring sends about a meet-up. */
export const NOTICE_KINDS = ['promoted', 'reminder', 'changed', 'cancelled'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** One direct message to send: to whom, about what, and a key that makes a repeat a no-op. */
export interface Notice {
  meetupId: string;
  memberId: string;
  kind: NoticeKind;
  /** Unique per message meant (`reminder-1440-<due>`, `changed-3`): a job id and the platform's idempotency key. */
  key: string;
}

/** Renders what Kring shows (views.ts), in the organisation's or the member's language and zone. */
export interface MeetupRenderers {
  /** The posted message every copy shows (the organisation's language). */
  message(input: { meetup: Meetup; headcount: Headcount; organization: Organization; now: Date }): View;
  /** A direct message to one member (their language). */
  notice(input: { meetup: Meetup; kind: NoticeKind; member: Member; rsvp: Rsvp | null; organization: Organization; offsetMinutes?: number }): View;
}

/** The follow-up work on the queue (jobs/meetup.scheduler.ts). */
export interface MeetupJobs {
  /** Posts the copies still waiting. */
  publish(meetupId: string): Promise<void>;
  /** Re-renders every copy with the current count (coalesced per window). */
  scheduleRefresh(meetupId: string): Promise<void>;
  /** Re-renders every copy now, once per `key` (a change, the cancellation). */
  refreshOnce(meetupId: string, key: string): Promise<void>;
  /** Delayed reminder jobs (with wake-ups on the way for far ones), and refreshes when check-in opens and at the end. */
  scheduleTimers(meetup: Meetup, reminders: readonly MeetupReminder[]): Promise<void>;
  /** The reminder job at its moment (`dueAt`, epoch ms), or hop `hop` on the way there. */
  scheduleReminder(meetupId: string, offsetMinutes: number, dueAt: number, hop: number): Promise<void>;
  /** A refresh of the copies at `at` (epoch ms), or hop `hop` on the way there. */
  scheduleWake(meetupId: string, at: number, hop: number): Promise<void>;
  /** One direct-message job per notice (deduplicated by key). */
  notify(notices: readonly Notice[]): Promise<void>;
  /** Creates or updates the platforms' native copies (Discord scheduled events). */
  mirror(meetupId: string, key: string): Promise<void>;
  /** One job per suggestion to deliver to the managers (deduplicated by the suggestion's key). */
  suggest(suggestion: MeetupSuggestion): Promise<void>;
}

/**
 * What meet-ups read of members' interests and keep of the suggestions made. Interests are the connect
 * capability's (issue 13: `connect_interest`, `connect_member_interest`); meet-ups only count them,
 * read-only, as insights counts poll ballots: never a name or a profile leaves this port. Implemented on
 * PostgreSQL in repository/prisma-meetup-suggestions.repository.ts.
 */
export interface MeetupSuggestionStore {
  /** The organisation's threshold (members of one chapter sharing an interest), or null when suggestions are off. */
  threshold(organizationId: string): Promise<number | null>;
  setThreshold(organizationId: string, threshold: number | null): Promise<void>;
  /**
   * For each interest of the organisation named in `interestNames`: how many active members of the chapter
   * chose it (as an interest, not as a topic they help with). Interests nobody of the chapter chose are left out.
   */
  sharedInChapter(organizationId: string, chapterId: string, interestNames: readonly string[]): Promise<InterestCount[]>;
  /** Every chapter and interest with at least `threshold` active members, largest first, at most `limit`. */
  sharedAtLeast(organizationId: string, threshold: number, limit: number): Promise<(InterestCount & { chapterId: string; chapterName: string; suggestedAt: Date | null })[]>;
  /** Records that the managers were told about this chapter and interest; true for exactly one caller. */
  claimSuggestion(organizationId: string, chapterId: string, interestId: string, members: number, at: Date): Promise<boolean>;
  /** Active members with a manager role (manager, board) of the organisation. */
  managerIds(organizationId: string): Promise<string[]>;
}

/** Active members of one chapter who share one interest. */
export interface InterestCount {
  interestId: string;
  name: string;
  members: number;
}

/** A suggestion to the managers: organise a meet-up for the members of a chapter who share an interest. */
export interface MeetupSuggestion {
  organizationId: string;
  chapterId: string;
  interestId: string;
  interest: string;
  members: number;
}
