/**
 * Wall-clock times in an IANA time zone <-> UTC instants, with Intl only (no date library): a manager
 * types `2026-12-01T18:00` meaning 18:00 in the organisation's zone; we store the UTC instant and show
 * it back in that zone.
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/i;

/** Calendar fields of an instant as the wall clock in `timeZone` shows them. */
export function zonedParts(instant: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Milliseconds the zone is ahead of UTC at `instant` (e.g. +3,600,000 for Amsterdam in winter). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `timeZone`. In the hour skipped by a DST change the time is
 * moved forward by the gap (02:30 becomes 03:30); in the repeated hour the later occurrence wins.
 */
export function zonedTimeToUtc(wall: { year: number; month: number; day: number; hour: number; minute: number }, timeZone: string): Date {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const first = zoneOffsetMs(new Date(guess), timeZone);
  const candidate = guess - first;
  const second = zoneOffsetMs(new Date(candidate), timeZone);
  return new Date(second === first ? candidate : guess - Math.min(first, second));
}

/**
 * Parses a deadline as a manager types it: `2026-12-01T18:00`, `2026-12-01 18:00`, a date alone (end of
 * that day, 23:59), optionally with `Z` or an offset (`+01:00`), which then wins over the zone.
 * Returns null when it is not a real date and time.
 */
export function parseWallTime(text: string, timeZone: string): Date | null {
  const m = WALL.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 23 : Number(m[4]);
  const minute = m[5] === undefined ? 59 : Number(m[5]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null; // 31 February
  const zone = m[6];
  if (zone === undefined) return zonedTimeToUtc({ year, month, day, hour, minute }, timeZone);
  if (zone.toUpperCase() === 'Z') return new Date(Date.UTC(year, month - 1, day, hour, minute));
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute) - offset);
}

/** A date and time for people, in their language and the organisation's zone, e.g. `1 dec 2026, 18:00`. */
export function formatInZone(instant: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(instant);
}
