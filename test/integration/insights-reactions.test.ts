import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InsightsService } from '../../src/capabilities/insights/domain/insights.service.js';
import { systemClock } from '../../src/kernel/clock.js';
import type { ReactionAddedEvent } from '../../src/kernel/ports/chat-platform.js';
import { addMember, rollups, seedWorld, seen, type InsightsWorld } from './insights-fixtures.js';
import { startInsightsHarness, type InsightsHarness } from './insights-harness.js';

/**
 * Reactions, end to end on PostgreSQL: reaction-added events through the router (schema check, activity
 * listener) into the rollups as `reaction` for the reacting account and `reaction-received` for the
 * message's author, attributed to linked members at write time, and into the ambassador score.
 */
describe('insights: reactions given and received', () => {
  let h: InsightsHarness;
  let world: InsightsWorld;
  let service: InsightsService;
  const now = () => new Date();

  beforeAll(async () => {
    h = await startInsightsHarness();
    service = new InsightsService({ queries: h.install.repository, settings: h.install.repository, clock: systemClock });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    // A fresh organisation per test (the router attaches unknown workspaces to the default one, so each
    // world gets its workspace registered through seedWorld).
    world = await seedWorld(h.db);
  });

  const reaction = (userId: string, messageId: string, messageAuthorId?: string, extra: Partial<ReactionAddedEvent> = {}): ReactionAddedEvent => ({
    type: 'reaction-added',
    platform: world.platform,
    workspaceId: world.workspace,
    userId,
    channelId: world.channels.general,
    messageId,
    ...(messageAuthorId !== undefined ? { messageAuthorId } : {}),
    at: now(),
    raw: {},
    ...extra,
  });
  const org = () => ({ id: world.organizationId, timezone: 'Europe/Amsterdam' });

  it('counts exact reactions given and received per member, and unknown authors only anonymously', async () => {
    const anne = await addMember(h.db, world, 'UANNE', { name: 'Anne' });
    const bram = await addMember(h.db, world, 'UBRAM', { name: 'Bram' });
    const cas = await addMember(h.db, world, 'UCAS', { name: 'Cas' });

    expect(await h.send(reaction(bram.userId, 'm1', anne.userId))).toBeUndefined();
    await h.send(reaction(cas.userId, 'm1', anne.userId));
    await h.send(reaction(cas.userId, 'm2', anne.userId));
    await h.send(reaction(anne.userId, 'm3', bram.userId));
    await h.send(reaction(anne.userId, 'm4', anne.userId)); // her own message: given, not received
    await h.send(reaction('UGUEST', 'm1', anne.userId)); // an unlinked person reacting
    await h.send(reaction(bram.userId, 'm5', 'UGUEST')); // to an unlinked person's message
    await h.send(reaction(cas.userId, 'm6')); // Teams: no author
    await h.install.ingestor.flush();

    const counts = (await rollups(h.db, world.organizationId)).map((r) => [r.member, r.kind, r.count, r.chars]);
    expect(counts.sort()).toEqual(
      [
        ['', 'reaction', 1, 0],
        ['', 'reaction-received', 1, 0],
        [anne.id, 'reaction', 2, 0],
        [anne.id, 'reaction-received', 4, 0],
        [bram.id, 'reaction', 2, 0],
        [bram.id, 'reaction-received', 1, 0],
        [cas.id, 'reaction', 3, 0],
      ].sort(),
    );
    const totals = Object.fromEntries((await h.install.repository.totalsByKind({ organizationId: world.organizationId, from: '2000-01-01', to: '2100-01-01' })).map((t) => [t.kind, t.count]));
    expect(totals).toEqual({ reaction: 8, 'reaction-received': 6 });
  });

  it('puts reactions received into the ambassador score, every part shown', async () => {
    const anne = await addMember(h.db, world, 'UANNE', { name: 'Anne' });
    const bram = await addMember(h.db, world, 'UBRAM', { name: 'Bram' });
    const cas = await addMember(h.db, world, 'UCAS', { name: 'Cas' });
    // Both help in a thread; only Anne's help is appreciated.
    await h.send(seen(world, anne.userId, now(), { threadId: 't1', messageId: 'r1' }));
    await h.send(seen(world, bram.userId, now(), { threadId: 't1', messageId: 'r2' }));
    for (const by of [bram.userId, cas.userId, 'UGUEST']) await h.send(reaction(by, 'r1', anne.userId));
    await h.install.ingestor.flush();

    const { ambassadors } = await service.dashboard(org(), { period: 'week' });
    const byName = Object.fromEntries(ambassadors.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['Anne', 'Bram']);
    expect(byName['Anne']!.parts).toEqual({
      helping: { replies: 1, points: 40 },
      appreciation: { reactionsReceived: 3, points: 20 },
      consistency: { activeWeeks: 1, weeks: 1, points: 20 },
      // No meet-ups in this world (test/integration/meetup-insights.test.ts counts them).
      turningUp: { meetupsAttended: 0, points: 0 },
    });
    expect(byName['Anne']!.score).toBe(80);
    expect(byName['Bram']!.parts.appreciation).toEqual({ reactionsReceived: 0, points: 0 });
    expect(byName['Bram']!.score).toBe(60);
    expect(ambassadors[0]!.name).toBe('Anne');
  });

  it('counts an opted-out author or reactor only in the anonymous totals, also for reactions still buffered', async () => {
    const anne = await addMember(h.db, world, 'UANNE', { name: 'Anne' });
    const bram = await addMember(h.db, world, 'UBRAM', { name: 'Bram' });
    await h.send(reaction(bram.userId, 'm1', anne.userId));
    await h.install.repository.setOptOut(anne.id, true);
    await h.send(reaction(bram.userId, 'm2', anne.userId));
    await h.send(reaction(anne.userId, 'm3', bram.userId));
    await h.install.ingestor.flush();

    const counts = (await rollups(h.db, world.organizationId)).map((r) => [r.member, r.kind, r.count]);
    expect(counts.sort()).toEqual(
      [
        ['', 'reaction', 1],
        ['', 'reaction-received', 2],
        [bram.id, 'reaction', 2],
        [bram.id, 'reaction-received', 1],
      ].sort(),
    );
    expect(counts.some(([member]) => member === anne.id)).toBe(false);

    await h.send(seen(world, anne.userId, now(), { threadId: 't1', messageId: 'r1' }));
    await h.install.ingestor.flush();
    const { ambassadors } = await service.dashboard(org(), { period: 'week' });
    expect(ambassadors.map((a) => a.name)).not.toContain('Anne');
  });

  it('drops a malformed reaction (no message id) at the router', async () => {
    const bram = await addMember(h.db, world, 'UBRAM');
    await h.send({ ...reaction(bram.userId, 'm1'), messageId: '' });
    await h.install.ingestor.flush();
    expect(await rollups(h.db, world.organizationId)).toEqual([]);
  });
});
