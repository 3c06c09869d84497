import type { NewsDispatcher, NewsRepository, NewsViews, SentRecord } from '../ports.js';
import type { Clock } from '../../../kernel/clock.js';
import type { Platform } from '../../../kernel/types.js';
import { ChatPlatformError, type ChatPlatform, type ChatPlatforms, type MessageRef } from '../../../kernel/ports/chat-platform.js';
import { DeferJobError, PermanentJobError, RateLimitedJobError, type JobMeta } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Pacer } from '../../../kernel/ports/pacer.js';
import { sendRequest, type PlatformLimits } from '../../../kernel/platform-limits.js';

/** Dependencies of {@link DeliveryService}. */
export interface DeliveryServiceDeps {
  news: NewsRepository;
  dispatcher: NewsDispatcher;
  platforms: ChatPlatforms;
  pacer: Pacer;
  limits: Readonly<Record<Platform, PlatformLimits>>;
  views: NewsViews;
  clock: Clock;
  logger: Logger;
}

/**
 * A send slot this close is waited for in the handler (a late job waiting for its channel's next second);
 * further ones send the job back to the delayed set.
 */
const MAX_IN_HANDLER_WAIT_MS = 1000;

/** What a retryable error leaves in the delivery row; `RATE_LIMITED` marks "certainly not posted". */
const RATE_LIMITED_NOTE = 'RATE_LIMITED';

/**
 * Delivers announcements to the platforms: posts one delivery, updates or deletes a delivered copy (the
 * fan-out queues' workers call one method per job).
 *
 * Exactly once per channel: the delivery row is claimed (attempt counted) before posting, the post
 * carries the delivery id as idempotency key (Discord nonce + enforce_nonce; Slack message metadata), and
 * the outcome is recorded with a conditional `queued -> sent` update. When an earlier attempt may have
 * reached the platform (the process died, or a 5xx/timeout hid the answer), the worker first asks the
 * platform for its earlier post (`findPosted`, Slack) or relies on its de-duplication (Discord). Teams has
 * neither: there a crash between "posted" and "recorded" can duplicate one copy (docs/NEWS.md).
 *
 * Errors: RATE_LIMITED pauses the platform's queue for Retry-After (no attempt used); TRANSIENT retries
 * with exponential backoff and jitter; NOT_FOUND / PERMISSION_DENIED / INVALID fail the delivery at once.
 */
export class DeliveryService {
  constructor(private readonly deps: DeliveryServiceDeps) {}

  /**
   * Waits until the platform's limits allow one more request to this target, and takes that slot, right
   * before the request; a far slot sends the job back to the delayed set (DeferJobError).
   */
  private async waitTurn(platform: Platform, target: string | undefined, meta: JobMeta): Promise<void> {
    const request = sendRequest(this.deps.limits, platform, target, `${meta.jobId}#${meta.attempt}`);
    if (!request) return;
    for (;;) {
      const { waitMs, ticket } = await this.deps.pacer.take(request);
      if (waitMs <= 0) {
        // Not awaited: it lands long before anyone may send to this target again (a window later).
        if (ticket) void this.deps.pacer.sent(request, ticket, Date.now()).catch(() => undefined);
        return;
      }
      if (waitMs > MAX_IN_HANDLER_WAIT_MS) throw new DeferJobError(waitMs);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** Posts one delivery (the job's `target` is its pacing key). */
  async deliver(platform: Platform, deliveryId: string, target: string | undefined, meta: JobMeta): Promise<void> {
    const work = await this.deps.news.claimDelivery(deliveryId);
    if (!work) return; // sent, failed or retracted already: nothing to do
    const { delivery, announcement } = work;
    try {
      const chat = this.platform(delivery.platform);
      const view = this.deps.views.announcement(work);
      const inDoubt = work.previousAttempts > 0 && !(work.previousError ?? '').startsWith(RATE_LIMITED_NOTE);
      const channel = { workspaceId: delivery.workspaceExternalId, channelId: delivery.targetExternalId };
      let ref: MessageRef | null = null;
      await this.waitTurn(platform, target, meta);
      if (inDoubt && delivery.kind === 'channel' && chat.findPosted) ref = await chat.findPosted(channel, delivery.id);
      ref ??=
        delivery.kind === 'channel'
          ? await chat.post(channel, view, { idempotencyKey: delivery.id })
          : await chat.sendDirect({ workspaceId: delivery.workspaceExternalId, userId: delivery.targetExternalId }, view, { idempotencyKey: delivery.id });
      const record = await this.deps.news.recordSent(
        delivery.id,
        { channelExternalId: ref.channelId, messageId: ref.messageId, version: announcement.version },
        this.deps.clock.now(),
      );
      if (!record.recorded) await this.lostRace(chat, record, ref);
      else if (record.announcementVersion > announcement.version) await this.deps.dispatcher.enqueueUpdates([record.delivery], record.announcementVersion);
      await this.deps.dispatcher.requestStatusRefresh(announcement.id);
    } catch (err) {
      if (err instanceof DeferJobError) {
        // Not posted: the next run must not take this attempt for one that may have reached the platform.
        await this.deps.news.noteError(deliveryId, `${RATE_LIMITED_NOTE}: paced`);
        throw err;
      }
      await this.failDelivery(deliveryId, announcement.id, err, meta);
    }
  }

  /**
   * Our post went out but the row had moved on: the announcement was retracted meanwhile (delete our copy),
   * or another run recorded a different copy (delete the duplicate). The same message id (a platform's
   * de-duplication answered with the first copy) needs nothing.
   */
  private async lostRace(chat: ChatPlatform, record: SentRecord, ref: MessageRef): Promise<void> {
    const d = record.delivery;
    const duplicate = d.status === 'sent' && d.messageId !== ref.messageId;
    if (d.status !== 'retracted' && !duplicate) return;
    this.deps.logger.warn({ delivery: d.id, status: d.status }, 'news: removing a copy posted after the delivery moved on');
    await chat.delete(ref).catch((err: unknown) => {
      if (!(err instanceof ChatPlatformError && err.code === 'NOT_FOUND')) this.deps.logger.warn({ delivery: d.id, err: (err as Error).message }, 'news: could not remove the extra copy');
    });
  }

  private async failDelivery(deliveryId: string, announcementId: string, err: unknown, meta: JobMeta): Promise<never> {
    const now = this.deps.clock.now();
    const reason = describe(err);
    if (err instanceof ChatPlatformError && err.code === 'RATE_LIMITED') {
      await this.deps.news.noteError(deliveryId, `${RATE_LIMITED_NOTE}: ${err.message}`);
      throw new RateLimitedJobError(err.retryAfterMs ?? 1000, reason, { cause: err });
    }
    const permanent = err instanceof ChatPlatformError && !err.retryable;
    if (permanent || meta.attempt >= meta.maxAttempts) {
      await this.deps.news.recordFailed(deliveryId, reason, now);
      await this.deps.dispatcher.requestStatusRefresh(announcementId);
      this.deps.logger.warn({ delivery: deliveryId, attempt: meta.attempt, reason }, 'news: delivery failed');
      throw new PermanentJobError(reason, { cause: err });
    }
    await this.deps.news.noteError(deliveryId, reason).catch(() => undefined);
    throw err;
  }

  /** Brings one delivered copy to `version`. */
  async update(platform: Platform, deliveryId: string, version: number, target: string | undefined, meta: JobMeta): Promise<void> {
    const ctx = await this.deps.news.getDelivery(deliveryId);
    if (!ctx || ctx.delivery.status !== 'sent' || ctx.delivery.version >= version) return;
    const ref = messageRefOf(ctx.delivery);
    if (!ref) return;
    try {
      await this.waitTurn(platform, target, meta);
      await this.platform(ctx.delivery.platform).update(ref, this.deps.views.announcement(ctx));
      await this.deps.news.recordVersion(deliveryId, ctx.announcement.version);
      await this.deps.dispatcher.requestStatusRefresh(ctx.announcement.id);
    } catch (err) {
      await this.failCopy(deliveryId, 'update', err, meta);
    }
  }

  /** Deletes one delivered copy. */
  async retract(platform: Platform, deliveryId: string, target: string | undefined, meta: JobMeta): Promise<void> {
    const ctx = await this.deps.news.getDelivery(deliveryId);
    if (!ctx || ctx.delivery.status !== 'sent') return;
    const ref = messageRefOf(ctx.delivery);
    try {
      if (ref) {
        await this.waitTurn(platform, target, meta);
        await this.platform(ctx.delivery.platform)
          .delete(ref)
          .catch((err: unknown) => {
            // Gone already (deleted by hand, channel removed): that is what we wanted.
            if (!(err instanceof ChatPlatformError && err.code === 'NOT_FOUND')) throw err;
          });
      }
      await this.deps.news.recordRetracted(deliveryId, this.deps.clock.now());
      await this.deps.dispatcher.requestStatusRefresh(ctx.announcement.id);
    } catch (err) {
      await this.failCopy(deliveryId, 'retract', err, meta);
    }
  }

  /** Update/retract errors: the copy keeps its state; the reason is noted for the report. */
  private async failCopy(deliveryId: string, what: 'update' | 'retract', err: unknown, meta: JobMeta): Promise<never> {
    if (err instanceof DeferJobError) throw err;
    if (err instanceof ChatPlatformError && err.code === 'RATE_LIMITED') throw new RateLimitedJobError(err.retryAfterMs ?? 1000, describe(err), { cause: err });
    const permanent = err instanceof ChatPlatformError && !err.retryable;
    if (permanent || meta.attempt >= meta.maxAttempts) {
      await this.deps.news.noteCopyProblem(deliveryId, `${what} failed: ${describe(err)}`);
      throw new PermanentJobError(describe(err), { cause: err });
    }
    throw err;
  }

  private platform(platform: Platform): ChatPlatform {
    const chat = this.deps.platforms.get(platform);
    // Not connected (yet) in this process: a retryable condition, as for an outage.
    if (!chat) throw new ChatPlatformError('TRANSIENT', `${platform} is not connected in this process`);
    return chat;
  }
}

/** The reference of a sent delivery's copy, or undefined when it has none. */
export function messageRefOf(d: { platform: Platform; workspaceExternalId: string; channelExternalId: string | null; messageId: string | null }): MessageRef | undefined {
  if (!d.channelExternalId || !d.messageId) return undefined;
  return { platform: d.platform, workspaceId: d.workspaceExternalId, channelId: d.channelExternalId, messageId: d.messageId };
}

function describe(err: unknown): string {
  if (err instanceof ChatPlatformError) return `${err.code}: ${err.message}`.slice(0, 500);
  return `ERROR: ${(err as Error)?.message ?? String(err)}`.slice(0, 500);
}
