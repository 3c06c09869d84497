import { Router, type Express, type Response } from 'express';
import { z } from 'zod';
import { KringError } from '../../../kernel/errors.js';
import type { Translator } from '../../../kernel/i18n.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Meetup } from '../domain/meetup.js';
import type { MeetupService } from '../domain/meetup.service.js';

/** Where the calendar URLs live on Kring's HTTP server. */
export const CALENDAR_PATHS = {
  /** A member's private feed: `/meetups/feed/<token>.ics`. */
  feed: (token: string) => `/meetups/feed/${token}.ics`,
  /** One meet-up's download: `/meetups/ics/<id>/<key>.ics` (the key makes it unguessable). */
  event: (meetup: Pick<Meetup, 'id' | 'icsKey'>) => `/meetups/ics/${meetup.id}/${meetup.icsKey}.ics`,
};

export interface CalendarRoutesDeps {
  meetups: Pick<MeetupService, 'calendarFeed' | 'byIcsKey'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  translator: Translator;
  logger: Logger;
  /** The iCalendar text of meet-ups, for a calendar named `name` in `timeZone`. */
  ics(meetups: readonly Meetup[], calendar: { name: string; timeZone: string }): Promise<string>;
}

const feedFile = z.string().regex(/^([0-9A-Za-z]{32})\.ics$/).transform((f) => f.slice(0, -4));
const eventParams = z.object({ eventId: z.uuid(), file: z.string().regex(/^[0-9A-Za-z]{24}\.ics$/).transform((f) => f.slice(0, -4)) });

/**
 * The calendar URLs on the shared HTTP server: a member's private feed (the meet-ups they have a place at;
 * calendar apps subscribe to it) and every meet-up's .ics download. Both are unguessable URLs without a
 * sign-in (calendar apps cannot sign in); a feed stops working when the member revokes it or lapses. A URL
 * that is not one answers 404 and says nothing about why.
 */
export function mountCalendar(app: Express, deps: CalendarRoutesDeps): void {
  const router = Router();
  const notFound = (res: Response) => {
    const text = (['nl', 'en'] as const).map((l) => deps.translator.for(l)('meetups.errors.feedNotFound')).join('\n');
    res.status(404).type('text/plain; charset=utf-8').setHeader('Cache-Control', 'no-store').send(`${text}\n`);
  };
  const send = (res: Response, ics: string, personal: boolean) => {
    res.setHeader('Cache-Control', personal ? 'private, no-store' : 'private, max-age=300');
    res.setHeader('X-Robots-Tag', 'noindex');
    res.status(200).type('text/calendar; charset=utf-8').send(ics);
  };

  router.get('/meetups/feed/:file', async (req, res, next) => {
    const token = feedFile.safeParse(req.params['file']);
    if (!token.success) return notFound(res);
    try {
      const { member, meetups } = await deps.meetups.calendarFeed(token.data);
      const organization = await deps.organizations.findById(member.organizationId);
      if (!organization) return notFound(res);
      const t = deps.translator.for(member.locale ?? organization.defaultLocale);
      send(res, await deps.ics(meetups, { name: t('meetups.calendar.feedName', { org: organization.name }), timeZone: organization.timezone }), true);
    } catch (err) {
      if (err instanceof KringError) return notFound(res);
      deps.logger.error({ err: (err as Error).message }, 'meetup calendar feed failed');
      next(err);
    }
  });

  router.get('/meetups/ics/:eventId/:file', async (req, res, next) => {
    const params = eventParams.safeParse(req.params);
    if (!params.success) return notFound(res);
    try {
      const meetup = await deps.meetups.byIcsKey(params.data.eventId, params.data.file);
      if (!meetup) return notFound(res);
      send(res, await deps.ics([meetup], { name: meetup.title, timeZone: meetup.timeZone }), false);
    } catch (err) {
      deps.logger.error({ err: (err as Error).message }, 'meetup .ics download failed');
      next(err);
    }
  });

  app.use(router);
}
