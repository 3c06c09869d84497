/**
 * Calendar arithmetic for insights. Rollups are kept per local day of the organisation (its IANA time
 * zone, daylight saving included), written as `YYYY-MM-DD`; all day arithmetic happens on those strings
 * through UTC dates, so it never depends on the server's own time zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar day of `at` in `timeZone`, as `YYYY-MM-DD`. */
export function localDay(at: Date, timeZone: string): string {
  return formatter(timeZone).format(at);
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (`to - from`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The Monday of the ISO week `day` falls in. */
export function isoWeekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The first day of `day`'s month. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** `month` (a first-of-month day) plus `n` months. */
export function addMonths(month: string, n: number): string {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

/** The periods `/kring insights` and the dashboard offer, with their length in days. */
export const PERIODS = { week: 7, month: 30, quarter: 91, year: 365 } as const;
export type PeriodKey = keyof typeof PERIODS;

/** A window of whole local days (both ends included) and the window of equal length before it. */
export interface Period {
  key: PeriodKey;
  days: number;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
}

/** The period of `key` ending on `today` (included), and the one before it, for period-over-period. */
export function periodEnding(key: PeriodKey, today: string): Period {
  const days = PERIODS[key];
  const from = addDays(today, -(days - 1));
  const previousTo = addDays(from, -1);
  return { key, days, from, to: today, previousFrom: addDays(previousTo, -(days - 1)), previousTo };
}
