import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Organization } from '../../../kernel/community.js';
import { KringError, NotFoundError, ConflictError } from '../../../kernel/errors.js';
import type { Translate, Translator } from '../../../kernel/i18n.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import { acceptLanguageLocale, cookieValue, PAGE_SECURITY_HEADERS } from '../../../kernel/web-page.js';
import { DeskAccess, type DeskSession } from '../domain/desk-access.js';
import { MAX_SUSPENSION_DAYS } from '../domain/moderation.js';
import type { Decision, ModerationService } from '../domain/moderation.service.js';
import { formatMoment } from '../views.js';
import { casePage, confirmPage, DESK_BASE, listPage, messagePage, type Banner, type DeskViewer } from './desk.pages.js';

/** What the case desk's routes need. */
export interface DeskDeps {
  moderation: ModerationService;
  access: DeskAccess;
  organizations: Pick<OrganizationRepository, 'findById'>;
  translator: Translator;
  logger: Logger;
  /** Where people reach Kring; an `https://` address makes the session cookie `Secure` behind a proxy Kring does not trust. */
  publicUrl: string;
}

/** The session cookie; scoped to the desk's path. */
export const DESK_COOKIE = 'kring_desk';

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'desk-static');

const caseNumberSchema = z.string().regex(/^[1-9][0-9]{0,7}$/).transform(Number);
const listQuerySchema = z.object({ closed: z.enum(['1']).optional() });
const DECISION_ACTIONS = ['dismiss', 'warn', 'remove', 'suspend', 'counsel', 'resolve'] as const;
const detailQuerySchema = z.object({ done: z.enum(DECISION_ACTIONS).optional() });

/** A decision as the desk's forms post it (the same decisions `/kring case …` takes). */
const decisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('dismiss') }),
  z.object({ action: z.literal('warn'), message: z.string().max(1000).optional() }),
  z.object({ action: z.literal('remove') }),
  z.object({ action: z.literal('suspend'), days: z.string().regex(/^[0-9]{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_SUSPENSION_DAYS)) }),
  z.object({ action: z.literal('counsel') }),
  z.object({ action: z.literal('resolve') }),
]);

/** The text shown after a decision (`moderation.done.*`, as the chat answers). */
const DONE_TEXT = {
  dismiss: 'moderation.done.dismissed',
  warn: 'moderation.done.warned',
  remove: 'moderation.done.removed',
  suspend: 'moderation.done.suspended',
  counsel: 'moderation.done.counsellor',
  resolve: 'moderation.done.resolved',
} as const;

/** The HTTP status for a refused decision or view: the error's kind. */
function statusOf(err: KringError): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err.code === 'MODERATION.OWN_CASE') return 403;
  return 422;
}

interface Signed {
  session: DeskSession;
  org: Organization;
  locale: Locale;
  t: Translate;
  viewer: DeskViewer;
  actor: { memberId: string; label: string };
}

/**
 * The moderators' case desk on Kring's HTTP server, under `/moderation`: the queue of open (and closed)
 * cases, one case with its reports and log, and a form for every decision the chat has, all carried out by
 * the same {@link ModerationService} (so the audit log, the reporters' outcome messages and the bus events
 * are the chat's). Sign-in by a single-use link from `/kring case desk`, confirmed with a button (a chat's
 * link preview must not use it up); the session cookie is HttpOnly, SameSite=Strict and scoped to the desk,
 * and every form carries the session's form token. Bad input answers 400/401/403/404, never 500.
 */
export function mountDesk(app: Express, deps: DeskDeps): void {
  const router = express.Router();
  const secure = (req: Request) => req.secure || deps.publicUrl.startsWith('https://');
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use((_req, res, next) => {
    for (const [k, v] of Object.entries(PAGE_SECURITY_HEADERS)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const send = (res: Response, status: number, html: string) => void res.status(status).type('html').send(html);
  const anonymous = (req: Request) => {
    const locale = acceptLanguageLocale(req.headers['accept-language']);
    return { locale, t: deps.translator.for(locale) };
  };
  const message = (req: Request, res: Response, status: number, key: 'signInFailed' | 'signInRequired' | 'signedOut' | 'notFound' | 'failed') => {
    const { locale, t } = anonymous(req);
    send(res, status, messagePage(locale, t, t(`moderation.desk.${key}`)));
  };

  /** The signed-in moderator, or a 401 page (and null). */
  const signedIn = async (req: Request, res: Response): Promise<Signed | null> => {
    const session = await deps.access.session(cookieValue(req.headers.cookie, DESK_COOKIE));
    const org = session ? await deps.organizations.findById(session.member.organizationId) : null;
    if (!session || !org) {
      message(req, res, 401, 'signInRequired');
      return null;
    }
    const locale = session.member.locale ?? org.defaultLocale;
    const m = session.member;
    return {
      session,
      org,
      locale,
      t: deps.translator.for(locale),
      viewer: { name: m.name, memberId: m.id, formToken: session.formToken },
      // The audit log names moderators as the chat does.
      actor: { memberId: m.id, label: `member ${m.memberNumber}` },
    };
  };

  router.get('/signin', (req, res) => {
    const raw = req.query['token'];
    const token = typeof raw === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? raw : '';
    const { locale, t } = anonymous(req);
    send(res, 200, confirmPage(locale, t, token));
  });

  router.post('/signin', form, async (req, res) => {
    const token = (req.body as Record<string, unknown> | undefined)?.['token'];
    const signed = typeof token === 'string' ? await deps.access.signIn(token) : null;
    if (!signed) {
      message(req, res, 401, 'signInFailed');
      return;
    }
    res.cookie(DESK_COOKIE, signed.cookie, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(req),
      path: DESK_BASE,
      maxAge: signed.session.expiresAt.getTime() - Date.now(),
    });
    res.redirect(303, `${DESK_BASE}/`);
  });

  router.post('/signout', form, async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    if (!DeskAccess.formTokenMatches(s.session, (req.body as Record<string, unknown> | undefined)?.['formToken'])) {
      send(res, 403, messagePage(s.locale, s.t, s.t('moderation.desk.staleForm')));
      return;
    }
    res.clearCookie(DESK_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: DESK_BASE });
    send(res, 200, messagePage(s.locale, s.t, s.t('moderation.desk.signedOut')));
  });

  router.get('/', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const query = listQuerySchema.safeParse(req.query);
    if (!query.success) {
      send(res, 400, messagePage(s.locale, s.t, s.t('moderation.desk.badForm', { details: issues(query.error) })));
      return;
    }
    const closed = query.data.closed === '1';
    const rows = await deps.moderation.listWithCounts(s.org.id, { closed, limit: 100 });
    send(res, 200, listPage(s.locale, s.t, s.org, s.viewer, rows, closed));
  });

  /** The case page (the view is audited, as `/kring case show`), with a banner; a refused view is a message page. */
  const showCase = async (res: Response, s: Signed, number: number, status: number, banner: (detail: Awaited<ReturnType<ModerationService['show']>>) => Banner) => {
    try {
      const detail = await deps.moderation.show(s.org.id, number, s.actor);
      send(res, status, casePage(s.locale, s.t, s.org, s.viewer, detail, banner(detail)));
    } catch (err) {
      if (!(err instanceof KringError) || !err.messageKey) throw err;
      send(res, statusOf(err), messagePage(s.locale, s.t, s.t(err.messageKey, err.params)));
    }
  };

  router.get('/cases/:number', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const number = caseNumberSchema.safeParse(req.params['number']);
    const query = detailQuerySchema.safeParse(req.query);
    if (!number.success || !query.success) {
      send(res, 400, messagePage(s.locale, s.t, s.t('moderation.desk.badCaseNumber')));
      return;
    }
    const done = query.data.done;
    await showCase(res, s, number.data, 200, (d) => {
      if (!done) return null;
      // The suspension's end as the log has it (the decision may be older than this page).
      const until = [...d.audit].reverse().find((a) => a.action === 'suspended')?.detail['until'];
      const untilText = typeof until === 'string' ? formatMoment(new Date(until), s.org.timezone) : '-';
      return { kind: 'done', text: s.t(DONE_TEXT[done], { number: d.case.number, until: untilText }) };
    });
  });

  router.post('/cases/:number', form, async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const number = caseNumberSchema.safeParse(req.params['number']);
    if (!number.success) {
      send(res, 400, messagePage(s.locale, s.t, s.t('moderation.desk.badCaseNumber')));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!DeskAccess.formTokenMatches(s.session, body['formToken'])) {
      deps.logger.warn({ member: s.session.member.id }, 'moderation: a desk form without this session\'s token');
      send(res, 403, messagePage(s.locale, s.t, s.t('moderation.desk.staleForm')));
      return;
    }
    const parsed = decisionSchema.safeParse(body);
    if (!parsed.success) {
      await showCase(res, s, number.data, 400, () => ({ kind: 'error', text: s.t('moderation.desk.badForm', { details: issues(parsed.error) }) }));
      return;
    }
    const decision: Decision = parsed.data.action === 'warn' ? { action: 'warn', message: parsed.data.message ?? null } : parsed.data;
    try {
      await deps.moderation.decide(s.org.id, number.data, s.actor, decision);
    } catch (err) {
      if (!(err instanceof KringError) || !err.messageKey) throw err;
      const text = s.t(err.messageKey, err.params);
      await showCase(res, s, number.data, statusOf(err), () => ({ kind: 'error', text }));
      return;
    }
    // Post/redirect/get: a reload does not decide twice.
    res.redirect(303, `${DESK_BASE}/cases/${number.data}?done=${decision.action}`);
  });

  router.get('/assets/desk.css', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/css').sendFile(join(staticDir, 'desk.css'));
  });

  router.use((req, res) => message(req, res, 404, 'notFound'));
  // Body-parser refusals (malformed or too large forms) keep their 4xx; anything else is logged, never shown.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'moderation: the case desk failed');
    if (res.headersSent) return;
    if (status < 500) {
      const { locale, t } = anonymous(req);
      send(res, status === 413 ? 413 : 400, messagePage(locale, t, t('moderation.desk.badForm', { details: (err as Error).message })));
      return;
    }
    message(req, res, 500, 'failed');
  });

  app.use(DESK_BASE, router);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
