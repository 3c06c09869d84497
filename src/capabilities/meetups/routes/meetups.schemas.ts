import { z } from 'zod';
import { MEETUP_ANSWERS, MEETUP_LIMITS } from '../domain/meetup.js';
import { PLATFORMS } from '../../../kernel/types.js';
import { audienceSchema } from '../../../http/api/audience.schemas.js';
import { line, timestamp } from '../../../http/api/common.schemas.js';

/** Meet-up operations' schemas; limits are the meet-up domain's. */

export const eventIdParam = z.uuid().meta({ description: 'The meet-up id.' });

/**
 * A moment as the API takes it: ISO 8601 with an offset (`2026-10-24T17:30:00Z`, `…+02:00`) is exact; without
 * one (`2026-10-24T19:30`) it is the wall-clock time in the organisation's time zone.
 */
export const momentSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?$/, 'an ISO 8601 date and time, e.g. 2026-10-24T19:30 (organisation time) or 2026-10-24T17:30:00Z')
  .meta({ example: '2026-10-24T19:30' });

/** A deadline: a moment as {@link momentSchema}, or a date alone (the end of that day, 23:59, in the organisation's zone). */
export const deadlineSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/, 'an ISO 8601 date (end of that day) or date and time')
  .meta({ example: '2026-10-22' });

const reminderOffsets = z
  .array(z.number().int().min(1).max(MEETUP_LIMITS.maxReminderMinutes))
  .max(MEETUP_LIMITS.maxReminders)
  .meta({ description: 'Minutes before the start at which members with a place get a reminder (default a day and an hour: [1440, 60]).' });

const channels = z
  .array(
    z.strictObject({
      platform: z.enum(PLATFORMS),
      workspaceId: line(200).meta({ description: 'Slack team id, Discord guild id or Teams tenant id.' }),
      channelId: line(200),
    }),
  )
  .min(1)
  .max(100);

export const eventCreateBody = z
  .strictObject({
    title: line(MEETUP_LIMITS.titleLength).meta({ example: 'Afdelingsavond Utrecht' }),
    description: z.string().trim().max(MEETUP_LIMITS.descriptionLength).default(''),
    startsAt: momentSchema,
    endsAt: momentSchema,
    place: line(MEETUP_LIMITS.placeLength).meta({ description: 'An address, or the link of an online meeting (an http(s) URL).', example: 'Stadhuisplein 1, Utrecht' }),
    capacity: z.number().int().min(1).max(MEETUP_LIMITS.maxCapacity).nullable().default(null).meta({ description: 'Places for members and guests together; null: no limit.' }),
    guestsPerMember: z.number().int().min(0).max(MEETUP_LIMITS.maxGuests).default(0).meta({ description: 'Guests (+1s) each member may bring; 0: members only.' }),
    rsvpDeadline: deadlineSchema.nullable().default(null).meta({ description: 'Answers close then (never after the start); null: at the start.' }),
    reminderOffsets: reminderOffsets.optional(),
    audience: audienceSchema.default({ kind: 'all' }),
    channels: channels.optional().meta({ description: "Where to post it. Omitted: the organisation's general and news channels (chapter audiences: those chapters' channels)." }),
  })
  .meta({ id: 'MeetupInput' });

export const eventChangeBody = z
  .strictObject({
    title: line(MEETUP_LIMITS.titleLength),
    description: z.string().trim().max(MEETUP_LIMITS.descriptionLength),
    startsAt: momentSchema,
    endsAt: momentSchema,
    place: line(MEETUP_LIMITS.placeLength),
    capacity: z.number().int().min(1).max(MEETUP_LIMITS.maxCapacity).nullable(),
    guestsPerMember: z.number().int().min(0).max(MEETUP_LIMITS.maxGuests),
    rsvpDeadline: deadlineSchema.nullable(),
    reminderOffsets,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .meta({ id: 'MeetupChange', description: 'Only the fields that change. A new time or place is told to everyone who answered going or maybe.' });

export const eventListQuery = z.object({
  includePast: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').meta({ description: 'Also meet-ups that have ended.' }),
  includeCancelled: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const headcountSchema = z
  .object({
    confirmedPlaces: z.number().int().meta({ description: 'Places taken: members with a place plus their guests.' }),
    confirmedMembers: z.number().int(),
    waitlisted: z.number().int(),
    maybe: z.number().int(),
    notGoing: z.number().int(),
    checkedIn: z.number().int(),
  })
  .meta({ id: 'MeetupHeadcount' });

export const eventSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    startsAt: timestamp,
    endsAt: timestamp,
    timeZone: z.string().meta({ example: 'Europe/Amsterdam' }),
    place: z.object({ kind: z.enum(['address', 'online']), text: z.string() }),
    audience: audienceSchema,
    capacity: z.number().int().nullable(),
    guestsPerMember: z.number().int(),
    rsvpDeadline: timestamp.nullable(),
    reminderOffsets: z.array(z.number().int()),
    status: z.enum(['scheduled', 'cancelled']),
    checkInCode: z.string().meta({ description: 'Shown at the venue; members type it to check in.' }),
    icsUrl: z.string().meta({ description: 'Public .ics download of this meet-up (unguessable URL).' }),
    headcount: headcountSchema,
    createdAt: timestamp,
    cancelledAt: timestamp.nullable(),
  })
  .meta({ id: 'Meetup' });

export const eventListSchema = z.object({ data: z.array(eventSchema) }).meta({ id: 'MeetupList' });

export const attendeeListSchema = z
  .object({
    event: eventSchema,
    data: z.array(
      z.object({
        memberNumber: z.string(),
        name: z.string(),
        chapter: z.object({ id: z.uuid(), name: z.string() }).nullable(),
        answer: z.enum(MEETUP_ANSWERS).nullable().meta({ description: 'Null for someone who checked in without answering.' }),
        place: z.enum(['confirmed', 'waitlisted']).nullable(),
        guests: z.number().int(),
        answeredAt: timestamp.nullable(),
        checkedInAt: timestamp.nullable(),
        firstTime: z.boolean().meta({ description: 'Checked in here at their first meet-up of the organisation.' }),
      }),
    ),
    turnUp: z
      .array(z.object({ chapter: z.object({ id: z.uuid(), name: z.string() }).nullable(), confirmed: z.number().int(), checkedIn: z.number().int(), walkIns: z.number().int() }))
      .meta({ description: 'Per chapter: members with a place, how many of them checked in, and check-ins without a place.' }),
    firstTimers: z.number().int(),
  })
  .meta({ id: 'MeetupAttendees' });

export const exportQuery = z.object({
  lang: z.enum(['nl', 'en']).optional().meta({ description: "Column headers' language (default: the organisation's)." }),
});
