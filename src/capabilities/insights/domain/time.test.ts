import { describe, expect, it } from 'vitest';
import { addDays, addMonths, isoWeekStart, localDay, periodEnding } from './time.js';

describe(localDay.name, () => {
  const ams = (iso: string) => localDay(new Date(iso), 'Europe/Amsterdam');

  it('switches days at local midnight in winter (UTC+1) and summer (UTC+2)', () => {
    expect(ams('2026-01-15T22:59:59Z')).toBe('2026-01-15');
    expect(ams('2026-01-15T23:00:00Z')).toBe('2026-01-16');
    expect(ams('2026-07-15T21:59:59Z')).toBe('2026-07-15');
    expect(ams('2026-07-15T22:00:00Z')).toBe('2026-07-16');
  });

  it('keeps the short and the long day of the DST changes whole', () => {
    expect(ams('2026-03-28T23:00:00Z')).toBe('2026-03-29');
    expect(ams('2026-03-29T21:59:59Z')).toBe('2026-03-29');
    expect(ams('2026-10-24T22:00:00Z')).toBe('2026-10-25');
    expect(ams('2026-10-25T22:59:59Z')).toBe('2026-10-25');
  });

  it('does not depend on the server time zone', () => {
    expect(localDay(new Date('2026-03-29T12:00:00Z'), 'America/New_York')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-29T03:00:00Z'), 'America/New_York')).toBe('2026-03-28');
  });
});

describe('day arithmetic', () => {
  it('adds days and months across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addMonths('2026-11-01', 3)).toBe('2027-02-01');
  });

  it('finds the Monday of the ISO week', () => {
    expect(isoWeekStart('2026-03-29')).toBe('2026-03-23'); // Sunday
    expect(isoWeekStart('2026-03-23')).toBe('2026-03-23'); // Monday
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28');
  });
});

describe(periodEnding.name, () => {
  it('ends on today and puts an equally long period right before it', () => {
    expect(periodEnding('week', '2026-11-25')).toEqual({
      key: 'week',
      days: 7,
      from: '2026-11-19',
      to: '2026-11-25',
      previousFrom: '2026-11-12',
      previousTo: '2026-11-18',
    });
  });
});
