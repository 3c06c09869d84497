import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock, ViewButton } from '../../kernel/ports/chat-platform.js';
import type { Locale } from '../../kernel/types.js';
import { formatInZone } from '../../kernel/zoned-time.js';
import {
  checkInOpen,
  hasEnded,
  rsvpClosedReason,
  rsvpValue,
  shortMeetupId,
  type Headcount,
  type Meetup,
  type MeetupAnswer,
  type MeetupPlace,
  type Rsvp,
} from './domain/meetup.js';
import type { AttendeeList, RsvpOutcome } from './domain/meetup.service.js';
import type { NoticeKind } from './ports.js';

/** Action id of the Going / Maybe / Can't buttons; the value is {@link rsvpValue}. */
export const MEETUP_RSVP_ACTION = 'meetup.rsvp';
/** Action id of the check-in button (opens the code form); the value is the meet-up id. */
export const MEETUP_CHECKIN_ACTION = 'meetup.checkin';

/** What a meet-up view needs besides the meet-up. */
export interface MeetupViewContext {
  t: Translate;
  locale: Locale;
  now: Date;
  /** The public .ics URL of this meet-up (a calendar link is shown when given). */
  icsUrl?: string;
}

const formatters = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/** `za 24 okt 2026 19:30–21:30`, or both dates when it spans days; in the meet-up's zone. */
export function formatWhen(meetup: Pick<Meetup, 'startsAt' | 'endsAt' | 'timeZone'>, locale: Locale): string {
  const key = `${locale}|${meetup.timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const tag = locale === 'nl' ? 'nl-NL' : 'en-GB';
    f = {
      day: new Intl.DateTimeFormat(tag, { timeZone: meetup.timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
      time: new Intl.DateTimeFormat(tag, { timeZone: meetup.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    formatters.set(key, f);
  }
  const startDay = f.day.format(meetup.startsAt);
  const endDay = f.day.format(meetup.endsAt);
  const start = `${startDay} ${f.time.format(meetup.startsAt)}`;
  return startDay === endDay ? `${start}–${f.time.format(meetup.endsAt)}` : `${start} – ${endDay} ${f.time.format(meetup.endsAt)}`;
}

/** The place for people: the address, or a link for online meetings. */
export function placeText(place: MeetupPlace, t: Translate): string {
  return place.kind === 'online' ? t('meetups.view.online', { url: place.text }) : place.text;
}

/** `2 of 2 places taken (full) · 1 on the waitlist · 3 maybe`. */
export function placesLine(meetup: Pick<Meetup, 'capacity'>, h: Headcount, t: Translate): string {
  const parts: string[] = [];
  if (meetup.capacity === null) parts.push(t('meetups.view.placesNoLimit', { count: h.confirmedPlaces }));
  else {
    const taken = t('meetups.view.placesTaken', { taken: h.confirmedPlaces, capacity: meetup.capacity });
    parts.push(h.confirmedPlaces >= meetup.capacity ? `${taken} (${t('meetups.view.full')})` : taken);
  }
  if (h.waitlisted > 0) parts.push(t('meetups.view.waitlist', { count: h.waitlisted }));
  if (h.maybe > 0) parts.push(t('meetups.view.maybe', { count: h.maybe }));
  return parts.join(' · ');
}

/**
 * The posted meet-up message: title, when, where, places (live count and waitlist), guests, description,
 * the Going / Maybe / Can't buttons while answers are open, a check-in button while check-in is open, and
 * a calendar link. Cancelled and ended meet-ups say so and have no buttons. Every copy on every platform
 * shows this same view; nothing in it depends on who looks.
 */
export function meetupMessageView(meetup: Meetup, headcount: Headcount, ctx: MeetupViewContext): View {
  const { t, locale, now } = ctx;
  const cancelled = meetup.status === 'cancelled';
  const ended = !cancelled && hasEnded(meetup, now);
  const blocks: ViewBlock[] = [{ type: 'heading', text: meetup.title }];
  if (cancelled) blocks.push({ type: 'text', text: t('meetups.view.cancelled') });
  blocks.push({
    type: 'fields',
    fields: [
      { label: t('meetups.view.when'), value: `${formatWhen(meetup, locale)} (${meetup.timeZone})` },
      { label: t('meetups.view.where'), value: placeText(meetup.place, t) },
      { label: t('meetups.view.places'), value: placesLine(meetup, headcount, t) },
      {
        label: t('meetups.view.guests'),
        value: meetup.guestsPerMember > 0 ? t('meetups.view.guestsAllowed', { count: meetup.guestsPerMember }) : t('meetups.view.membersOnly'),
      },
    ],
  });
  if (meetup.description !== '') blocks.push({ type: 'text', text: meetup.description });
  if (ended) blocks.push({ type: 'text', text: t('meetups.view.ended', { count: headcount.checkedIn }) });
  const closed = rsvpClosedReason(meetup, now);
  if (closed === null) {
    blocks.push({ type: 'buttons', buttons: rsvpButtons(meetup, t) });
    if (meetup.rsvpDeadline) blocks.push({ type: 'context', text: t('meetups.view.deadline', { date: formatInZone(meetup.rsvpDeadline, locale, meetup.timeZone) }) });
  } else if (!cancelled && !ended) {
    blocks.push({ type: 'context', text: t('meetups.view.answersClosed') });
  }
  if (checkInOpen(meetup, now)) {
    blocks.push({ type: 'text', text: t('meetups.view.checkInOpen') });
    blocks.push({ type: 'buttons', buttons: [{ actionId: MEETUP_CHECKIN_ACTION, label: t('meetups.view.checkIn'), value: meetup.id, style: 'primary' }] });
  }
  if (ctx.icsUrl && !cancelled && !ended) blocks.push({ type: 'text', text: t('meetups.view.calendar', { url: ctx.icsUrl }) });
  const going = placesLine(meetup, headcount, t);
  blocks.push({ type: 'context', text: t('meetups.view.footer', { id: shortMeetupId(meetup.id), going }) });
  return { fallback: `${meetup.title}: ${formatWhen(meetup, locale)} (${going})`, blocks };
}

function rsvpButtons(meetup: Meetup, t: Translate): ViewButton[] {
  const buttons: ViewButton[] = [{ actionId: MEETUP_RSVP_ACTION, label: t('meetups.view.going'), value: rsvpValue(meetup.id, 'going'), style: 'primary' }];
  if (meetup.guestsPerMember > 0) buttons.push({ actionId: MEETUP_RSVP_ACTION, label: t('meetups.view.goingWithGuest'), value: rsvpValue(meetup.id, 'going', 1) });
  buttons.push({ actionId: MEETUP_RSVP_ACTION, label: t('meetups.view.maybeButton'), value: rsvpValue(meetup.id, 'maybe') });
  buttons.push({ actionId: MEETUP_RSVP_ACTION, label: t('meetups.view.notGoing'), value: rsvpValue(meetup.id, 'not_going') });
  return buttons;
}

/** The private answer to an RSVP: where the member stands now. */
export function rsvpConfirmation(outcome: RsvpOutcome, t: Translate, locale: Locale): string {
  const { meetup, rsvp } = outcome;
  const date = formatWhen(meetup, locale);
  if (!outcome.changed) return t('meetups.rsvp.unchanged');
  switch (rsvp.answer) {
    case 'going':
      if (rsvp.seat === 'waitlisted') return t('meetups.rsvp.waitlisted', { title: meetup.title, position: outcome.waitlistPosition ?? 1 });
      return rsvp.guests > 0 ? t('meetups.rsvp.goingWithGuests', { title: meetup.title, date, count: rsvp.guests }) : t('meetups.rsvp.going', { title: meetup.title, date });
    case 'maybe':
      return [t('meetups.rsvp.maybe'), ...(outcome.gaveUpPlace ? [t('meetups.rsvp.gaveUpPlace')] : [])].join(' ');
    case 'not_going':
      return [t('meetups.rsvp.notGoing', { title: meetup.title }), ...(outcome.gaveUpPlace ? [t('meetups.rsvp.gaveUpPlace')] : [])].join(' ');
  }
}

/** A direct message about a meet-up, in the member's language. */
export function noticeView(input: { meetup: Meetup; kind: NoticeKind; rsvp: Rsvp | null; offsetMinutes?: number; icsUrl?: string }, t: Translate, locale: Locale): View {
  const { meetup } = input;
  const date = `${formatWhen(meetup, locale)} (${meetup.timeZone})`;
  const params = { title: meetup.title, date, place: placeText(meetup.place, t) };
  let text: string;
  switch (input.kind) {
    case 'promoted':
      text = t('meetups.notice.promoted', params);
      break;
    case 'changed':
      text = t('meetups.notice.changed', params);
      break;
    case 'cancelled':
      text = t('meetups.notice.cancelled', params);
      break;
    case 'reminder':
      text = reminderText(input.offsetMinutes ?? 60, params, t);
      break;
  }
  const blocks: ViewBlock[] = [{ type: 'text', text }];
  if (input.icsUrl && input.kind !== 'cancelled') blocks.push({ type: 'context', text: t('meetups.notice.calendar', { url: input.icsUrl }) });
  return { fallback: stripLinks(text), blocks };
}

function reminderText(offsetMinutes: number, params: Record<string, string>, t: Translate): string {
  if (offsetMinutes % (24 * 60) === 0) return t('meetups.notice.reminderDays', { ...params, count: offsetMinutes / (24 * 60) });
  if (offsetMinutes % 60 === 0) return t('meetups.notice.reminderHours', { ...params, count: offsetMinutes / 60 });
  return t('meetups.notice.reminderMinutes', { ...params, count: offsetMinutes });
}

function stripLinks(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

/** The managers' list in chat: sections per answer, guests, check-ins, turn-up per chapter, the code. */
export function attendeesBlocks(list: AttendeeList, t: Translate, maxChars = 2800): ViewBlock[] {
  const { rows, meetup } = list;
  if (rows.length === 0) return [{ type: 'text', text: t('meetups.attendees.none') }, { type: 'context', text: t('meetups.attendees.code', { code: meetup.checkInCode }) }];
  const line = (r: (typeof rows)[number]) => {
    const tags = [r.checkedInAt ? t('meetups.attendees.checkedIn') : '', r.firstVisit ? t('meetups.attendees.firstTime') : ''].filter((x) => x !== '');
    const base = t('meetups.attendees.line', { name: r.name, number: r.memberNumber, chapter: r.chapterName ? `, ${r.chapterName}` : '' });
    return `- ${base}${r.guests > 0 ? t('meetups.attendees.withGuests', { count: r.guests }) : ''}${tags.length > 0 ? ` · ${tags.join(', ')}` : ''}`;
  };
  const sections: [string, typeof rows][] = [
    [t('meetups.attendees.going', { count: rows.filter((r) => r.seat === 'confirmed').length }), rows.filter((r) => r.seat === 'confirmed')],
    [t('meetups.attendees.waitlist', { count: rows.filter((r) => r.seat === 'waitlisted').length }), rows.filter((r) => r.seat === 'waitlisted')],
    [t('meetups.attendees.maybe', { count: rows.filter((r) => r.answer === 'maybe').length }), rows.filter((r) => r.answer === 'maybe')],
    [t('meetups.attendees.notGoing', { count: rows.filter((r) => r.answer === 'not_going').length }), rows.filter((r) => r.answer === 'not_going')],
    [t('meetups.attendees.walkIns', { count: rows.filter((r) => r.answer === null).length }), rows.filter((r) => r.answer === null)],
  ];
  const lines: string[] = [];
  for (const [title, members] of sections) {
    if (members.length === 0) continue;
    lines.push(`**${title}**`, ...members.map(line));
  }
  let used = 0;
  let shown = 0;
  for (const l of lines) {
    if (used + l.length + 1 > maxChars && shown > 0) break;
    used += l.length + 1;
    shown += 1;
  }
  const blocks: ViewBlock[] = [{ type: 'text', text: lines.slice(0, shown).join('\n') }];
  if (shown < lines.length) blocks.push({ type: 'context', text: t('meetups.attendees.truncated', { shown, total: lines.length, id: shortMeetupId(meetup.id) }) });
  if (list.byChapter.length > 0) {
    const turnUp = list.byChapter
      .map((c) => {
        const line = t('meetups.attendees.turnUpLine', { chapter: c.chapterName ?? t('meetups.attendees.noChapter'), checkedIn: c.checkedIn, confirmed: c.confirmed });
        return c.walkIns > 0 ? `${line} ${t('meetups.attendees.walkInCount', { count: c.walkIns })}` : line;
      })
      .join(', ');
    blocks.push({ type: 'context', text: `${t('meetups.attendees.turnUp', { lines: turnUp })} · ${t('meetups.attendees.firstTimers', { count: list.firstTimers })}` });
  }
  blocks.push({ type: 'context', text: `${placesLine(meetup, list.headcount, t)} · ${t('meetups.attendees.code', { code: meetup.checkInCode })}` });
  return blocks;
}

/** An answer as members read it. */
export function answerText(rsvp: Pick<Rsvp, 'answer' | 'seat'>, t: Translate): string {
  if (rsvp.answer === 'going' && rsvp.seat === 'waitlisted') return t('meetups.answers.waitlisted');
  return t(`meetups.answers.${rsvp.answer satisfies MeetupAnswer}`);
}

/** The suggestion managers get when members of a chapter share an interest. */
export function suggestionView(input: { interest: string; members: number; chapterName: string }, t: Translate): View {
  const text = t('meetups.suggest.text', { count: input.members, chapter: input.chapterName, interest: input.interest });
  return {
    fallback: stripLinks(text),
    blocks: [
      { type: 'heading', text: t('meetups.suggest.title') },
      { type: 'text', text },
      { type: 'context', text: t('meetups.suggest.hint', { chapter: input.chapterName }) },
    ],
  };
}
