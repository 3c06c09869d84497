import type { PGlite } from '@electric-sql/pglite';

/**
 * The order in which the PGlite socket server feeds its connections' messages to the one PGlite session.
 *
 * A query in PostgreSQL's extended protocol is several messages (Parse, Bind, Describe, Execute, then Sync),
 * and a statement without a name lives until the next Parse. The socket server's own queue takes messages
 * one at a time from whichever connection sent one; when one connection's Bind arrives in a later socket read
 * than its Parse, another connection's Parse runs in between and the Bind meets the wrong statement ("bind
 * message supplies 2 parameters, but prepared statement "" requires 4", or a wrong answer). This queue keeps
 * a connection's turn from its first message to its Sync (or a simple Query), and for as long as a
 * transaction it began is open; the other connections' messages wait. It has the server's queue's methods
 * and replaces it (`server.queryQueue`) before the server starts.
 */
export class PgliteProtocolQueue {
  private queue: { handlerId: number; message: Uint8Array; onData: (data: Uint8Array) => void; resolve: (bytes: number) => void; reject: (err: unknown) => void }[] = [];
  private processing = false;
  /** The connection whose message sequence or transaction is open: only its messages run next. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** A connection that closed mid-sequence or mid-transaction gives up its turn (its transaction rolled back). */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === this.owner);
        if (index < 0) break; // the owner's next message has not arrived yet
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          this.owner = null;
          item.reject(err);
          continue;
        }
        // Message type: Sync 'S', Query 'Q' and Terminate 'X' end a sequence; a start-up packet (no type byte,
        // its length's first byte is 0) opens none.
        const type = item.message[0];
        const ends = type === 0x53 || type === 0x51 || type === 0x58 || type === 0x00;
        this.owner = !ends || this.db.isInTransaction() ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
