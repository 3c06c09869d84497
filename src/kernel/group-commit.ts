/**
 * Group commit: single writes (or look-ups) submitted while others are on their way to the database are
 * sent together in the next batch, one statement for many. Under load a batch takes whatever arrived
 * during the previous round trip, so the number of round trips grows far slower than the number of calls;
 * when it is quiet a call goes out alone, after the current I/O phase (no timer, no added wait), unless the
 * batcher lingers (`lingerMs`): then a batch that is not full waits that long after its oldest call for
 * company, as PostgreSQL's `commit_delay` does, trading a few milliseconds of latency for fewer round trips
 * at moderate rates (at 100 presses/s, 10 ms halve the statements). A full batch never waits.
 *
 * Order is kept per key: items with the same key never share a batch nor ride in two batches at the same
 * time, so a batch can write each row once (`ON CONFLICT DO UPDATE` refuses to touch a row twice) and two
 * changes of one row apply in the order they were submitted. Items of other keys pass a waiting one.
 */

/**
 * The linger of the statements every button press makes (its replay record, the access look-up, the vote):
 * three of them, each waiting at most this long, add at most 30 ms before the confirmation, which nobody
 * notices, and at 100 presses/s halve the round trips (docs/BENCHMARKS.md, polls). The acknowledgement
 * never waits for them.
 */
export const PRESS_LINGER_MS = 10;

/** How {@link GroupCommit} forms batches. */
export interface GroupCommitOptions<I> {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches under way at the same time (each holds a database connection). Default 1. */
  maxInFlight?: number;
  /** Items with equal keys are written one after another, never in the same batch. Default: no key. */
  keyOf?: (item: I) => string;
  /**
   * How long a batch that is not full may wait after its oldest item was submitted, for more to join it.
   * Default 0: it leaves after the current I/O phase.
   */
  lingerMs?: number;
}

/**
 * Writes one batch. Resolves with one outcome per item, in the items' order: the item's result, or an
 * Error that fails only that item. Rejecting fails every item of the batch with that error.
 */
export type BatchWriter<I, O> = (items: readonly I[]) => Promise<readonly (O | Error)[]>;

interface Waiting<I, O> {
  item: I;
  key: string | undefined;
  /** When it was submitted (performance.now(): monotonic, so a wall-clock step cannot stretch a linger). */
  at: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Batches concurrent calls into one write per round trip; see the module comment. */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  /** The lingering batch's timer, if one waits. */
  private lingering: ReturnType<typeof setTimeout> | undefined;
  private inFlight = 0;
  private writing = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: BatchWriter<I, O>,
    private readonly options: GroupCommitOptions<I>,
  ) {
    if (!(options.maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.lingerMs = Math.max(0, options.lingerMs ?? 0);
  }

  /** Queues one item; resolves with its outcome once its batch is written. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key: this.options.keyOf?.(item), at: this.lingerMs > 0 ? performance.now() : 0, resolve, reject });
      this.schedule();
    });
  }

  /** Items queued or being written. */
  get pending(): number {
    return this.queue.length + this.writing;
  }

  /** Resolves once nothing is queued or being written (shutdown, tests). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    if (this.lingering !== undefined && this.queue.length >= this.options.maxBatch) {
      // Full while lingering: leave now.
      clearTimeout(this.lingering);
      this.lingering = undefined;
      this.scheduled = false;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lingerLeft();
    if (wait > 0) {
      this.lingering = setTimeout(() => {
        this.lingering = undefined;
        this.scheduled = false;
        this.flush();
      }, wait);
      return;
    }
    // After the current I/O phase: every call that arrived with it joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** How much longer the next batch may wait for company (0: leave now). */
  private lingerLeft(): number {
    if (this.lingerMs === 0 || this.queue.length === 0 || this.queue.length >= this.options.maxBatch) return 0;
    return Math.min(this.lingerMs, Math.max(0, Math.ceil(this.queue[0]!.at + this.lingerMs - performance.now())));
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.lingerLeft() === 0) {
      const batch = this.take();
      if (batch.length === 0) break;
      this.inFlight++;
      this.writing += batch.length;
      void this.run(batch);
    }
    // What is left waits for company (a timer), or for a batch under way to finish (run() schedules then);
    // items held back by a key being written wait for that batch too, never in a loop of turns.
    if (this.inFlight < this.maxInFlight && this.lingerLeft() > 0) this.schedule();
    if (this.queue.length === 0 && this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** The next batch: queue order, at most maxBatch, no key twice and none already being written. */
  private take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const rest: Waiting<I, O>[] = [];
    const blocked = new Set<string>();
    // One pass, O(n): under load the queue holds hundreds of items.
    for (const w of this.queue) {
      if (batch.length >= this.options.maxBatch) {
        rest.push(w);
      } else if (w.key !== undefined && (this.busyKeys.has(w.key) || blocked.has(w.key))) {
        blocked.add(w.key);
        rest.push(w);
      } else {
        if (w.key !== undefined) this.busyKeys.add(w.key);
        batch.push(w);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome instanceof Error) w.reject(outcome);
        else if (i >= outcomes.length) w.reject(new Error('batch writer returned fewer outcomes than items'));
        else w.resolve(outcome as O);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      for (const w of batch) if (w.key !== undefined) this.busyKeys.delete(w.key);
      this.inFlight--;
      this.writing -= batch.length;
      this.schedule();
      if (this.queue.length === 0 && this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }
}
