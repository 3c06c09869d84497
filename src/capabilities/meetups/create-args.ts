import type { TextKey } from '../../kernel/i18n.js';
import { parseWallTime, zonedParts } from '../../kernel/zoned-time.js';
import { MEETUP_LIMITS } from './domain/meetup.js';

/** The text form of `/kring event create`, taken apart (nothing resolved against data or the clock yet). */
export interface MeetupDefinitionText {
  title: string;
  /** As typed; resolved in the organisation's zone later. */
  start: string;
  end: string;
  place: string;
  description: string;
  capacity: number | null;
  deadline: string | null;
  guests: number;
  chapters: string[];
  roles: string[];
  /** Minutes before the start; null: the default (a day and an hour). */
  reminders: number[] | null;
  everywhere: boolean;
}

/** What `/kring event change <id> …` asks to change (absent: unchanged; null: removed). */
export interface MeetupChangeText {
  title?: string;
  description?: string;
  start?: string;
  end?: string;
  place?: string;
  capacity?: number | null;
  guests?: number;
  deadline?: string | null;
  reminders?: number[];
}

/** A parse failure: the catalogue key of the explanation and its parameters. */
export interface DefinitionProblem {
  key: TextKey;
  params?: Record<string, string | number>;
}

type Parsed<T> = { ok: T } | { problem: DefinitionProblem };

const CREATE_FLAGS = ['capacity', 'deadline', 'guests', 'chapter', 'role', 'remind', 'everywhere', 'description'] as const;
const CHANGE_FLAGS = ['title', 'description', 'start', 'end', 'place', 'capacity', 'guests', 'deadline', 'remind'] as const;

/*
 * A setting: `--name`, `--name=value`, `--name="two words"`. Chat clients turn `--` into a dash and quotes
 * into curly quotes (macOS, iOS, Teams), so those are accepted too.
 */
const FLAG = /(^|\s)(?:--|—|–)([a-z][a-z-]*)(?:=(?:"([^"]*)"|“([^”]*)”|„([^“”]*)[“”]|(\S+)))?(?=\s|$)/gi;

/** Takes the settings out of `text`: the rest, and the settings by name (a repeated one keeps every value). */
function takeFlags(text: string, known: readonly string[]): { rest: string; flags: Map<string, (string | undefined)[]> } | { problem: DefinitionProblem } {
  const flags = new Map<string, (string | undefined)[]>();
  let unknown: string | undefined;
  const rest = text.replace(FLAG, (_all, lead: string, rawName: string, q1?: string, q2?: string, q3?: string, bare?: string) => {
    const name = rawName.toLowerCase();
    if (!known.includes(name)) unknown ??= name;
    flags.set(name, [...(flags.get(name) ?? []), q1 ?? q2 ?? q3 ?? bare]);
    return lead;
  });
  if (unknown !== undefined) return { problem: { key: 'meetups.create.unknownFlag', params: { flag: unknown } } };
  return { rest, flags };
}

/**
 * Parses `Title | 2026-10-24 19:30 | 21:30 | Place [| Description] [--capacity=N] [--deadline=…]
 * [--guests=N] [--chapter=…] [--role=…] [--remind=1d,1h|none] [--everywhere] [--description="…"]`.
 */
export function parseMeetupDefinition(text: string): Parsed<MeetupDefinitionText> {
  const taken = takeFlags(text, CREATE_FLAGS);
  if ('problem' in taken) return taken;
  const parts = taken.rest.split('|').map((p) => p.trim().replace(/\s+/g, ' '));
  const [title = '', start = '', end = '', place = '', ...more] = parts;
  if (title === '' || start === '' || end === '' || place === '') return { problem: { key: parts.length >= 2 ? 'meetups.create.tooFewParts' : 'meetups.create.usage' } };
  const out: MeetupDefinitionText = {
    title,
    start,
    end,
    place,
    description: more.join(' | ').trim(),
    capacity: null,
    deadline: null,
    guests: 0,
    chapters: [],
    roles: [],
    reminders: null,
    everywhere: false,
  };
  const f = taken.flags;
  const last = (name: string) => f.get(name)?.at(-1);
  if (f.has('description')) out.description = (last('description') ?? '').trim();
  if (f.has('capacity')) {
    const capacity = parseCapacity(last('capacity'), false);
    if ('problem' in capacity) return capacity;
    out.capacity = capacity.ok;
  }
  if (f.has('guests')) {
    const guests = parseGuests(last('guests'));
    if ('problem' in guests) return guests;
    out.guests = guests.ok;
  }
  if (f.has('deadline')) {
    const value = last('deadline')?.trim();
    if (!value) return { problem: { key: 'meetups.create.badDeadline', params: { value: '', timezone: '' } } };
    out.deadline = value;
  }
  if (f.has('remind')) {
    const reminders = parseReminders(last('remind'));
    if ('problem' in reminders) return reminders;
    out.reminders = reminders.ok;
  }
  out.chapters = (f.get('chapter') ?? []).flatMap(splitList);
  out.roles = (f.get('role') ?? []).flatMap(splitList);
  out.everywhere = f.has('everywhere');
  if (out.chapters.length > 0 && out.roles.length > 0) return { problem: { key: 'meetups.create.chapterAndRole' } };
  const tooLong = lengthProblem(out);
  return tooLong ? { problem: tooLong } : { ok: out };
}

/** Parses the settings of `/kring event change <id> --start=… --place="…" …`. */
export function parseMeetupChanges(text: string): Parsed<MeetupChangeText> {
  const taken = takeFlags(text, CHANGE_FLAGS);
  if ('problem' in taken) return taken;
  const f = taken.flags;
  const last = (name: string) => f.get(name)?.at(-1)?.trim() ?? '';
  const out: MeetupChangeText = {};
  if (f.has('title')) out.title = last('title');
  if (f.has('description')) out.description = last('description');
  if (f.has('start')) out.start = last('start');
  if (f.has('end')) out.end = last('end');
  if (f.has('place')) out.place = last('place');
  if (f.has('capacity')) {
    const capacity = parseCapacity(last('capacity'), true);
    if ('problem' in capacity) return capacity;
    out.capacity = capacity.ok;
  }
  if (f.has('guests')) {
    const guests = parseGuests(last('guests'));
    if ('problem' in guests) return guests;
    out.guests = guests.ok;
  }
  if (f.has('deadline')) out.deadline = /^(none|geen)$/i.test(last('deadline')) ? null : last('deadline');
  if (f.has('remind')) {
    const reminders = parseReminders(last('remind'));
    if ('problem' in reminders) return reminders;
    out.reminders = reminders.ok;
  }
  const tooLong = lengthProblem({ title: out.title ?? '', place: out.place ?? '', description: out.description ?? '' });
  return tooLong ? { problem: tooLong } : { ok: out };
}

/** `30` -> 30; 0, negatives, fractions and words are refused (`none` lifts the limit when allowed). */
function parseCapacity(value: string | undefined, noneAllowed: boolean): Parsed<number | null> {
  const v = (value ?? '').trim();
  if (noneAllowed && /^(none|geen)$/i.test(v)) return { ok: null };
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > MEETUP_LIMITS.maxCapacity) return { problem: { key: 'meetups.create.badCapacity', params: { value: v } } };
  return { ok: Number(v) };
}

function parseGuests(value: string | undefined): Parsed<number> {
  const v = (value ?? '').trim();
  if (!/^\d{1,2}$/.test(v) || Number(v) > MEETUP_LIMITS.maxGuests) return { problem: { key: 'meetups.create.badGuests', params: { max: MEETUP_LIMITS.maxGuests } } };
  return { ok: Number(v) };
}

const UNIT_MINUTES: Record<string, number> = { d: 24 * 60, dag: 24 * 60, dagen: 24 * 60, day: 24 * 60, days: 24 * 60, h: 60, u: 60, uur: 60, hour: 60, hours: 60, m: 1, min: 1, minutes: 1, minuten: 1 };

/** `1d,1h,30m` -> [1440, 60, 30] (largest first, each once); `none` -> []. */
export function parseReminders(value: string | undefined): Parsed<number[]> {
  const v = (value ?? '').trim().toLowerCase();
  const problem = { problem: { key: 'meetups.create.badReminders' as const, params: { value: v, max: MEETUP_LIMITS.maxReminders } } };
  if (v === 'none' || v === 'geen') return { ok: [] };
  const minutes: number[] = [];
  for (const part of v.split(/[,\s]+/).filter((p) => p !== '')) {
    const m = /^(\d{1,5})\s*([a-z]+)$/.exec(part);
    const unit = m ? UNIT_MINUTES[m[2]!] : undefined;
    if (!m || unit === undefined) return problem;
    const total = Number(m[1]) * unit;
    if (total < 1 || total > MEETUP_LIMITS.maxReminderMinutes) return problem;
    minutes.push(total);
  }
  const unique = [...new Set(minutes)].sort((a, b) => b - a);
  if (unique.length === 0 || unique.length > MEETUP_LIMITS.maxReminders) return problem;
  return { ok: unique };
}

const WITH_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** A start as typed (a date and a time) in `timeZone`, or null when it is not one. */
export function resolveStart(text: string, timeZone: string): Date | null {
  const t = text.trim();
  return WITH_TIME.test(t) ? parseWallTime(t, timeZone) : null;
}

/** An end as typed: a time on the start's day (in `timeZone`), or a date and a time; null otherwise. */
export function resolveEnd(text: string, start: Date, timeZone: string): Date | null {
  const t = text.trim();
  if (/^\d{1,2}:\d{2}$/.test(t)) {
    const day = zonedParts(start, timeZone);
    const pad = (n: number) => String(n).padStart(2, '0');
    return parseWallTime(`${day.year}-${pad(day.month)}-${pad(day.day)} ${t}`, timeZone);
  }
  return WITH_TIME.test(t) ? parseWallTime(t, timeZone) : null;
}

/** A deadline as typed: a date (end of that day) or a date and a time, in `timeZone`. */
export function resolveDeadline(text: string, timeZone: string): Date | null {
  return parseWallTime(text, timeZone);
}

/**
 * A submitted meet-up form as the text form (`title | start | end | place | description --settings`), so
 * both go through the same parsing and checks. `|` typed in a field would split it: it becomes `/`.
 */
export function meetupFormText(values: Record<string, string>): string {
  const clean = (s: string) => s.replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
  const when = clean(values['when'] ?? '');
  // "2026-10-24 19:30 - 21:30": the separator is a dash (or "tot", "to", "until") with spaces around it.
  const m = /^(.+?)\s+(?:-|–|—|tot|to|until)\s+(.+)$/i.exec(when);
  const [start, end] = m ? [m[1]!, m[2]!] : [when, ''];
  const description = clean(values['description'] ?? '');
  return [clean(values['title'] ?? ''), start, end, clean(values['place'] ?? ''), ...(description ? [description] : [])].join(' | ') + ` ${values['settings'] ?? ''}`.trimEnd();
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function lengthProblem(m: { title: string; place: string; description: string }): DefinitionProblem | null {
  if (m.title.length > MEETUP_LIMITS.titleLength || m.place.length > MEETUP_LIMITS.placeLength || m.description.length > MEETUP_LIMITS.descriptionLength) {
    return { key: 'meetups.create.tooLong', params: { title: MEETUP_LIMITS.titleLength, place: MEETUP_LIMITS.placeLength, description: MEETUP_LIMITS.descriptionLength } };
  }
  return null;
}
