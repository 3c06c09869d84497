import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { TeamsTestBed } from '../fakes/teams/teams-test-bed.js';

/**
 * A button press on a Teams card is an `adaptiveCard/action` invoke, answered in the HTTP response; Teams
 * gives up after about five seconds. When the handling is slower than the adapter's deadline (a busy
 * process, a burst of presses waiting their turn), the invoke gets an empty answer in time and the
 * handling goes on (the vote is stored; the reply that can no longer be shown is dropped and logged).
 * The real botbuilder adapter with authentication on, against the fake Bot Connector.
 */
describe('Teams answers a card action within its deadline', () => {
  let bed: TeamsTestBed | undefined;

  afterEach(async () => {
    await bed?.stop();
    bed = undefined;
  });

  it('answers a press whose handling is slower than the deadline with an empty message, and still handles it', async () => {
    bed = await new TeamsTestBed({ invokeDeadlineMs: 200 }).start();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let handled = false;
    bed.handler.reply = async (event: InboundEvent): Promise<Reply | undefined> => {
      await gate;
      handled = true;
      return event.type === 'action' ? { visibility: 'private', view: { fallback: 'Je stem: Ja', blocks: [{ type: 'text', text: 'Je stem: **Ja**' }] } } : undefined;
    };

    const answer = await bed.send(bed.fixture('invoke-action-execute'));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' });
    expect(bed.handler.events.map((e) => e.type)).toEqual(['action']);
    expect(handled).toBe(false);

    release();
    for (let i = 0; i < 1000 && !bed.logger.lines.some((l) => /handled after the invoke was answered/.test(l.msg ?? '')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(handled).toBe(true);
    expect(bed.logger.lines.some((l) => /handled after the invoke was answered/.test(l.msg ?? ''))).toBe(true);
  });

  it('answers with the reply card when the handling is done in time', async () => {
    bed = await new TeamsTestBed({ invokeDeadlineMs: 4000 }).start();
    bed.handler.reply = (event) => (event.type === 'action' ? { visibility: 'private', view: { fallback: 'Je stem: Ja', blocks: [{ type: 'text', text: 'Je stem: **Ja**' }] } } : undefined);
    const answer = await bed.send(bed.fixture('invoke-action-execute'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(answer.body)).toContain('Je stem');
  });
});
