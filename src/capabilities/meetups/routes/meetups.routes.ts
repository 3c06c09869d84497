import { z } from 'zod';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { Organization } from '../../../kernel/community.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { ChannelRepository, ChapterRepository } from '../../../kernel/ports/directory.js';
import type { Locale } from '../../../kernel/types.js';
import { parseWallTime } from '../../../kernel/zoned-time.js';
import type { Headcount, Meetup, MeetupTarget } from '../domain/meetup.js';
import type { MeetupChanges } from '../domain/meetup.schema.js';
import type { AttendeeList, MeetupService } from '../domain/meetup.service.js';
import { attendeeListSchema, eventChangeBody, eventCreateBody, eventIdParam, eventListQuery, eventListSchema, eventSchema, exportQuery } from './meetups.schemas.js';

export interface MeetupRoutesDeps {
  meetups: Pick<MeetupService, 'create' | 'find' | 'list' | 'headcount' | 'change' | 'cancel' | 'attendees'>;
  channels: Pick<ChannelRepository, 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
  /** The public .ics URL of a meet-up. */
  icsUrl(meetup: Meetup): string;
  csv(list: AttendeeList, locale: Locale): string;
  xlsx(list: AttendeeList, locale: Locale): Promise<Uint8Array>;
  ics(meetup: Meetup): Promise<string>;
}

const eventPath = z.object({ eventId: eventIdParam });

/** Meet-ups for a CRM or website: create, list, read, change, cancel; the attendee list as JSON, CSV and XLSX; the .ics. */
export function meetupRoutes(deps: MeetupRoutesDeps): ApiRoute[] {
  const view = (meetup: Meetup, headcount: Headcount): z.output<typeof eventSchema> => ({
    id: meetup.id,
    title: meetup.title,
    description: meetup.description,
    startsAt: meetup.startsAt.toISOString(),
    endsAt: meetup.endsAt.toISOString(),
    timeZone: meetup.timeZone,
    place: { ...meetup.place },
    audience: meetup.audience,
    capacity: meetup.capacity,
    guestsPerMember: meetup.guestsPerMember,
    rsvpDeadline: meetup.rsvpDeadline?.toISOString() ?? null,
    reminderOffsets: meetup.reminderOffsets,
    status: meetup.status,
    checkInCode: meetup.checkInCode,
    icsUrl: deps.icsUrl(meetup),
    headcount,
    createdAt: meetup.createdAt.toISOString(),
    cancelledAt: meetup.cancelledAt?.toISOString() ?? null,
  });
  const withCount = async (meetup: Meetup) => view(meetup, await deps.meetups.headcount(meetup));
  const attachment = (meetup: Meetup, ext: string) => ({ 'Content-Disposition': `attachment; filename="meetup-${meetup.id.slice(0, 8)}${ext}"` });

  return [
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/events',
      operationId: 'createMeetup',
      summary: 'Create a meet-up',
      description:
        'Posts the meet-up to the channels with Going / Maybe / Can\'t buttons (one list of attendees across all of them). Times without an offset are wall-clock times in the organisation\'s time zone.',
      tag: 'Meet-ups',
      scope: 'events:write',
      body: eventCreateBody,
      errors: { 422: '`MEETUP.START_PASSED`, `MEETUP.END_BEFORE_START`, `MEETUP.TOO_LONG` or `MEETUP.BAD_DEADLINE`: the times do not fit.' },
      responses: { 201: { description: 'Created; posting to the channels is under way.', schema: eventSchema } },
      async handle({ organization, body }) {
        await checkChapters(deps, organization, body.audience);
        const startsAt = moment(body.startsAt, organization, 'body.startsAt');
        const endsAt = moment(body.endsAt, organization, 'body.endsAt');
        const rsvpDeadline = body.rsvpDeadline === null ? null : moment(body.rsvpDeadline, organization, 'body.rsvpDeadline');
        const targets = body.channels
          ? body.channels.map((c): MeetupTarget => ({ platform: c.platform, workspaceExternalId: c.workspaceId, channelExternalId: c.channelId }))
          : await defaultTargets(deps, organization, body.audience);
        const meetup = await inBody(() =>
          deps.meetups.create({
            organizationId: organization.id,
            createdByMemberId: null,
            title: body.title,
            description: body.description,
            startsAt,
            endsAt,
            timeZone: organization.timezone,
            place: body.place,
            audience: body.audience,
            guestsPerMember: body.guestsPerMember,
            capacity: body.capacity,
            rsvpDeadline,
            ...(body.reminderOffsets ? { reminderOffsets: body.reminderOffsets } : {}),
            targets,
          }),
        );
        return { status: 201, json: await withCount(meetup) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events',
      operationId: 'listMeetups',
      summary: 'List meet-ups',
      description: 'Soonest first; by default only the ones that have not ended and are not cancelled.',
      tag: 'Meet-ups',
      scope: 'events:read',
      query: eventListQuery,
      responses: { 200: { description: 'The meet-ups.', schema: eventListSchema } },
      async handle({ organization, query }) {
        const list = await deps.meetups.list(organization.id, { includePast: query.includePast, includeCancelled: query.includeCancelled, limit: query.limit });
        return { status: 200, json: { data: await Promise.all(list.map(withCount)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events/{eventId}',
      operationId: 'getMeetup',
      summary: 'Get a meet-up with its live count',
      tag: 'Meet-ups',
      scope: 'events:read',
      params: eventPath,
      responses: { 200: { description: 'The meet-up.', schema: eventSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: await withCount(await deps.meetups.find(organization.id, params.eventId)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/orgs/{org}/events/{eventId}',
      operationId: 'changeMeetup',
      summary: 'Change a meet-up',
      description: 'Only the fields given change. A new time or place updates every copy and tells everyone who answered going or maybe; more places move the waitlist up.',
      tag: 'Meet-ups',
      scope: 'events:write',
      params: eventPath,
      body: eventChangeBody,
      errors: {
        409: '`MEETUP.ALREADY_CANCELLED`: the meet-up is cancelled.',
        422: '`MEETUP.ENDED`, `MEETUP.START_PASSED`, `MEETUP.END_BEFORE_START`, `MEETUP.TOO_LONG`, `MEETUP.BAD_DEADLINE` or `MEETUP.CAPACITY_BELOW_TAKEN` (more places are taken than the new capacity).',
      },
      responses: { 200: { description: 'The changed meet-up.', schema: eventSchema } },
      async handle({ organization, params, body }) {
        const meetup = await deps.meetups.find(organization.id, params.eventId);
        const changes: MeetupChanges = {
          ...(body.title !== undefined ? { title: body.title } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.place !== undefined ? { place: body.place } : {}),
          ...(body.capacity !== undefined ? { capacity: body.capacity } : {}),
          ...(body.guestsPerMember !== undefined ? { guestsPerMember: body.guestsPerMember } : {}),
          ...(body.reminderOffsets !== undefined ? { reminderOffsets: body.reminderOffsets } : {}),
          ...(body.startsAt !== undefined ? { startsAt: moment(body.startsAt, organization, 'body.startsAt') } : {}),
          ...(body.endsAt !== undefined ? { endsAt: moment(body.endsAt, organization, 'body.endsAt') } : {}),
          ...(body.rsvpDeadline !== undefined ? { rsvpDeadline: body.rsvpDeadline === null ? null : moment(body.rsvpDeadline, organization, 'body.rsvpDeadline') } : {}),
        };
        const result = await inBody(() => deps.meetups.change(meetup, changes));
        return { status: 200, json: await withCount(result.meetup) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/events/{eventId}/cancel',
      operationId: 'cancelMeetup',
      summary: 'Cancel a meet-up',
      description: 'Every copy says so (buttons removed); everyone who answered going or maybe gets a direct message.',
      tag: 'Meet-ups',
      scope: 'events:write',
      params: eventPath,
      errors: { 409: '`MEETUP.ALREADY_CANCELLED`: the meet-up was cancelled already.' },
      responses: { 200: { description: 'The cancelled meet-up.', schema: eventSchema } },
      async handle({ organization, params }) {
        const result = await deps.meetups.cancel(await deps.meetups.find(organization.id, params.eventId));
        return { status: 200, json: await withCount(result.meetup) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events/{eventId}/attendees',
      operationId: 'listMeetupAttendees',
      summary: 'The attendee list',
      description: 'Everyone who answered or checked in: confirmed (in order of their place), waitlist (in queue order), maybe, can\'t; with chapter, guests and check-in; turn-up per chapter.',
      tag: 'Meet-ups',
      scope: 'events:read',
      params: eventPath,
      responses: { 200: { description: 'The list.', schema: attendeeListSchema } },
      async handle({ organization, params }) {
        const list = await deps.meetups.attendees(await deps.meetups.find(organization.id, params.eventId));
        const chapter = (id: string | null, name: string | null) => (id && name ? { id, name } : null);
        return {
          status: 200,
          json: {
            event: view(list.meetup, list.headcount),
            data: list.rows.map((r) => ({
              memberNumber: r.memberNumber,
              name: r.name,
              chapter: chapter(r.chapterId, r.chapterName),
              answer: r.answer,
              place: r.seat,
              guests: r.guests,
              answeredAt: r.answeredAt?.toISOString() ?? null,
              checkedInAt: r.checkedInAt?.toISOString() ?? null,
              firstTime: r.firstVisit,
            })),
            turnUp: list.byChapter.map((c) => ({ chapter: chapter(c.chapterId, c.chapterName), confirmed: c.confirmed, checkedIn: c.checkedIn, walkIns: c.walkIns })),
            firstTimers: list.firstTimers,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events/{eventId}/attendees.csv',
      operationId: 'exportMeetupAttendeesCsv',
      summary: 'Export the attendee list as CSV',
      description: 'RFC 4180; no cell starts like a spreadsheet formula.',
      tag: 'Meet-ups',
      scope: 'events:read',
      params: eventPath,
      query: exportQuery,
      responses: { 200: { description: 'CSV.', schema: z.string(), contentType: 'text/csv' } },
      async handle({ organization, params, query }) {
        const meetup = await deps.meetups.find(organization.id, params.eventId);
        const csv = deps.csv(await deps.meetups.attendees(meetup), query.lang ?? organization.defaultLocale);
        return { status: 200, text: csv, contentType: 'text/csv; charset=utf-8', headers: attachment(meetup, '.csv') };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events/{eventId}/attendees.xlsx',
      operationId: 'exportMeetupAttendeesXlsx',
      summary: 'Export the attendee list as XLSX',
      description: 'One sheet; times in the meet-up\'s time zone; no cell starts like a formula.',
      tag: 'Meet-ups',
      scope: 'events:read',
      params: eventPath,
      query: exportQuery,
      responses: { 200: { description: 'An Excel workbook.', schema: z.string().meta({ format: 'binary' }), contentType: XLSX } },
      async handle({ organization, params, query }) {
        const meetup = await deps.meetups.find(organization.id, params.eventId);
        const bytes = await deps.xlsx(await deps.meetups.attendees(meetup), query.lang ?? organization.defaultLocale);
        return { status: 200, bytes, contentType: XLSX, headers: attachment(meetup, '.xlsx') };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/events/{eventId}/event.ics',
      operationId: 'getMeetupIcs',
      summary: 'The meet-up as iCalendar',
      description: 'RFC 5545, times as UTC instants.',
      tag: 'Meet-ups',
      scope: 'events:read',
      params: eventPath,
      responses: { 200: { description: 'iCalendar.', schema: z.string(), contentType: 'text/calendar' } },
      async handle({ organization, params }) {
        const meetup = await deps.meetups.find(organization.id, params.eventId);
        return { status: 200, text: await deps.ics(meetup), contentType: 'text/calendar; charset=utf-8', headers: attachment(meetup, '.ics') };
      },
    }),
  ];
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An API moment: exact with an offset, else the organisation's wall-clock time. */
function moment(text: string, organization: Organization, path: string): Date {
  const exact = /(?:Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = exact ? new Date(text) : parseWallTime(text.slice(0, 16), organization.timezone);
  if (!at || Number.isNaN(at.getTime())) throw new ValidationError([{ path, message: 'not a real date and time' }]);
  return at;
}

async function checkChapters(deps: MeetupRoutesDeps, organization: Organization, audience: z.output<typeof eventCreateBody>['audience']): Promise<void> {
  if (audience.kind !== 'chapters') return;
  const known = new Set((await deps.chapters.list(organization.id)).map((c) => c.id));
  const unknown = audience.chapterIds.flatMap((id, i) => (known.has(id) ? [] : [{ path: `body.audience.chapterIds.${i}`, message: 'no such chapter' }]));
  if (unknown.length > 0) throw new ValidationError(unknown);
}

/** The rule of `/kring event create … --everywhere`: members' channels, or the audience chapters' channels. */
async function defaultTargets(deps: MeetupRoutesDeps, organization: Organization, audience: z.output<typeof eventCreateBody>['audience']): Promise<MeetupTarget[]> {
  const targets = (await deps.channels.list(organization.id))
    .filter((c) => (audience.kind === 'chapters' ? c.purpose === 'chapter' && c.chapterId !== null && audience.chapterIds.includes(c.chapterId) : c.purpose === 'general' || c.purpose === 'news'))
    .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
  if (targets.length === 0) throw new ValidationError([{ path: 'body.channels', message: 'the organisation has no channel for this audience: connect one, or name the channels' }]);
  return targets;
}
