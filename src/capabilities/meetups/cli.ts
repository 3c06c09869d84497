import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliHost, CliQueue } from '../../capability.js';
import { fail, findOrg, localeOption, orFail, positiveInt, QUEUE_HELP, table, when } from '../../capability-cli.js';
import { KringError } from '../../kernel/errors.js';
import { attendeesCsv, attendeesXlsx } from './attendee-export.js';
import { parseReminders, resolveDeadline, resolveEnd, resolveStart } from './create-args.js';
import type { Headcount, Meetup, MeetupTarget } from './domain/meetup.js';
import type { MeetupService } from './domain/meetup.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type MeetupsCliParts = { service: MeetupService; icsUrl(meetup: Pick<Meetup, 'id' | 'icsKey'>): string };

/**
 * `kring events …`: list, show, create, cancel, attendees and export (CSV or XLSX), through the same
 * {@link MeetupService} the chat commands and the admin API use. Creating and cancelling enqueue what
 * they enqueue on the server (posting and updating the copies, direct messages); see {@link QUEUE_HELP}.
 */

const short = (id: string) => id.slice(0, 8);
const HINT = (org: string) => `see: kring events list --org ${org}`;

async function services(host: CliHost<MeetupsCliParts>, queue?: CliQueue) {
  const parts = await host.parts(queue);
  return { repos: await host.directory(), meetups: parts.service, icsUrl: parts.icsUrl };
}

function places(meetup: Meetup, h: Headcount): string {
  const taken = meetup.capacity === null ? `${h.confirmedPlaces}` : `${h.confirmedPlaces}/${meetup.capacity}`;
  return h.waitlisted > 0 ? `${taken} (+${h.waitlisted} waiting)` : taken;
}

function json(meetup: Meetup, h: Headcount, icsUrl: string) {
  return {
    id: meetup.id,
    title: meetup.title,
    startsAt: meetup.startsAt.toISOString(),
    endsAt: meetup.endsAt.toISOString(),
    timeZone: meetup.timeZone,
    place: meetup.place,
    capacity: meetup.capacity,
    guestsPerMember: meetup.guestsPerMember,
    rsvpDeadline: meetup.rsvpDeadline?.toISOString() ?? null,
    status: meetup.status,
    checkInCode: meetup.checkInCode,
    icsUrl,
    headcount: h,
  };
}

/** Registers `events` on the `kring` program. */
export function registerMeetupsCli(program: Command, ctx: CliHost<MeetupsCliParts>): void {
  const events = program
    .command('events')
    .description('meet-ups: list, show, create, cancel, attendee lists and exports (same rules as /kring event in chat)')
    .addHelpText('after', '\nA meet-up id may be shortened to its first 8 characters, as in chat. Times are in the organisation\'s time zone.')
    .exitOverride();

  events
    .command('list')
    .description('the coming meet-ups, soonest first')
    .requiredOption('--org <slug>', 'organisation')
    .option('--past', 'also meet-ups that have ended (and cancelled ones)')
    .option('--limit <n>', 'how many to show', '20')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; past?: boolean; limit: string; json?: boolean }, cmd: Command) => {
      const limit = positiveInt(cmd, opts.limit, '--limit');
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const list = await s.meetups.list(org.id, { includePast: opts.past === true, includeCancelled: opts.past === true, limit });
      const counts = await Promise.all(list.map((m) => s.meetups.headcount(m)));
      if (opts.json) {
        ctx.out(JSON.stringify(list.map((m, i) => json(m, counts[i]!, s.icsUrl(m))), null, 2));
        return;
      }
      if (list.length === 0) {
        ctx.out(`No coming meet-ups in "${org.slug}".`);
        return;
      }
      ctx.out(table(['ID', 'STATUS', 'STARTS', 'PLACES', 'MAYBE', 'TITLE'], list.map((m, i) => [short(m.id), m.status, when(m.startsAt), places(m, counts[i]!), String(counts[i]!.maybe), m.title])));
    });

  events
    .command('show')
    .description('one meet-up: times, place, places taken, check-in code, .ics link')
    .argument('<id>', 'meet-up id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--json', 'print JSON on stdout')
    .action(async (id: string, opts: { org: string; json?: boolean }, cmd: Command) => {
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const meetup = await orFail(cmd, HINT(org.slug), () => s.meetups.find(org.id, id));
      const h = await s.meetups.headcount(meetup);
      if (opts.json) {
        ctx.out(JSON.stringify(json(meetup, h, s.icsUrl(meetup)), null, 2));
        return;
      }
      for (const line of [
        `Meet-up ${short(meetup.id)}: ${meetup.title}`,
        `  status     ${meetup.status}`,
        `  when       ${when(meetup.startsAt)} – ${when(meetup.endsAt)} (shown in ${meetup.timeZone})`,
        `  place      ${meetup.place.text}${meetup.place.kind === 'online' ? ' (online)' : ''}`,
        `  places     ${places(meetup, h)}; maybe ${h.maybe}; can't ${h.notGoing}; checked in ${h.checkedIn}`,
        `  guests     ${meetup.guestsPerMember > 0 ? `up to ${meetup.guestsPerMember} per member` : 'members only'}`,
        `  deadline   ${when(meetup.rsvpDeadline)}`,
        `  check-in   ${meetup.checkInCode}`,
        `  .ics       ${s.icsUrl(meetup)}`,
      ]) ctx.out(line);
    });

  events
    .command('create')
    .description('create a meet-up and post it to the general and news channels (or the chapter channels)')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--title <title>', 'title')
    .requiredOption('--start <when>', 'start: "2026-10-24 19:30" (organisation time)')
    .requiredOption('--end <when>', 'end: a time on the same day ("21:30") or a date and time')
    .requiredOption('--place <place>', 'an address or an online link')
    .option('--description <text>', 'description', '')
    .option('--capacity <n>', 'places for members and guests together (default: no limit)')
    .option('--guests <n>', 'guests each member may bring (default 0: members only)', '0')
    .option('--deadline <when>', 'answers close then')
    .option('--remind <list>', 'reminders before the start, e.g. 1d,1h (default) or none')
    .option('--chapter <name...>', 'only for members of these chapters (posted in their chapter channels)')
    .option('--record-only', 'without REDIS_URL: only store the meet-up in the database (nothing is posted)')
    .addHelpText('after', QUEUE_HELP)
    .action(async (opts: { org: string; title: string; start: string; end: string; place: string; description: string; capacity?: string; guests: string; deadline?: string; remind?: string; chapter?: string[]; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const s = await services(ctx, queue);
        const org = await findOrg(cmd, s.repos, opts.org);
        const tz = org.timezone;
        const startsAt = resolveStart(opts.start, tz) ?? fail(cmd, `--start "${opts.start}" is not a date and time such as "2026-10-24 19:30" (${tz})`);
        const endsAt = resolveEnd(opts.end, startsAt, tz) ?? fail(cmd, `--end "${opts.end}" is not a time ("21:30") or a date and time`);
        const rsvpDeadline = opts.deadline === undefined ? null : (resolveDeadline(opts.deadline, tz) ?? fail(cmd, `--deadline "${opts.deadline}" is not a date (and time)`));
        const capacity = opts.capacity === undefined ? null : positiveInt(cmd, opts.capacity, '--capacity');
        const guests = Number(opts.guests);
        if (!Number.isInteger(guests) || guests < 0) fail(cmd, `--guests must be a whole number from 0, not "${opts.guests}"`);
        let reminderOffsets: number[] | undefined;
        if (opts.remind !== undefined) {
          const r = parseReminders(opts.remind);
          if ('problem' in r) fail(cmd, `--remind "${opts.remind}" is not a list such as 1d,1h or none`);
          reminderOffsets = r.ok;
        }
        const chapters = await s.repos.chapters.list(org.id);
        const chapterIds = (opts.chapter ?? []).map((name) => chapters.find((c) => c.name.toLowerCase() === name.toLowerCase())?.id ?? fail(cmd, `no chapter "${name}" (chapters: ${chapters.map((c) => c.name).join(', ') || '-'})`));
        const channels = await s.repos.channels.list(org.id);
        const targets: MeetupTarget[] = channels
          .filter((c) => (chapterIds.length > 0 ? c.purpose === 'chapter' && c.chapterId !== null && chapterIds.includes(c.chapterId) : c.purpose === 'general' || c.purpose === 'news'))
          .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
        if (targets.length === 0) fail(cmd, 'the organisation has no connected channel for this audience (see: /kring channel connect)');
        let meetup: Meetup;
        try {
          meetup = await s.meetups.create({
            organizationId: org.id,
            title: opts.title,
            description: opts.description,
            startsAt,
            endsAt,
            timeZone: tz,
            place: opts.place,
            audience: chapterIds.length > 0 ? { kind: 'chapters', chapterIds } : { kind: 'all' },
            guestsPerMember: guests,
            capacity,
            rsvpDeadline,
            ...(reminderOffsets ? { reminderOffsets } : {}),
            targets,
          });
        } catch (err) {
          if (err instanceof KringError && err.messageKey) fail(cmd, `${ctx.translator.for('en')(err.messageKey, err.params)} (${err.code})`);
          throw err;
        }
        ctx.out(`Created meet-up ${short(meetup.id)}: ${meetup.title}, posted to ${targets.length} channel(s). Check-in code: ${meetup.checkInCode}.`);
        if (queue.mode !== 'bullmq') ctx.out(`Stored only (--record-only): ${queue.dropped()} queue job(s) dropped; nothing is posted in chat.`);
      } finally {
        await queue.close();
      }
    });

  events
    .command('cancel')
    .description('cancel a meet-up: every copy says so and everyone who answered going or maybe is told')
    .argument('<id>', 'meet-up id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only record the cancellation in the database (copies and members are not told)')
    .addHelpText('after', QUEUE_HELP)
    .action(async (id: string, opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const s = await services(ctx, queue);
        const org = await findOrg(cmd, s.repos, opts.org);
        const meetup = await orFail(cmd, HINT(org.slug), () => s.meetups.find(org.id, id));
        if (meetup.status === 'cancelled') fail(cmd, `Meet-up ${short(meetup.id)} is cancelled already.`);
        const { told } = await s.meetups.cancel(meetup);
        ctx.out(queue.mode === 'bullmq' ? `Cancelled; the copies are queued for an update and ${told} member(s) for a message.` : `Cancelled in the database only (--record-only): ${queue.dropped()} queue job(s) dropped.`);
      } finally {
        await queue.close();
      }
    });

  events
    .command('attendees')
    .description('who is coming: confirmed, waitlist, maybe, can\'t; chapter, guests, check-in')
    .argument('<id>', 'meet-up id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (id: string, opts: { org: string }, cmd: Command) => {
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const meetup = await orFail(cmd, HINT(org.slug), () => s.meetups.find(org.id, id));
      const list = await s.meetups.attendees(meetup);
      if (list.rows.length === 0) {
        ctx.out('Nobody has answered yet.');
        return;
      }
      ctx.out(table(['NUMBER', 'NAME', 'CHAPTER', 'ANSWER', 'PLACE', 'GUESTS', 'CHECKED IN'], list.rows.map((r) => [
        r.memberNumber, r.name, r.chapterName ?? '-', r.answer ?? '-', r.seat ?? '-', String(r.guests), r.checkedInAt ? when(r.checkedInAt) : '-',
      ])));
      ctx.out('');
      ctx.out(`places ${places(meetup, list.headcount)}; first-timers ${list.firstTimers}`);
    });

  events
    .command('export')
    .description('export the attendee list as CSV (default) or XLSX')
    .argument('<id>', 'meet-up id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .option('--out <file>', 'write to this file (default: stdout; required for xlsx)')
    .option('--lang <lang>', 'language of the column names: nl or en (default: the organisation\'s)')
    .action(async (id: string, opts: { org: string; format: string; out?: string; lang?: string }, cmd: Command) => {
      if (opts.format !== 'csv' && opts.format !== 'xlsx') fail(cmd, `--format is csv or xlsx, not "${opts.format}"`);
      if (opts.format === 'xlsx' && opts.out === undefined) fail(cmd, 'an XLSX export needs --out <file>');
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const t = ctx.translator.for(localeOption(cmd, opts.lang, org));
      const meetup = await orFail(cmd, HINT(org.slug), () => s.meetups.find(org.id, id));
      const list = await s.meetups.attendees(meetup);
      if (opts.format === 'xlsx') {
        await writeFile(opts.out!, await attendeesXlsx(list, t));
      } else if (opts.out === undefined) {
        ctx.write(attendeesCsv(list, t));
        return;
      } else {
        await writeFile(opts.out, attendeesCsv(list, t), 'utf8');
      }
      ctx.err(`Wrote ${opts.out}: meet-up ${short(meetup.id)}, ${list.rows.length} line(s).`);
    });
}
