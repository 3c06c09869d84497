import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChatPlatformError,
  type ChannelRef,
  type ChatPlatform,
  type UserRef,
  type View,
} from '../../src/kernel/ports/chat-platform.js';

/**
 * The chat-platform contract: one suite, run against every adapter (Slack, Discord, Teams) driving its
 * real SDK against our protocol fake. Expectations never branch on the implementation.
 *
 * Each adapter's test file calls `chatPlatformContract(harness)` with a harness that starts its fake
 * and its platform, and reads back what the fake received, normalised as {@link ReceivedMessage}.
 */

/** A message as the fake platform holds it now. */
export interface ReceivedMessage {
  channelId: string;
  messageId: string;
  /** All human-visible text of the message (blocks, embeds, card), concatenated. */
  text: string;
  /** Ids of buttons/selects on the message (Slack action_id, Discord custom_id, Teams verb+data). */
  actionIds: string[];
  deleted: boolean;
}

export type InjectableFailure = 'rate-limited' | 'not-found' | 'forbidden' | 'server-error';

export interface ChatPlatformContext {
  sut: ChatPlatform;
  /** A channel that exists on the fake. */
  channel: ChannelRef;
  /** A user that exists on the fake (for direct messages). */
  user: UserRef;
  /** A channel id the fake does not know. */
  missingChannelId: string;
  /** Messages in a channel (direct-message conversations included when `channelId` is the DM id). */
  messages(channelId: string): Promise<ReceivedMessage[]>;
  /** Direct messages the user received. */
  directMessages(userId: string): Promise<ReceivedMessage[]>;
  /** Makes the fake answer the next outbound call with this failure (429 carries retry-after 1 s). */
  failNext(failure: InjectableFailure): void;
  teardown(): Promise<void>;
}

export interface ChatPlatformHarness {
  name: string;
  setup(): Promise<ChatPlatformContext>;
}

/** A View using every block type. */
export const everyBlockView: View = {
  fallback: 'Kring test view',
  blocks: [
    { type: 'heading', text: 'Ledenvergadering' },
    { type: 'text', text: 'Kom **allemaal** naar _de_ vergadering: [agenda](https://example.org/agenda)\n- punt een\n- punt twee' },
    { type: 'fields', fields: [{ label: 'Wanneer', value: 'dinsdag' }, { label: 'Waar', value: 'Utrecht' }] },
    { type: 'divider' },
    { type: 'bars', bars: [{ label: 'Ja', count: 3, percent: 75 }, { label: 'Nee', count: 1, percent: 25 }] },
    {
      type: 'buttons',
      buttons: [
        { actionId: 'vote.yes', label: 'Ja', value: 'opt-1', style: 'primary' },
        { actionId: 'vote.no', label: 'Nee', value: 'opt-2', style: 'danger' },
      ],
    },
    { type: 'select', actionId: 'pick.one', placeholder: 'Kies', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }] },
    { type: 'context', text: 'Geplaatst door het bestuur' },
  ],
};

export function chatPlatformContract(harness: ChatPlatformHarness): void {
  describe(`ChatPlatform contract: ${harness.name}`, () => {
    let ctx: ChatPlatformContext;

    beforeEach(async () => {
      ctx = await harness.setup();
    });
    afterEach(async () => {
      await ctx.teardown();
    });

    it('posts a view in a channel and returns a reference to it', async () => {
      const ref = await ctx.sut.post(ctx.channel, everyBlockView);
      expect(ref.platform).toBe(ctx.sut.platform);
      expect(ref.channelId).toBe(ctx.channel.channelId);
      expect(ref.messageId).not.toBe('');
      const msgs = await ctx.messages(ctx.channel.channelId);
      const posted = msgs.find((m) => m.messageId === ref.messageId);
      expect(posted).toBeDefined();
      expect(posted!.text).toContain('Ledenvergadering');
      expect(posted!.text).toContain('allemaal');
      expect(posted!.text).toContain('Utrecht');
      expect(posted!.text).toContain('75%');
      expect(posted!.actionIds.join(' ')).toContain('vote.yes');
    });

    it('updates a posted message in place', async () => {
      const ref = await ctx.sut.post(ctx.channel, everyBlockView);
      await ctx.sut.update(ref, { fallback: 'Gesloten', blocks: [{ type: 'heading', text: 'Poll gesloten' }] });
      const msgs = await ctx.messages(ctx.channel.channelId);
      const updated = msgs.filter((m) => m.messageId === ref.messageId);
      expect(updated).toHaveLength(1);
      expect(updated[0]!.text).toContain('Poll gesloten');
      expect(updated[0]!.text).not.toContain('Ledenvergadering');
    });

    it('deletes a posted message, and reports NOT_FOUND the second time', async () => {
      const ref = await ctx.sut.post(ctx.channel, everyBlockView);
      await ctx.sut.delete(ref);
      const msgs = await ctx.messages(ctx.channel.channelId);
      expect(msgs.find((m) => m.messageId === ref.messageId)?.deleted ?? true).toBe(true);
      await expect(ctx.sut.delete(ref)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('sends a direct message to a user', async () => {
      await ctx.sut.sendDirect(ctx.user, { fallback: 'Je code', blocks: [{ type: 'text', text: 'Welkom bij de **vereniging**' }] });
      const dms = await ctx.directMessages(ctx.user.userId);
      expect(dms.some((m) => m.text.includes('vereniging'))).toBe(true);
    });

    it('maps a 429 to RATE_LIMITED with the wait the platform asked for', async () => {
      ctx.failNext('rate-limited');
      const err = await ctx.sut.post(ctx.channel, everyBlockView).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChatPlatformError);
      expect((err as ChatPlatformError).code).toBe('RATE_LIMITED');
      expect((err as ChatPlatformError).retryAfterMs).toBeGreaterThan(0);
    });

    it('maps an unknown channel to NOT_FOUND', async () => {
      const err = await ctx.sut.post({ ...ctx.channel, channelId: ctx.missingChannelId }, everyBlockView).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChatPlatformError);
      expect((err as ChatPlatformError).code).toBe('NOT_FOUND');
    });

    it('maps a refusal to PERMISSION_DENIED and a server error to TRANSIENT', async () => {
      ctx.failNext('forbidden');
      await expect(ctx.sut.post(ctx.channel, everyBlockView)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      ctx.failNext('server-error');
      await expect(ctx.sut.post(ctx.channel, everyBlockView)).rejects.toMatchObject({ code: 'TRANSIENT' });
    });
  });
}
