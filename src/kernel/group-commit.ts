/**
 * Group commit: single writes (or look-ups) submitted while others are on their way to the database are
 * sent together in the next batch, one statement for many. Under load a batch takes whatever arrived
 * during the previous round trip, so the number of round trips grows far slower than the number of calls;
 * when it is quiet a call goes out alone, after the current I/O phase (no timer, no added wait).
 *
 * Order is kept per key: items with the same key never share a batch nor ride in two batches at the same
 * time, so a batch can write each row once (`ON CONFLICT DO UPDATE` refuses to touch a row twice) and two
 * changes of one row apply in the order they were submitted. Items of other keys pass a waiting one.
 */

/** How {@link GroupCommit} forms batches. */
export interface GroupCommitOptions<I> {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches under way at the same time (each holds a database connection). Default 1. */
  maxInFlight?: number;
  /** Items with equal keys are written one after another, never in the same batch. Default: no key. */
  keyOf?: (item: I) => string;
}

/**
 * Writes one batch. Resolves with one outcome per item, in the items' order: the item's result, or an
 * Error that fails only that item. Rejecting fails every item of the batch with that error.
 */
export type BatchWriter<I, O> = (items: readonly I[]) => Promise<readonly (O | Error)[]>;

interface Waiting<I, O> {
  item: I;
  key: string | undefined;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Batches concurrent calls into one write per round trip; see the module comment. */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly maxInFlight: number;
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
  }

  /** Queues one item; resolves with its outcome once its batch is written. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key: this.options.keyOf?.(item), resolve, reject });
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
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current I/O phase: every call that arrived with it joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight) {
      const batch = this.take();
      if (batch.length === 0) break;
      this.inFlight++;
      this.writing += batch.length;
      void this.run(batch);
    }
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
