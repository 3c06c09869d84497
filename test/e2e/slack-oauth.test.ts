import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackOAuthConfig, type SlackPlatform } from '../../adapters/slack/index.js';
import { kringTranslator } from '../../src/capabilities.js';
import { FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import {
  InMemoryProcessedEventRepository,
  InMemoryWorkspaceRepository,
  RecordingInboundHandler,
  RecordingLogger,
  waitFor,
} from '../fakes/slack/doubles.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';

/**
 * OAuth (multi-workspace) mode end to end: "Add to Slack" through Bolt's installer against the fake's
 * oauth.v2.access, the installation stored via the WorkspaceRepository port, and then used for both
 * inbound authorisation and outbound calls.
 */

const SIGNING_SECRET = 'oauth-signing-secret-c4ca4238a0b92382';
const OAUTH = { clientId: '1111111111.2222222222', clientSecret: 'client-secret-0f7e' };
const CLUB = {
  teamId: 'T0CLUB0001',
  teamName: 'Roeivereniging',
  domain: 'roeivereniging',
  botToken: 'xoxb-3333-4444-clubtoken',
  botUserId: 'U0CLUBBOT1',
  botId: 'B0CLUBBOT1',
  appId: 'A0KRING01',
};

describe('Slack OAuth installs (Bolt installer + fake Slack)', () => {
  let fake: FakeSlackApi;
  let workspaces: InMemoryWorkspaceRepository;
  let handler: RecordingInboundHandler;
  let logger: RecordingLogger;
  let sut: SlackPlatform;
  let server: Server;
  let baseUrl: string;
  let slack: SlackRequestSender;

  beforeEach(async () => {
    fake = await FakeSlackApi.start();
    fake.configureOAuth(OAUTH);
    fake.addWorkspace(CLUB);
    fake.addChannel({ id: 'C0CLUBGEN1', teamId: CLUB.teamId, name: 'algemeen' });
    fake.addUser({ id: 'U0ROEIER01', teamId: CLUB.teamId, name: 'roeier', realName: 'Roeier Een', locale: 'nl-NL' });
    workspaces = new InMemoryWorkspaceRepository();
    handler = new RecordingInboundHandler((event) =>
      event.type === 'command' ? { visibility: 'private', view: { fallback: 'Hoi', blocks: [{ type: 'text', text: 'Hoi' }] } } : undefined,
    );
    logger = new RecordingLogger();
    await boot();
  });

  /** Builds and serves the adapter (again, with `extra` settings). */
  async function boot(extra: Partial<SlackOAuthConfig> = {}): Promise<void> {
    sut = createSlackPlatform({
      ...OAUTH,
      stateSecret: 'state-secret-with-enough-entropy',
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      organizationId: 'org-1',
      workspaces,
      handler,
      logger,
      processedEvents: new InMemoryProcessedEventRepository(),
      translator: kringTranslator(),
      ...extra,
    });
    await sut.start();
    const app = express();
    for (const route of sut.routes) {
      if (route.method === 'GET') app.get(route.path, (req, res, next) => route.handle(req, res, next));
      else app.post(route.path, (req, res, next) => route.handle(req, res, next));
    }
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slack = new SlackRequestSender({ eventsUrl: `${baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake });
  }

  async function shutDown(): Promise<void> {
    await sut.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  afterEach(async () => {
    await shutDown();
    await fake.stop();
  });

  /** Walks the browser part: the install page, Slack's "Allow", the redirect back with code and state. */
  async function install(teamId: string, options: { code?: string; language?: string } = {}): Promise<Response> {
    const page = await fetch(`${baseUrl}/slack/install`);
    const cookie = page.headers.get('set-cookie') ?? '';
    const state = /slack-app-oauth-state=([^;]+)/.exec(cookie)?.[1];
    expect(state).toBeDefined();
    const html = await page.text();
    expect(html).toContain(`client_id=${OAUTH.clientId}`);
    expect(html).toContain('scope=commands%2Cchat%3Awrite');
    const code = options.code ?? fake.issueOAuthCode(teamId, 'U0ROEIER01');
    return fetch(`${baseUrl}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`, {
      headers: { Cookie: `slack-app-oauth-state=${state}`, ...(options.language ? { 'Accept-Language': options.language } : {}) },
    });
  }

  it('offers the install routes next to the events route', () => {
    expect(sut.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /slack/events', 'GET /slack/install', 'GET /slack/oauth_redirect']);
  });

  it('stores an installation connected to the organisation and posts with its bot token', async () => {
    const done = await install(CLUB.teamId, { language: 'nl-NL,nl;q=0.9' });

    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page).toContain('Kring is geïnstalleerd');
    expect(page).toContain(CLUB.teamName);
    expect(page).toContain(`https://app.slack.com/client/${CLUB.teamId}`);
    expect(await workspaces.findByExternalId('slack', CLUB.teamId)).toMatchObject({ organizationId: 'org-1', name: CLUB.teamName });
    expect(await workspaces.getInstallation('slack', CLUB.teamId)).toMatchObject({ bot: { token: CLUB.botToken, userId: CLUB.botUserId } });

    const ref = await sut.post({ workspaceId: CLUB.teamId, channelId: 'C0CLUBGEN1' }, { fallback: 'Hallo', blocks: [{ type: 'text', text: 'Hallo roeiers' }] });
    expect(ref.channelId).toBe('C0CLUBGEN1');
    expect(fake.callsTo('chat.postMessage').at(-1)!.token).toBe(CLUB.botToken);
  });

  it('authorises commands from an installed workspace and replies', async () => {
    await install(CLUB.teamId);

    const sent = await slack.slashCommand('whoami', { team_id: CLUB.teamId, team_domain: CLUB.domain, channel_id: 'C0CLUBGEN1', user_id: 'U0ROEIER01' });

    expect(sent.status).toBe(200);
    await waitFor(() => fake.responsesTo(sent.responseUrl)[0], 5000, 'reply');
    expect(handler.events[0]).toMatchObject({ type: 'command', workspaceId: CLUB.teamId, userId: 'U0ROEIER01', path: ['whoami'] });
  });

  it('drops commands from a workspace that never installed Kring', async () => {
    const sent = await slack.slashCommand('whoami', { team_id: 'T0STRANGER' });

    expect(sent.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.events).toHaveLength(0);
  });

  it('refuses outbound calls to a workspace without an installation', async () => {
    await expect(sut.post({ workspaceId: 'T0STRANGER', channelId: 'C1' }, { fallback: 'x', blocks: [] })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('refuses a redirect whose state does not belong to the browser session', async () => {
    const code = fake.issueOAuthCode(CLUB.teamId);
    const res = await fetch(`${baseUrl}/slack/oauth_redirect?code=${code}&state=forged`);

    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Deze installatielink werkt niet meer');
    expect(await workspaces.getInstallation('slack', CLUB.teamId)).toBeNull();
  });

  it('shows a page saying the install was cancelled when the person pressed Cancel, in their language', async () => {
    const en = await fetch(`${baseUrl}/slack/oauth_redirect?error=access_denied&state=x`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    const nl = await fetch(`${baseUrl}/slack/oauth_redirect?error=access_denied&state=x`, { headers: { 'Accept-Language': 'nl' } });

    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toMatch(/^text\/html/);
    const enPage = await en.text();
    expect(enPage).toContain('Installation cancelled');
    expect(enPage).toContain('href="/slack/install"');
    expect(nl.status).toBe(200);
    expect(await nl.text()).toContain('Installatie geannuleerd');
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('shows a readable page, not a 5xx, when Slack refuses the code in the link', async () => {
    // Failed before (test/e2e/slack-oauth-fuzz.test.ts): 502, as if Slack had failed, for a code Slack
    // answers invalid_code to; the link is no good, which is a 400 and "start again".
    const res = await install(CLUB.teamId, { code: 'not-a-code-slack-issued', language: 'en' });

    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This installation link no longer works');
    expect(await workspaces.getInstallation('slack', CLUB.teamId)).toBeNull();
  });

  it('answers 400, not 502, when Slack sends the person back with an error of its own', async () => {
    // Failed before (test/e2e/slack-oauth-fuzz.test.ts): `?error=` other than access_denied answered 502.
    for (const error of ['invalid_scope', '']) {
      const res = await fetch(`${baseUrl}/slack/oauth_redirect?error=${error}&state=x`, { headers: { 'Accept-Language': 'en' } });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Slack could not complete the installation');
    }
  });

  it('shows a 403 page when the workspace may not install this Kring', async () => {
    await shutDown();
    await boot({ allowedWorkspaceIds: ['T0OTHERCLUB'] });

    const res = await install(CLUB.teamId, { language: 'en' });

    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This Slack workspace may not install this Kring');
    expect(await workspaces.getInstallation('slack', CLUB.teamId)).toBeNull();
  });

  it('forgets the installation when the app is uninstalled', async () => {
    await install(CLUB.teamId);
    const envelope = { team_id: CLUB.teamId, api_app_id: 'A0KRING01', type: 'event_callback', event_id: 'Ev0UNINST01', event_time: 1, event: { type: 'app_uninstalled', event_ts: '1.0' } };

    const res = await slack.send(JSON.stringify(envelope), 'application/json');

    expect(res.status).toBe(200);
    await waitFor(() => workspaces.rows.get(`slack:${CLUB.teamId}`)?.installation === null || undefined, 5000, 'installation removed');
    await expect(sut.post({ workspaceId: CLUB.teamId, channelId: 'C0CLUBGEN1' }, { fallback: 'x', blocks: [] })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });
});
