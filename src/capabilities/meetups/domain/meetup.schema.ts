import { z } from 'zod';
import { MEMBER_ROLES } from '../../../kernel/community.js';
import { platformSchema } from '../../../kernel/types.js';
import { DEFAULT_REMINDER_OFFSETS, MEETUP_ANSWERS, MEETUP_LIMITS } from './meetup.js';

/** Who the meet-up is for. */
export const meetupAudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('chapters'), chapterIds: z.array(z.string().min(1)).min(1, 'name at least one chapter').max(50) }),
  z.object({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)).min(1, 'name at least one role').max(MEMBER_ROLES.length) }),
]);

/** One channel a meet-up is posted in. */
export const meetupTargetSchema = z.object({
  platform: platformSchema,
  workspaceExternalId: z.string().min(1).max(200),
  channelExternalId: z.string().min(1).max(200),
});

const title = z.string().trim().min(1, 'give the meet-up a title').max(MEETUP_LIMITS.titleLength);
const description = z.string().trim().max(MEETUP_LIMITS.descriptionLength);
const place = z.string().trim().min(1, 'say where it is (an address or an online link)').max(MEETUP_LIMITS.placeLength);
const capacity = z.number().int().min(1, 'a meet-up needs at least 1 place (leave the capacity out for no limit)').max(MEETUP_LIMITS.maxCapacity);
const guests = z.number().int().min(0).max(MEETUP_LIMITS.maxGuests);
const reminders = z
  .array(z.number().int().min(1).max(MEETUP_LIMITS.maxReminderMinutes))
  .max(MEETUP_LIMITS.maxReminders)
  // Largest first, each once: the order reminders go out in.
  .transform((offsets) => [...new Set(offsets)].sort((a, b) => b - a));

/**
 * Input of {@link MeetupService.create}. Rules that need no clock live here; the start being in the
 * future, the end after it and the deadline between now and the start are the service's (it owns the
 * clock and answers each with its own error code).
 */
export const createMeetupSchema = z.object({
  organizationId: z.string().min(1),
  createdByMemberId: z.string().min(1).nullable().default(null),
  title,
  description: description.default(''),
  startsAt: z.date(),
  endsAt: z.date(),
  /** IANA zone the times are shown in (the organisation's). */
  timeZone: z.string().min(1).max(64),
  place,
  audience: meetupAudienceSchema.default({ kind: 'all' }),
  guestsPerMember: guests.default(0),
  capacity: capacity.nullable().default(null),
  rsvpDeadline: z.date().nullable().default(null),
  reminderOffsets: reminders.default([...DEFAULT_REMINDER_OFFSETS]),
  targets: z.array(meetupTargetSchema).max(100).default([]),
});

/** What {@link createMeetupSchema} accepts (defaults optional). */
export type CreateMeetupInput = z.input<typeof createMeetupSchema>;
/** A validated new meet-up. */
export type NewMeetup = z.output<typeof createMeetupSchema>;

/** Input of {@link MeetupService.change}: only what changes. */
export const changeMeetupSchema = z
  .object({
    title,
    description,
    startsAt: z.date(),
    endsAt: z.date(),
    place,
    capacity: capacity.nullable(),
    guestsPerMember: guests,
    rsvpDeadline: z.date().nullable(),
    reminderOffsets: reminders,
  })
  .partial();

export type MeetupChanges = z.output<typeof changeMeetupSchema>;

/** An answer as the service takes it. */
export const rsvpAnswerSchema = z.enum(MEETUP_ANSWERS);
