import { InProcessEventBus, type KringEventListeners, type KringEventName } from '../../src/kernel/events.js';

/**
 * The real in-process bus with `listeners` subscribed, and the errors of failing listeners kept for
 * assertions (the bus logs them; here the "log" is this list).
 */
export function busWith(listeners: KringEventListeners = {}): { bus: InProcessEventBus; errors: unknown[] } {
  const errors: unknown[] = [];
  const bus = new InProcessEventBus({ error: (obj: object | string) => void errors.push(typeof obj === 'string' ? obj : (obj as { err?: unknown }).err) });
  for (const [event, listener] of Object.entries(listeners)) if (listener) bus.on(event as KringEventName, listener as never, 'test');
  return { bus, errors };
}
