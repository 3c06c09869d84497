import type { InboundEvent, InboundHandler, Reply } from '../../../src/kernel/ports/chat-platform.js';

/**
 * A working InboundHandler for adapter end-to-end tests: records every event and answers with what
 * `answer` returns, optionally after a delay (to make the adapter defer).
 */
export class RecordingHandler implements InboundHandler {
  readonly events: InboundEvent[] = [];
  private waiters: { match: (e: InboundEvent) => boolean; resolve: (e: InboundEvent) => void }[] = [];

  constructor(
    public answer: (event: InboundEvent) => Reply | undefined = () => undefined,
    public delayMs: (event: InboundEvent) => number = () => 0,
  ) {}

  async handle(event: InboundEvent): Promise<Reply | undefined> {
    this.events.push(event);
    for (const waiter of this.waiters.filter((w) => w.match(event))) waiter.resolve(event);
    this.waiters = this.waiters.filter((w) => !w.match(event));
    const delay = this.delayMs(event);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return this.answer(event);
  }

  /** Resolves with the first recorded (or future) event matching `match`. */
  waitFor<T extends InboundEvent>(match: (e: InboundEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (e: InboundEvent) => boolean, timeoutMs?: number): Promise<InboundEvent>;
  waitFor(match: (e: InboundEvent) => boolean, timeoutMs = 10_000): Promise<InboundEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching inbound event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}
