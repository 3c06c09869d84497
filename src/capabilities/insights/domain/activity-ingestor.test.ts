import { describe, expect, it } from 'vitest';
import { ActivityIngestor, type IngestorSettings } from './activity-ingestor.js';
import type { InboundActivity } from './activity.js';
import type { ActivityRow, ActivityStore, ThreadReplyRow, ThreadStartRow, TopicRow } from '../ports.js';

/** A working in-memory store that records every batch and can fail or hold writes. */
class RecordingStore implements ActivityStore {
  readonly activity: ActivityRow[][] = [];
  readonly topics: TopicRow[][] = [];
  readonly starts: ThreadStartRow[][] = [];
  readonly replies: ThreadReplyRow[][] = [];
  failures = 0;
  gate: Promise<void> | undefined;

  async writeActivity(rows: readonly ActivityRow[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('database down');
    }
    this.activity.push(rows.map((r) => ({ ...r })));
  }
  async writeTopics(rows: readonly TopicRow[]): Promise<void> {
    this.topics.push([...rows]);
  }
  async startThreads(rows: readonly ThreadStartRow[]): Promise<void> {
    this.starts.push([...rows]);
  }
  async recordReplies(rows: readonly ThreadReplyRow[]): Promise<void> {
    this.replies.push([...rows]);
  }
  total(): number {
    return this.activity.flat().reduce((n, r) => n + r.count, 0);
  }
}

const org = { id: 'org-1', timezone: 'Europe/Amsterdam' };
const at = new Date('2026-11-20T10:00:00Z');
const msg = (userId: string, extra: Partial<InboundActivity> = {}): InboundActivity => ({
  type: 'message-seen',
  platform: 'discord',
  workspaceId: 'G1',
  userId,
  channelId: 'C1',
  length: 5,
  at,
  ...extra,
});

function build(settings: Partial<IngestorSettings> = {}, topics = false) {
  const store = new RecordingStore();
  const warnings: object[] = [];
  const sut = new ActivityIngestor({
    store,
    clock: { now: () => at },
    topicsEnabled: async () => topics,
    logger: { warn: (o) => void warnings.push(o) },
    settings: { flushIntervalMs: 60_000, flushEvents: 1000, maxBufferedEvents: 100_000, ...settings },
  });
  return { sut, store, warnings };
}

describe(ActivityIngestor.name, () => {
  it('adds up events with the same rollup key in memory and writes them as one row', async () => {
    const { sut, store } = build();
    for (let i = 0; i < 5; i++) await sut.record(msg('U1'), org);
    await sut.record(msg('U2'), org);
    await sut.flush();
    expect(store.activity).toEqual([
      [
        { organizationId: 'org-1', day: '2026-11-20', platform: 'discord', workspaceId: 'G1', userId: 'U1', channelId: 'C1', kind: 'message', count: 5, chars: 25 },
        { organizationId: 'org-1', day: '2026-11-20', platform: 'discord', workspaceId: 'G1', userId: 'U2', channelId: 'C1', kind: 'message', count: 1, chars: 5 },
      ],
    ]);
  });

  it('writes as soon as the batch size is reached, and on its interval', async () => {
    const { sut, store } = build({ flushEvents: 3, flushIntervalMs: 20 });
    for (let i = 0; i < 3; i++) await sut.record(msg('U1'), org);
    await new Promise((r) => setTimeout(r, 5));
    expect(store.total()).toBe(3);
    sut.start();
    await sut.record(msg('U1'), org);
    await new Promise((r) => setTimeout(r, 60));
    expect(store.total()).toBe(4);
    await sut.stop();
  });

  it('keeps a batch that failed to write for the next attempt', async () => {
    const { sut, store, warnings } = build();
    store.failures = 1;
    await sut.record(msg('U1'), org);
    await sut.flush();
    expect(store.total()).toBe(0);
    expect(warnings).toHaveLength(1);
    await sut.record(msg('U1'), org);
    await sut.flush();
    expect(store.activity).toEqual([[expect.objectContaining({ userId: 'U1', count: 2 })]]);
  });

  it('drops a failed batch rather than growing past its bound', async () => {
    const { sut, store } = build({ maxBufferedEvents: 3 });
    store.failures = 1;
    for (let i = 0; i < 4; i++) await sut.record(msg(`U${i}`), org);
    await sut.flush();
    expect(sut.pending).toBe(0);
    expect(store.total()).toBe(0);
  });

  it('makes callers wait for the running write when the buffer is full, so memory stays bounded', async () => {
    const { sut, store } = build({ flushEvents: 2, maxBufferedEvents: 4 });
    let release: () => void = () => undefined;
    store.gate = new Promise((r) => (release = r));
    for (let i = 0; i < 6; i++) await sut.record(msg(`U${i}`), org); // 2 in the held write, 4 buffered
    let recorded = false;
    const blocked = sut.record(msg('U9'), org).then(() => (recorded = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(recorded).toBe(false);
    expect(sut.pending).toBeLessThanOrEqual(4);
    release();
    await blocked;
    await sut.flush();
    expect(store.total()).toBe(7);
  });

  it('keeps terms only for organisations with topic tracking on, once per message', async () => {
    const off = build();
    await off.sut.record(msg('U1', { terms: ['vergader'] }), org);
    await off.sut.flush();
    expect(off.store.topics).toEqual([]);

    const on = build({}, true);
    await on.sut.record(msg('U1', { terms: ['vergader', 'vergader', 'route'] }), org);
    await on.sut.record(msg('U2', { terms: ['vergader'] }), org);
    await on.sut.flush();
    expect(on.store.topics.flat().map((t) => [t.week, t.userId, t.term, t.count])).toEqual([
      ['2026-11-16', 'U1', 'vergader', 1],
      ['2026-11-16', 'U1', 'route', 1],
      ['2026-11-16', 'U2', 'vergader', 1],
    ]);
  });

  it('records questions that start threads and replies by others, not the asker’s own follow-ups', async () => {
    const { sut, store } = build();
    await sut.record(msg('UASK', { messageId: 'q1', question: true }), org);
    await sut.record(msg('UASK', { threadId: 'q1', at: new Date(at.getTime() + 60_000) }), org);
    await sut.record(msg('UHELP', { threadId: 'q1', at: new Date(at.getTime() + 120_000) }), org);
    await sut.flush();
    expect(store.starts.flat()).toEqual([{ organizationId: 'org-1', platform: 'discord', channelId: 'C1', threadKey: 'q1', startedAt: at }]);
    expect(store.replies.flat()).toEqual([
      { organizationId: 'org-1', platform: 'discord', channelId: 'C1', threadKey: 'q1', firstAt: new Date(at.getTime() + 120_000), count: 1 },
    ]);
  });

  it('counts a reaction for the reacting account and a reaction received for the author, once per reaction', async () => {
    const { sut, store } = build();
    const reaction = (userId: string, messageAuthorId?: string): InboundActivity => ({
      type: 'reaction-added',
      platform: 'discord',
      workspaceId: 'G1',
      userId,
      channelId: 'C1',
      messageId: 'm1',
      ...(messageAuthorId !== undefined ? { messageAuthorId } : {}),
      at,
    });
    await sut.record(reaction('U2', 'U1'), org);
    await sut.record(reaction('U3', 'U1'), org);
    await sut.record(reaction('U3'), org);
    await sut.record(reaction('U1', 'U1'), org); // one's own message: no appreciation received
    await sut.flush();
    const rows = store.activity.flat().map((r) => [r.userId, r.kind, r.count, r.chars]);
    expect(rows.sort()).toEqual([
      ['U1', 'reaction', 1, 0],
      ['U1', 'reaction-received', 2, 0],
      ['U2', 'reaction', 1, 0],
      ['U3', 'reaction', 2, 0],
    ]);
  });
});
