import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRef, KringHarness } from '../support/kring-harness.js';
import { startKringHarness } from '../support/kring-harness.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { waitFor } from '../fakes/slack/doubles.js';
import { visibleText } from '../fakes/slack/blocks.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { TEST_CHANNEL, TEST_TENANT, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';

/**
 * Connected channels carry the platform's name: stored by `/kring channel connect`, refreshed by
 * `/kring channel list` after a rename, so lists and the insights dashboard show `#nieuws` instead of
 * `C0GENERAL1`. Through the real Bolt app, Kring's router and PostgreSQL; the Teams adapter against the
 * fake Bot Connector's team channel list.
 */
const SIGNING_SECRET = 'channel-names-signing-secret-7a1c';

describe('channel names on Slack (Bolt -> fake Slack, PostgreSQL)', () => {
  let fake: FakeSlackApi;
  let h: KringHarness;
  let slack: SlackRequestSender;
  const manager: AccountRef = { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId: 'U0MANAGER9' };

  beforeAll(async () => {
    fake = await FakeSlackApi.start();
    h = await startKringHarness({ env: { SLACK_BOT_TOKEN: FAKE_SLACK.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl } });
    slack = new SlackRequestSender({ eventsUrl: `${h.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake });
    await h.linkDirectly(h.members.manager, manager);
  });
  afterAll(async () => {
    await h?.stop();
    await fake?.stop();
  });

  async function kring(text: string, channelId: string): Promise<string> {
    const sent = await slack.slashCommand(text, { user_id: manager.userId, channel_id: channelId });
    const response = await waitFor(() => fake.responsesTo(sent.responseUrl)[0], 10_000, `reply to /kring ${text}`);
    const blocks = Array.isArray(response.body['blocks']) ? (response.body['blocks'] as unknown[]) : [];
    return visibleText(String(response.body['text'] ?? ''), blocks).replace(/\u200b/g, '');
  }

  const storedName = async (channelId: string) => (await h.kring.directory.channels.list(h.organization.id)).find((c) => c.externalId === channelId)?.name;

  it('stores the name when a channel is connected and shows it in the list', async () => {
    await kring('channel connect news', FAKE_SLACK.channelId);

    expect(await storedName(FAKE_SLACK.channelId)).toBe('general');
    const list = await kring('channel list', FAKE_SLACK.channelId);
    expect(list).toContain('#general');
    expect(list).not.toContain(FAKE_SLACK.channelId);
  });

  it('refreshes a renamed channel’s name when the channels are listed', async () => {
    fake.addChannel({ id: FAKE_SLACK.channelId, teamId: FAKE_SLACK.teamId, name: 'nieuws' });

    const list = await kring('channel list', FAKE_SLACK.channelId);

    expect(list).toContain('#nieuws');
    expect(await storedName(FAKE_SLACK.channelId)).toBe('nieuws');
  });

  it('takes over the new name when Slack reports a rename (channel_rename)', async () => {
    const rename = {
      token: 'verification-token-unused',
      team_id: FAKE_SLACK.teamId,
      api_app_id: FAKE_SLACK.appId,
      type: 'event_callback',
      event_id: 'Ev0RENAME0001',
      event_time: 1712345800,
      event: { type: 'channel_rename', channel: { id: FAKE_SLACK.channelId, name: 'mededelingen', created: 1712000000 }, event_ts: '1712345800.000100' },
    };

    const sent = await slack.send(JSON.stringify(rename), 'application/json');

    expect(sent.status).toBe(200);
    // The rename is stored after Slack got its ack: poll the row.
    for (let i = 0; (await storedName(FAKE_SLACK.channelId)) !== 'mededelingen'; i++) {
      if (i > 500) throw new Error('the rename was not stored');
      await new Promise((r) => setTimeout(r, 10));
    }
    fake.addChannel({ id: FAKE_SLACK.channelId, teamId: FAKE_SLACK.teamId, name: 'mededelingen' });
  });

  it('keeps the stored name when Slack cannot answer, and says nothing about it to the manager', async () => {
    fake.failNext({ type: 'rate-limited', retryAfterSeconds: 30 }, { method: 'conversations.info' });

    const list = await kring('channel list', FAKE_SLACK.channelId);

    expect(list).toContain('#mededelingen');
    expect(await storedName(FAKE_SLACK.channelId)).toBe('mededelingen');
  });
});

describe('channel names on Teams (botbuilder -> fake Bot Connector)', () => {
  let bed: TeamsTestBed;
  const TEAM_ID = '19:Xq1w2e3r4t5y6u7i8o9p0aSdFgHjKlZx@thread.tacv2';

  beforeAll(async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    await bed.installInChannel();
  });
  afterAll(async () => {
    await bed.stop();
  });

  it('reads the name from the team’s channel list, and calls the unnamed first channel General', async () => {
    bed.connector.setTeamChannel(TEAM_ID, { id: TEST_CHANNEL, name: 'Bestuur' });
    expect(await bed.sut.channelName!({ workspaceId: TEST_TENANT, channelId: TEST_CHANNEL })).toBe('Bestuur');

    bed.connector.setTeamChannel(TEAM_ID, { id: TEST_CHANNEL });
    expect(await bed.sut.channelName!({ workspaceId: TEST_TENANT, channelId: TEST_CHANNEL })).toBe('General');
  });

  it('tells its listeners when Teams reports a renamed channel', async () => {
    const renamed: [string, string, string][] = [];
    bed.sut.onChannelRenamed!((channel, name) => void renamed.push([channel.workspaceId, channel.channelId, name]));
    const activity = bed.fixture('conversation-update-bot-added-team');
    activity['membersAdded'] = [];
    activity['channelData'] = { ...(activity['channelData'] as object), eventType: 'channelRenamed', channel: { id: TEST_CHANNEL, name: 'Ledenraad' } };

    const res = await bed.send(activity);

    expect(res.status).toBe(200);
    expect(renamed).toEqual([[TEST_TENANT, TEST_CHANNEL, 'Ledenraad']]);
  });

  it('has no name for a conversation Kring was never added to', async () => {
    expect(await bed.sut.channelName!({ workspaceId: TEST_TENANT, channelId: '19:unknown@thread.tacv2' })).toBeNull();
  });
});
