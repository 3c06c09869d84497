import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '../../adapters/slack/index.js';
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
  });

  afterEach(async () => {
    await sut.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.stop();
  });

  /** Walks the browser part: the install page, Slack's "Allow", the redirect back with code and state. */
  async function install(teamId: string): Promise<Response> {
    const page = await fetch(`${baseUrl}/slack/install`);
    const cookie = page.headers.get('set-cookie') ?? '';
    const state = /slack-app-oauth-state=([^;]+)/.exec(cookie)?.[1];
    expect(state).toBeDefined();
    const html = await page.text();
    expect(html).toContain(`client_id=${OAUTH.clientId}`);
    expect(html).toContain('scope=commands%2Cchat%3Awrite');
    const code = fake.issueOAuthCode(teamId, 'U0ROEIER01');
    return fetch(`${baseUrl}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`, {
      headers: { Cookie: `slack-app-oauth-state=${state}` },
    });
  }

  it('offers the install routes next to the events route', () => {
    expect(sut.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /slack/events', 'GET /slack/install', 'GET /slack/oauth_redirect']);
  });

  it('stores an installation connected to the organisation and posts with its bot token', async () => {
    const done = await install(CLUB.teamId);

    expect(done.status).toBe(200);
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

    expect(res.status).toBeGreaterThanOrEqual(400);
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
