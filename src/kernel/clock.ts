/** Source of the current time; injected so rules about expiry and deadlines are testable. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
