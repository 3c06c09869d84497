import type { Logger } from '../../src/kernel/ports/logger.js';
import type { ProcessedEventRepository } from '../../src/kernel/ports/directory.js';

/** Deliveries this process remembers itself (a few seconds of presses at 1,000/s). */
const RECENT_MAX = 4096;

/** What {@link SlackDeliveries.claim} decided about a delivery. */
export type DeliveryClaim =
  /** Seen by this process already: a replay, or Slack's retry of an event. */
  | { kind: 'repeat' }
  /** Not seen here: acknowledge and hand it on; `first` says whether any process (or an earlier run) had it. */
  | { kind: 'new'; first: Promise<boolean> };

/**
 * Replay protection for Slack deliveries that never delays the acknowledgement (Slack wants an answer
 * within 3 s, and a member sees an error when it does not come).
 *
 * Two layers: this process's own memory of recent delivery keys (`trigger_id`, `event_id`), checked
 * before the ack, which turns a repeat seen here away at once; and the durable record in the database
 * (processed events, one row per key: the primary key decides), written after the ack and awaited by the
 * listener before it acts, which catches a repeat that reached another Kring process or arrived after a
 * restart. The durable records are batched by the repository, so under load they cost one statement for
 * many presses.
 *
 * Should the database be unreachable, the delivery is handled anyway (it was acknowledged already) and
 * the failure logged: then only this process's memory protects against a repeat.
 */
export class SlackDeliveries {
  private readonly recent = new Map<string, Promise<boolean>>();

  constructor(
    private readonly processedEvents: ProcessedEventRepository,
    private readonly logger: Logger,
  ) {}

  /** Claims a delivery key; see {@link DeliveryClaim}. Synchronous: the durable record runs in the background. */
  claim(key: string): DeliveryClaim {
    if (this.recent.has(key)) return { kind: 'repeat' };
    const first = this.processedEvents.markProcessed(key).catch((err: unknown) => {
      this.logger.error({ err }, 'slack: could not record a delivery; handling it without the durable replay check');
      return true;
    });
    if (this.recent.size >= RECENT_MAX) {
      // Map order is insertion order: forget the oldest eighth.
      let drop = RECENT_MAX / 8;
      for (const old of this.recent.keys()) {
        if (drop-- <= 0) break;
        this.recent.delete(old);
      }
    }
    this.recent.set(key, first);
    return { kind: 'new', first };
  }
}
