import {
  promotable,
  type Headcount,
  type Meetup,
  type MeetupAnswer,
  type MeetupAudience,
  type MeetupPost,
  type MeetupSeat,
  type Rsvp,
} from '../domain/meetup.js';
import type {
  AttendeeRow,
  CastRsvpInput,
  CastRsvpResult,
  ChangeResult,
  MeetupMirror,
  MeetupPatch,
  MeetupReminder,
  MeetupRepository,
  NewMeetupRecord,
} from '../ports.js';
import { Prisma, type Meetup as MeetupRow, type MeetupPost as MeetupPostRow, type PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { Platform } from '../../../kernel/types.js';

/** A transaction's client (what `$transaction(async (tx) => …)` hands over). */
type Tx = Prisma.TransactionClient;

/**
 * Interactive transactions wait their turn for a pool connection: a burst of answers to one meet-up
 * (hundreds at once) queues behind the row lock, so the defaults (2 s to start, 5 s to finish) are too short.
 */
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

/** An RSVP row as the raw queries select it. */
interface RsvpRow {
  meetup_id: string;
  member_id: string;
  answer: MeetupAnswer;
  seat: MeetupSeat | null;
  guests: number;
  seat_at: Date | null;
  platform: Platform | null;
  workspace_external_id: string | null;
  platform_user_id: string | null;
  updated_at: Date;
}

/** What `meetup_cast_rsvp` answers (jsonb; timestamps as ISO text). */
type CastRsvpRow =
  | { status: 'closed'; reason: 'missing' | 'cancelled' | 'started' | 'deadline' }
  | { status: 'no-room-for-guests'; free: number }
  | {
      status: 'recorded';
      rsvp: Omit<RsvpRow, 'seat_at' | 'updated_at'> & { seat_at: string | null; updated_at: string };
      previous: { answer: MeetupAnswer; seat: MeetupSeat | null; guests: number } | null;
      promoted: { member_id: string; guests: number }[];
      position: number | null;
    };

const RSVP_COLUMNS = Prisma.sql`meetup_id::text AS meetup_id, member_id::text AS member_id, answer::text AS answer, seat::text AS seat,
  guests, seat_at, platform::text AS platform, workspace_external_id, platform_user_id, updated_at`;

/**
 * {@link MeetupRepository} on PostgreSQL/PGlite. Answers and changes each take the meet-up's row lock
 * (`SELECT … FOR UPDATE`) first: answers to one meet-up take their turn, so the count of confirmed places
 * read after it is exact, and the unique index on `(meetup_id, member_id)` makes "one answer per member"
 * a database fact. Answers go to the `meetup_cast_rsvps` function, many at once (the hot path, see
 * {@link RsvpBatches}); a change is an interactive transaction (rare, and it re-times reminders).
 */
export class PrismaMeetupRepository implements MeetupRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: NewMeetupRecord): Promise<Meetup> {
    const row = await this.prisma.meetup.create({
      data: {
        organizationId: input.organizationId,
        createdByMemberId: input.createdByMemberId,
        title: input.title,
        description: input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        timeZone: input.timeZone,
        placeKind: input.place.kind,
        place: input.place.text,
        ...audienceColumns(input.audience),
        guestsPerMember: input.guestsPerMember,
        capacity: input.capacity,
        rsvpDeadline: input.rsvpDeadline,
        reminderOffsets: input.reminderOffsets,
        checkInCode: input.checkInCode,
        icsKey: input.icsKey,
        createdAt: input.createdAt,
        updatedAt: input.createdAt,
        posts: { create: input.targets.map((t) => ({ ...t })) },
        // A reminder whose moment has passed already (a meet-up announced at short notice) is never sent.
        reminders: { create: input.reminderOffsets.map((offset) => reminderRow(input.startsAt, offset, input.createdAt)) },
      },
    });
    return toMeetup(row);
  }

  async findById(id: string): Promise<Meetup | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.meetup.findUnique({ where: { id } });
    return row ? toMeetup(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Meetup[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    // uuid has no LIKE; its text form does. The prefix holds only hex and dashes, so no LIKE escaping.
    const ids = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM meetup
      WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`}
      ORDER BY starts_at DESC LIMIT ${limit}`;
    if (ids.length === 0) return [];
    const rows = await this.prisma.meetup.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { startsAt: 'desc' } });
    return rows.map(toMeetup);
  }

  async findByIcsKey(key: string): Promise<Meetup | null> {
    const row = await this.prisma.meetup.findUnique({ where: { icsKey: key } });
    return row ? toMeetup(row) : null;
  }

  async list(organizationId: string, query: { from?: Date; includeCancelled: boolean; limit: number }): Promise<Meetup[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.meetup.findMany({
      where: {
        organizationId,
        ...(query.from ? { endsAt: { gt: query.from } } : {}),
        ...(query.includeCancelled ? {} : { status: 'scheduled' }),
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map(toMeetup);
  }

  async listUpcoming(now: Date, limit: number): Promise<Meetup[]> {
    const rows = await this.prisma.meetup.findMany({ where: { status: 'scheduled', endsAt: { gt: now } }, orderBy: { startsAt: 'asc' }, take: limit });
    return rows.map(toMeetup);
  }

  async findByCheckInCode(organizationId: string, code: string): Promise<Meetup[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.meetup.findMany({ where: { organizationId, checkInCode: code, status: 'scheduled' }, orderBy: { startsAt: 'asc' } });
    return rows.map(toMeetup);
  }

  async change(id: string, patch: MeetupPatch, options: { bumpVersion: boolean; at: Date }): Promise<ChangeResult> {
    if (!isUuid(id)) return { status: 'missing' };
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM meetup WHERE id = ${id}::uuid FOR UPDATE`;
      if (!locked[0]) return { status: 'missing' } as const;
      if (locked[0].status !== 'scheduled') return { status: 'cancelled' } as const;
      const book = await placesTaken(tx, id, null);
      if (patch.capacity !== undefined && patch.capacity !== null && book.confirmedPlaces > patch.capacity) {
        return { status: 'capacity-below-taken', taken: book.confirmedPlaces } as const;
      }
      const row = await tx.meetup.update({
        where: { id },
        data: {
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.startsAt !== undefined ? { startsAt: patch.startsAt } : {}),
          ...(patch.endsAt !== undefined ? { endsAt: patch.endsAt } : {}),
          ...(patch.place !== undefined ? { placeKind: patch.place.kind, place: patch.place.text } : {}),
          ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
          ...(patch.guestsPerMember !== undefined ? { guestsPerMember: patch.guestsPerMember } : {}),
          ...(patch.rsvpDeadline !== undefined ? { rsvpDeadline: patch.rsvpDeadline } : {}),
          ...(patch.reminderOffsets !== undefined ? { reminderOffsets: patch.reminderOffsets } : {}),
          ...(options.bumpVersion ? { version: { increment: 1 } } : {}),
          updatedAt: options.at,
        },
      });
      const meetup = toMeetup(row);
      if (patch.startsAt !== undefined || patch.reminderOffsets !== undefined) {
        // Re-timed reminders go out again at their new moment; ones already past are skipped.
        await tx.meetupReminder.deleteMany({ where: { meetupId: id, offsetMinutes: { notIn: meetup.reminderOffsets } } });
        for (const offset of meetup.reminderOffsets) {
          const r = reminderRow(meetup.startsAt, offset, options.at);
          await tx.meetupReminder.upsert({
            where: { meetupId_offsetMinutes: { meetupId: id, offsetMinutes: offset } },
            create: { meetupId: id, ...r },
            update: patch.startsAt !== undefined ? r : {},
          });
        }
      }
      const promoted = await promote(tx, id, meetup.capacity, book.confirmedPlaces, options.at, null);
      return { status: 'changed', meetup, promoted } as const;
    }, TX_OPTIONS);
  }

  async cancel(id: string, at: Date): Promise<Meetup | null> {
    if (!isUuid(id)) return null;
    const { count } = await this.prisma.meetup.updateMany({ where: { id, status: 'scheduled' }, data: { status: 'cancelled', cancelledAt: at, updatedAt: at } });
    return count === 1 ? this.findById(id) : null;
  }

  /**
   * Records the answer through {@link RsvpBatches}: the answers to one meet-up that arrive while an earlier
   * batch is on its way go together in the next call of `meetup_cast_rsvps`, in submission order.
   */
  castRsvp(input: CastRsvpInput): Promise<CastRsvpResult> {
    if (!isUuid(input.meetupId) || !isUuid(input.memberId)) return Promise.resolve({ status: 'closed', reason: 'missing' });
    return this.batches.submit(input);
  }

  /** One call for many answers to one meet-up (the function takes the row lock once and applies them in order). */
  private readonly batches = new RsvpBatches(async (meetupId, inputs) => {
    const items = inputs.map((i) => ({
      member: i.memberId,
      answer: i.answer,
      guests: i.guests,
      platform: i.account?.platform ?? null,
      workspace: i.account?.workspaceId ?? null,
      user: i.account?.userId ?? null,
      at: i.at.toISOString(),
    }));
    const rows = await this.prisma.$queryRaw<{ result: CastRsvpRow[] }[]>`
      SELECT meetup_cast_rsvps(${meetupId}::uuid, ${JSON.stringify(items)}::jsonb) AS result`;
    return rows[0]!.result.map((r, k) => toCastResult(r, inputs[k]!));
  });

  async findRsvp(meetupId: string, memberId: string): Promise<Rsvp | null> {
    if (!isUuid(meetupId) || !isUuid(memberId)) return null;
    const rows = await this.prisma.$queryRaw<RsvpRow[]>`
      SELECT ${RSVP_COLUMNS} FROM meetup_rsvp WHERE meetup_id = ${meetupId}::uuid AND member_id = ${memberId}::uuid`;
    return rows[0] ? toRsvp(rows[0]) : null;
  }

  async rsvpsWith(meetupId: string, answers: readonly MeetupAnswer[]): Promise<Rsvp[]> {
    if (!isUuid(meetupId) || answers.length === 0) return [];
    const rows = await this.prisma.$queryRaw<RsvpRow[]>`
      SELECT ${RSVP_COLUMNS} FROM meetup_rsvp
      WHERE meetup_id = ${meetupId}::uuid AND answer::text = ANY(${[...answers]}::text[])
      ORDER BY seat NULLS LAST, seat_at, member_id`;
    return rows.map(toRsvp);
  }

  async headcount(meetupId: string): Promise<Headcount> {
    if (!isUuid(meetupId)) return { confirmedPlaces: 0, confirmedMembers: 0, waitlisted: 0, maybe: 0, notGoing: 0, checkedIn: 0 };
    const rows = await this.prisma.$queryRaw<
      { confirmed_places: number; confirmed_members: number; waitlisted: number; maybe: number; not_going: number; checked_in: number }[]
    >`
      SELECT coalesce(sum(1 + guests) FILTER (WHERE seat = 'confirmed'), 0)::int AS confirmed_places,
             count(*) FILTER (WHERE seat = 'confirmed')::int AS confirmed_members,
             count(*) FILTER (WHERE seat = 'waitlisted')::int AS waitlisted,
             count(*) FILTER (WHERE answer = 'maybe')::int AS maybe,
             count(*) FILTER (WHERE answer = 'not_going')::int AS not_going,
             (SELECT count(*)::int FROM meetup_attendance WHERE meetup_id = ${meetupId}::uuid) AS checked_in
        FROM meetup_rsvp WHERE meetup_id = ${meetupId}::uuid`;
    const r = rows[0]!;
    return { confirmedPlaces: r.confirmed_places, confirmedMembers: r.confirmed_members, waitlisted: r.waitlisted, maybe: r.maybe, notGoing: r.not_going, checkedIn: r.checked_in };
  }

  async attendees(meetupId: string): Promise<AttendeeRow[]> {
    if (!isUuid(meetupId)) return [];
    const rows = await this.prisma.$queryRaw<
      {
        member_id: string;
        member_number: string;
        name: string;
        chapter_id: string | null;
        chapter_name: string | null;
        answer: MeetupAnswer | null;
        seat: MeetupSeat | null;
        guests: number;
        answered_at: Date | null;
        checked_in_at: Date | null;
        first_visit: boolean;
      }[]
    >`
      WITH people AS (
        SELECT member_id FROM meetup_rsvp WHERE meetup_id = ${meetupId}::uuid
        UNION SELECT member_id FROM meetup_attendance WHERE meetup_id = ${meetupId}::uuid)
      SELECT m.id::text AS member_id, m.member_number, m.name, m.chapter_id::text AS chapter_id, c.name AS chapter_name,
             r.answer::text AS answer, r.seat::text AS seat, coalesce(r.guests, 0) AS guests, r.updated_at AS answered_at, a.checked_in_at,
             (a.checked_in_at IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM meetup_attendance earlier JOIN meetup em ON em.id = earlier.meetup_id
                 WHERE earlier.member_id = m.id AND em.organization_id = m.organization_id
                   AND earlier.meetup_id <> ${meetupId}::uuid AND earlier.checked_in_at < a.checked_in_at)) AS first_visit
        FROM people p
        JOIN member m ON m.id = p.member_id
        LEFT JOIN chapter c ON c.id = m.chapter_id
        LEFT JOIN meetup_rsvp r ON r.meetup_id = ${meetupId}::uuid AND r.member_id = m.id
        LEFT JOIN meetup_attendance a ON a.meetup_id = ${meetupId}::uuid AND a.member_id = m.id
       ORDER BY m.name, m.member_number`;
    return rows.map((r) => ({
      memberId: r.member_id,
      memberNumber: r.member_number,
      name: r.name,
      chapterId: r.chapter_id,
      chapterName: r.chapter_name,
      answer: r.answer,
      seat: r.seat,
      guests: r.guests,
      answeredAt: r.answered_at,
      checkedInAt: r.checked_in_at,
      firstVisit: r.first_visit,
    }));
  }

  async listPosts(meetupId: string): Promise<MeetupPost[]> {
    if (!isUuid(meetupId)) return [];
    const rows = await this.prisma.meetupPost.findMany({ where: { meetupId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toPost);
  }

  async setPostMessage(postId: string, messageId: string): Promise<void> {
    if (!isUuid(postId)) return;
    await this.prisma.meetupPost.updateMany({ where: { id: postId }, data: { messageId } });
  }

  async listReminders(meetupId: string): Promise<MeetupReminder[]> {
    if (!isUuid(meetupId)) return [];
    const rows = await this.prisma.meetupReminder.findMany({ where: { meetupId }, orderBy: { dueAt: 'asc' } });
    return rows.map((r) => ({ meetupId: r.meetupId, offsetMinutes: r.offsetMinutes, dueAt: r.dueAt, sentAt: r.sentAt }));
  }

  async claimReminder(meetupId: string, offsetMinutes: number, now: Date): Promise<boolean> {
    if (!isUuid(meetupId)) return false;
    const count = await this.prisma.$executeRaw`
      UPDATE meetup_reminder SET sent_at = ${now}
       WHERE meetup_id = ${meetupId}::uuid AND offset_minutes = ${offsetMinutes} AND sent_at IS NULL AND due_at <= ${now}
         AND EXISTS (SELECT 1 FROM meetup WHERE id = ${meetupId}::uuid AND status = 'scheduled')`;
    return count === 1;
  }

  async checkIn(meetupId: string, memberId: string, at: Date): Promise<{ recorded: boolean; firstTime: boolean; checkedInAt: Date }> {
    const inserted = await this.prisma.$queryRaw<{ checked_in_at: Date }[]>`
      INSERT INTO meetup_attendance (id, meetup_id, member_id, checked_in_at)
      VALUES (gen_random_uuid(), ${meetupId}::uuid, ${memberId}::uuid, ${at})
      ON CONFLICT (meetup_id, member_id) DO NOTHING RETURNING checked_in_at`;
    const row = await this.prisma.meetupAttendance.findUniqueOrThrow({ where: { meetupId_memberId: { meetupId, memberId } } });
    const earlier = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM meetup_attendance a JOIN meetup m ON m.id = a.meetup_id
       WHERE a.member_id = ${memberId}::uuid AND a.meetup_id <> ${meetupId}::uuid AND a.checked_in_at < ${row.checkedInAt}
         AND m.organization_id = (SELECT organization_id FROM meetup WHERE id = ${meetupId}::uuid)`;
    return { recorded: inserted.length === 1, firstTime: (earlier[0]?.n ?? 0) === 0, checkedInAt: row.checkedInAt };
  }

  async issueFeed(organizationId: string, memberId: string, tokenHash: string, at: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.meetupCalendarFeed.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: at } }),
      this.prisma.meetupCalendarFeed.create({ data: { organizationId, memberId, tokenHash, createdAt: at } }),
    ]);
  }

  async revokeFeeds(memberId: string, at: Date): Promise<number> {
    if (!isUuid(memberId)) return 0;
    const { count } = await this.prisma.meetupCalendarFeed.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }

  async findFeed(tokenHash: string): Promise<{ organizationId: string; memberId: string } | null> {
    const row = await this.prisma.meetupCalendarFeed.findUnique({ where: { tokenHash } });
    return row && row.revokedAt === null ? { organizationId: row.organizationId, memberId: row.memberId } : null;
  }

  async confirmedMeetupsOf(memberId: string, since: Date): Promise<Meetup[]> {
    if (!isUuid(memberId)) return [];
    const rows = await this.prisma.meetup.findMany({
      where: { endsAt: { gt: since }, rsvps: { some: { memberId, seat: 'confirmed' } } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: 500,
    });
    return rows.map(toMeetup);
  }

  async listMirrors(meetupId: string): Promise<MeetupMirror[]> {
    if (!isUuid(meetupId)) return [];
    const rows = await this.prisma.meetupMirror.findMany({ where: { meetupId } });
    return rows.map((r) => ({ id: r.id, meetupId: r.meetupId, platform: r.platform, workspaceExternalId: r.workspaceExternalId, externalId: r.externalId }));
  }

  async saveMirror(mirror: Omit<MeetupMirror, 'id'>): Promise<void> {
    await this.prisma.meetupMirror.upsert({
      where: { meetupId_platform_workspaceExternalId: { meetupId: mirror.meetupId, platform: mirror.platform, workspaceExternalId: mirror.workspaceExternalId } },
      create: mirror,
      update: { externalId: mirror.externalId },
    });
  }
}

/** Places confirmed and members waiting, leaving out one member's own answer (when given). */
async function placesTaken(tx: Tx, meetupId: string, exceptMemberId: string | null): Promise<{ confirmedPlaces: number; waitlisted: number }> {
  const rows = await tx.$queryRaw<{ places: number; waiting: number }[]>`
    SELECT coalesce(sum(1 + guests) FILTER (WHERE seat = 'confirmed'), 0)::int AS places,
           count(*) FILTER (WHERE seat = 'waitlisted')::int AS waiting
      FROM meetup_rsvp
     WHERE meetup_id = ${meetupId}::uuid AND seat IS NOT NULL
       AND (${exceptMemberId}::uuid IS NULL OR member_id <> ${exceptMemberId}::uuid)`;
  return { confirmedPlaces: rows[0]?.places ?? 0, waitlisted: rows[0]?.waiting ?? 0 };
}

/**
 * Moves the head of the waitlist up while parties fit in the free places (inside the caller's locked
 * transaction). `waiting` is how many are on the list when the caller knows (null: look).
 */
async function promote(tx: Tx, meetupId: string, capacity: number | null, confirmedPlaces: number, at: Date, waiting: number | null): Promise<Rsvp[]> {
  if (waiting === 0) return [];
  // No limit (any more: a manager may lift it): everybody waiting moves up.
  const free = capacity === null ? Number.MAX_SAFE_INTEGER : capacity - confirmedPlaces;
  if (free <= 0) return [];
  // Each party takes at least one place: no more than `free` of them can move up.
  const queue = await tx.$queryRaw<{ member_id: string; guests: number }[]>`
    SELECT member_id::text AS member_id, guests FROM meetup_rsvp
     WHERE meetup_id = ${meetupId}::uuid AND seat = 'waitlisted'
     ORDER BY seat_at, member_id LIMIT ${Math.min(free, 100_000)}`;
  const moving = promotable(free, queue.map((q) => ({ memberId: q.member_id, places: 1 + q.guests })));
  if (moving.length === 0) return [];
  const rows = await tx.$queryRaw<RsvpRow[]>`
    UPDATE meetup_rsvp SET seat = 'confirmed', seat_at = ${at}, updated_at = ${at}
     WHERE meetup_id = ${meetupId}::uuid AND member_id = ANY(${moving.map((m) => m.memberId)}::uuid[]) AND seat = 'waitlisted'
    RETURNING ${RSVP_COLUMNS}`;
  const order = new Map(moving.map((m, i) => [m.memberId, i]));
  return rows.map(toRsvp).sort((a, b) => order.get(a.memberId)! - order.get(b.memberId)!);
}

function reminderRow(startsAt: Date, offsetMinutes: number, now: Date): { offsetMinutes: number; dueAt: Date; sentAt: Date | null } {
  const dueAt = new Date(startsAt.getTime() - offsetMinutes * 60_000);
  return { offsetMinutes, dueAt, sentAt: dueAt.getTime() <= now.getTime() ? now : null };
}

function audienceColumns(audience: MeetupAudience): Pick<MeetupRow, 'audienceKind' | 'audienceChapterIds' | 'audienceRoles'> {
  switch (audience.kind) {
    case 'all':
      return { audienceKind: 'all', audienceChapterIds: [], audienceRoles: [] };
    case 'chapters':
      return { audienceKind: 'chapters', audienceChapterIds: [...audience.chapterIds], audienceRoles: [] };
    case 'roles':
      return { audienceKind: 'roles', audienceChapterIds: [], audienceRoles: [...audience.roles] };
  }
}

function toAudience(row: MeetupRow): MeetupAudience {
  switch (row.audienceKind) {
    case 'all':
      return { kind: 'all' };
    case 'chapters':
      return { kind: 'chapters', chapterIds: row.audienceChapterIds ?? [] };
    case 'roles':
      return { kind: 'roles', roles: row.audienceRoles ?? [] };
  }
}

function toMeetup(row: MeetupRow): Meetup {
  return {
    id: row.id,
    organizationId: row.organizationId,
    createdByMemberId: row.createdByMemberId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    timeZone: row.timeZone,
    place: { kind: row.placeKind, text: row.place },
    audience: toAudience(row),
    guestsPerMember: row.guestsPerMember,
    capacity: row.capacity,
    rsvpDeadline: row.rsvpDeadline,
    reminderOffsets: [...(row.reminderOffsets ?? [])],
    status: row.status,
    version: row.version,
    checkInCode: row.checkInCode,
    icsKey: row.icsKey,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    cancelledAt: row.cancelledAt,
  };
}

function toRsvp(row: RsvpRow): Rsvp {
  return {
    meetupId: row.meetup_id,
    memberId: row.member_id,
    answer: row.answer,
    seat: row.seat,
    guests: row.guests,
    seatAt: row.seat_at,
    account:
      row.platform && row.workspace_external_id && row.platform_user_id
        ? { platform: row.platform, workspaceId: row.workspace_external_id, userId: row.platform_user_id }
        : null,
    updatedAt: row.updated_at,
  };
}

function toPost(row: MeetupPostRow): MeetupPost {
  return {
    id: row.id,
    meetupId: row.meetupId,
    platform: row.platform,
    workspaceExternalId: row.workspaceExternalId,
    channelExternalId: row.channelExternalId,
    messageId: row.messageId,
  };
}

function toCastResult(r: CastRsvpRow, input: CastRsvpInput): CastRsvpResult {
  if (r.status === 'closed') return { status: 'closed', reason: r.reason };
  if (r.status === 'no-room-for-guests') return { status: 'no-room-for-guests', free: r.free };
  const rsvp = toRsvp({ ...r.rsvp, seat_at: r.rsvp.seat_at === null ? null : new Date(r.rsvp.seat_at), updated_at: new Date(r.rsvp.updated_at) });
  return {
    status: 'recorded',
    rsvp,
    previous: r.previous,
    // Moved up now: a confirmed place from this moment (their account is read when they are told).
    promoted: r.promoted.map((p) => ({ meetupId: input.meetupId, memberId: p.member_id, answer: 'going', seat: 'confirmed', guests: p.guests, seatAt: input.at, account: null, updatedAt: input.at })),
    waitlistPosition: r.position,
  };
}

/** Most answers in one call (a burst beyond it goes in the next call). */
const MAX_RSVP_BATCH = 200;

/**
 * Group commit per meet-up: one call to the database per meet-up at a time from this process; answers that
 * arrive meanwhile wait and go together in the next call, in the order they arrived. When it is quiet an
 * answer goes out alone, after the current I/O phase (no timer, no added wait). Across processes the
 * meet-up's row lock still orders the calls.
 */
class RsvpBatches {
  private readonly open = new Map<string, { queue: { input: CastRsvpInput; resolve: (r: CastRsvpResult) => void; reject: (e: unknown) => void }[] }>();

  constructor(private readonly write: (meetupId: string, inputs: CastRsvpInput[]) => Promise<CastRsvpResult[]>) {}

  submit(input: CastRsvpInput): Promise<CastRsvpResult> {
    return new Promise((resolve, reject) => {
      let batch = this.open.get(input.meetupId);
      if (!batch) {
        batch = { queue: [] };
        this.open.set(input.meetupId, batch);
        const started = batch;
        setImmediate(() => void this.drain(input.meetupId, started));
      }
      batch.queue.push({ input, resolve, reject });
    });
  }

  private async drain(meetupId: string, batch: { queue: { input: CastRsvpInput; resolve: (r: CastRsvpResult) => void; reject: (e: unknown) => void }[] }): Promise<void> {
    while (batch.queue.length > 0) {
      const items = batch.queue.splice(0, MAX_RSVP_BATCH);
      try {
        const results = await this.write(meetupId, items.map((i) => i.input));
        items.forEach((item, k) => item.resolve(results[k]!));
      } catch (err) {
        for (const item of items) item.reject(err);
      }
    }
    this.open.delete(meetupId);
  }
}
