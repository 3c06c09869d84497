import type { Clock } from '../../src/kernel/clock.js';
import type { InboundEvent } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';

/**
 * Slack puts no locale on commands, button presses or form submissions (Discord and Teams do), so Kring
 * asks `users.info` with `include_locale` (`nl-NL`, `en-GB`) and keeps the answer for a while, per
 * workspace and user: in memory, least recently used first out, with a time to live. A `user_change`
 * event (the person changed their profile, language included) forgets the entry.
 *
 * Only events a person gets an answer to carry it (commands, actions, forms, a workspace join): looking up
 * every author of every message would spend the workspace's API budget on nothing Kring shows.
 *
 * https://docs.slack.dev/reference/methods/users.info
 */

/** Events whose answer is written in the person's language. */
const ANSWERED = new Set<InboundEvent['type']>(['command', 'action', 'form-submitted', 'member-joined']);

export interface SlackUserLocalesOptions {
  /** How long an answer is kept; default an hour. */
  ttlMs?: number;
  /** How long a failed look-up is remembered as "no locale" (rate limits, outages); default a minute. */
  failureTtlMs?: number;
  /** Entries kept at most; default 10,000. */
  max?: number;
  /**
   * How long an event waits for a look-up; default 1 s. Past it the event goes on without a locale (the
   * organisation's language) and the answer is kept for the next one, so a slow Slack never delays a reply.
   */
  waitMs?: number;
  clock: Clock;
}

interface Entry {
  locale: string | undefined;
  until: number;
}

export class SlackUserLocales {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string | undefined>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly max: number;
  private readonly waitMs: number;

  constructor(
    /** Asks Slack for the user's locale; rejects when Slack cannot answer. */
    private readonly lookup: (workspaceId: string, userId: string) => Promise<string | undefined>,
    private readonly log: Logger,
    private readonly options: SlackUserLocalesOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.failureTtlMs = options.failureTtlMs ?? 60 * 1000;
    this.max = options.max ?? 10_000;
    this.waitMs = options.waitMs ?? 1000;
  }

  /** The event with the person's Slack locale, when the event is answered and Slack tells it in time. */
  async withLocale(event: InboundEvent): Promise<InboundEvent> {
    if (event.locale !== undefined || !ANSWERED.has(event.type)) return event;
    const locale = await this.localeOf(event.workspaceId, event.userId);
    return locale === undefined ? event : { ...event, locale };
  }

  /** The user's locale: cached, else looked up (one look-up per user at a time), waiting at most `waitMs`. */
  async localeOf(workspaceId: string, userId: string): Promise<string | undefined> {
    const key = `${workspaceId}\u0000${userId}`;
    const now = this.options.clock.now().getTime();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.until > now) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.locale;
    }
    let lookup = this.pending.get(key);
    if (lookup === undefined) {
      lookup = this.fetch(key, workspaceId, userId);
      this.pending.set(key, lookup);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.waitMs);
      timer.unref();
    });
    try {
      return await Promise.race([lookup, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets a user's locale (`user_change`: their profile, and so maybe their language, changed). */
  forget(workspaceId: string, userId: string): void {
    this.entries.delete(`${workspaceId}\u0000${userId}`);
  }

  private async fetch(key: string, workspaceId: string, userId: string): Promise<string | undefined> {
    let locale: string | undefined;
    let ttl = this.ttlMs;
    try {
      locale = await this.lookup(workspaceId, userId);
    } catch (err) {
      ttl = this.failureTtlMs;
      this.log.debug({ err: (err as Error).message, workspaceId }, 'slack: could not look up a user locale; answering in the organisation language');
    } finally {
      this.pending.delete(key);
    }
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { locale, until: this.options.clock.now().getTime() + ttl });
    return locale;
  }
}
