import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * "Add to Slack" through Kring as `npm start` boots it (OAuth mode, KRING_SECRET set): Bolt stores the
 * installation through the sealed workspace repository, the database then holds no bot token anywhere
 * (a full `pg_dump`), and Kring still posts with that token.
 */

const OAUTH = { clientId: '1111111111.2222222222', clientSecret: 'client-secret-0f7e' };
const CLUB = {
  teamId: 'T0SEALED01',
  teamName: 'Zeilvereniging',
  domain: 'zeilvereniging',
  botToken: 'xoxb-7777-8888-sealedclubtoken',
  botUserId: 'U0SEALBOT1',
  botId: 'B0SEALBOT1',
  appId: 'A0KRING01',
};
const execFileAsync = promisify(execFile);

let fake: FakeSlackApi;
let h: KringHarness;
beforeAll(async () => {
  fake = await FakeSlackApi.start();
  fake.configureOAuth(OAUTH);
  fake.addWorkspace(CLUB);
  fake.addChannel({ id: 'C0SEALGEN1', teamId: CLUB.teamId, name: 'algemeen' });
  fake.addUser({ id: 'U0ZEILER01', teamId: CLUB.teamId, name: 'zeiler', realName: 'Zeiler Een', locale: 'nl-NL' });
  h = await startKringHarness({
    seed: false,
    env: {
      SLACK_CLIENT_ID: OAUTH.clientId,
      SLACK_CLIENT_SECRET: OAUTH.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-with-enough-entropy-0123456789',
      SLACK_SIGNING_SECRET: 'oauth-signing-secret-c4ca4238a0b92382',
      SLACK_API_URL: fake.apiUrl,
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

describe('Slack OAuth installation at rest', () => {
  it('stores the installation sealed (no bot token in a pg_dump) and still posts with it', async () => {
    const page = await fetch(`${h.baseUrl}/slack/install`);
    const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
    expect(state).toBeDefined();
    const code = fake.issueOAuthCode(CLUB.teamId, 'U0ZEILER01');
    const done = await fetch(`${h.baseUrl}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`, {
      headers: { Cookie: `slack-app-oauth-state=${state}` },
    });
    expect(done.status).toBe(200);

    const { stdout } = await execFileAsync('pg_dump', ['--data-only', '--no-owner', h.kring.database.url], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain(CLUB.teamId);
    expect(stdout).not.toContain(CLUB.botToken);
    expect(stdout).not.toContain('8888-sealedclubtoken');
    const rows = await h.kring.database.prisma.$queryRaw<{ installation: unknown }[]>`SELECT installation FROM workspace WHERE external_id = ${CLUB.teamId}`;
    expect(rows[0]?.installation).toMatch(/^kring-secret:v1:/);

    const slack = h.kring.platforms.find((p) => p.platform === 'slack')!;
    await slack.post({ workspaceId: CLUB.teamId, channelId: 'C0SEALGEN1' }, { fallback: 'Ahoy', blocks: [{ type: 'text', text: 'Ahoy zeilers' }] });
    expect(fake.callsTo('chat.postMessage').at(-1)!.token).toBe(CLUB.botToken);
  });
});
