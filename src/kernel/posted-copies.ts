import type { Platform } from './types.js';
import { ChatPlatformError, type ChatPlatforms, type View } from './ports/chat-platform.js';

/**
 * Posting one view as several copies (one message per channel, on every platform) and keeping them all
 * alike: shared by the capabilities that show live results on every copy (statements, ideas). Each call
 * reads nothing itself: the caller passes the copies and the view, so a job that runs late or twice still
 * leaves every copy right.
 */

/** One copy of a posted message: where it goes, and its message id once posted. */
export interface PostedCopy {
  id: string;
  platform: Platform;
  workspaceExternalId: string;
  channelExternalId: string;
  messageId: string | null;
}

/** What a copy operation tells its caller about each copy. */
export interface CopyCallbacks {
  /** A copy failed (logged by the caller; only counts, ids and error text, never who answered). */
  onFailure(copy: PostedCopy, error: unknown): void;
}

/**
 * Posts every copy without a message id (the idempotency key is the copy's id: Discord de-duplicates on
 * it, Slack marks it and, on a retry, is asked first with `findPosted`). Resolves after every copy was
 * tried; rejects with a retryable error when one copy failed for a passing reason, so the job retries the
 * copies still waiting.
 */
export async function postWaitingCopies(input: CopyCallbacks & {
  platforms: ChatPlatforms;
  copies: readonly PostedCopy[];
  view: View;
  retry: boolean;
  onPosted(copy: PostedCopy, messageId: string): Promise<void>;
}): Promise<void> {
  let failure: unknown;
  await Promise.all(
    input.copies
      .filter((c) => c.messageId === null)
      .map(async (copy) => {
        const platform = input.platforms.get(copy.platform);
        if (!platform) return input.onFailure(copy, new ChatPlatformError('NOT_FOUND', `platform ${copy.platform} not connected`));
        const channel = { workspaceId: copy.workspaceExternalId, channelId: copy.channelExternalId };
        try {
          const earlier = input.retry && platform.findPosted ? await platform.findPosted(channel, copy.id) : null;
          const ref = earlier ?? (await platform.post(channel, input.view, { idempotencyKey: copy.id }));
          await input.onPosted(copy, ref.messageId);
        } catch (err) {
          if (isRetryableCopyError(err)) failure = err;
          input.onFailure(copy, err);
        }
      }),
  );
  if (failure) throw failure;
}

/**
 * Puts `view` on every posted copy. A copy deleted in chat (NOT_FOUND) is skipped; `skip` may leave out a
 * copy known to show this view already. Rejects with a retryable error when one copy failed for a passing
 * reason (the job retries; the others were updated).
 */
export async function updatePostedCopies(input: CopyCallbacks & {
  platforms: ChatPlatforms;
  copies: readonly PostedCopy[];
  view: View;
  skip?: (copy: PostedCopy) => boolean;
  onUpdated?: (copy: PostedCopy) => void;
}): Promise<void> {
  let failure: unknown;
  await Promise.all(
    input.copies.map(async (copy) => {
      if (copy.messageId === null || input.skip?.(copy)) return;
      const platform = input.platforms.get(copy.platform);
      if (!platform) return;
      try {
        await platform.update({ platform: copy.platform, workspaceId: copy.workspaceExternalId, channelId: copy.channelExternalId, messageId: copy.messageId }, input.view);
        input.onUpdated?.(copy);
      } catch (err) {
        if (err instanceof ChatPlatformError && err.code === 'NOT_FOUND') return;
        if (isRetryableCopyError(err)) failure = err;
        input.onFailure(copy, err);
      }
    }),
  );
  if (failure) throw failure;
}

/** Unknown errors (network, an adapter's bug) are retried too; the queue gives up after its attempts. */
export function isRetryableCopyError(err: unknown): boolean {
  return !(err instanceof ChatPlatformError) || err.retryable;
}
