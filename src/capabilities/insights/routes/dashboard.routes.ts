import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { insightsEn } from '../i18n/en.js';
import type { Translator } from '../../../kernel/i18n.js';
import { SPREADSHEET_SAFE_CSV } from '../../../kernel/spreadsheet-safe.js';
import type { DashboardAccess } from '../domain/dashboard-access.js';
import type { InsightsService } from '../domain/insights.service.js';
import type { PrivacyService } from '../domain/privacy.service.js';
import { PERIODS, type PeriodKey } from '../domain/time.js';
import { isModerator, type Member, type Organization } from '../../../kernel/community.js';
import { PLATFORMS, toLocale, type Locale } from '../../../kernel/types.js';
import { acceptLanguageLocale, cookieValue, escapeHtml, PAGE_SECURITY_HEADERS } from '../../../kernel/web-page.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { ChapterRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';

/** What the dashboard routes need. */
export interface DashboardDeps {
  insights: InsightsService;
  privacy: PrivacyService;
  access: DashboardAccess;
  organizations: Pick<OrganizationRepository, 'findById'>;
  chapters: Pick<ChapterRepository, 'list'>;
  translator: Translator;
  logger: Logger;
  /**
   * The address people reach the dashboard at (the organisation's, or Kring's when none is known). An
   * `https://` address makes the session cookie `Secure` even when the request reached Kring over plain
   * http (TLS ended at a proxy that Kring is not told to trust).
   */
  publicUrl: (organizationId: string | undefined) => Promise<string>;
}

/** The session cookie; scoped to the dashboard's path. */
export const SESSION_COOKIE = 'kring_insights';
const BASE = '/insights';

/** The texts of the dashboard's own pages (`insights.dashboard.page.*`). */
type PageText = keyof typeof insightsEn.dashboard.page;

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, 'dashboard-static');
// chart.js exports only its module entry points; its UMD build sits next to the CommonJS one.
const chartJsFile = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const filterSchema = z.object({
  period: z.enum(Object.keys(PERIODS) as [PeriodKey, ...PeriodKey[]]).default('month'),
  chapter: z.uuid().optional().or(z.literal('').transform(() => undefined)),
  platform: z.enum(PLATFORMS).optional().or(z.literal('').transform(() => undefined)),
  org: z.string().max(100).optional(),
});

const cookie = (req: Request, name: string) => cookieValue(req.headers.cookie, name);
const requestLocale = (req: Request): Locale => acceptLanguageLocale(req.headers['accept-language']);
const page = (name: string) => readFileSync(join(staticDir, name), 'utf8');

/**
 * The insights dashboard on Kring's HTTP server, under `/insights`: the sign-in route that consumes a
 * `/kring dashboard` link, the page (plain HTML + Chart.js's UMD build from node_modules, no build step),
 * a JSON endpoint with filters, and the short-lived downloads (`/kring insights export`, `/kring mydata`).
 * Every data route answers only for the organisation of the signed-in manager.
 */
export function mountDashboard(app: Express, deps: DashboardDeps): void {
  const router = express.Router();
  const templates = { index: page('index.html'), message: page('message.html'), confirm: page('confirm.html') };

  router.use((_req, res, next) => {
    for (const [k, v] of Object.entries(PAGE_SECURITY_HEADERS)) res.setHeader(k, v);
    next();
  });

  const message = (res: Response, status: number, locale: Locale, key: PageText) => {
    const t = deps.translator.for(locale);
    const html = templates.message
      .replaceAll('{{lang}}', locale)
      .replaceAll('{{title}}', escapeHtml(t('insights.dashboard.page.title', { org: 'Kring' })))
      .replaceAll('{{message}}', escapeHtml(t(`insights.dashboard.page.${key}`)));
    res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(html);
  };

  const session = async (req: Request) => deps.access.session(cookie(req, SESSION_COOKIE));
  /** `Secure` when people reach Kring over https: by the public address, or by the request itself. */
  const secureCookie = async (req: Request, organizationId: string | undefined): Promise<boolean> =>
    req.secure || (await deps.publicUrl(organizationId)).startsWith('https://');

  /**
   * Links in chat (sign-in, downloads) answer GET with a page holding one button that POSTs the token:
   * chat clients fetch links for previews, and such a fetch must neither use up a sign-in link nor carry
   * a member's file to the platform's preview service.
   */
  const confirmPage = (path: string, intro: PageText, button: PageText) => (req: Request, res: Response) => {
    const raw = req.query['token'];
    const token = typeof raw === 'string' && /^[A-Za-z0-9_.-]{1,2000}$/.test(raw) ? raw : '';
    const locale = requestLocale(req);
    const t = deps.translator.for(locale);
    const html = templates.confirm
      .replaceAll('{{lang}}', locale)
      .replaceAll('{{title}}', escapeHtml(t('insights.dashboard.page.title', { org: 'Kring' })))
      .replaceAll('{{intro}}', escapeHtml(t(`insights.dashboard.page.${intro}`)))
      .replaceAll('{{button}}', escapeHtml(t(`insights.dashboard.page.${button}`)))
      .replaceAll('{{action}}', `${BASE}${path}`)
      .replaceAll('{{token}}', token);
    res.status(200).type('html').setHeader('Cache-Control', 'no-store').send(html);
  };
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const posted = (req: Request): string | undefined => {
    const value = (req.body as Record<string, unknown> | undefined)?.['token'];
    return typeof value === 'string' ? value : undefined;
  };

  router.get('/signin', confirmPage('/signin', 'signInIntro', 'signInButton'));
  router.get('/export.csv', confirmPage('/export.csv', 'downloadIntro', 'downloadButton'));
  router.get('/mydata.json', confirmPage('/mydata.json', 'downloadIntro', 'downloadButton'));

  router.post('/signin', form, async (req, res) => {
    const signedIn = await deps.access.signIn(posted(req) ?? '');
    if (!signedIn) {
      message(res, 401, requestLocale(req), 'signInFailed');
      return;
    }
    const maxAge = Math.floor((signedIn.grant.expiresAt.getTime() - Date.now()) / 1000);
    const secure = await secureCookie(req, signedIn.grant.organizationId);
    res.cookie(SESSION_COOKIE, signedIn.cookie, { httpOnly: true, sameSite: 'lax', secure, path: BASE, maxAge: maxAge * 1000 });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, `${BASE}/`);
  });

  router.get('/signout', async (req, res) => {
    const signedIn = await session(req);
    res.clearCookie(SESSION_COOKIE, { path: BASE, httpOnly: true, sameSite: 'lax', secure: await secureCookie(req, signedIn?.grant.organizationId) });
    message(res, 200, requestLocale(req), 'signInRequired');
  });

  router.get('/', async (req, res) => {
    const s = await session(req);
    if (!s) {
      message(res, 401, requestLocale(req), 'signInRequired');
      return;
    }
    const org = await deps.organizations.findById(s.grant.organizationId);
    if (!org) {
      message(res, 401, requestLocale(req), 'signInRequired');
      return;
    }
    const locale = s.member.locale ?? org.defaultLocale;
    const t = deps.translator.for(locale);
    // A manager who is also a moderator gets a way to the moderators' case desk (the moderation capability's
    // page and text; it signs in with its own link, `/kring case desk`).
    const desk = isModerator(s.member) ? `<a id="desk-link" href="/moderation/">${escapeHtml(t('moderation.desk.dashboardLink'))}</a>` : '';
    const html = templates.index
      .replaceAll('{{lang}}', locale)
      .replaceAll('{{title}}', escapeHtml(t('insights.dashboard.page.title', { org: org.name })))
      .replace('{{desk}}', desk)
      .replace('{{labels}}', JSON.stringify(labels(deps.translator, locale, org, s.member)).replace(/</g, '\\u003c'));
    res.status(200).type('html').setHeader('Cache-Control', 'no-store').send(html);
  });

  router.get('/api/data', async (req, res) => {
    const s = await session(req);
    if (!s) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    const parsed = filterSchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad filter', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      return;
    }
    const f = parsed.data;
    // A manager sees their own organisation, and only that: naming another one is refused outright.
    if (f.org !== undefined && f.org !== s.grant.organizationId) {
      deps.logger.warn({ organization: s.grant.organizationId, asked: f.org }, 'insights: dashboard asked for another organisation');
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    const org = await deps.organizations.findById(s.grant.organizationId);
    if (!org) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    const chapters = await deps.chapters.list(org.id);
    if (f.chapter && !chapters.some((c) => c.id === f.chapter)) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    const data = await deps.insights.dashboard(org, { period: f.period, chapterId: f.chapter, platform: f.platform });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ organization: { id: org.id, name: org.name }, chapters: chapters.map((c) => ({ id: c.id, name: c.name })), data });
  });

  router.post('/export.csv', form, async (req, res) => {
    const ok = await deps.access.verifyDownload(posted(req), 'export');
    const org = ok ? await deps.organizations.findById(ok.grant.organizationId) : null;
    if (!ok || !org) {
      message(res, 401, requestLocale(req), 'signInFailed');
      return;
    }
    const period = (ok.grant.params['period'] ?? 'month') as PeriodKey;
    const locale = toLocale(ok.grant.params['locale']) ?? org.defaultLocale;
    const t = deps.translator.for(locale);
    const { period: p, rows } = await deps.insights.exportRows(org, { period: PERIODS[period] ? period : 'month', chapterId: ok.grant.params['chapter'] });
    const columns = ['day', 'platform', 'channel', 'chapter', 'kind', 'count', 'characters', 'members'] as const;
    const csv = stringify(
      rows.map((r) => [r.day, r.platform, r.channelName ?? r.channelKey, r.chapterName ?? '', r.kind, r.count, r.chars, r.members]),
      // Channel and chapter names come from outside: never let a spreadsheet run them as formulas.
      { ...SPREADSHEET_SAFE_CSV, header: true, columns: columns.map((c) => t(`insights.export.columns.${c}`)), bom: true },
    );
    res.setHeader('Cache-Control', 'no-store');
    res.attachment(t('insights.export.filename', { from: p.from, to: p.to }));
    res.type('text/csv; charset=utf-8').send(csv);
  });

  router.post('/mydata.json', form, async (req, res) => {
    const ok = await deps.access.verifyDownload(posted(req), 'mydata');
    const org = ok ? await deps.organizations.findById(ok.grant.organizationId) : null;
    const file = ok && org ? await deps.privacy.exportData(ok.member, org.name) : null;
    if (!ok || !org || !file) {
      message(res, 401, requestLocale(req), 'signInFailed');
      return;
    }
    const t = deps.translator.for(toLocale(ok.grant.params['locale']) ?? org.defaultLocale);
    res.setHeader('Cache-Control', 'no-store');
    res.attachment(t('insights.mydata.filename', { day: file.generatedAt.slice(0, 10) }));
    res.type('application/json; charset=utf-8').send(JSON.stringify(file, null, 2));
  });

  router.get('/assets/chart.umd.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('application/javascript').sendFile(chartJsFile);
  });
  for (const asset of ['dashboard.js', 'dashboard.css']) {
    router.get(`/assets/${asset}`, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.type(asset.endsWith('.js') ? 'application/javascript' : 'text/css').sendFile(join(staticDir, asset));
    });
  }

  app.use(BASE, router);
}

/** Every text the page shows, in the manager's language, plus names the filters offer. */
function labels(translator: Translator, locale: Locale, org: Organization, member: Member) {
  const t = translator.for(locale);
  const pageTexts = Object.fromEntries(
    (Object.keys(insightsEn.dashboard.page) as PageText[]).map((k) => [k, t(`insights.dashboard.page.${k}`, { org: org.name, name: member.name, n: '{n}' })]),
  );
  return {
    locale,
    organizationId: org.id,
    page: pageTexts,
    periods: Object.fromEntries((Object.keys(PERIODS) as PeriodKey[]).map((p) => [p, t(`insights.periods.${p}`)])),
    platforms: Object.fromEntries(PLATFORMS.map((p) => [p, t(`platforms.${p}`)])),
    overview: Object.fromEntries(
      (['activeMembers', 'dauWauMau', 'messages', 'replies', 'votes', 'newReturning', 'medianReply', 'pollRate', 'noChapter'] as const).map((k) => [k, t(`insights.overview.${k}`)]),
    ),
    unansweredLabel: t('insights.overview.unanswered', { hours: '{hours}' }),
  };
}
