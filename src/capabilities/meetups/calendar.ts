import type { Meetup } from './domain/meetup.js';

/** What a calendar needs besides the meet-ups. */
export interface CalendarOptions {
  /** The calendar's name in the member's app (`X-WR-CALNAME`). */
  name: string;
  /** The zone calendar apps should show the times in (`X-WR-TIMEZONE`; the instants are UTC anyway). */
  timeZone: string;
  /** Kring's host, for the events' UIDs (`<meetup id>@<host>`): stable, so an update replaces the entry. */
  host: string;
  /** The link back to the meet-up (e.g. its .ics URL), when there is one to give. */
  urlOf?: (meetup: Meetup) => string;
  /** `DTSTAMP` of every entry (the clock's now). */
  now: Date;
}

/**
 * An iCalendar document (RFC 5545) of meet-ups, written with ical-generator. Times are written as UTC
 * instants (`DTSTART:20261024T173000Z`): stored instants are exact, so an evening either side of a
 * daylight-saving change lands on the right wall-clock time in every app, with no VTIMEZONE to get
 * wrong. `SEQUENCE` is the meet-up's version (a change of time or place raises it), and a cancelled
 * meet-up stays in the feed with `STATUS:CANCELLED` so subscribed calendars remove it.
 */
export async function meetupCalendar(meetups: readonly Meetup[], options: CalendarOptions): Promise<string> {
  // Loaded by the first calendar asked for, not at start-up (idle RSS).
  const { default: ical, ICalCalendarMethod, ICalEventStatus } = await import('ical-generator');
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Kring', product: 'meetups', language: 'NL' },
    method: ICalCalendarMethod.PUBLISH,
    // Subscribed feeds are polled; an hour keeps reminders of changes timely without hammering.
    ttl: 3600,
    x: [['X-WR-TIMEZONE', options.timeZone]],
  });
  for (const m of meetups) {
    calendar.createEvent({
      id: `${m.id}@${options.host}`,
      start: m.startsAt,
      end: m.endsAt,
      stamp: options.now,
      created: m.createdAt,
      lastModified: m.updatedAt,
      summary: m.title,
      ...(m.description !== '' ? { description: m.description } : {}),
      location: m.place.text,
      ...(m.place.kind === 'online' ? { url: m.place.text } : options.urlOf ? { url: options.urlOf(m) } : {}),
      sequence: m.version,
      status: m.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
