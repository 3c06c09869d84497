import { readFileSync } from 'node:fs';
import type { APIInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BoundedWork } from '../../src/kernel/bounded-work.js';
import type { InboundEvent, InboundHandler, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { respondToInteraction } from './interactions.js';

/** Discord's REST as the responder uses it: records every call and answers at once. */
class RecordingRest {
  readonly calls: { method: 'post' | 'patch' | 'delete'; route: string; body: unknown }[] = [];
  async post(route: string, options: { body?: unknown } = {}) {
    this.calls.push({ method: 'post', route, body: options.body });
    return undefined;
  }
  async patch(route: string, options: { body?: unknown } = {}) {
    this.calls.push({ method: 'patch', route, body: options.body });
    return undefined;
  }
  async delete(route: string) {
    this.calls.push({ method: 'delete', route, body: undefined });
    return undefined;
  }
  callbacksOf(id: string): { type?: number }[] {
    return this.calls.filter((c) => c.route.startsWith(`/interactions/${id}/`)).map((c) => c.body as { type?: number });
  }
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function press(id: string): APIInteraction {
  const raw = JSON.parse(readFileSync(new URL('./fixtures/interaction-button.json', import.meta.url), 'utf8')) as APIInteraction & { id: string; token: string };
  return { ...raw, id, token: `token-${id}` };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe(respondToInteraction.name, () => {
  it('defers a press waiting for a slot, and acknowledges at once (without handling) one for which even the waiting room is full', async () => {
    const rest = new RecordingRest();
    const work = new BoundedWork({ concurrency: 1, maxWaiting: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const handler: InboundHandler = {
      async handle(event: InboundEvent): Promise<Reply | undefined> {
        seen.push(event.eventId ?? '');
        await gate;
        return { visibility: 'private', view: { fallback: `Je stem (${event.eventId})`, blocks: [{ type: 'text', text: 'Je stem: **Ja**' }] } };
      },
    };
    const deps = { rest: rest as never, handler, logger: quiet, deferAfterMs: 30, work };

    const busy = respondToInteraction(press('1000000000000000001'), deps); // takes the one slot
    const waiting = respondToInteraction(press('1000000000000000002'), deps); // waits for it
    const shed = respondToInteraction(press('1000000000000000003'), deps); // waiting room full

    await shed;
    expect(rest.callbacksOf('1000000000000000003')).toEqual([{ type: 6 }]);
    // Both others are acknowledged (deferred) while their handling cannot finish.
    await until(() => rest.callbacksOf('1000000000000000001').length === 1 && rest.callbacksOf('1000000000000000002').length === 1);
    expect(rest.callbacksOf('1000000000000000001')).toEqual([{ type: 6 }]);
    expect(rest.callbacksOf('1000000000000000002')).toEqual([{ type: 6 }]);
    expect(seen).toEqual(['1000000000000000001']);

    release();
    await Promise.all([busy, waiting]);
    expect(seen).toEqual(['1000000000000000001', '1000000000000000002']);
    // Their replies follow through the interaction webhook, privately.
    const followUps = rest.calls.filter((c) => c.method === 'post' && c.route.startsWith('/webhooks/'));
    expect(followUps).toHaveLength(2);
    expect(followUps.every((c) => (((c.body as { flags?: number }).flags ?? 0) & 64) === 64)).toBe(true);
  });

  it('answers a press handled in time with its reply as the interaction response', async () => {
    const rest = new RecordingRest();
    const handler: InboundHandler = { handle: async () => ({ visibility: 'private', view: { fallback: 'Je stem: Ja', blocks: [{ type: 'text', text: 'Je stem: **Ja**' }] } }) };
    await respondToInteraction(press('1000000000000000004'), { rest: rest as never, handler, logger: quiet, deferAfterMs: 2500, work: new BoundedWork({ concurrency: 4, maxWaiting: 4 }) });
    const [callback] = rest.callbacksOf('1000000000000000004') as { type?: number; data?: { flags?: number } }[];
    expect(callback?.type).toBe(4);
    expect((callback?.data?.flags ?? 0) & 64).toBe(64);
  });
});
