import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * The web community's HTTP surface without a browser: sign-in with the e-mailed code (the membership
 * capability's link/verify through the router), the cookies it sets, sessions stored hashed, and every
 * kind of bad request answered with a clear status and text, never a 500. Real Kring on PostgreSQL.
 */

interface Answer {
  status: number;
  text: string;
  cookies: string[];
  location: string | null;
}

const cookieValue = (cookies: string[], name: string) => cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);

describe('web community over HTTP', () => {
  let h: KringHarness;
  let secure: KringHarness;

  const request = async (base: string, path: string, init: { method?: string; form?: Record<string, string>; json?: unknown; body?: string; type?: string; cookie?: string; ip?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { 'accept-language': 'nl-NL' };
    let body: string | undefined = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    if (init.type) headers['content-type'] = init.type;
    if (init.cookie) headers['cookie'] = init.cookie;
    if (init.ip) headers['x-forwarded-for'] = init.ip;
    const res = await fetch(`${base}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }), redirect: 'manual' });
    return { status: res.status, text: await res.text(), cookies: res.headers.getSetCookie(), location: res.headers.get('location') };
  };

  /** Signs a member in with the code from their e-mail; returns the session cookie header. */
  const signIn = async (harness: KringHarness, identifier: string, email: string, ip: string): Promise<string> => {
    const start = await request(harness.baseUrl, '/web/signin', { form: { identifier }, ip });
    expect(start.status, start.text).toBe(200);
    const pending = `kring_web_pending=${cookieValue(start.cookies, 'kring_web_pending')}`;
    const done = await request(harness.baseUrl, '/web/signin/code', { form: { code: harness.codeFor(email) }, cookie: pending, ip });
    expect(done.status, done.text).toBe(303);
    return `kring_web=${cookieValue(done.cookies, 'kring_web')}`;
  };

  beforeAll(async () => {
    h = await startKringHarness();
    secure = await startKringHarness({ env: { KRING_PUBLIC_URL: 'https://kring.example.org' } });
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await secure?.stop();
  });

  it('signs a member in with the e-mailed code: the cookies are HttpOnly and SameSite=Lax, and only hashes are stored', async () => {
    const page = await request(h.baseUrl, '/web/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="identifier">Lidnummer of e-mailadres</label>');

    const start = await request(h.baseUrl, '/web/signin', { form: { identifier: '1001' }, ip: '10.0.0.1' });
    expect(start.status).toBe(200);
    expect(start.text).toContain('a***@example.org');
    const pendingCookie = start.cookies.find((c) => c.startsWith('kring_web_pending='))!;
    expect(pendingCookie).toMatch(/; Path=\/web; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(pendingCookie).not.toContain('Secure');
    const pending = `kring_web_pending=${cookieValue(start.cookies, 'kring_web_pending')}`;

    const wrong = await request(h.baseUrl, '/web/signin/code', { form: { code: '000000' }, cookie: pending, ip: '10.0.0.1' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/code/i);

    const done = await request(h.baseUrl, '/web/signin/code', { form: { code: h.codeFor('anna@example.org') }, cookie: pending, ip: '10.0.0.1' });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/web/');
    const session = done.cookies.find((c) => c.startsWith('kring_web='))!;
    expect(session).toMatch(/; Path=\/web; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const token = cookieValue(done.cookies, 'kring_web')!;

    // A web identity is a linked PlatformIdentity with platform `web`.
    const identities = await h.identityRows();
    expect(identities.filter((i) => i.platform === 'web')).toEqual([expect.objectContaining({ workspace_id: 'de-kring', member_id: h.members.member.id })]);
    // Tokens are stored as their sha256 only.
    const rows = await h.kring.database.prisma.webSession.findMany();
    expect(rows.some((r) => r.tokenHash === createHash('sha256').update(token).digest('hex'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);

    const chat = await request(h.baseUrl, '/web/', { cookie: `kring_web=${token}` });
    expect(chat.status).toBe(200);
    expect(chat.text).toContain('Ingelogd als Anna de Vries');
  });

  it('sets Secure on the cookies when Kring is reached over https', async () => {
    const start = await request(secure.baseUrl, '/web/signin', { form: { identifier: '1001' }, ip: '10.0.0.2' });
    expect(start.cookies.find((c) => c.startsWith('kring_web_pending='))).toContain('; Secure');
  });

  it('refuses a lapsed member and an unknown number politely, in Dutch', async () => {
    const lapsed = await request(h.baseUrl, '/web/signin', { form: { identifier: '1003' }, ip: '10.0.0.3' });
    expect(lapsed.status).toBe(400);
    expect(lapsed.text).toContain('role="alert"');
    const unknown = await request(h.baseUrl, '/web/signin', { form: { identifier: '999999' }, ip: '10.0.0.3' });
    expect(unknown.status).toBe(400);
    expect(h.mailsTo('lotte@example.org')).toHaveLength(0);
  });

  it('answers every bad request with a clear status, never a 500', async () => {
    const session = await signIn(h, '1001', 'anna@example.org', '10.0.0.4');
    const cases: [string, Parameters<typeof request>[2], number][] = [
      ['no session', { json: { channel: 'algemeen', text: 'help' } }, 401],
      ['not JSON', { body: 'channel=algemeen&text=help', type: 'application/x-www-form-urlencoded', cookie: session }, 415],
      ['broken JSON', { body: '{"channel":', type: 'application/json', cookie: session }, 400],
      ['an unknown field', { json: { channel: 'algemeen', text: 'help', as: 'manager' }, cookie: session }, 400],
      ['a channel that is not open to a member', { json: { channel: 'nog-niet-gekoppeld', text: 'help' }, cookie: session }, 403],
      ['a body too large', { json: { channel: 'algemeen', text: 'x'.repeat(20_000) }, cookie: session }, 400],
    ];
    for (const [what, init, status] of cases) {
      const answer = await request(h.baseUrl, '/web/api/command', init);
      expect(answer.status, what).toBe(status);
      expect(JSON.parse(answer.text), what).toEqual({ error: expect.any(String) });
    }
    const forged = await request(h.baseUrl, '/web/', { cookie: 'kring_web=forged-token-value' });
    expect(forged.status).toBe(200);
    expect(forged.text).toContain('id="identifier"');
    const badLink = await request(h.baseUrl, '/web/signin/link', { form: { token: 'not a token' } });
    expect(badLink.status).toBe(401);
    expect(h.loggedErrors()).toEqual([]);
  });

  it('ends the session once the member unlinks the account', async () => {
    const session = await signIn(h, '1001', 'anna@example.org', '10.0.0.5');
    const unlink = await request(h.baseUrl, '/web/api/command', { json: { channel: '@me', text: '/kring unlink' }, cookie: session });
    expect(unlink.status).toBe(200);
    const after = await request(h.baseUrl, '/web/api/command', { json: { channel: '@me', text: '/kring help' }, cookie: session });
    // The session's identity is gone: signed out.
    expect(after.status).toBe(401);
    expect((await request(h.baseUrl, '/web/', { cookie: session })).text).toContain('id="identifier"');
  });

  it('limits sign-ins per address (10 per 15 minutes), answering 429 with a clear text', async () => {
    // Every request of this file comes from 127.0.0.1 (forwarded addresses count only behind a trusted proxy).
    const answers: Answer[] = [];
    for (let i = 0; i < 11; i++) answers.push(await request(h.baseUrl, '/web/signin', { form: { identifier: '999999' } }));
    const first = answers.findIndex((a) => a.status === 429);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(answers.slice(first).every((a) => a.status === 429)).toBe(true);
    expect(answers[first]!.text).toContain('Te veel pogingen');
  });

  it('stops promptly while a page holds its live event stream open', async () => {
    const session = await signIn(secure, '1002', 'marieke@example.org', '10.0.0.6');
    const stream = await fetch(`${secure.baseUrl}/web/api/stream`, { headers: { cookie: session } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry: 3000');
    const started = Date.now();
    await secure.stop();
    // Without ending the streams first, closing the server waits for them (and the process is killed after 15 s).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await reader.read().catch(() => ({ done: true }))).done).toBe(true);
  });
});
