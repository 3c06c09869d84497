import { describe, expect, it } from 'vitest';
import { meetupFormText, parseMeetupChanges, parseMeetupDefinition, parseReminders, resolveDeadline, resolveEnd, resolveStart } from './create-args.js';

const TZ = 'Europe/Amsterdam';

describe(parseMeetupDefinition.name, () => {
  it('reads title, start, end, place, description and every setting', () => {
    const parsed = parseMeetupDefinition(
      'Chapter evening | 2026-10-24 19:30 | 21:30 | Stadhuisplein 1, Utrecht | Drinks and a talk --capacity=30 --guests=1 --deadline="2026-10-23 18:00" --chapter=Utrecht,Amsterdam --remind=2d,1h --everywhere',
    );
    expect(parsed).toEqual({
      ok: {
        title: 'Chapter evening', start: '2026-10-24 19:30', end: '21:30', place: 'Stadhuisplein 1, Utrecht', description: 'Drinks and a talk',
        capacity: 30, guests: 1, deadline: '2026-10-23 18:00', chapters: ['Utrecht', 'Amsterdam'], roles: [], reminders: [2880, 60], everywhere: true,
      },
    });
  });

  it('answers bad input with the text that explains it', () => {
    expect(parseMeetupDefinition('Title | 2026-10-24 19:30 | 21:30 | Here --capacity=0')).toEqual({ problem: { key: 'meetups.create.badCapacity', params: { value: '0' } } });
    expect(parseMeetupDefinition('Title | 2026-10-24 19:30 | 21:30 | Here --capacity=-3')).toEqual({ problem: { key: 'meetups.create.badCapacity', params: { value: '-3' } } });
    expect(parseMeetupDefinition('Title | 2026-10-24 19:30')).toEqual({ problem: { key: 'meetups.create.tooFewParts' } });
    expect(parseMeetupDefinition('just words')).toEqual({ problem: { key: 'meetups.create.usage' } });
    expect(parseMeetupDefinition('T | 2026-10-24 19:30 | 21:30 | Here --color=red')).toEqual({ problem: { key: 'meetups.create.unknownFlag', params: { flag: 'color' } } });
    expect(parseMeetupDefinition('T | 2026-10-24 19:30 | 21:30 | Here --guests=11')).toMatchObject({ problem: { key: 'meetups.create.badGuests' } });
    expect(parseMeetupDefinition('T | 2026-10-24 19:30 | 21:30 | Here --chapter=A --role=board')).toEqual({ problem: { key: 'meetups.create.chapterAndRole' } });
  });

  it('accepts the dashes and quotes chat clients substitute', () => {
    const parsed = parseMeetupDefinition('T | 2026-10-24 19:30 | 21:30 | Here —capacity=5 –description=“Bring a friend”');
    expect(parsed).toMatchObject({ ok: { capacity: 5, description: 'Bring a friend' } });
  });
});

describe(parseMeetupChanges.name, () => {
  it('reads only what changes; none lifts the capacity and the deadline', () => {
    expect(parseMeetupChanges('--start="2026-10-24 20:00" --place="Zaal 2" --capacity=none --deadline=none')).toEqual({
      ok: { start: '2026-10-24 20:00', place: 'Zaal 2', capacity: null, deadline: null },
    });
    expect(parseMeetupChanges('--capacity=0')).toMatchObject({ problem: { key: 'meetups.create.badCapacity' } });
  });
});

describe(parseReminders.name, () => {
  it('reads days, hours and minutes in both languages, largest first, each once', () => {
    expect(parseReminders('1h,1d,30m,1u')).toEqual({ ok: [1440, 60, 30] });
    expect(parseReminders('2 dagen')).toMatchObject({ problem: { key: 'meetups.create.badReminders' } });
    expect(parseReminders('2dagen')).toEqual({ ok: [2880] });
    expect(parseReminders('none')).toEqual({ ok: [] });
    expect(parseReminders('0h')).toMatchObject({ problem: { key: 'meetups.create.badReminders' } });
    expect(parseReminders('1m,2m,3m,4m,5m,6m')).toMatchObject({ problem: { key: 'meetups.create.badReminders' } });
  });
});

describe('times in the organisation\'s zone', () => {
  it('needs a time for the start; an end may be a time on the start\'s day, either side of a DST change', () => {
    expect(resolveStart('2026-10-24', TZ)).toBeNull();
    // Summer time (UTC+2) on the 24th, winter time (UTC+1) from the 25th of October 2026.
    const before = resolveStart('2026-10-24 19:30', TZ)!;
    expect(before.toISOString()).toBe('2026-10-24T17:30:00.000Z');
    expect(resolveEnd('21:30', before, TZ)!.toISOString()).toBe('2026-10-24T19:30:00.000Z');
    const after = resolveStart('2026-10-26T19:30', TZ)!;
    expect(after.toISOString()).toBe('2026-10-26T18:30:00.000Z');
    expect(resolveEnd('21:30', after, TZ)!.toISOString()).toBe('2026-10-26T20:30:00.000Z');
    expect(resolveEnd('soon', after, TZ)).toBeNull();
    expect(resolveDeadline('2026-10-23', TZ)!.toISOString()).toBe('2026-10-23T21:59:00.000Z');
  });
});

describe(meetupFormText.name, () => {
  it('turns the form into the text form, so both take the same checks', () => {
    const text = meetupFormText({ title: 'Café | avond', when: '2026-10-24 19:30 - 21:30', place: 'Stadhuisplein 1', description: '', settings: '--capacity=2' });
    expect(text).toBe('Café / avond | 2026-10-24 19:30 | 21:30 | Stadhuisplein 1 --capacity=2');
    expect(parseMeetupDefinition(text)).toMatchObject({ ok: { title: 'Café / avond', start: '2026-10-24 19:30', end: '21:30', capacity: 2 } });
  });
});
