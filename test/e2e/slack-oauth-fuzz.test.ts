import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { signSlackRequest } from '../fakes/slack/slack-requests.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * Property-based fuzzing (fast-check) of the Slack routes that exist only in OAuth mode, on one Kring as
 * `npm start` boots it: `GET /slack/install` and `GET /slack/oauth_redirect` with generated query strings
 * (codes, states, `error=`, broken percent-encoding), state cookies and methods, and signed `/slack/events`
 * bodies from workspaces that never installed Kring. test/e2e/inbound-fuzz.test.ts covers the
 * single-workspace events route, the admin API and Teams. Properties: no 5xx, no stack trace, and afterwards
 * Kring is healthy and a real install still completes.
 *
 * Seeded and bounded like inbound-fuzz (`KRING_FUZZ_SEED`, `KRING_FUZZ_RUNS`).
 */

const SEED = Number(process.env['KRING_FUZZ_SEED'] ?? 20_261_202);
const RUNS = Number(process.env['KRING_FUZZ_RUNS'] ?? 150);
const OAUTH = { clientId: '1111111111.3333333333', clientSecret: `fuzz-client-${randomBytes(6).toString('hex')}` };
const SIGNING_SECRET = `fuzz-oauth-signing-${randomBytes(8).toString('hex')}`;
const CLUB = { teamId: 'T0FUZZOAU1', teamName: 'Fuzzclub', domain: 'fuzzclub', botToken: 'xoxb-5555-6666-fuzzclubtoken', botUserId: 'U0FUZZBOT1', botId: 'B0FUZZBOT1', appId: 'A0KRING01' };
const STACK_TRACE = /\n\s+at \S|\bat (?:async )?\S+ \((?:file:|node:|\/)|\.(?:ts|js|mjs|cjs):\d+:\d+|\b(?:TypeError|ReferenceError|RangeError|PrismaClient\w*Error)\b/;

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectSound(answer: Answer, what: string): void {
  if (answer.status >= 500) throw new Error(`${what}: answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  if (STACK_TRACE.test(answer.body)) throw new Error(`${what}: a stack trace or raw error in the body: ${answer.body.slice(0, 300)}`);
}

const anyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '💥'.repeat(50), '<script>alert(1)</script>', "'; DROP TABLE workspace; --", '../../etc/passwd', 'x'.repeat(5000)),
);
const pct = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

let fake: FakeSlackApi;
let h: KringHarness;
/** A real state cookie from /slack/install, so generated redirects also reach the code exchange. */
let realState = '';

beforeAll(async () => {
  fake = await FakeSlackApi.start();
  fake.configureOAuth(OAUTH);
  fake.addWorkspace(CLUB);
  fake.addUser({ id: 'U0FUZZER01', teamId: CLUB.teamId, name: 'fuzzer', realName: 'Fuzzer Een', locale: 'nl-NL' });
  h = await startKringHarness({
    seed: false,
    env: {
      SLACK_CLIENT_ID: OAUTH.clientId,
      SLACK_CLIENT_SECRET: OAUTH.clientSecret,
      SLACK_STATE_SECRET: `state-secret-${randomBytes(16).toString('hex')}`,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
    },
  });
  const install = await send(`${h.baseUrl}/slack/install`, 'GET', {});
  realState = /slack-app-oauth-state=([^;]+)/.exec(install.setCookie.join('; '))?.[1] ?? '';
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

describe(`Slack OAuth routes: fuzz (seed ${SEED}, ${RUNS} runs)`, () => {
  it('install and redirect with generated queries, cookies and methods: no 5xx, no stack trace', async () => {
    expect(realState).not.toBe('');
    const value = fc.oneof(
      anyString.map(pct),
      fc.constantFrom('%', '%E0%A4%A', '%00', '%ZZ', '..', 'access_denied', 'invalid_scope'),
      fc.constant(realState),
      fc.constant(() => fake.issueOAuthCode(CLUB.teamId, 'U0FUZZER01')).map((issue) => issue()),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom('code', 'state', 'error', 'error_description', 'redirect_uri', 'team', 'x', '__proto__', '%', ''), value), { maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    const cases = fc.record({
      path: fc.constantFrom('/slack/install', '/slack/oauth_redirect', '/slack/oauth_redirect'),
      method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT'),
      query,
      cookie: fc.oneof(fc.constant(undefined), fc.constant(`slack-app-oauth-state=${realState}`), anyString.map((s) => `slack-app-oauth-state=${pct(s)}`)),
      acceptLanguage: fc.constantFrom(undefined, 'nl-NL', 'en', '*', 'xx;q=abc'),
    });
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const headers: Record<string, string> = {};
        if (c.cookie !== undefined) headers['Cookie'] = c.cookie;
        if (c.acceptLanguage !== undefined) headers['Accept-Language'] = c.acceptLanguage;
        const answer = await send(`${h.baseUrl}${c.path}${c.query ? `?${c.query}` : ''}`, c.method, headers);
        expectSound(answer, `${c.method} ${c.path}?${c.query.slice(0, 80)}`);
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  });

  it('signed events, commands and presses from workspaces that never installed Kring: no 5xx', async () => {
    const team = fc.oneof(fc.constant(CLUB.teamId), fc.constantFrom('T0NOTINST1', ''), anyString);
    const bodies = fc.oneof(
      fc.record({ team, text: anyString }).map(({ team: t, text }) => ({
        body: new URLSearchParams({ command: '/kring', text, team_id: t, user_id: 'U0FUZZER01', channel_id: 'C0FUZZ0001', trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`, response_url: fake.createResponseUrl({ teamId: CLUB.teamId }) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      })),
      fc.record({ team, value: anyString }).map(({ team: t, value: v }) => ({
        body: `payload=${pct(JSON.stringify({ type: 'block_actions', team: { id: t }, user: { id: 'U0FUZZER01' }, trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`, actions: [{ action_id: 'poll.vote', value: v }], response_url: fake.createResponseUrl({ teamId: CLUB.teamId }) }))}`,
        contentType: 'application/x-www-form-urlencoded',
      })),
      fc.record({ team, type: fc.constantFrom('message', 'app_uninstalled', 'tokens_revoked', 'channel_rename', 'user_change', 'team_join') }).map(({ team: t, type }) => ({
        body: JSON.stringify({ type: 'event_callback', team_id: t, event_id: `Ev${randomBytes(8).toString('hex')}`, event: { type, user: 'U0FUZZER01', channel: { id: 'C0FUZZ0001', name: 'x' }, text: 'hoi', ts: '1.1' } }),
        contentType: 'application/json',
      })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async ({ body, contentType }) => {
        const ts = Math.floor(Date.now() / 1000);
        const answer = await send(`${h.baseUrl}/slack/events`, 'POST', { 'Content-Type': contentType, 'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': signSlackRequest(SIGNING_SECRET, ts, body) }, body);
        expectSound(answer, 'POST /slack/events');
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  });

  it('is still healthy afterwards, and a real install still completes', async () => {
    expect((await send(`${h.baseUrl}/healthz`, 'GET', {})).status).toBe(200);
    expect((await send(`${h.baseUrl}/readyz`, 'GET', {})).status).toBe(200);
    const install = await send(`${h.baseUrl}/slack/install`, 'GET', {});
    const state = /slack-app-oauth-state=([^;]+)/.exec(install.setCookie.join('; '))?.[1];
    expect(state).toBeDefined();
    const code = fake.issueOAuthCode(CLUB.teamId, 'U0FUZZER01');
    const done = await send(`${h.baseUrl}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`, 'GET', { Cookie: `slack-app-oauth-state=${state}` });
    expect(done.status).toBe(200);
    const rows = await h.kring.database.prisma.$queryRaw<{ installation: unknown }[]>`SELECT installation FROM workspace WHERE external_id = ${CLUB.teamId}`;
    expect(rows[0]?.installation).toMatch(/^kring-secret:v1:/);
  });
});
