import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActivityIngestor } from '../../src/capabilities/insights/domain/activity-ingestor.js';
import { InsightsService } from '../../src/capabilities/insights/domain/insights.service.js';
import type { Database } from '../../src/infra/database/database.js';
import { PrismaInsightsRepository } from '../../src/capabilities/insights/repository/prisma-insights.repository.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { addMember, rollups, seedWorld, seen, type InsightsWorld } from './insights-fixtures.js';
import { testSecretBox } from '../support/secrets.js';

describe(ActivityIngestor.name, () => {
  let db: Database;
  let repo: PrismaInsightsRepository;
  let world: InsightsWorld;
  let sut: ActivityIngestor;
  let topics = false;
  const now = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repo = new PrismaInsightsRepository(db.prisma, { secrets: testSecretBox });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    world = await seedWorld(db);
    topics = false;
    sut = new ActivityIngestor({ store: repo, clock: { now: () => now }, topicsEnabled: async () => topics, logger: silentLogger });
  });

  const org = () => ({ id: world.organizationId, timezone: 'Europe/Amsterdam' });

  it('writes exact daily counts per member, channel and kind, and anonymous totals for unlinked people', async () => {
    const anne = await addMember(db, world, 'UANNE', { chapterId: world.chapterId });
    const at = new Date('2026-11-20T10:00:00Z');
    for (const length of [10, 20, 30]) await sut.record(seen(world, anne.userId, at, { length }), org());
    await sut.record(seen(world, anne.userId, at, { length: 5, threadId: '1.1' }), org());
    await sut.record(seen(world, 'UGUEST', at, { length: 7 }), org());
    await sut.record(seen(world, 'UGUEST2', at, { length: 8, channelId: world.channels.noord }), org());
    await sut.flush();

    expect(await rollups(db, world.organizationId)).toEqual([
      { day: '2026-11-20', channel: 'slack:CGENERAL', member: '', kind: 'message', count: 1, chars: 7, chapterId: null },
      { day: '2026-11-20', channel: 'slack:CGENERAL', member: anne.id, kind: 'message', count: 3, chars: 60, chapterId: world.chapterId },
      { day: '2026-11-20', channel: 'slack:CGENERAL', member: anne.id, kind: 'reply', count: 1, chars: 5, chapterId: world.chapterId },
      { day: '2026-11-20', channel: 'slack:CNOORD', member: '', kind: 'message', count: 1, chars: 8, chapterId: world.chapterId },
    ]);
  });

  it('adds later batches onto the rows earlier batches wrote', async () => {
    const at = new Date('2026-11-20T10:00:00Z');
    await sut.record(seen(world, 'UX', at, { length: 4 }), org());
    await sut.flush();
    await sut.record(seen(world, 'UX', at, { length: 6 }), org());
    await sut.record(seen(world, 'UY', at, { length: 1 }), org());
    await sut.flush();
    const rows = await rollups(db, world.organizationId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 3, chars: 11 });
  });

  it('splits days at local midnight around the spring DST change (2026-03-29, Europe/Amsterdam)', async () => {
    const times = [
      '2026-03-28T22:59:59Z', // 23:59:59 CET on the 28th
      '2026-03-28T23:00:00Z', // 00:00 CET on the 29th
      '2026-03-29T00:59:59Z', // 01:59:59 CET, the last second before the clocks jump
      '2026-03-29T01:00:00Z', // 03:00 CEST
      '2026-03-29T21:59:59Z', // 23:59:59 CEST on the 29th (a 23-hour day)
      '2026-03-29T22:00:00Z', // 00:00 CEST on the 30th
    ];
    for (const t of times) await sut.record(seen(world, 'UX', new Date(t)), org());
    await sut.flush();
    const byDay = Object.fromEntries((await rollups(db, world.organizationId)).map((r) => [r.day, r.count]));
    expect(byDay).toEqual({ '2026-03-28': 1, '2026-03-29': 4, '2026-03-30': 1 });
  });

  it('splits days at local midnight around the autumn DST change (2026-10-25, Europe/Amsterdam)', async () => {
    const times = [
      '2026-10-24T21:59:59Z', // 23:59:59 CEST on the 24th
      '2026-10-24T22:00:00Z', // 00:00 CEST on the 25th
      '2026-10-25T00:30:00Z', // 02:30 CEST
      '2026-10-25T01:30:00Z', // 02:30 CET: the repeated hour
      '2026-10-25T22:59:59Z', // 23:59:59 CET on the 25th (a 25-hour day)
      '2026-10-25T23:00:00Z', // 00:00 CET on the 26th
    ];
    for (const t of times) await sut.record(seen(world, 'UX', new Date(t)), org());
    await sut.flush();
    const byDay = Object.fromEntries((await rollups(db, world.organizationId)).map((r) => [r.day, r.count]));
    expect(byDay).toEqual({ '2026-10-24': 1, '2026-10-25': 4, '2026-10-26': 1 });
  });

  it('counts an opted-out member only in the anonymous totals, including events buffered before the opt-out', async () => {
    const bram = await addMember(db, world, 'UBRAM', { chapterId: world.chapterId });
    const at = new Date('2026-11-20T10:00:00Z');
    await sut.record(seen(world, bram.userId, at, { length: 3 }), org());
    await repo.setOptOut(bram.id, true);
    await sut.record(seen(world, bram.userId, at, { length: 4 }), org());
    await sut.flush();
    const rows = await rollups(db, world.organizationId);
    expect(rows.map((r) => r.member)).toEqual(['']);
    expect(rows[0]).toMatchObject({ count: 2, chars: 7, chapterId: null });

    await repo.setOptOut(bram.id, false);
    await sut.record(seen(world, bram.userId, at, { length: 1 }), org());
    await sut.flush();
    expect((await rollups(db, world.organizationId)).map((r) => [r.member, r.count])).toEqual([['', 2], [bram.id, 1]]);
  });

  it('keeps weekly term counts per channel only for organisations that opted in, without opted-out members', async () => {
    const cas = await addMember(db, world, 'UCAS');
    const dirk = await addMember(db, world, 'UDIRK');
    await repo.setOptOut(dirk.id, true);
    const sunday = new Date('2026-03-29T10:00:00Z'); // ISO week starting Monday 2026-03-23
    await sut.record(seen(world, cas.userId, sunday, { terms: ['vergader', 'contributie'] }), org());
    await sut.flush();
    expect(await db.prisma.topicWeekly.count({ where: { organizationId: world.organizationId } })).toBe(0);

    topics = true;
    await sut.record(seen(world, cas.userId, sunday, { terms: ['vergader', 'contributie'] }), org());
    await sut.record(seen(world, 'UGUEST', sunday, { terms: ['vergader', 'Not a term!'] }), org());
    await sut.record(seen(world, dirk.userId, sunday, { terms: ['vergader', 'geheim'] }), org());
    await sut.flush();
    const terms = await db.prisma.topicWeekly.findMany({ where: { organizationId: world.organizationId }, orderBy: { term: 'asc' } });
    expect(terms.map((t) => [t.week.toISOString().slice(0, 10), t.channelKey, t.term, t.count])).toEqual([
      ['2026-03-23', 'slack:CGENERAL', 'contributie', 1],
      ['2026-03-23', 'slack:CGENERAL', 'vergader', 2],
    ]);
  });

  it('tracks questions until someone else replies, ignoring the asker’s own follow-ups', async () => {
    const service = new InsightsService({ queries: repo, settings: repo, clock: { now: () => now } });
    const asked = new Date('2026-11-23T09:00:00Z');
    await sut.record(seen(world, 'UASK', asked, { messageId: '100.1', question: true }), org());
    await sut.record(seen(world, 'UASK', asked, { messageId: '100.2', question: true }), org());
    await sut.record(seen(world, 'UASK', asked, { messageId: '100.3', question: false }), org());
    await sut.flush();
    await sut.record(seen(world, 'UASK', new Date('2026-11-23T09:05:00Z'), { threadId: '100.1' }), org());
    await sut.record(seen(world, 'UHELP', new Date('2026-11-23T11:00:00Z'), { threadId: '100.1' }), org());
    await sut.record(seen(world, 'UHELP', new Date('2026-11-23T12:00:00Z'), { threadId: '100.1' }), org());
    await sut.flush();

    const threads = await db.prisma.threadState.findMany({ where: { organizationId: world.organizationId }, orderBy: { threadKey: 'asc' } });
    expect(threads.map((t) => [t.threadKey, t.replies, t.firstReplyAt?.toISOString() ?? null])).toEqual([
      ['100.1', 2, '2026-11-23T11:00:00.000Z'],
      ['100.2', 0, null],
    ]);
    const overview = await service.overview(org(), { period: 'week' });
    expect(overview.unanswered).toMatchObject({ questions: 2, unanswered: 1, medianFirstReplyMinutes: 120, hours: 24 });
    expect(overview.unanswered.byChannel).toEqual([{ channelKey: 'slack:CGENERAL', name: 'algemeen', unanswered: 1 }]);
  });
});
