import type { Delivery } from '../domain/announcement.js';
import type { NewsDispatcher } from '../ports.js';
import type { Clock } from '../../../kernel/clock.js';
import type { Platform } from '../../../kernel/types.js';
import type { BulkJob, JobQueue } from '../../../kernel/ports/job-queue.js';
import { paceRequest, type PacedOperation, type PlatformLimits } from '../../../kernel/platform-limits.js';
import type { Pacer, PaceRequest } from '../../../kernel/ports/pacer.js';
import { NEWS_JOBS, NEWS_QUEUE, fanoutQueue, jobIds, type DeliverJob, type RetractJob, type StatusJob, type UpdateJob, type PublishJob } from './news.jobs.js';

/** Retry policy of fan-out jobs. */
export interface FanoutRetryPolicy {
  /** Attempts per job (TRANSIENT errors retry; 429s and pacing delays do not count). */
  attempts: number;
  /** First retry delay; then exponential with jitter. */
  backoffMs: number;
}

/**
 * Paced jobs become due this long before their slot: claiming and rendering happen ahead, and the worker's
 * send-time pace releases the request at the slot itself (waiting in the handler up to
 * MAX_IN_HANDLER_WAIT_MS), so a busy queue does not make every send late.
 */
export const PACE_LEAD_MS = 300;

/** Deliveries planned and added to the queue at a time. */
const ENQUEUE_CHUNK = 200;

/** Default: 8 attempts, 1 s, 2 s, 4 s ... about 2 minutes of retrying an outage. */
export const DEFAULT_FANOUT_RETRY: FanoutRetryPolicy = { attempts: 8, backoffMs: 1000 };

/** Options of {@link FanoutDispatcher}. */
export interface FanoutDispatcherOptions {
  queue: JobQueue;
  pacer: Pacer;
  limits: Readonly<Record<Platform, PlatformLimits>>;
  clock: Clock;
  retry?: FanoutRetryPolicy;
  /**
   * Live reports are refreshed at most once per window per announcement (default 2000 ms: 30 edits a minute
   * stay within Slack's `chat.update` tier of 50+ per minute per workspace).
   */
  statusWindowMs?: number;
}

/**
 * {@link NewsDispatcher} over the JobQueue port: one job per delivery on its platform's queue, added in
 * bulk with deterministic ids. Pacing is planned here, at enqueue time: each job reserves its next send
 * slot in every bucket its request counts toward (the channel, the workspace, the app) and is delayed to
 * it, so a thousand Discord posts become twenty batches a second apart and a channel that receives ten
 * posts gets them a second apart, without the workers bouncing jobs off the limit (the worker takes the
 * actual slot right before the request).
 */
export class FanoutDispatcher implements NewsDispatcher {
  private readonly retry: FanoutRetryPolicy;
  private readonly statusWindowMs: number;
  /** Status refreshes this process asked for, per window: repeated requests inside a window skip Redis. */
  private readonly requested = new Map<string, number>();

  constructor(private readonly options: FanoutDispatcherOptions) {
    this.retry = options.retry ?? DEFAULT_FANOUT_RETRY;
    this.statusWindowMs = options.statusWindowMs ?? 2000;
  }

  async publishNow(announcementId: string): Promise<void> {
    const payload: PublishJob = { announcementId };
    await this.options.queue.enqueue(NEWS_QUEUE, NEWS_JOBS.publish.name, payload, { jobId: jobIds.publishNow(announcementId), attempts: 10, backoffMs: 1000 });
  }

  async schedulePublish(announcementId: string, at: Date): Promise<void> {
    const payload: PublishJob = { announcementId, publishAt: at.toISOString() };
    await this.options.queue.enqueue(NEWS_QUEUE, NEWS_JOBS.publish.name, payload, {
      jobId: jobIds.publishAt(announcementId, at),
      delayMs: Math.max(0, at.getTime() - this.options.clock.now().getTime()),
      attempts: 10,
      backoffMs: 1000,
    });
  }

  async enqueueDeliveries(deliveries: readonly Delivery[]): Promise<void> {
    await this.enqueuePerPlatform(deliveries, NEWS_JOBS.deliver.name, (d) => (d.kind === 'channel' ? 'post' : 'direct'), (d) => jobIds.deliver(d.id), (d): DeliverJob => ({ deliveryId: d.id }));
  }

  async enqueueUpdates(deliveries: readonly Delivery[], version: number): Promise<void> {
    await this.enqueuePerPlatform(deliveries, NEWS_JOBS.update.name, () => 'update', (d) => jobIds.update(d.id, version), (d): UpdateJob => ({ deliveryId: d.id, version }));
  }

  async enqueueRetractions(deliveries: readonly Delivery[]): Promise<void> {
    await this.enqueuePerPlatform(deliveries, NEWS_JOBS.retract.name, () => 'delete', (d) => jobIds.retract(d.id), (d): RetractJob => ({ deliveryId: d.id }));
  }

  async requestStatusRefresh(announcementId: string): Promise<void> {
    const now = this.options.clock.now().getTime();
    const window = Math.floor(now / this.statusWindowMs);
    if (this.requested.get(announcementId) === window) return;
    this.requested.set(announcementId, window);
    if (this.requested.size > 10_000) this.requested.clear();
    const payload: StatusJob = { announcementId };
    // Runs just after its window closes, so it sees every completion recorded inside the window.
    const delayMs = (window + 1) * this.statusWindowMs - now + 50;
    await this.options.queue.enqueue(NEWS_QUEUE, NEWS_JOBS.status.name, payload, { jobId: jobIds.status(announcementId, window), delayMs, attempts: 2, backoffMs: 500 });
  }

  private async enqueuePerPlatform(
    deliveries: readonly Delivery[],
    name: string,
    op: (d: Delivery) => PacedOperation,
    jobId: (d: Delivery) => string,
    payload: (d: Delivery) => unknown,
  ): Promise<void> {
    const byPlatform = new Map<Platform, Delivery[]>();
    for (const d of deliveries) {
      const list = byPlatform.get(d.platform);
      if (list) list.push(d);
      else byPlatform.set(d.platform, [d]);
    }
    // Platforms side by side: each has its own queue and limits, none waits for another's enqueue. Within a
    // platform, slots are planned and jobs added a chunk at a time (in order, so slots stay in order): the
    // workers start on the first jobs while the rest of a large fan-out is planned and added.
    await Promise.all(
      [...byPlatform].map(async ([platform, list]) => {
        for (let i = 0; i < list.length; i += ENQUEUE_CHUNK) {
          const chunk = list.slice(i, i + ENQUEUE_CHUNK);
          const delays = await this.slots(chunk, op, jobId);
          const jobs: BulkJob[] = chunk.map((d, k) => ({
            name,
            payload: payload(d),
            options: { jobId: jobId(d), attempts: this.retry.attempts, backoffMs: this.retry.backoffMs, delayMs: delays[k] ?? 0 },
          }));
          await this.options.queue.enqueueBulk(fanoutQueue(platform), jobs);
        }
      }),
    );
  }

  /** Delay of each job until its reserved slot, less the lead (0 for requests no bucket counts). */
  private async slots(list: readonly Delivery[], op: (d: Delivery) => PacedOperation, jobId: (d: Delivery) => string): Promise<number[]> {
    const requests: (PaceRequest | undefined)[] = list.map((d) => paceRequest(this.options.limits, d, op(d), firstAttemptHolder(jobId(d))));
    const paced = requests.filter((r): r is PaceRequest => r !== undefined);
    if (paced.length === 0) return list.map(() => 0);
    const at = await this.options.pacer.reserve(paced);
    const now = this.options.clock.now().getTime();
    let k = 0;
    return requests.map((r) => (r === undefined ? 0 : Math.max(0, at[k++]! - now - PACE_LEAD_MS)));
  }
}

/** The pacing holder of a job's first attempt; the worker uses `<jobId>#<attempt>`. */
export function firstAttemptHolder(jobId: string): string {
  return `${jobId}#1`;
}
