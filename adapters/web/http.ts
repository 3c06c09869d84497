import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import type { ChatPlatform, HttpRoute, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Channel } from '../../src/kernel/ports/directory.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { WebMessage } from '../../src/kernel/ports/web-space.js';
import { toLocale, type Locale } from '../../src/kernel/types.js';
import { WEB_BASE_PATH, type ParsedWebConfig } from './config.js';
import {
  actionBodySchema,
  commandBodySchema,
  formBodySchema,
  signInLinkSchema,
  signInStartSchema,
  signInVerifySchema,
  toActionEvent,
  toCommandEvent,
  toFormSubmittedEvent,
  webChannelIdSchema,
  type WebActor,
} from './inbound.js';
import { chatPage, codeForm, identifierForm, linkForm, simplePage, type NavChannel } from './pages.js';
import type { LiveHub } from './live.js';
import { renderForm, renderMessage } from './render.js';
import { hashToken, newToken, PENDING_TTL_MS, type WebViewer } from './session.js';

/**
 * The web community's HTTP routes on Kring's shared server (all under `/web`): the page, its static
 * files, the sign-in steps, the live event stream and the JSON endpoints the page posts commands,
 * button presses and forms to. Every body is read with a size limit and validated with zod; a bad one
 * gets 400 and a short message in the visitor's language, never a stack trace.
 */

const B = WEB_BASE_PATH;
const SESSION_COOKIE = 'kring_web';
const PENDING_COOKIE = 'kring_web_pending';
const MAX_BODY_BYTES = 16 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
const STATIC: Record<string, { type: string; file: string }> = {
  'web.js': { type: 'text/javascript; charset=utf-8', file: join(here, 'static', 'web.js') },
  'web.css': { type: 'text/css; charset=utf-8', file: join(here, 'static', 'web.css') },
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // One-time sign-in URLs carry tokens: never pass them on.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

type Req = IncomingMessage & { body?: unknown };

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Reads the body up to {@link MAX_BODY_BYTES}; null when larger. */
async function readBody(req: Req): Promise<string | null> {
  if (typeof req.body === 'string') return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function query(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

function requestLocale(req: IncomingMessage, fallback: Locale): Locale {
  return toLocale(req.headers['accept-language']?.split(',')[0]) ?? fallback;
}

function clientAddress(req: IncomingMessage): string {
  return (req as { ip?: string }).ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * What the routes use of the web platform (index.ts's WebPlatform): the routes are built by the platform,
 * so they name what they need instead of importing the platform back.
 */
export interface WebRoutesHost {
  readonly config: ParsedWebConfig;
  readonly log: Logger;
  readonly live: Pick<LiveHub, 'open'>;
  post: ChatPlatform['post'];
  update: ChatPlatform['update'];
  newUserId(): string;
  viewerOf(userId: string, localeHint?: string): Promise<WebViewer | null>;
  channels(): Promise<Channel[]>;
  forgetChannels(): void;
  canSee(viewer: WebViewer, channel: string): Promise<boolean>;
  html(message: WebMessage, locale?: Locale): string;
}

export function createWebRoutes(web: WebRoutesHost): HttpRoute[] {
  const { config } = web;
  const t = (locale: Locale) => config.translator.for(locale);
  const secure = config.publicUrl.startsWith('https://');
  const signIns = new RateLimiterMemory({ points: config.signInsPerAddress, duration: 15 * 60 });
  const staticFiles = new Map(Object.entries(STATIC).map(([name, s]) => [name, { type: s.type, body: readFileSync(s.file) }]));

  const headers = (res: ServerResponse) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  };
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string | string[]> = {}) => {
    headers(res);
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };
  const html = (res: ServerResponse, status: number, body: string, extra: Record<string, string | string[]> = {}) => send(res, status, 'text/html; charset=utf-8', body, extra);
  const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  const redirect = (res: ServerResponse, to: string, cookies: string[] = []) => {
    headers(res);
    res.writeHead(303, { Location: to, 'Cache-Control': 'no-store', ...(cookies.length ? { 'Set-Cookie': cookies } : {}) });
    res.end();
  };
  const setCookie = (name: string, value: string, maxAgeMs: number) =>
    `${name}=${encodeURIComponent(value)}; Path=${B}; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
  const clearCookie = (name: string) => `${name}=; Path=${B}; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;

  /** The signed-in viewer of a request: a session, its identity still linked and its member active. */
  const session = async (req: IncomingMessage): Promise<{ viewer: WebViewer | null; signedIn: boolean }> => {
    const token = cookie(req, SESSION_COOKIE);
    if (!token || token.length > 200) return { viewer: null, signedIn: false };
    const stored = await config.sessions.find(hashToken(token), config.clock.now());
    if (!stored || stored.kind !== 'session' || stored.space !== config.space) return { viewer: null, signedIn: false };
    const viewer = await web.viewerOf(stored.userId, req.headers['accept-language']?.split(',')[0]);
    if (viewer) return { viewer, signedIn: true };
    // Unlinked (`/kring unlink`, `/kring forget`): the session ends with the identity. A linked member who
    // lapsed stays signed in without access, and is told so.
    const linked = await config.directory.identities.findByAccount({ platform: 'web', workspaceId: config.space, platformUserId: stored.userId });
    if (!linked) await config.sessions.consume(hashToken(token), config.clock.now());
    return { viewer: null, signedIn: linked !== null };
  };

  /** Starts a session for a linked web user: the cookie, and a fresh token stored as its hash. */
  const startSession = async (userId: string): Promise<string> => {
    const token = newToken();
    await config.sessions.save(hashToken(token), {
      kind: 'session',
      space: config.space,
      userId,
      expiresAt: new Date(config.clock.now().getTime() + config.sessionTtlMs),
    });
    return setCookie(SESSION_COOKIE, token, config.sessionTtlMs);
  };

  const signInPage = (locale: Locale, step: 'identifier' | 'code', messages: { intro?: string; error?: string } = {}) => {
    const tt = t(locale);
    return simplePage({
      locale,
      title: tt('web.signIn.title', { org: config.organizationName }),
      heading: step === 'code' ? tt('web.signIn.codeTitle') : tt('web.signIn.title', { org: config.organizationName }),
      intro: messages.intro ?? (step === 'code' ? '' : tt('web.signIn.intro')),
      ...(messages.error ? { error: messages.error } : {}),
      form: step === 'code' ? codeForm(tt) : identifierForm(tt),
    });
  };

  /**
   * The catalogue's "code sent" answer in each language, as patterns (its placeholders match anything):
   * how the sign-in page tells a sent code from a refusal, from the router's own reply.
   */
  const codeSent = (['nl', 'en'] as const).map((l) => {
    const marked = t(l)('link.codeSent', { email: '\u0001', minutes: '\u0002' });
    const source = marked.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`).replace('\u0001', '(?<email>\\S+)').replace('\u0002', '(?<minutes>\\d+)');
    return new RegExp(`^${source}$`, 's');
  });
  /** The masked address and the minutes of a "code sent" reply, or null for any other answer. */
  const sentTo = (reply: Reply | undefined): { email: string; minutes: string } | null => {
    const first = reply?.view.blocks[0];
    const text = first?.type === 'text' ? first.text : '';
    for (const pattern of codeSent) {
      const m = pattern.exec(text);
      if (m?.groups?.['email'] && m.groups['minutes']) return { email: m.groups['email'], minutes: m.groups['minutes'] };
    }
    return null;
  };

  /** The text of a router reply (sign-in steps show the router's own answers: "code sent to a***@…"). */
  const replyText = (reply: Reply | undefined) => reply?.view.fallback ?? '';

  /** Runs a command as the pending web user of a sign-in. */
  const asPending = (userId: string, locale: Locale, words: string[]) =>
    config.handler.handle({ type: 'command', platform: 'web', workspaceId: config.space, userId, locale, path: words.slice(0, 1), args: words.slice(1), options: {}, eventId: randomBytes(8).toString('hex'), raw: { signIn: words[0] } });

  const pendingUser = async (req: IncomingMessage): Promise<string | null> => {
    const token = cookie(req, PENDING_COOKIE);
    if (!token || token.length > 200) return null;
    const stored = await config.sessions.find(hashToken(token), config.clock.now());
    return stored && stored.kind === 'pending' && stored.space === config.space ? stored.userId : null;
  };

  // ---------------------------------------------------------------------------------------------
  // The page
  // ---------------------------------------------------------------------------------------------

  const page = async (req: Req, res: ServerResponse) => {
    const { viewer, signedIn } = await session(req);
    const fallback = requestLocale(req, config.defaultLocale);
    if (!viewer) {
      if (signedIn) {
        const tt = t(fallback);
        return html(res, 403, simplePage({ locale: fallback, title: tt('web.title', { org: config.organizationName }), heading: tt('web.title', { org: config.organizationName }), error: tt('web.signIn.notMember'), form: `<form method="post" action="${B}/signout"><button type="submit">${tt('web.signOut')}</button></form>` }));
      }
      const pending = await pendingUser(req);
      return html(res, 200, signInPage(fallback, pending ? 'code' : 'identifier'));
    }
    const tt = t(viewer.locale);
    const connected = await web.channels();
    const visible: NavChannel[] = [];
    for (const c of connected) if (await web.canSee(viewer, c.externalId)) visible.push({ id: c.externalId, label: `#${c.name ?? c.externalId}` });
    visible.push({ id: '@me', label: tt('web.direct') });
    const asked = query(req).get('c') ?? '';
    const fallbackChannel = visible[0]?.id === '@me' ? (viewer.isManager ? defaultChannelId(config.defaultLocale) : '@me') : (visible[0]?.id ?? '@me');
    let current = asked === '' ? fallbackChannel : asked;
    if (current !== '@me' && (!webChannelIdSchema.safeParse(current).success || !(await web.canSee(viewer, current)))) current = fallbackChannel;
    const stored = current === '@me' ? `@${viewer.userId}` : current;
    const messages = await config.messages.recent(config.space, stored, config.historyLimit);
    const isConnected = current === '@me' || connected.some((c) => c.externalId === current);
    if (current !== '@me' && !visible.some((c) => c.id === current)) visible.unshift({ id: current, label: `#${current}` });
    return html(
      res,
      200,
      chatPage({
        t: tt,
        locale: viewer.locale,
        organizationName: config.organizationName,
        memberName: viewer.member.name,
        userId: viewer.userId,
        channels: visible,
        current: { id: current, label: current === '@me' ? tt('web.directTitle') : `#${current}`, connected: isConnected },
        messagesHtml: messages.map((m) => web.html(m, viewer.locale)).join(''),
        canOpenChannels: viewer.isManager,
      }),
    );
  };

  // ---------------------------------------------------------------------------------------------
  // Signing in
  // ---------------------------------------------------------------------------------------------

  const form = async (req: Req): Promise<URLSearchParams | null> => {
    const body = await readBody(req);
    return body === null ? null : new URLSearchParams(body);
  };

  const signInStart = async (req: Req, res: ServerResponse) => {
    const locale = requestLocale(req, config.defaultLocale);
    const parsed = signInStartSchema.safeParse(Object.fromEntries((await form(req)) ?? []));
    if (!parsed.success) return html(res, 400, signInPage(locale, 'identifier', { error: t(locale)('web.errors.badRequest') }));
    try {
      await signIns.consume(clientAddress(req));
    } catch {
      return html(res, 429, signInPage(locale, 'identifier', { error: t(locale)('web.signIn.tooMany') }));
    }
    // The same browser keeps its web user id while it signs in, so membership's per-account code limit holds.
    const userId = (await pendingUser(req)) ?? web.newUserId();
    const reply = await asPending(userId, locale, ['link', parsed.data.identifier]);
    const pendingToken = newToken();
    await config.sessions.save(hashToken(pendingToken), { kind: 'pending', space: config.space, userId, expiresAt: new Date(config.clock.now().getTime() + PENDING_TTL_MS) });
    // The router answered in words: "we sent a code to a***@…" (the catalogue's text), or why not.
    const sent = sentTo(reply);
    const page =
      sent !== null ? signInPage(locale, 'code', { intro: t(locale)('web.signIn.codeSent', sent) }) : signInPage(locale, 'identifier', { error: replyText(reply) || t(locale)('web.errors.failed') });
    return html(res, sent ? 200 : 400, page, { 'Set-Cookie': setCookie(PENDING_COOKIE, pendingToken, PENDING_TTL_MS) });
  };

  const signInCode = async (req: Req, res: ServerResponse) => {
    const locale = requestLocale(req, config.defaultLocale);
    const userId = await pendingUser(req);
    if (!userId) return html(res, 400, signInPage(locale, 'identifier', { error: t(locale)('web.signIn.expired') }));
    const parsed = signInVerifySchema.safeParse(Object.fromEntries((await form(req)) ?? []));
    if (!parsed.success) return html(res, 400, signInPage(locale, 'code', { error: t(locale)('web.errors.badRequest') }));
    const reply = await asPending(userId, locale, ['verify', parsed.data.code]);
    if (!(await web.viewerOf(userId))) return html(res, 400, signInPage(locale, 'code', { error: replyText(reply) || t(locale)('web.errors.failed') }));
    const pendingToken = cookie(req, PENDING_COOKIE);
    if (pendingToken) await config.sessions.consume(hashToken(pendingToken), config.clock.now());
    web.log.info({ user: userId }, 'web: signed in with a code');
    return redirect(res, `${B}/`, [await startSession(userId), clearCookie(PENDING_COOKIE)]);
  };

  const signInRestart = async (req: Req, res: ServerResponse) => {
    const pendingToken = cookie(req, PENDING_COOKIE);
    if (pendingToken) await config.sessions.consume(hashToken(pendingToken), config.clock.now());
    return redirect(res, `${B}/`, [clearCookie(PENDING_COOKIE)]);
  };

  const linkPage = async (req: Req, res: ServerResponse) => {
    const locale = requestLocale(req, config.defaultLocale);
    const tt = t(locale);
    const parsed = signInLinkSchema.safeParse({ token: query(req).get('token') ?? '' });
    return html(res, 200, simplePage({ locale, title: tt('web.signIn.title', { org: config.organizationName }), heading: tt('web.signIn.title', { org: config.organizationName }), intro: tt('web.signIn.linkIntro'), form: linkForm(tt, parsed.success ? parsed.data.token : '') }));
  };

  const linkSignIn = async (req: Req, res: ServerResponse) => {
    const locale = requestLocale(req, config.defaultLocale);
    const parsed = signInLinkSchema.safeParse(Object.fromEntries((await form(req)) ?? []));
    const link = parsed.success ? await config.sessions.consume(hashToken(parsed.data.token), config.clock.now()) : null;
    if (!link || link.kind !== 'link' || link.space !== config.space || !(await web.viewerOf(link.userId))) {
      return html(res, 401, signInPage(locale, 'identifier', { error: t(locale)('web.signIn.linkInvalid') }));
    }
    web.log.info({ user: link.userId }, 'web: signed in with a one-time link');
    return redirect(res, `${B}/`, [await startSession(link.userId)]);
  };

  const signOut = async (req: Req, res: ServerResponse) => {
    const token = cookie(req, SESSION_COOKIE);
    if (token) await config.sessions.consume(hashToken(token), config.clock.now());
    return redirect(res, `${B}/`, [clearCookie(SESSION_COOKIE)]);
  };

  // ---------------------------------------------------------------------------------------------
  // Live events and the page's JSON endpoints
  // ---------------------------------------------------------------------------------------------

  const stream = async (req: Req, res: ServerResponse) => {
    const { viewer } = await session(req);
    if (!viewer) return json(res, 401, { error: t(config.defaultLocale)('web.errors.signedOut') });
    headers(res);
    web.live.open({
      res,
      userId: viewer.userId,
      // Re-read on every event: a member who lapses or unlinks stops receiving at once.
      canSee: async (channel) => {
        const current = await web.viewerOf(viewer.userId);
        return current !== null && (await web.canSee(current, channel));
      },
    });
  };

  /** Reads, validates and authorises a JSON body; answers the failure itself and returns null. */
  const api = async <S extends z.ZodType>(req: Req, res: ServerResponse, schema: S): Promise<{ viewer: WebViewer; body: z.output<S> } | null> => {
    const locale = requestLocale(req, config.defaultLocale);
    // JSON only: a cross-site form cannot send it without a preflight, which Kring never grants.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      json(res, 415, { error: t(locale)('web.errors.badRequest') });
      return null;
    }
    const { viewer } = await session(req);
    if (!viewer) {
      json(res, 401, { error: t(locale)('web.errors.signedOut') });
      return null;
    }
    const raw = await readBody(req);
    let data: unknown;
    try {
      data = raw === null ? undefined : JSON.parse(raw);
    } catch {
      data = undefined;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      web.log.debug({ problem: parsed.error.issues[0]?.message }, 'web: malformed request');
      json(res, 400, { error: t(viewer.locale)('web.errors.badRequest') });
      return null;
    }
    const channel = (parsed.data as { channel: string }).channel;
    if (channel !== '@me' && !(await web.canSee(viewer, channel))) {
      json(res, 403, { error: t(viewer.locale)('web.errors.channelHidden') });
      return null;
    }
    return { viewer, body: parsed.data };
  };

  const actor = (viewer: WebViewer): WebActor => ({ space: config.space, userId: viewer.userId, displayName: viewer.member.name, locale: viewer.locale });

  /** What the page does with a reply: a private answer in the list, a form in the dialog, or a channel post. */
  const answer = async (res: ServerResponse, viewer: WebViewer, channel: string, reply: Reply | undefined, original?: string) => {
    const tt = t(viewer.locale);
    if (!reply) return json(res, 200, {});
    if (reply.form) return json(res, 200, { form: renderForm(reply.form, { cancel: tt('web.cancel') }) });
    if (reply.visibility === 'channel' && channel !== '@me') {
      const target = { workspaceId: config.space, channelId: channel };
      if (reply.replaceOriginal && original && !original.startsWith('e-')) await web.update({ platform: 'web', ...target, messageId: original }, reply.view);
      else await web.post(target, reply.view);
      return json(res, 200, {});
    }
    const id = `e-${randomBytes(8).toString('hex')}`;
    const message = renderMessage({ id, view: reply.view, at: config.clock.now(), timeZone: config.timeZone, locale: viewer.locale, from: tt('web.from'), privateLabel: tt('web.onlyYou'), dismissLabel: tt('web.dismiss') });
    return json(res, 200, reply.replaceOriginal && original?.startsWith('e-') ? { replace: { id: original, html: message } } : { message });
  };

  const command = async (req: Req, res: ServerResponse) => {
    const ok = await api(req, res, commandBodySchema);
    if (!ok) return;
    const reply = await config.handler.handle(toCommandEvent(actor(ok.viewer), ok.body));
    // A channel may have been connected (or its purpose changed) by this command.
    web.forgetChannels();
    await answer(res, ok.viewer, ok.body.channel, reply);
  };

  const action = async (req: Req, res: ServerResponse) => {
    const ok = await api(req, res, actionBodySchema);
    if (!ok) return;
    const reply = await config.handler.handle(toActionEvent(actor(ok.viewer), ok.body));
    await answer(res, ok.viewer, ok.body.channel, reply, ok.body.messageId);
  };

  const formSubmit = async (req: Req, res: ServerResponse) => {
    const ok = await api(req, res, formBodySchema);
    if (!ok) return;
    const reply = await config.handler.handle(toFormSubmittedEvent(actor(ok.viewer), ok.body));
    await answer(res, ok.viewer, ok.body.channel, reply);
  };

  const staticFile = (req: Req, res: ServerResponse) => {
    const name = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
    const file = staticFiles.get(name);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    headers(res);
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=300' });
    res.end(file.body);
  };

  /** Every handler answers its own failures: a thrown error becomes a short page or JSON, never a stack. */
  const guarded =
    (handler: (req: Req, res: ServerResponse) => Promise<void> | void, kind: 'html' | 'json') =>
    (req: Req, res: ServerResponse) => {
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err: unknown) => {
          const ref = randomBytes(4).toString('hex');
          web.log.error({ ref, path: req.url?.split('?')[0], err }, 'web: request failed');
          if (res.headersSent) return void res.end();
          const locale = requestLocale(req, config.defaultLocale);
          const text = `${t(locale)('web.errors.failed')} (${ref})`;
          if (kind === 'json') json(res, 500, { error: text });
          else html(res, 500, simplePage({ locale, title: config.organizationName, heading: config.organizationName, error: text }));
        });
    };

  const route = (method: HttpRoute['method'], path: string, handler: (req: Req, res: ServerResponse) => Promise<void> | void, kind: 'html' | 'json' = 'html'): HttpRoute => ({
    method,
    path,
    handle: guarded(handler, kind),
  });

  return [
    route('GET', `${B}/`, page),
    route('GET', `${B}/static/:file`, staticFile),
    route('POST', `${B}/signin`, signInStart),
    route('POST', `${B}/signin/code`, signInCode),
    route('POST', `${B}/signin/restart`, signInRestart),
    route('GET', `${B}/signin/link`, linkPage),
    route('POST', `${B}/signin/link`, linkSignIn),
    route('POST', `${B}/signout`, signOut),
    route('GET', `${B}/api/stream`, stream, 'json'),
    route('POST', `${B}/api/command`, command, 'json'),
    route('POST', `${B}/api/action`, action, 'json'),
    route('POST', `${B}/api/form`, formSubmit, 'json'),
  ];
}

/** The channel a manager lands in before any web channel is connected. */
export function defaultChannelId(locale: Locale): string {
  return locale === 'nl' ? 'algemeen' : 'general';
}
