import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatPlatformError, type View } from '../../src/kernel/ports/chat-platform.js';
import type { WebPlatform } from '../../adapters/web/index.js';
import type { LiveEvent } from '../../adapters/web/live.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * The web community as a ChatPlatform, the way capabilities use it (posts, edits, deletes, direct
 * messages), against Kring's real message store on PostgreSQL, and what an open page receives live.
 */

const view = (title: string): View => ({ fallback: title, blocks: [{ type: 'heading', text: title }, { type: 'text', text: 'Kom **allemaal**' }] });

/** Reads server-sent `message` events from a page's stream. */
async function openStream(baseUrl: string, cookie: string): Promise<{ next(): Promise<LiveEvent>; close(): void }> {
  const res = await fetch(`${baseUrl}/web/api/stream`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (/^event: message$/m.test(chunk) && data) return JSON.parse(data) as LiveEvent;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => void reader.cancel().catch(() => undefined),
  };
}

describe('the web platform (ChatPlatform port)', () => {
  let h: KringHarness;
  let web: WebPlatform;
  let cookie: string;
  let userId: string;

  beforeAll(async () => {
    h = await startKringHarness();
    web = h.kring.web!;
    // A manager signs in with a one-time link (linked first, as `/kring verify` would).
    userId = web.newUserId();
    await h.linkDirectly(h.members.manager, { platform: 'web', workspaceId: web.config.space, userId });
    const link = new URL(await web.signInLink(userId));
    const res = await fetch(`${h.baseUrl}/web/signin/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${link.searchParams.get('token')}`, redirect: 'manual' });
    expect(res.status).toBe(303);
    cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    // A connected news channel in the web space.
    const reply = await h.kring.router.handle({ type: 'command', platform: 'web', workspaceId: web.config.space, userId, channelId: 'nieuws', path: ['channel'], args: ['connect', 'news'], options: {}, raw: {} });
    expect(reply?.view.fallback).toMatch(/gekoppeld|connected/i);
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('posts, updates and deletes a message, and an open page sees each change live', async () => {
    const page = await openStream(h.baseUrl, cookie);
    const channel = { workspaceId: web.config.space, channelId: 'nieuws' };
    const ref = await web.post(channel, view('Ledenvergadering'));
    expect(ref).toMatchObject({ platform: 'web', channelId: 'nieuws' });
    expect(await page.next()).toMatchObject({ kind: 'post', channel: 'nieuws', id: ref.messageId, html: expect.stringContaining('Ledenvergadering') });

    await web.update(ref, view('Ledenvergadering verplaatst'));
    expect(await page.next()).toMatchObject({ kind: 'update', id: ref.messageId, html: expect.stringContaining('verplaatst') });
    const stored = await web.config.messages.recent(web.config.space, 'nieuws', 10);
    expect(stored.map((m) => m.view.fallback)).toEqual(['Ledenvergadering verplaatst']);

    await web.delete(ref);
    expect(await page.next()).toMatchObject({ kind: 'delete', id: ref.messageId });
    await expect(web.delete(ref)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(web.update(ref, view('x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    page.close();
  });

  it('posts once per idempotency key, as a retried fan-out job needs', async () => {
    const channel = { workspaceId: web.config.space, channelId: 'nieuws' };
    const first = await web.post(channel, view('Eén keer'), { idempotencyKey: 'delivery-1' });
    const again = await web.post(channel, view('Eén keer'), { idempotencyKey: 'delivery-1' });
    expect(again.messageId).toBe(first.messageId);
    const stored = await web.config.messages.recent(web.config.space, 'nieuws', 10);
    expect(stored.filter((m) => m.view.fallback === 'Eén keer')).toHaveLength(1);
  });

  it('sends a direct message that only its member’s page receives', async () => {
    const page = await openStream(h.baseUrl, cookie);
    const dm = await web.sendDirect({ workspaceId: web.config.space, userId }, view('Je poll is gesloten'));
    expect(dm.channelId).toBe(`@${userId}`);
    expect(await page.next()).toMatchObject({ kind: 'post', channel: `@${userId}`, html: expect.stringContaining('Je poll is gesloten') });
    page.close();
  });

  it('refuses channels that are not connected, other spaces and malformed ids', async () => {
    const err = await web.post({ workspaceId: web.config.space, channelId: 'niet-gekoppeld' }, view('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatPlatformError);
    expect((err as ChatPlatformError).code).toBe('NOT_FOUND');
    await expect(web.post({ workspaceId: 'other-space', channelId: 'nieuws' }, view('x'))).rejects.toMatchObject({ code: 'INVALID' });
    await expect(web.post({ workspaceId: web.config.space, channelId: '../etc' }, view('x'))).rejects.toMatchObject({ code: 'INVALID' });
    await expect(web.sendDirect({ workspaceId: web.config.space, userId: 'U123' }, view('x'))).rejects.toMatchObject({ code: 'INVALID' });
  });
});
