import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CHANNEL, TEST_PERSONAL_CHAT, TEST_TENANT, TEST_USER, TeamsTestBed } from '../fakes/teams/teams-test-bed.js';

/**
 * Correctly signed Teams activities whose fields have the wrong types. The Bot Framework activity spec
 * (A2003): "Receivers SHOULD reject activities that contain field values whose types do not match the
 * data types described in this specification" — so each gets a 400, reaches no handler, and nothing
 * crashes or logs an error. Real botbuilder, real RS256 tokens from the fake identity.
 */
describe('Teams activities with fields of the wrong type', () => {
  let bed: TeamsTestBed;

  beforeAll(async () => {
    bed = await new TeamsTestBed({ auth: true }).start();
    bed.connector.addConversation(TEST_PERSONAL_CHAT, {
      isGroup: false,
      tenantId: TEST_TENANT,
      members: [{ id: TEST_USER.teamsId, aadObjectId: TEST_USER.aadObjectId }],
    });
  });
  afterAll(async () => {
    await bed.stop();
  });
  beforeEach(() => {
    bed.handler.events.length = 0;
    bed.logger.lines.length = 0;
    bed.handler.reply = () => ({ visibility: 'private', view: { fallback: 'ok', blocks: [{ type: 'text', text: 'ok' }] } });
  });

  const command = () => bed.fixture('message-personal-command');
  const mention = () => bed.fixture('message-channel-mention');
  const cases: [string, () => Record<string, unknown>][] = [
    ['entities is not a list', () => ({ ...mention(), entities: { type: 'mention' } })],
    ['an entity is not an object', () => ({ ...mention(), entities: ['mention'] })],
    ['text is not a string', () => ({ ...command(), text: 42 })],
    ['text is an object', () => ({ ...command(), text: { value: 'link' } })],
    ['from is a string', () => ({ ...command(), from: 'Jan' })],
    ['the conversation id is a number', () => ({ ...command(), conversation: { id: 7, conversationType: 'personal' } })],
    ['locale is a number', () => ({ ...command(), locale: 1043 })],
    ['timestamp is an object', () => ({ ...command(), timestamp: { at: 'now' } })],
    ['channelData is a string', () => ({ ...command(), channelData: 'tenant' })],
    ['the tenant id is a number', () => ({ ...command(), channelData: { tenant: { id: 5 } } })],
    ['membersAdded is not a list', () => ({ ...bed.fixture('conversation-update-member-added'), membersAdded: 'everyone' })],
    ['a member added is null', () => ({ ...bed.fixture('conversation-update-member-added'), membersAdded: [null] })],
    ['reactionsAdded is a string', () => ({ ...bed.fixture('message-reaction-added'), reactionsAdded: 'like' })],
    ['an invoke name is a number', () => ({ ...bed.fixture('invoke-action-execute'), name: 12 })],
  ];

  it.each(cases)('rejects an activity where %s with 400, without calling the handler', async (_name, make) => {
    const res = await bed.send(make());

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|TypeError|stack/);
    expect(bed.handler.events).toEqual([]);
    expect(bed.logger.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    expect(bed.logger.lines.some((l) => l.level === 'debug' && /unexpected shape/.test(l.msg ?? ''))).toBe(true);
  });

  it.each([
    ['an adaptiveCard/action without a value', () => ({ ...bed.fixture('invoke-action-execute'), value: undefined })],
    ['an adaptiveCard/action whose action is no Action.Execute', () => ({ ...bed.fixture('invoke-action-execute'), value: { action: { type: 'Action.Submit', data: {} } } })],
    ['an invoke Kring declares nothing for', () => ({ ...bed.fixture('invoke-action-execute'), name: 'composeExtension/query' })],
  ])('answers %s with 400 and a Universal Actions error, never 501', async (_name, make) => {
    const res = await bed.send(make());

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest' } });
    expect(bed.handler.events).toEqual([]);
  });

  it('still answers a well-formed Action.Execute press with 200', async () => {
    const res = await bed.send(bed.fixture('invoke-action-execute'));

    expect(res.status).toBe(200);
    expect(bed.handler.events.map((e) => e.type)).toEqual(['action']);
  });

  it('treats null fields as absent, as Bot Framework senders write them', async () => {
    const res = await bed.send({ ...command(), replyToId: null, locale: null, localTimestamp: null, textFormat: null });

    expect(res.status).toBe(200);
    expect(bed.handler.events).toMatchObject([{ type: 'command', path: ['link'] }]);
    expect(bed.handler.events[0]!.locale).toBeUndefined();
  });

  it('still handles a well-formed channel mention after the malformed ones', async () => {
    bed.connector.addConversation(TEST_CHANNEL, { isGroup: true, tenantId: TEST_TENANT });
    const res = await bed.send(mention());

    expect(res.status).toBe(200);
    expect(bed.handler.events.map((e) => e.type)).toEqual(['command']);
  });
});
