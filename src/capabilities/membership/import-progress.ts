import { formatCount } from '../../capability-cli.js';

export { formatCount } from '../../capability-cli.js';

/** Where progress goes: stderr, so stdout stays clean for the summary (and `--json`). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressSnapshot {
  rowsRead: number;
  rowsImported: number;
}

/**
 * Shows how a big import is doing: rows read and imported, and rows per second. (No percentage: the
 * file is read ahead of the parser through several buffers, so bytes read overstate the progress.) On a terminal
 * one line is rewritten in place (at most 10 times a second); otherwise (CI, logs, pipes) a plain line is
 * printed every few seconds, so logs stay readable.
 */
export class ImportProgressDisplay {
  private readonly startedAt: number;
  private lastDrawn = 0;
  private drewInPlace = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = stream.isTTY ? 100 : 2_000,
  ) {
    this.startedAt = now();
    this.lastDrawn = this.startedAt;
  }

  /** Called for every batch; draws when the interval has passed. */
  update(snapshot: ProgressSnapshot): void {
    const t = this.now();
    if (t - this.lastDrawn < this.intervalMs) return;
    this.lastDrawn = t;
    const line = this.describe(snapshot, t);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${line}`);
      this.drewInPlace = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Clears the in-place line (the summary follows on stdout). */
  finish(): void {
    if (this.drewInPlace) this.stream.write('\r\x1b[K');
  }

  /** Seconds since the start. */
  elapsedSeconds(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  private describe(s: ProgressSnapshot, t: number): string {
    const seconds = Math.max((t - this.startedAt) / 1000, 0.001);
    const rate = Math.round(s.rowsRead / seconds);
    return `importing: ${formatCount(s.rowsRead)} rows read, ${formatCount(s.rowsImported)} imported, ${formatCount(rate)} rows/s`;
  }
}
