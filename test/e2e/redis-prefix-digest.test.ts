import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as kringCli } from '../../src/cli/kring.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { waitFor } from '../fakes/slack/doubles.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

/**
 * One Kring deployment on a Redis of its own (issue 21, items 15 and 16), with `REDIS_PREFIX=kring-utrecht`
 * as a second association sharing the Redis would set: the server (BullMQ queues and schedulers, the
 * pacer, the admin API's rate limiter) and the CLI's queue write keys only under `kring-utrecht:`.
 * Along the way a manager previews the weekly digest with `kring insights digest` and sends it with
 * `--now`: the CLI enqueues, the server's worker posts it to the managers' channel on (fake) Slack.
 */

const PREFIX = 'kring-utrecht';
const NEWS_CHANNEL = 'C0NIEUWS01';
const SIGNING_SECRET = `prefix-${randomBytes(12).toString('hex')}`;

describe('REDIS_PREFIX and the digest on demand (Kring, CLI, Slack fake, a private Redis)', () => {
  let redis: PrivateRedis;
  let fake: FakeSlackApi;
  let h: KringHarness;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    fake = await FakeSlackApi.start();
    h = await startKringHarness({
      env: {
        SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        REDIS_URL: redis.url,
        REDIS_PREFIX: PREFIX,
      },
    });
    env = { DATABASE_URL: h.kring.database.url, REDIS_URL: redis.url, REDIS_PREFIX: PREFIX, LOG_LEVEL: 'silent' };
    const workspace = await h.kring.directory.workspaces.upsert({ organizationId: h.organization.id, platform: 'slack', externalId: FAKE_SLACK.teamId, name: 'Kring Test' });
    await h.kring.directory.channels.upsert({ workspaceId: workspace.id, externalId: FAKE_SLACK.channelId, name: 'algemeen', purpose: 'general', chapterId: null });
    await h.kring.directory.channels.upsert({ workspaceId: workspace.id, externalId: FAKE_SLACK.privateChannelId, name: 'bestuur', purpose: 'managers', chapterId: null });
    fake.addChannel({ id: NEWS_CHANNEL, teamId: FAKE_SLACK.teamId, name: 'nieuws' });
    await h.kring.directory.channels.upsert({ workspaceId: workspace.id, externalId: NEWS_CHANNEL, name: 'nieuws', purpose: 'news', chapterId: null });
  });
  afterAll(async () => {
    await h?.stop();
    await fake?.stop();
    await redis?.stop();
  });

  const cli = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await kringCli(['node', 'kring', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
    return { code, stdout, stderr };
  };

  it('previews the weekly digest in the terminal, and --now has the server post it to the managers\' channel', async () => {
    const preview = await cli('insights', 'digest', '--org', h.organization.slug);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('Wekelijkse inzichten voor Vereniging De Kring');
    expect(preview.stdout).toContain("Preview only: nothing was posted. It goes to 1 managers' channel(s)");
    expect(fake.received(FAKE_SLACK.privateChannelId)).toEqual([]);

    const sent = await cli('insights', 'digest', '--org', h.organization.slug, '--now');
    expect(sent).toMatchObject({ code: 0, stdout: expect.stringContaining("Queued: the running server's workers post the digest") });
    const [posted] = await waitFor(() => (fake.received(FAKE_SLACK.privateChannelId).length > 0 ? fake.received(FAKE_SLACK.privateChannelId) : undefined), 15_000, 'the digest in the managers channel');
    expect(posted!.text).toContain('Wekelijkse inzichten voor Vereniging De Kring');
    expect(fake.received(FAKE_SLACK.channelId)).toEqual([]);
  });

  it('writes every Redis key under REDIS_PREFIX: queues, schedules, rate limiter and the CLI\'s queue', async () => {
    // The admin API (rate limiter): a poll (queue jobs) and news (fanned out through the pacer).
    const { secret } = await h.kring.parts['api-tokens'].tokens.create({ organizationId: h.organization.id, name: 'crm', scopes: ['polls:write', 'news:write'] });
    const api = (path: string, body: unknown) =>
      fetch(`${h.baseUrl}/api/v1/orgs/${h.organization.slug}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await api('/polls', { question: 'Borrel op vrijdag?', options: ['Ja', 'Nee'] })).status).toBe(201);
    expect((await api('/news', { title: 'Ledenvergadering', body: 'Op 12 maart.' })).status).toBe(201);
    await waitFor(() => (fake.received(FAKE_SLACK.channelId).length > 0 ? true : undefined), 15_000, 'the poll in the general channel');
    await waitFor(() => (fake.received(NEWS_CHANNEL).length > 0 ? true : undefined), 15_000, 'the news in the news channel');

    // Every key written since before Kring started, however short it lived (the pacer's expire in seconds).
    await redis.settled();
    const keys = redis.written();
    expect(keys.filter((k) => !k.startsWith(`${PREFIX}:`))).toEqual([]);
    expect((await redis.keys()).filter((k) => !k.startsWith(`${PREFIX}:`))).toEqual([]);
    // Each writer left its keys (so the check above looked at all of them).
    // (The pacer's keys are `<queue prefix>:pace:…` by construction: pacerFor() hands it the queue's prefix.)
    for (const part of [`${PREFIX}:api-rl:`, `${PREFIX}:insights:repeat`, `${PREFIX}:insights:insights-digest-now-`, `${PREFIX}:polls:`, `${PREFIX}:news:`]) {
      expect(keys.some((k) => k.startsWith(part)), part).toBe(true);
    }
  });
});
