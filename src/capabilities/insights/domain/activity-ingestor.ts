import type { Clock } from '../../../kernel/clock.js';
import { channelKey, toActivity, type Activity, type ActivityKind, type InboundActivity } from './activity.js';
import type { ActivityRow, ActivityStore, ThreadReplyRow, ThreadStartRow, TopicRow } from '../ports.js';
import { isoWeekStart, localDay } from './time.js';

/** Tuning of the ingestion buffer. */
export interface IngestorSettings {
  /** Write at least this often (default 1000 ms). */
  flushIntervalMs: number;
  /** Write as soon as this many events are buffered (default 500). */
  flushEvents: number;
  /**
   * Hard cap: when this many events wait (the database is slow or down), `record` waits for the running
   * write before buffering more, so memory stays bounded (default 20,000).
   */
  maxBufferedEvents: number;
  /** Rows per statement; larger batches are written in several (default 1000), so no write balloons. */
  maxRowsPerWrite: number;
}

export const DEFAULT_INGESTOR_SETTINGS: Readonly<IngestorSettings> = { flushIntervalMs: 1000, flushEvents: 500, maxBufferedEvents: 10_000, maxRowsPerWrite: 1000 };

/** The organisation as ingestion needs it. */
export interface IngestOrganization {
  id: string;
  timezone: string;
}

/** Tells whether an organisation has topic tracking on (cached by the caller's implementation). */
export type TopicsEnabled = (organizationId: string) => Promise<boolean>;

interface Logger {
  warn(obj: object, msg?: string): void;
}

/** One pending batch: additive counters keyed by their rollup key. */
class Batch {
  events = 0;
  readonly activity = new Map<string, ActivityRow>();
  readonly topics = new Map<string, TopicRow>();
  readonly starts = new Map<string, ThreadStartRow>();
  readonly replies = new Map<string, ThreadReplyRow>();

  get empty(): boolean {
    return this.activity.size === 0 && this.topics.size === 0 && this.starts.size === 0 && this.replies.size === 0;
  }
}

const SEP = '\u0000';
/** Thread starters remembered so a starter's own follow-ups do not count as answers. */
const MAX_REMEMBERED_STARTERS = 50_000;

/**
 * Turns inbound events into rollup increments, in memory, and writes them in batches (every
 * `flushIntervalMs` or `flushEvents` events) as a few additive upserts. Counting is per chat account;
 * the store attributes accounts to members (or to the anonymous totals) when it writes, so an opt-out
 * or erasure applies to everything not yet written too. Never holds message text: events have none,
 * and terms are only kept for organisations that switched topic tracking on.
 */
export class ActivityIngestor {
  private readonly settings: IngestorSettings;
  private batch = new Batch();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly starters = new Map<string, string>();

  constructor(
    private readonly deps: {
      store: ActivityStore;
      clock: Clock;
      topicsEnabled: TopicsEnabled;
      logger: Logger;
      settings?: Partial<IngestorSettings>;
    },
  ) {
    this.settings = { ...DEFAULT_INGESTOR_SETTINGS, ...deps.settings };
  }

  /** Starts the periodic flush. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.settings.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the periodic flush and writes what is buffered. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Events buffered and not yet written. */
  get pending(): number {
    return this.batch.events;
  }

  /** Counts one inbound event of `organization`. Resolves once it is buffered (not yet written). */
  async record(event: InboundActivity, organization: IngestOrganization): Promise<void> {
    const activity = toActivity(event, organization.id, this.deps.clock.now());
    if (!activity) return;
    if (this.batch.events >= this.settings.maxBufferedEvents && this.flushing) await this.flushing;
    const topics = activity.terms && activity.terms.length > 0 ? await this.deps.topicsEnabled(organization.id) : false;
    this.add(activity, organization.timezone, topics);
    this.kick();
  }

  /** Starts a write when a full batch waits and none runs (one waiter at most, not one per event). */
  private kick(): void {
    if (!this.flushing && this.batch.events >= this.settings.flushEvents) void this.flush();
  }

  /**
   * Writes everything buffered so far; resolves when it is stored (or failed and was put back). One
   * write runs at a time: a call during a write waits for it and then writes what came in meanwhile.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.batch.empty) return;
    const batch = this.batch;
    this.batch = new Batch();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
      // Events that arrived during the write may make a full batch already.
      this.kick();
    });
    await this.flushing;
  }

  private add(a: Activity, timezone: string, topics: boolean): void {
    const b = this.batch;
    b.events++;
    const day = localDay(a.at, timezone);
    this.count(a, day, a.userId, a.kind, a.chars);
    // The author of a reacted message is counted by chat account too: the store decides at write time
    // whether that account is a linked (and not opted-out) member, like for every other row.
    if (a.reactionTo !== undefined) this.count(a, day, a.reactionTo, 'reaction-received', 0);
    if (topics && a.terms) {
      const week = isoWeekStart(day);
      for (const term of a.terms) {
        const tkey = [a.organizationId, week, a.platform, a.workspaceId, a.userId, a.channelId, term].join(SEP);
        const t = b.topics.get(tkey);
        if (t) t.count++;
        else b.topics.set(tkey, { organizationId: a.organizationId, week, platform: a.platform, workspaceId: a.workspaceId, userId: a.userId, channelId: a.channelId, term, count: 1 });
      }
    }
    if (a.startsThread !== undefined) this.threadStart(a, a.startsThread);
    if (a.repliesTo !== undefined) this.threadReply(a, a.repliesTo);
  }

  private count(a: Activity, day: string, userId: string, kind: ActivityKind, chars: number): void {
    const key = [a.organizationId, day, a.platform, a.workspaceId, userId, a.channelId, kind].join(SEP);
    const row = this.batch.activity.get(key);
    if (row) {
      row.count++;
      row.chars += chars;
    } else {
      this.batch.activity.set(key, { organizationId: a.organizationId, day, platform: a.platform, workspaceId: a.workspaceId, userId, channelId: a.channelId, kind, count: 1, chars });
    }
  }

  private threadStart(a: Activity, threadKey: string): void {
    const key = [a.organizationId, a.platform, channelKey(a.platform, a.channelId), threadKey].join(SEP);
    if (!this.batch.starts.has(key)) {
      this.batch.starts.set(key, { organizationId: a.organizationId, platform: a.platform, channelId: a.channelId, threadKey, startedAt: a.at });
    }
    if (this.starters.size >= MAX_REMEMBERED_STARTERS) this.starters.clear();
    this.starters.set(key, `${a.workspaceId}${SEP}${a.userId}`);
  }

  private threadReply(a: Activity, threadKey: string): void {
    const key = [a.organizationId, a.platform, channelKey(a.platform, a.channelId), threadKey].join(SEP);
    // The asker adding to their own question is not an answer.
    if (this.starters.get(key) === `${a.workspaceId}${SEP}${a.userId}`) return;
    const r = this.batch.replies.get(key);
    if (r) {
      r.count++;
      if (a.at < r.firstAt) r.firstAt = a.at;
    } else {
      this.batch.replies.set(key, { organizationId: a.organizationId, platform: a.platform, channelId: a.channelId, threadKey, firstAt: a.at, count: 1 });
    }
  }

  /** Writes a map's rows in chunks, deleting each chunk once stored (what is left is retried). */
  private async drain<T>(rows: Map<string, T>, write: (chunk: T[]) => Promise<void>): Promise<void> {
    while (rows.size > 0) {
      const chunk: [string, T][] = [];
      for (const entry of rows) {
        chunk.push(entry);
        if (chunk.length >= this.settings.maxRowsPerWrite) break;
      }
      await write(chunk.map(([, row]) => row));
      for (const [key] of chunk) rows.delete(key);
    }
  }

  private async write(batch: Batch): Promise<void> {
    const { store, logger } = this.deps;
    try {
      await this.drain(batch.activity, (rows) => store.writeActivity(rows));
      await this.drain(batch.topics, (rows) => store.writeTopics(rows));
      // Starts before replies: a question and its first answer may share a batch.
      await this.drain(batch.starts, (rows) => store.startThreads(rows));
      await this.drain(batch.replies, (rows) => store.recordReplies(rows));
    } catch (err) {
      // Keep what was not written for the next attempt, unless that would outgrow the buffer's bound.
      const kept = this.batch.events + batch.events <= this.settings.maxBufferedEvents;
      logger.warn({ err: (err as Error).message, events: batch.events, kept }, 'insights: writing activity failed');
      if (kept) this.mergeBack(batch);
    }
  }

  private mergeBack(old: Batch): void {
    const b = this.batch;
    b.events += old.events;
    for (const [k, r] of old.activity) {
      const cur = b.activity.get(k);
      if (cur) {
        cur.count += r.count;
        cur.chars += r.chars;
      } else b.activity.set(k, r);
    }
    for (const [k, t] of old.topics) {
      const cur = b.topics.get(k);
      if (cur) cur.count += t.count;
      else b.topics.set(k, t);
    }
    for (const [k, s] of old.starts) if (!b.starts.has(k)) b.starts.set(k, s);
    for (const [k, r] of old.replies) {
      const cur = b.replies.get(k);
      if (cur) {
        cur.count += r.count;
        if (r.firstAt < cur.firstAt) cur.firstAt = r.firstAt;
      } else b.replies.set(k, r);
    }
  }
}
