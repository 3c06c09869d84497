import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Reply, View } from '../../src/kernel/ports/chat-platform.js';
import { close } from '../fakes/teams/http-util.js';
import { TEST_CHANNEL, TEST_PERSONAL_CHAT, TEST_TENANT, TEST_USER, TeamsTestBed, cardText } from '../fakes/teams/teams-test-bed.js';

/**
 * Conversation flows of the Teams adapter through real botbuilder and the fake Bot Connector:
 * emulator mode, private replies, installs, member events, failures and limits.
 */
const codeSent: Reply = {
  visibility: 'private',
  view: { fallback: 'Code verstuurd', blocks: [{ type: 'text', text: 'We hebben een code gestuurd naar j***@example.org' }] },
};
const view: View = { fallback: 'Nieuws', blocks: [{ type: 'text', text: 'Nieuws' }] };

describe('Teams adapter conversations', () => {
  let bed: TeamsTestBed;
  afterEach(async () => {
    await bed?.stop();
  });

  it('without an app id runs with auth off (emulator mode) and warns loudly at start', async () => {
    bed = await new TeamsTestBed({ auth: false }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, { isGroup: false });
    bed.handler.reply = () => ({ visibility: 'channel', view });

    const res = await bed.send(bed.fixture('message-personal-command'), null);

    expect(res.status).toBe(200);
    expect(bed.handler.events).toHaveLength(1);
    expect(bed.connector.activities(TEST_PERSONAL_CHAT)).toHaveLength(1);
    expect(bed.logger.lines.some((l) => l.level === 'warn' && /authentication is OFF/.test(l.msg ?? ''))).toBe(true);
  });

  it('reads the activity from the stream when no body parser ran', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, { isGroup: false });
    const [route] = bed.sut.routes;
    const raw = createServer((req, res) => route!.handle(req, res, () => undefined));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const activity = bed.fixture('message-personal-command');
      const { port } = raw.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await bed.token(activity)}` },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(200);
      expect(bed.handler.events).toMatchObject([{ type: 'command', path: ['link'] }]);
    } finally {
      await close(raw);
    }
  });

  it('answers 400 to a body that is not an activity', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    const res = await fetch(bed.messagesUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    expect(res.status).toBe(400);
  });

  it('sends a private reply to a channel command to the personal chat, opening it once', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    await bed.installInChannel(TEST_CHANNEL);
    bed.handler.reply = (event) => (event.type === 'command' ? codeSent : undefined);

    await bed.send(bed.fixture('message-channel-mention'));
    await bed.send(bed.fixture('message-channel-mention'));

    const chats = bed.connector.personalConversationsOf(TEST_USER.teamsId);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.activities.map((a) => cardText(a))).toEqual([expect.stringContaining('j***@example.org'), expect.stringContaining('j***@example.org')]);
    // Nothing private in the channel, and the second reply reused the stored chat.
    expect(bed.connector.activities(TEST_CHANNEL)).toEqual([]);
    expect(bed.connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations')).toHaveLength(1);
  });

  it('falls back to a reply in the thread when the personal chat cannot be opened', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    await bed.installInChannel(TEST_CHANNEL);
    bed.handler.reply = (event) => (event.type === 'command' ? codeSent : undefined);
    bed.connector.failNext('forbidden');

    await bed.send(bed.fixture('message-channel-mention'));

    const [reply] = bed.connector.activities(TEST_CHANNEL);
    expect(cardText(reply!)).toContain('j***@example.org');
    expect(reply!.replyToId).toBe('1741684805083');
  });

  it('retries an immediate reply that Teams throttles', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, { isGroup: false });
    bed.handler.reply = () => ({ visibility: 'channel', view });
    bed.connector.failNext('rate-limited', 1, 0);
    bed.connector.failNext('server-error');

    await bed.send(bed.fixture('message-personal-command'));

    expect(bed.connector.activities(TEST_PERSONAL_CHAT)).toHaveLength(1);
  });

  it('stores the personal chat on a personal install, so sendDirect needs no new conversation', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, { isGroup: false, members: [{ id: TEST_USER.teamsId, aadObjectId: TEST_USER.aadObjectId }] });
    await bed.send(bed.fixture('conversation-update-personal-install'));

    const ref = await bed.sut.sendDirect({ workspaceId: TEST_TENANT, userId: TEST_USER.aadObjectId }, view);

    expect(ref.channelId).toBe(TEST_PERSONAL_CHAT);
    expect(bed.connector.activities(TEST_PERSONAL_CHAT).map((a) => a.id)).toEqual([ref.messageId]);
    expect(bed.connector.calls.some((c) => c.path === '/v3/conversations')).toBe(false);
  });

  it('maps members joining and leaving a team to member events', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    await bed.send(bed.fixture('conversation-update-member-added'));
    await bed.send(bed.fixture('conversation-update-member-removed'));
    expect(bed.handler.events.map((e) => [e.type, e.userId])).toEqual([
      ['member-joined', '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'],
      ['member-left', '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'],
    ]);
  });

  it('hands channel messages over as message-seen, without replying', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.handler.reply = () => ({ visibility: 'channel', view });
    await bed.send(bed.fixture('message-channel-plain'));
    expect(bed.handler.events).toMatchObject([{ type: 'message-seen', length: [...'Wie komt er dinsdag naar de ledenvergadering? Ik neem taart mee & koffie.'].length }]);
    expect(bed.connector.calls).toEqual([]);
  });

  it('survives a throwing handler: no reply for a message, a generic error for a button, never a stack', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, { isGroup: false });
    bed.handler.reply = () => {
      throw new Error('database on fire');
    };

    const message = await bed.send(bed.fixture('message-personal-command'));
    const press = await bed.send(bed.fixture('invoke-action-select'));

    expect(message.status).toBe(200);
    expect(bed.connector.activities(TEST_PERSONAL_CHAT)).toEqual([]);
    expect(press.status).toBe(200);
    expect(press.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(JSON.stringify(press.body)).not.toMatch(/database on fire|at .*\.ts/);
    expect(bed.logger.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('answers a private reply to a button press with the reply card, for the presser only', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.handler.reply = () => ({ visibility: 'private', view: { fallback: 'Bedankt', blocks: [{ type: 'text', text: 'Je koos **Utrecht**' }] } });
    const res = await bed.send(bed.fixture('invoke-action-select'));
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(res.body)).toContain('Je koos **Utrecht**');
    expect(bed.connector.calls).toEqual([]);
  });

  it('reports RATE_LIMITED once Teams’ limit of 7 messages per second in a conversation is hit', async () => {
    // A frozen clock: all nine sends fall in one second however slow the machine is.
    bed = await new TeamsTestBed({ auth: true, enforceLimits: true, connectorClock: () => 1_700_000_000_000 }).start();
    await bed.installInChannel(TEST_CHANNEL);
    const results = await Promise.allSettled(Array.from({ length: 9 }, () => bed.sut.post({ workspaceId: TEST_TENANT, channelId: TEST_CHANNEL }, view)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as { code: string }).code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('stops taking requests after stop()', async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    await bed.sut.stop();
    const res = await bed.send(bed.fixture('message-personal-command'));
    expect(res.status).toBe(503);
  });
});
