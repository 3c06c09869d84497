import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { attendeesCsv, attendeesXlsx } from './attendee-export.js';
import { meetupCalendar } from './calendar.js';
import { registerMeetupsCli } from './cli.js';
import { meetupCommands } from './commands.js';
import type { Meetup } from './domain/meetup.js';
import { MeetupCopiesService } from './domain/meetup-copies.service.js';
import { MeetupNoticesService } from './domain/meetup-notices.service.js';
import { MeetupService } from './domain/meetup.service.js';
import { MeetupSuggestionsService } from './domain/meetup-suggestions.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { MEETUP_QUEUE } from './jobs/meetup.jobs.js';
import { MeetupScheduler, type MeetupSchedulerOptions } from './jobs/meetup.scheduler.js';
import { MeetupWorker } from './jobs/meetup.worker.js';
import type { MeetupRepository } from './ports.js';
import { PrismaMeetupRepository } from './repository/prisma-meetup.repository.js';
import { PrismaMeetupSuggestionsRepository } from './repository/prisma-meetup-suggestions.repository.js';
import { CALENDAR_PATHS, mountCalendar } from './routes/calendar.routes.js';
import { meetupRoutes } from './routes/meetups.routes.js';
import { meetupMessageView, noticeView, suggestionView } from './views.js';

/** Parts a test or benchmark may tune when building meet-ups. */
export interface MeetupsOptions {
  scheduler?: MeetupSchedulerOptions;
}

/** What the meet-ups capability built, for tests, benchmarks and the CLI. */
export interface MeetupsParts extends CapabilityParts {
  service: MeetupService;
  repo: MeetupRepository;
  scheduler: MeetupScheduler;
  copies: MeetupCopiesService;
  notices: MeetupNoticesService;
  suggestions: MeetupSuggestionsService;
  /** The public .ics URL of a meet-up. */
  icsUrl(meetup: Pick<Meetup, 'id' | 'icsKey'>): string;
  /** The URL of a member's private calendar feed. */
  feedUrl(token: string): string;
}

/**
 * Meet-ups (bijeenkomsten): one list of attendees per meet-up, whichever platform members answer on. Posted
 * to channels on every platform with Going / Maybe / Can't buttons and a live count on every copy; capacity
 * with a waitlist that moves up in order (whoever moves up gets a direct message); reminders a day and an
 * hour before; changes and cancellations told to attendees; check-in with a code; an .ics per meet-up and
 * a private calendar feed per member; Discord scheduled events as mirrors. Managers create meet-ups with
 * `/kring event …` (or its form), the CLI or the admin API. Publishes `meetup.created`,
 * `meetup.rsvp-changed` and `meetup.attended`.
 */
export const meetups = defineCapability({
  name: 'meetups',
  texts: { en, nl },
  apiScopes: ['events:read', 'events:write'],
  build(ctx: CapabilityContext, options: MeetupsOptions = {}): MeetupsParts {
    const { directory, translator, logger, clock } = ctx;
    const repo = ctx.repository(PrismaMeetupRepository);
    const scheduler = new MeetupScheduler(ctx.queue, clock, options.scheduler);
    const publicUrl = ctx.settings.publicUrl;
    const icsUrl = (meetup: Pick<Meetup, 'id' | 'icsKey'>) => `${publicUrl}${CALENDAR_PATHS.event(meetup)}`;
    const feedUrl = (token: string) => `${publicUrl}${CALENDAR_PATHS.feed(token)}`;
    const host = (() => {
      try {
        return new URL(publicUrl).host;
      } catch {
        return 'kring.invalid';
      }
    })();
    const ics = (list: readonly Meetup[], calendar: { name: string; timeZone: string }) =>
      meetupCalendar(list, { ...calendar, host, urlOf: icsUrl, now: clock.now() });

    const service = new MeetupService({
      repo,
      clock,
      jobs: scheduler,
      bus: ctx.bus,
      members: directory.members,
      onFollowUpError: (what, meetupId, err) => logger.error({ what, meetupId, err: (err as Error).message }, 'meetup follow-up failed'),
    });
    const copies = new MeetupCopiesService({
      repo,
      platforms: ctx.platforms,
      organizations: directory.organizations,
      jobs: scheduler,
      clock,
      logger,
      skipUnchanged: ctx.queue.driver === 'in-process',
      render: ({ meetup, headcount, organization, now }) => {
        const locale = organization.defaultLocale;
        return meetupMessageView(meetup, headcount, { t: translator.for(locale), locale, now, icsUrl: icsUrl(meetup) });
      },
    });
    const notices = new MeetupNoticesService({
      repo,
      jobs: scheduler,
      platforms: ctx.platforms,
      organizations: directory.organizations,
      members: directory.members,
      identities: directory.identities,
      clock,
      logger,
      render: ({ meetup, kind, member, rsvp, organization, offsetMinutes }) => {
        const locale = member.locale ?? organization.defaultLocale;
        return noticeView({ meetup, kind, rsvp, icsUrl: icsUrl(meetup), ...(offsetMinutes ? { offsetMinutes } : {}) }, translator.for(locale), locale);
      },
    });
    const suggestions = new MeetupSuggestionsService({
      store: ctx.repository(PrismaMeetupSuggestionsRepository),
      jobs: scheduler,
      platforms: ctx.platforms,
      organizations: directory.organizations,
      chapters: directory.chapters,
      channels: directory.channels,
      members: directory.members,
      identities: directory.identities,
      clock,
      logger,
      render: ({ suggestion, chapterName, locale }) => suggestionView({ interest: suggestion.interest, members: suggestion.members, chapterName }, translator.for(locale)),
    });
    const worker = new MeetupWorker(copies, notices, suggestions);
    const catalogue = meetupCommands({ meetups: service, suggestions, channels: directory.channels, chapters: directory.chapters, clock, feedUrl });
    return {
      service,
      repo,
      scheduler,
      copies,
      notices,
      suggestions,
      icsUrl,
      feedUrl,
      ...catalogue,
      api: {
        routes: meetupRoutes({
          meetups: service,
          channels: directory.channels,
          chapters: directory.chapters,
          icsUrl,
          csv: (list, locale) => attendeesCsv(list, translator.for(locale)),
          xlsx: (list, locale) => attendeesXlsx(list, translator.for(locale)),
          ics: (meetup) => ics([meetup], { name: meetup.title, timeZone: meetup.timeZone }),
        }),
        tags: [{ name: 'Meet-ups', description: 'Meet-ups with RSVP, waitlist and check-in; attendee lists as JSON, CSV and XLSX; iCalendar.' }],
      },
      // Interests are the connect capability's (#13): a saved profile may bring a chapter to the threshold.
      on: { 'connect.profile-saved': async (event) => void (await suggestions.profileSaved(event)) },
      mount: (app) => mountCalendar(app, { meetups: service, organizations: directory.organizations, translator, logger, ics }),
      async start() {
        ctx.queue.process(MEETUP_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
        // The in-process queue forgets timers on restart; BullMQ ignores the repeats (same job ids).
        for (const meetup of await repo.listUpcoming(clock.now(), 10_000)) await scheduler.scheduleTimers(meetup, await repo.listReminders(meetup.id));
      },
    };
  },
  cli: (program, host) => registerMeetupsCli(program, host),
});
