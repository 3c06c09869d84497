import { describe, expect, it } from 'vitest';
import { formatInZone, parseWallTime } from './zoned-time.js';

const AMS = 'Europe/Amsterdam';

describe('zoned time', () => {
  it('reads a wall-clock time in the organisation zone, winter and summer', () => {
    expect(parseWallTime('2026-12-01T18:00', AMS)?.toISOString()).toBe('2026-12-01T17:00:00.000Z');
    expect(parseWallTime('2026-07-01 18:00', AMS)?.toISOString()).toBe('2026-07-01T16:00:00.000Z');
  });

  it('takes a date alone as the end of that day', () => {
    expect(parseWallTime('2026-12-01', AMS)?.toISOString()).toBe('2026-12-01T22:59:00.000Z');
  });

  it('lets an explicit offset win over the zone', () => {
    expect(parseWallTime('2026-12-01T18:00Z', AMS)?.toISOString()).toBe('2026-12-01T18:00:00.000Z');
    expect(parseWallTime('2026-12-01T18:00+05:30', AMS)?.toISOString()).toBe('2026-12-01T12:30:00.000Z');
  });

  it('moves a time in the skipped DST hour forward', () => {
    expect(parseWallTime('2026-03-29T02:30', AMS)?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('refuses dates that do not exist and other text', () => {
    expect(parseWallTime('2026-02-31T10:00', AMS)).toBeNull();
    expect(parseWallTime('2026-12-01T25:00', AMS)).toBeNull();
    expect(parseWallTime('tomorrow', AMS)).toBeNull();
  });

  it('shows an instant in the zone and language', () => {
    const d = new Date('2026-12-01T17:00:00Z');
    expect(formatInZone(d, 'nl', AMS)).toContain('18:00');
    expect(formatInZone(d, 'en', 'Europe/London')).toContain('17:00');
  });
});
