import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionBodySchema, commandBodySchema, formBodySchema, splitCommandText, toActionEvent, toCommandEvent, toFormSubmittedEvent } from './inbound.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));
const actor = { space: 'fietsclub', userId: 'u-0123456789abcdef01234567', displayName: 'Mies', locale: 'nl' };

describe(splitCommandText.name, () => {
  it('drops a leading /kring and keeps quoted words together', () => {
    expect(splitCommandText('/kring poll create "Wat eten we?" pizza  pasta')).toEqual(['poll', 'create', 'Wat eten we?', 'pizza', 'pasta']);
    expect(splitCommandText('  help ')).toEqual(['help']);
    expect(splitCommandText('/KRING')).toEqual([]);
    expect(splitCommandText('news post “Ledenvergadering” | Kom ook')).toEqual(['news', 'post', 'Ledenvergadering', '|', 'Kom', 'ook']);
  });
});

describe('web page requests', () => {
  it('turns a typed command into a CommandEvent of the web space', () => {
    const event = toCommandEvent(actor, commandBodySchema.parse(fixture('command-poll-create')));
    expect(event).toMatchObject({ type: 'command', platform: 'web', workspaceId: 'fietsclub', userId: actor.userId, channelId: 'algemeen', path: ['poll'], locale: 'nl' });
    expect(event.args).toEqual(['create', 'Waar fietsen we heen?', '|', 'Veluwe', '|', 'Langs', 'de', 'kust']);
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('turns a button press on a stored post into an ActionEvent that names the message', () => {
    const event = toActionEvent(actor, actionBodySchema.parse(fixture('action-poll-vote')));
    expect(event).toMatchObject({ type: 'action', actionId: 'poll.vote', value: '3a738237-2b1c-4e8f-9d2a-7b5c1e0f4a11:0' });
    expect(event.message).toEqual({ platform: 'web', workspaceId: 'fietsclub', channelId: 'algemeen', messageId: '3a738237-2b1c-4e8f-9d2a-7b5c1e0f4a11' });
  });

  it('keeps a press on a private answer (only in the page) without a message, and @me without a channel', () => {
    const event = toActionEvent(actor, actionBodySchema.parse(fixture('action-private-unlink')));
    expect(event.message).toBeUndefined();
    expect(event.channelId).toBeUndefined();
  });

  it('turns a submitted form into a FormSubmittedEvent', () => {
    const event = toFormSubmittedEvent(actor, formBodySchema.parse(fixture('form-poll-create')));
    expect(event).toMatchObject({ type: 'form-submitted', formId: 'poll.create', channelId: 'algemeen', values: { question: 'Waar fietsen we heen?' } });
  });

  it.each([
    ['no body', undefined],
    ['a string', 'help'],
    ['an unknown field', { channel: 'algemeen', text: 'help', admin: true }],
    ['a channel with capitals', { channel: 'Algemeen', text: 'help' }],
    ['a channel with a slash', { channel: '../bestuur', text: 'help' }],
    ['text too long', { channel: 'algemeen', text: 'x'.repeat(4001) }],
    ['text not a string', { channel: 'algemeen', text: 42 }],
  ])('refuses a command body with %s', (_what, body) => {
    expect(commandBodySchema.safeParse(body).success).toBe(false);
  });

  it.each([
    ['a message id that is neither a post nor a private answer', { channel: 'algemeen', messageId: 'x', actionId: 'poll.vote' }],
    ['an action id too long', { channel: 'algemeen', actionId: 'a'.repeat(61) }],
    ['a value too long', { channel: 'algemeen', actionId: 'poll.vote', value: 'v'.repeat(101) }],
  ])('refuses an action body with %s', (_what, body) => {
    expect(actionBodySchema.safeParse(body).success).toBe(false);
  });

  it('refuses a form with more fields than any form has', () => {
    const values = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}`, 'x']));
    expect(formBodySchema.safeParse({ channel: 'algemeen', formId: 'poll.create', values }).success).toBe(false);
  });
});
