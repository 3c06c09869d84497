import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { resolveEnd, resolveStart } from './create-args.js';
import { meetupCalendar } from './calendar.js';
import type { Meetup } from './domain/meetup.js';

const TZ = 'Europe/Amsterdam';

function meetup(id: string, start: string, end: string, o: Partial<Meetup> = {}): Meetup {
  const startsAt = resolveStart(start, TZ)!;
  return {
    id, organizationId: 'org', createdByMemberId: null, title: `Avond ${start}`, description: 'Borrel; met "quotes", komma\'s en\nregels', startsAt,
    endsAt: resolveEnd(end, startsAt, TZ)!, timeZone: TZ, place: { kind: 'address', text: 'Stadhuisplein 1, Utrecht' }, audience: { kind: 'all' },
    guestsPerMember: 0, capacity: 2, rsvpDeadline: null, reminderOffsets: [1440, 60], status: 'scheduled', version: 1, checkInCode: 'K7Q4XP',
    icsKey: 'x'.repeat(24), createdAt: new Date('2026-10-01T10:00:00Z'), updatedAt: new Date('2026-10-01T10:00:00Z'), cancelledAt: null, ...o,
  };
}

describe(meetupCalendar.name, () => {
  it('writes UTC instants that ical.js reads back right either side of the end of summer time', async () => {
    const ics = await meetupCalendar(
      [
        meetup('11111111-1111-4111-8111-111111111111', '2026-10-24 19:30', '21:30'),
        meetup('22222222-2222-4222-8222-222222222222', '2026-10-26 19:30', '21:30', { status: 'cancelled', version: 3 }),
      ],
      { name: 'Mijn bijeenkomsten', timeZone: TZ, host: 'kring.example.org', now: new Date('2026-10-02T00:00:00Z') },
    );
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Mijn bijeenkomsten');
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.uid, e.startDate.toJSDate().toISOString(), e.endDate.toJSDate().toISOString()])).toEqual([
      ['11111111-1111-4111-8111-111111111111@kring.example.org', '2026-10-24T17:30:00.000Z', '2026-10-24T19:30:00.000Z'],
      ['22222222-2222-4222-8222-222222222222@kring.example.org', '2026-10-26T18:30:00.000Z', '2026-10-26T20:30:00.000Z'],
    ]);
    expect(events[0]!.startDate.zone.tzid).toBe('UTC');
    expect(events[0]!.description).toBe('Borrel; met "quotes", komma\'s en\nregels');
    expect(events[0]!.location).toBe('Stadhuisplein 1, Utrecht');
    expect(events.map((e) => [e.component.getFirstPropertyValue('status'), e.sequence])).toEqual([['CONFIRMED', 1], ['CANCELLED', 3]]);
  });
});
