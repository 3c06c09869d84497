import type { NewsDispatcher, NewsRepository, NewsViews, SentRecord } from '../ports.js';
import type { Delivery } from './announcement.js';
import type { Clock } from '../../../kernel/clock.js';
import type { Platform } from '../../../kernel/types.js';
import { ChatPlatformError, type ChatPlatform, type ChatPlatforms, type MessageRef } from '../../../kernel/ports/chat-platform.js';
import { DeferJobError, PermanentJobError, type JobMeta } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Metrics } from '../../../kernel/ports/metrics.js';
import type { Pacer, PaceRequest } from '../../../kernel/ports/pacer.js';
import { paceRequest, type PacedOperation, type PaceTarget, type PlatformLimits } from '../../../kernel/platform-limits.js';

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
  /** How deliveries in doubt whose look-up fails are retried (default {@link IN_DOUBT_RETRY}). */
  inDoubtRetry?: InDoubtRetry;
  /** Counts deliveries that end sent or failed (`kring_news_deliveries_total`); default: nothing counted. */
  metrics?: Metrics;
}

/** How a delivery in doubt whose look-up fails is retried. */
export interface InDoubtRetry {
  /** Wait before the second look-up; doubling from there. */
  firstMs: number;
  /** Longest wait between look-ups. */
  maxMs: number;
  /** Tries (claims) of the delivery after which it is given up. */
  giveUpAfterClaims: number;
}

/**
 * A send slot this close is waited for in the handler (a job due a little before its planned slot, or
 * one whose window is still full); further ones send the job back to the delayed set.
 */
export const MAX_IN_HANDLER_WAIT_MS = 1000;

/**
 * Notes a try leaves in the delivery row (its `failureReason` while queued), read by the next try:
 * - `RATE_LIMITED: ...`: this try certainly did not post (paced, or the platform answered 429);
 * - `IN_DOUBT: ...`: an earlier try may have posted and nobody has checked yet (the look-up was paced,
 *   rate-limited or failed): the next try looks first;
 * - `IN_DOUBT_FINAL: ...`: the last attempt failed in a way that may have posted: the next try only looks,
 *   and reports the delivery failed if the copy is not there.
 * Anything else (a 5xx, a timeout, nothing at all after a crash) also means "may have posted".
 */
const NOT_POSTED_NOTE = 'RATE_LIMITED';
const IN_DOUBT_NOTE = 'IN_DOUBT';
const FINAL_LOOK_NOTE = 'IN_DOUBT_FINAL';

/**
 * How a delivery in doubt whose look-up fails is retried: deferred (no attempt used), 1 s, 2 s, 4 s ... at
 * most 5 minutes apart, for about 12 hours (150 tries), well inside the 24 h a look-up reads back. Only
 * then is it given up, with a reason that says the copy may be there.
 */
export const IN_DOUBT_RETRY: InDoubtRetry = { firstMs: 1000, maxMs: 300_000, giveUpAfterClaims: 150 };

/** What one run of a delivery job knows about the delivery's state at the platform. */
interface RunState {
  /** An earlier try may have posted and no look-up has answered since. */
  inDoubt: boolean;
  /** The failure happened in the look-up (findPosted), not in the post. */
  lookingUp: boolean;
  /** The platform can look for an earlier copy of this delivery (Slack channels). */
  canLookUp: boolean;
  /** This run only looks (the last attempt failed in doubt). */
  finalLook: boolean;
}

/**
 * Delivers announcements to the platforms: posts one delivery, updates or deletes a delivered copy (the
 * fan-out queues' workers call one method per job).
 *
 * Exactly once per channel: the delivery row is claimed (attempt counted) before posting, the post
 * carries the delivery id as idempotency key (Discord nonce + enforce_nonce; Slack message metadata), and
 * the outcome is recorded with a conditional `queued -> sent` update. When an earlier attempt may have
 * reached the platform (the process died, or a 5xx/timeout hid the answer), the worker first asks the
 * platform for its earlier post (`findPosted`, Slack) or relies on its de-duplication (Discord). Teams has
 * neither: there a post that was stored but whose answer was lost is posted again (docs/NEWS.md).
 *
 * Pacing: every request takes a slot in the platform's buckets right before it leaves and gives its
 * answer time back to the pacer (src/kernel/platform-limits.ts, src/kernel/ports/pacer.ts).
 *
 * Errors: RATE_LIMITED defers only this job for Retry-After (no attempt used; the rest of the queue goes
 * on); TRANSIENT retries with exponential backoff and jitter; NOT_FOUND / PERMISSION_DENIED / INVALID fail
 * the delivery at once. A failed look-up never fails a delivery: it stays in doubt and is looked up again.
 */
export class DeliveryService {
  private readonly inDoubtRetry: InDoubtRetry;

  constructor(private readonly deps: DeliveryServiceDeps) {
    this.inDoubtRetry = deps.inDoubtRetry ?? IN_DOUBT_RETRY;
  }

  /** Posts one delivery. */
  async deliver(deliveryId: string, meta: JobMeta): Promise<void> {
    const work = await this.deps.news.claimDelivery(deliveryId);
    if (!work) return; // sent, failed or retracted already: nothing to do
    const { delivery, announcement } = work;
    const previous = work.previousError ?? '';
    const state: RunState = {
      inDoubt: work.previousAttempts > 0 && !previous.startsWith(NOT_POSTED_NOTE),
      lookingUp: false,
      canLookUp: false,
      finalLook: previous.startsWith(FINAL_LOOK_NOTE),
    };
    try {
      const chat = this.platform(delivery.platform);
      const channel = { workspaceId: delivery.workspaceExternalId, channelId: delivery.targetExternalId };
      state.canLookUp = delivery.kind === 'channel' && chat.findPosted !== undefined;
      let ref: MessageRef | null = null;
      if (state.inDoubt && state.canLookUp) {
        state.lookingUp = true;
        ref = await this.paced(delivery, 'lookup', meta, () => chat.findPosted!(channel, delivery.id));
        state.lookingUp = false;
        // The platform answered: the copy is there (ref) or it is not.
        state.inDoubt = false;
        if (!ref && state.finalLook) {
          const last = previous.slice(FINAL_LOOK_NOTE.length + 2);
          return await this.giveUp(delivery, announcement.id, `${last} (gave up after ${meta.maxAttempts} attempts; the copy is not there)`.slice(0, 500), meta);
        }
      }
      if (!ref) {
        const view = this.deps.views.announcement(work);
        ref =
          delivery.kind === 'channel'
            ? await this.paced(delivery, 'post', meta, () => chat.post(channel, view, { idempotencyKey: delivery.id }))
            : await this.paced(delivery, 'direct', meta, () =>
                chat.sendDirect({ workspaceId: delivery.workspaceExternalId, userId: delivery.targetExternalId }, view, { idempotencyKey: delivery.id }),
              );
      }
      const record = await this.deps.news.recordSent(
        delivery.id,
        { channelExternalId: ref.channelId, messageId: ref.messageId, version: announcement.version },
        this.deps.clock.now(),
      );
      if (record.recorded) this.deps.metrics?.increment('kring_news_deliveries_total', { platform: delivery.platform, outcome: 'sent' });
      if (!record.recorded) await this.lostRace(chat, record, ref);
      else if (record.announcementVersion > announcement.version) await this.deps.dispatcher.enqueueUpdates([record.delivery], record.announcementVersion);
      await this.deps.dispatcher.requestStatusRefresh(announcement.id);
    } catch (err) {
      if (err instanceof PermanentJobError) throw err;
      await this.failDelivery(work.delivery, announcement.id, err, meta, state);
    }
  }

  /**
   * Runs one request to the platform in its pacing slot: waits for the slot (or defers the job when it is
   * far), and records the answer's time in the pacer, also when the request failed.
   */
  private async paced<T>(target: PaceTarget, op: PacedOperation, meta: JobMeta, call: () => Promise<T>): Promise<T> {
    const request = paceRequest(this.deps.limits, target, op, `${meta.jobId}#${meta.attempt}`);
    if (!request) return call();
    const ticket = await this.waitTurn(request);
    try {
      return await call();
    } finally {
      if (ticket) await this.deps.pacer.sent(request, ticket, Date.now()).catch(() => undefined);
    }
  }

  /**
   * Waits until every bucket of the request allows one more request now and takes that slot; a far slot
   * sends the job back to the delayed set (DeferJobError, no attempt used).
   *
   * Jobs of this process that must wait for the same shared bucket (the widest key: a workspace's or the
   * app's) wait in line: the first asks the pacer again when its wait is over, the others follow once it
   * got its slot. Otherwise every waiter would wake for each slot that frees and all but one would ask in
   * vain (fifty Discord jobs, fifty times a second). A job held up by its own channel waits on its own.
   */
  private async waitTurn(request: PaceRequest): Promise<string | undefined> {
    const shared = request.keys[request.keys.length - 1]!.key;
    let taken = await this.deps.pacer.take(request);
    for (;;) {
      if (taken.waitMs <= 0) return taken.ticket;
      if (taken.waitMs > MAX_IN_HANDLER_WAIT_MS) throw new DeferJobError(taken.waitMs, `paced: next slot in ${Math.ceil(taken.waitMs)} ms`);
      const ownKey = taken.blockedBy !== undefined && taken.blockedBy < request.keys.length - 1;
      if (ownKey) {
        await sleep(taken.waitMs);
        taken = await this.deps.pacer.take(request);
        continue;
      }
      const release = await this.line(shared);
      try {
        // Ahead in the line, someone may have taken the slot this job was waiting for: ask again first.
        taken = await this.deps.pacer.take(request);
        while (taken.waitMs > 0 && taken.waitMs <= MAX_IN_HANDLER_WAIT_MS && !(taken.blockedBy !== undefined && taken.blockedBy < request.keys.length - 1)) {
          await sleep(taken.waitMs);
          taken = await this.deps.pacer.take(request);
        }
      } finally {
        release();
      }
    }
  }

  /** Per-process lines of waiters, by shared pacing key: resolves with the function that lets the next one go. */
  private readonly lines = new Map<string, Promise<void>>();

  private async line(key: string): Promise<() => void> {
    const before = this.lines.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.lines.set(key, tail);
    await before;
    return () => {
      release();
      if (this.lines.get(key) === tail) this.lines.delete(key);
    };
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

  private async failDelivery(delivery: Delivery, announcementId: string, err: unknown, meta: JobMeta, state: RunState): Promise<never> {
    const reason = describe(err);
    const doubtNote = state.finalLook ? FINAL_LOOK_NOTE : IN_DOUBT_NOTE;
    // Nothing left before the request (paced, or a 429): the next try knows what this one knew.
    const notSent = (detail: string) => this.deps.news.noteError(delivery.id, `${state.inDoubt ? doubtNote : NOT_POSTED_NOTE}: ${detail}`);
    if (err instanceof DeferJobError) {
      await notSent(err.message);
      throw err;
    }
    const rateLimited = err instanceof ChatPlatformError && err.code === 'RATE_LIMITED';
    if (state.lookingUp) {
      // The look-up failed: the copy may be there, so the delivery stays in doubt and is looked up again.
      // Only a refusal that no retry can change (the channel is gone, or no access to its history any
      // more) or many hours of failures end it, as failed with a reason that says the copy may be there. An
      // answer we could not read (INVALID) is not a refusal: it is looked up again.
      const refused = err instanceof ChatPlatformError && (err.code === 'NOT_FOUND' || err.code === 'PERMISSION_DENIED');
      if (refused || delivery.attempts >= this.inDoubtRetry.giveUpAfterClaims) {
        return this.giveUp(delivery, announcementId, `${IN_DOUBT_NOTE}: could not check whether the copy arrived (${reason}); it may be there`, meta, err);
      }
      await this.deps.news.noteError(delivery.id, `${doubtNote}: look-up failed: ${reason}`);
      throw new DeferJobError(rateLimited ? retryAfter(err) : inDoubtDelayMs(this.inDoubtRetry, delivery.attempts), `look-up failed: ${reason}`);
    }
    if (rateLimited) {
      // Only this job waits: the platform refused this request, the others have slots of their own.
      await notSent(reason);
      throw new DeferJobError(retryAfter(err), reason);
    }
    const permanent = err instanceof ChatPlatformError && !err.retryable;
    if (!permanent && meta.attempt >= meta.maxAttempts && state.canLookUp) {
      // The last try may have posted (a 5xx after storing, a timeout): look once more before giving up.
      await this.deps.news.noteError(delivery.id, `${FINAL_LOOK_NOTE}: ${reason}`);
      throw new DeferJobError(this.inDoubtRetry.firstMs, `last attempt failed, looking for the copy: ${reason}`);
    }
    if (permanent || meta.attempt >= meta.maxAttempts) return this.giveUp(delivery, announcementId, reason, meta, err);
    await this.deps.news.noteError(delivery.id, reason).catch(() => undefined);
    throw err;
  }

  /** Records the delivery as failed, tells the report, and fails the job for good. */
  private async giveUp(delivery: Delivery, announcementId: string, reason: string, meta: JobMeta, cause?: unknown): Promise<never> {
    await this.deps.news.recordFailed(delivery.id, reason, this.deps.clock.now());
    this.deps.metrics?.increment('kring_news_deliveries_total', { platform: delivery.platform, outcome: 'failed' });
    await this.deps.dispatcher.requestStatusRefresh(announcementId);
    this.deps.logger.warn({ delivery: delivery.id, attempt: meta.attempt, reason }, 'news: delivery failed');
    throw new PermanentJobError(reason, cause === undefined ? undefined : { cause });
  }

  /** Brings one delivered copy to `version`. */
  async update(deliveryId: string, version: number, meta: JobMeta): Promise<void> {
    const ctx = await this.deps.news.getDelivery(deliveryId);
    if (!ctx || ctx.delivery.status !== 'sent' || ctx.delivery.version >= version) return;
    const ref = messageRefOf(ctx.delivery);
    if (!ref) return;
    try {
      await this.paced(ctx.delivery, 'update', meta, () => this.platform(ctx.delivery.platform).update(ref, this.deps.views.announcement(ctx)));
      await this.deps.news.recordVersion(deliveryId, ctx.announcement.version);
      await this.deps.dispatcher.requestStatusRefresh(ctx.announcement.id);
    } catch (err) {
      await this.failCopy(deliveryId, 'update', err, meta);
    }
  }

  /** Deletes one delivered copy. */
  async retract(deliveryId: string, meta: JobMeta): Promise<void> {
    const ctx = await this.deps.news.getDelivery(deliveryId);
    if (!ctx || ctx.delivery.status !== 'sent') return;
    const ref = messageRefOf(ctx.delivery);
    try {
      if (ref) {
        await this.paced(ctx.delivery, 'delete', meta, () =>
          this.platform(ctx.delivery.platform)
            .delete(ref)
            .catch((err: unknown) => {
              // Gone already (deleted by hand, channel removed): that is what we wanted.
              if (!(err instanceof ChatPlatformError && err.code === 'NOT_FOUND')) throw err;
            }),
        );
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
    if (err instanceof ChatPlatformError && err.code === 'RATE_LIMITED') throw new DeferJobError(retryAfter(err), describe(err));
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The wait before the next look-up of a delivery in doubt, after `claims` tries. */
export function inDoubtDelayMs(retry: InDoubtRetry, claims: number): number {
  return Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(Math.max(0, claims - 1), 20));
}

/** The reference of a sent delivery's copy, or undefined when it has none. */
export function messageRefOf(d: { platform: Platform; workspaceExternalId: string; channelExternalId: string | null; messageId: string | null }): MessageRef | undefined {
  if (!d.channelExternalId || !d.messageId) return undefined;
  return { platform: d.platform, workspaceId: d.workspaceExternalId, channelId: d.channelExternalId, messageId: d.messageId };
}

/** How long the platform asked us to wait (1 s when it did not say). */
function retryAfter(err: unknown): number {
  return (err instanceof ChatPlatformError ? err.retryAfterMs : undefined) ?? 1000;
}

function describe(err: unknown): string {
  if (err instanceof ChatPlatformError) return `${err.code}: ${err.message}`.slice(0, 500);
  return `ERROR: ${(err as Error)?.message ?? String(err)}`.slice(0, 500);
}
