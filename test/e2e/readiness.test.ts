import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { LogMailer } from '../../src/infra/mail/log.mailer.js';
import { startKring, type Kring } from '../../src/main.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * `/readyz` says 200 only once every configured platform has started: while Slack's `auth.test` is still
 * under way, the Slack route answers 503, and so must readiness (a load balancer that trusts it would send
 * Slack's requests to an instance that refuses them). The fake holds `auth.test` until the test releases it,
 * so nothing here depends on timing.
 */

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET /readyz, retried while the server is not listening yet. */
async function readyz(baseUrl: string): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('readiness during start-up', () => {
  let fake: FakeSlackApi | undefined;
  let starting: Promise<Kring> | undefined;
  let releaseSlack: (() => void) | undefined;

  afterEach(async () => {
    releaseSlack?.();
    const kring = await starting?.catch(() => undefined);
    await kring?.stop();
    await fake?.stop();
  });

  it('answers 503 on /readyz until every platform has started, then 200 naming each platform', async () => {
    fake = await FakeSlackApi.start();
    const slowSlack = fake.hold('auth.test');
    releaseSlack = slowSlack.release;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      KRING_ORG: 'readiness',
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: 'readiness-signing-secret',
      SLACK_API_URL: fake.apiUrl,
    });
    starting = startKring(config, { database: await createPostgresTestDatabase(), logger: silentLogger, mailer: new LogMailer({ logger: silentLogger }) });

    await slowSlack.reached;
    const during = await readyz(baseUrl);
    const slackRoute = await fetch(`${baseUrl}/slack/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });

    expect(slackRoute.status).toBe(503);
    expect(during.status).toBe(503);
    expect(during.body.checks).toMatchObject({ database: 'ok', slack: 'unavailable' });

    slowSlack.release();
    await starting;
    const after = await readyz(baseUrl);

    expect(after.status).toBe(200);
    expect(after.body.checks).toMatchObject({ database: 'ok', queue: 'ok', slack: 'ok' });
  });
});
