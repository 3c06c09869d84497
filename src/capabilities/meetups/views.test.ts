import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import type { Headcount, Meetup } from './domain/meetup.js';
import { attendeesBlocks, meetupMessageView, noticeView } from './views.js';

const translator = kringTranslator();
const en = translator.for('en');
const nl = translator.for('nl');
const meetup: Meetup = {
  id: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f', organizationId: 'o', createdByMemberId: null, title: 'Chapter evening', description: 'Drinks and a talk',
  startsAt: new Date('2026-10-24T17:30:00Z'), endsAt: new Date('2026-10-24T19:30:00Z'), timeZone: 'Europe/Amsterdam',
  place: { kind: 'address', text: 'Stadhuisplein 1, Utrecht' }, audience: { kind: 'all' }, guestsPerMember: 1, capacity: 2,
  rsvpDeadline: new Date('2026-10-23T21:59:00Z'), reminderOffsets: [1440, 60], status: 'scheduled', version: 1, checkInCode: 'K7Q4XP',
  icsKey: 'k'.repeat(24), createdAt: new Date('2026-10-01T00:00:00Z'), updatedAt: new Date('2026-10-01T00:00:00Z'), cancelledAt: null,
};
const full: Headcount = { confirmedPlaces: 2, confirmedMembers: 2, waitlisted: 1, maybe: 1, notGoing: 0, checkedIn: 0 };
const text = (v: unknown) => JSON.stringify(v);
const buttons = (v: ReturnType<typeof meetupMessageView>) => v.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons.map((x) => x.label) : []));

describe(meetupMessageView.name, () => {
  it('shows when (in the zone), where, the live count with the waitlist, and the answer buttons', () => {
    const v = meetupMessageView(meetup, full, { t: en, locale: 'en', now: new Date('2026-10-10T00:00:00Z'), icsUrl: 'https://kring.example/x.ics' });
    expect(text(v)).toContain('Sat, 24 Oct 2026 19:30–21:30 (Europe/Amsterdam)');
    expect(text(v)).toContain('2 of 2 places taken (full) · 1 on the waitlist · 1 maybe');
    expect(text(v)).toContain('[Add to your calendar](https://kring.example/x.ics)');
    expect(buttons(v)).toEqual(['Going', 'Going +1', 'Maybe', "Can't"]);
  });

  it('speaks Dutch for a Dutch organisation', () => {
    const v = meetupMessageView(meetup, full, { t: nl, locale: 'nl', now: new Date('2026-10-10T00:00:00Z') });
    expect(text(v)).toContain('za 24 okt 2026 19:30–21:30');
    expect(text(v)).toContain('2 van 2 plaatsen bezet (vol) · 1 op de wachtlijst');
    expect(buttons(v)).toEqual(['Ik kom', 'Ik kom +1', 'Misschien', 'Ik kan niet']);
  });

  it('closes answers after the deadline, offers check-in from half an hour before, and has no buttons once ended or cancelled', () => {
    const now = (iso: string) => ({ t: en, locale: 'en' as const, now: new Date(iso) });
    expect(buttons(meetupMessageView(meetup, full, now('2026-10-24T10:00:00Z')))).toEqual([]);
    expect(text(meetupMessageView(meetup, full, now('2026-10-24T10:00:00Z')))).toContain('Answers are closed.');
    expect(buttons(meetupMessageView(meetup, full, now('2026-10-24T17:05:00Z')))).toEqual(['Check in']);
    expect(text(meetupMessageView(meetup, { ...full, checkedIn: 2 }, now('2026-10-24T20:00:00Z')))).toContain('This meet-up has ended. 2 members checked in.');
    const cancelled = meetupMessageView({ ...meetup, status: 'cancelled' }, full, now('2026-10-10T00:00:00Z'));
    expect(buttons(cancelled)).toEqual([]);
    expect(text(cancelled)).toContain('This meet-up is cancelled.');
  });

  it('says members only without guests, and online with a link', () => {
    const v = meetupMessageView({ ...meetup, guestsPerMember: 0, capacity: null, place: { kind: 'online', text: 'https://meet.example/abc' } }, { ...full, waitlisted: 0, maybe: 0 }, { t: en, locale: 'en', now: new Date('2026-10-10T00:00:00Z') });
    expect(text(v)).toContain('members only');
    expect(text(v)).toContain('online: [join](https://meet.example/abc)');
    expect(text(v)).toContain('2 going');
    expect(buttons(v)).toEqual(['Going', 'Maybe', "Can't"]);
  });
});

describe(noticeView.name, () => {
  it('words reminders by how far ahead they are', () => {
    const day = noticeView({ meetup, kind: 'reminder', rsvp: null, offsetMinutes: 1440 }, en, 'en');
    const hour = noticeView({ meetup, kind: 'reminder', rsvp: null, offsetMinutes: 60 }, nl, 'nl');
    expect(day.fallback).toContain('Reminder: Chapter evening is tomorrow');
    expect(hour.fallback).toContain('Herinnering: Chapter evening begint over een uur');
  });
});

describe(attendeesBlocks.name, () => {
  it('lists the sections, guests, check-ins, the turn-up per chapter and the code', () => {
    const row = (o: object) => ({ memberId: 'x', memberNumber: '1001', name: 'Anna', chapterId: 'c1', chapterName: 'Utrecht', answer: 'going' as const, seat: 'confirmed' as const, guests: 0, answeredAt: new Date(), checkedInAt: null, firstVisit: false, ...o });
    const blocks = attendeesBlocks(
      {
        meetup,
        headcount: full,
        rows: [row({ guests: 1, checkedInAt: new Date(), firstVisit: true }), row({ name: 'Bram', memberNumber: '1002', seat: 'waitlisted' })],
        byChapter: [{ chapterId: 'c1', chapterName: 'Utrecht', confirmed: 1, checkedIn: 1, walkIns: 0 }],
        firstTimers: 1,
      },
      en,
    );
    const all = text(blocks);
    expect(all).toContain('Going (1)');
    expect(all).toContain('Anna (1001, Utrecht) +1 · checked in, first time');
    expect(all).toContain('Waitlist (1)');
    expect(all).toContain('Turn-up per chapter: Utrecht 1/1');
    expect(all).toContain('Check-in code: `K7Q4XP`');
  });
});
