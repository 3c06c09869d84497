import { beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryRepositories } from '../../../../test/fakes/in-memory-repositories.js';
import { InMemoryNewsRepository } from '../../../../test/fakes/in-memory-news.repository.js';
import type { MembershipRepositories } from '../../membership/ports.js';
import type { MemberRole } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import { KringError } from '../../../kernel/errors.js';
import type { Platform } from '../../../kernel/types.js';
import type { Delivery } from './announcement.js';
import type { NewsDispatcher } from '../ports.js';
import { NewsService } from './news.service.js';

/** Records what the service hands to the queue. */
class RecordingDispatcher implements NewsDispatcher {
  readonly publishNowIds: string[] = [];
  readonly scheduled: { id: string; at: Date }[] = [];
  readonly deliveries: Delivery[][] = [];
  readonly updates: { deliveries: Delivery[]; version: number }[] = [];
  readonly retractions: Delivery[][] = [];
  readonly refreshes: string[] = [];
  async publishNow(id: string) {
    this.publishNowIds.push(id);
  }
  async schedulePublish(id: string, at: Date) {
    this.scheduled.push({ id, at });
  }
  async enqueueDeliveries(d: readonly Delivery[]) {
    this.deliveries.push([...d]);
  }
  async enqueueUpdates(d: readonly Delivery[], version: number) {
    this.updates.push({ deliveries: [...d], version });
  }
  async enqueueRetractions(d: readonly Delivery[]) {
    this.retractions.push([...d]);
  }
  async requestStatusRefresh(id: string) {
    this.refreshes.push(id);
  }
}

describe(NewsService.name, () => {
  let now: Date;
  const clock: Clock = { now: () => now };
  let repos: MembershipRepositories;
  let news: InMemoryNewsRepository;
  let dispatcher: RecordingDispatcher;
  let sut: NewsService;
  let orgId: string;

  const connect = async (platform: Platform, workspace: string, channel: string, purpose: 'news' | 'chapter' | 'general', chapterId: string | null = null) => {
    const ws = await repos.workspaces.upsert({ organizationId: orgId, platform, externalId: workspace });
    await repos.channels.upsert({ workspaceId: ws.id, externalId: channel, purpose, chapterId, name: `#${channel}` });
  };

  const member = async (number: string, opts: { roles?: MemberRole[]; chapterId?: string | null; status?: 'active' | 'lapsed'; account?: [Platform, string, string] }) => {
    await repos.members.upsertMany(orgId, [
      { memberNumber: number, name: `Lid ${number}`, email: `${number}@example.org`, status: opts.status ?? 'active', roles: opts.roles ?? ['member'], chapterId: opts.chapterId ?? null },
    ]);
    const m = (await repos.members.findByNumber(orgId, number))!;
    if (opts.account) {
      const [platform, workspaceId, platformUserId] = opts.account;
      const req = await repos.linkRequests.create({ organizationId: orgId, memberId: m.id, platform, workspaceId, platformUserId, codeHash: 'x', expiresAt: new Date(now.getTime() + 60_000), createdAt: now });
      await repos.linkRequests.confirm(req.id, now, null);
    }
    return m;
  };

  const content = { title: 'Ledenvergadering', body: 'Kom **allemaal** op 12 december.' };

  beforeEach(async () => {
    now = new Date('2026-11-25T09:00:00Z');
    repos = createInMemoryRepositories({ clock });
    news = new InMemoryNewsRepository(repos, clock);
    dispatcher = new RecordingDispatcher();
    sut = new NewsService({ news, channels: repos.channels, dispatcher, clock });
    orgId = (await repos.organizations.ensure({ slug: 'vereniging', name: 'Vereniging' })).id;
  });

  it('creates an announcement and hands publishing to the queue', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    await connect('discord', 'G1', '42', 'news');
    const { announcement, targets } = await sut.create({ organizationId: orgId, ...content });
    expect(targets).toBe(2);
    expect(announcement.status).toBe('publishing');
    expect(dispatcher.publishNowIds).toEqual([announcement.id]);
  });

  it('publishes one queued delivery per news channel and enqueues them', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    await connect('slack', 'T1', 'C-general', 'general');
    await connect('teams', 'tenant', '19:abc', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(announcement.id);
    const deliveries = await news.listDeliveries(announcement.id);
    expect(deliveries.map((d) => `${d.platform}/${d.targetExternalId}/${d.status}`).sort()).toEqual(['slack/C-news/queued', 'teams/19:abc/queued']);
    expect(dispatcher.deliveries[0]!.map((d) => d.id).sort()).toEqual(deliveries.map((d) => d.id).sort());
  });

  it('keeps the first set of deliveries when the publish job runs again', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(announcement.id);
    await connect('slack', 'T1', 'C-later', 'news');
    await sut.publish(announcement.id);
    const first = dispatcher.deliveries[0]!.map((d) => d.id);
    expect(dispatcher.deliveries[1]!.map((d) => d.id)).toEqual(first);
    expect(await news.listDeliveries(announcement.id)).toHaveLength(1);
  });

  it('refuses an announcement nobody would receive', async () => {
    await connect('slack', 'T1', 'C-general', 'general');
    await expect(sut.create({ organizationId: orgId, ...content })).rejects.toMatchObject({ code: 'NEWS.NO_TARGETS' });
    expect(await news.listRecent(orgId, 10)).toEqual([]);
  });

  it('reaches the chapter channels of the chosen chapters', async () => {
    const [utrecht, zwolle] = await repos.chapters.ensureMany(orgId, ['Utrecht', 'Zwolle']);
    await connect('slack', 'T1', 'C-news', 'news');
    await connect('slack', 'T1', 'C-utrecht', 'chapter', utrecht!.id);
    await connect('slack', 'T1', 'C-zwolle', 'chapter', zwolle!.id);
    const { announcement } = await sut.create({ organizationId: orgId, ...content, audience: { kind: 'chapters', chapterIds: [utrecht!.id] } });
    await sut.publish(announcement.id);
    expect((await news.listDeliveries(announcement.id)).map((d) => d.targetExternalId)).toEqual(['C-utrecht']);
  });

  it('reaches members holding a role by direct message, linked and active ones only', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    await member('1', { roles: ['board'], account: ['slack', 'T1', 'U-board'] });
    await member('2', { roles: ['member'], account: ['slack', 'T1', 'U-member'] });
    await member('3', { roles: ['board'], status: 'lapsed', account: ['discord', 'G1', 'D-lapsed'] });
    await member('4', { roles: ['board'] });
    const { announcement, targets } = await sut.create({ organizationId: orgId, ...content, audience: { kind: 'roles', roles: ['board'] } });
    expect(targets).toBe(1);
    await sut.publish(announcement.id);
    expect((await news.listDeliveries(announcement.id)).map((d) => `${d.kind}/${d.targetExternalId}`)).toEqual(['direct/U-board']);
  });

  it('adds direct messages to every linked active member when asked', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    await member('1', { account: ['slack', 'T1', 'U1'] });
    await member('2', { account: ['teams', 'tenant', 'aad-2'] });
    const { targets } = await sut.create({ organizationId: orgId, ...content, directMessages: true });
    expect(targets).toBe(3);
  });

  it('schedules a publish job at the publish time and ignores a job for an older time', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    const at = new Date('2026-11-25T18:00:00Z');
    const { announcement } = await sut.create({ organizationId: orgId, ...content, publishAt: at });
    expect(announcement.status).toBe('scheduled');
    expect(dispatcher.scheduled).toEqual([{ id: announcement.id, at }]);
    await sut.publish(announcement.id, new Date('2026-11-25T17:00:00Z'));
    expect(await news.listDeliveries(announcement.id)).toEqual([]);
    await sut.publish(announcement.id, at);
    expect(await news.listDeliveries(announcement.id)).toHaveLength(1);
  });

  it('refuses a publish time in the past', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    await expect(sut.create({ organizationId: orgId, ...content, publishAt: new Date('2026-11-25T08:00:00Z') })).rejects.toMatchObject({ code: 'NEWS.BAD_PUBLISH_TIME' });
  });

  it('updates the content and sends the new version to every copy already out', async () => {
    await connect('slack', 'T1', 'C-a', 'news');
    await connect('slack', 'T1', 'C-b', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(announcement.id);
    const [a] = await news.listDeliveries(announcement.id);
    await news.recordSent(a!.id, { channelExternalId: 'C-a', messageId: 'm1', version: 1 }, now);
    const { announcement: edited, copies } = await sut.edit(orgId, announcement.id.slice(0, 8), { title: 'Nieuwe titel', body: 'Nieuwe tekst', linkUrl: null, imageUrl: null });
    expect(edited).toMatchObject({ title: 'Nieuwe titel', version: 2 });
    expect(copies).toBe(1);
    expect(dispatcher.updates).toEqual([{ deliveries: [expect.objectContaining({ id: a!.id })], version: 2 }]);
  });

  it('retracts: queued deliveries stop, sent copies are deleted through the queue', async () => {
    await connect('slack', 'T1', 'C-a', 'news');
    await connect('slack', 'T1', 'C-b', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(announcement.id);
    const [a, b] = await news.listDeliveries(announcement.id);
    await news.recordSent(a!.id, { channelExternalId: 'C-a', messageId: 'm1', version: 1 }, now);
    const { copies } = await sut.retract(orgId, announcement.id);
    expect(copies).toBe(1);
    expect(dispatcher.retractions[0]!.map((d) => d.id)).toEqual([a!.id]);
    expect((await news.listDeliveries(announcement.id, 'retracted')).map((d) => d.id)).toEqual([b!.id]);
    await expect(sut.retract(orgId, announcement.id)).rejects.toMatchObject({ code: 'NEWS.RETRACTED' });
    await expect(sut.edit(orgId, announcement.id, { ...content, linkUrl: null, imageUrl: null })).rejects.toMatchObject({ code: 'NEWS.RETRACTED' });
  });

  it('finds an announcement by a short prefix within the organisation only', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    expect((await sut.resolve(orgId, announcement.id.slice(0, 6).toUpperCase())).id).toBe(announcement.id);
    const other = (await repos.organizations.ensure({ slug: 'andere', name: 'Andere' })).id;
    await expect(sut.resolve(other, announcement.id)).rejects.toMatchObject({ code: 'NEWS.NOT_FOUND' });
    await expect(sut.resolve(orgId, 'zz')).rejects.toBeInstanceOf(KringError);
  });

  it('reports per platform and marks the announcement published once nothing is pending', async () => {
    await connect('slack', 'T1', 'C-a', 'news');
    await connect('discord', 'G1', '42', 'news');
    const { announcement } = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(announcement.id);
    const [d1, d2] = await news.listDeliveries(announcement.id);
    await news.recordSent(d1!.id, { channelExternalId: 'x', messageId: 'm1', version: 1 }, now);
    let report = await sut.settle((await sut.reportById(announcement.id))!);
    expect(report.totals).toMatchObject({ sent: 1, queued: 1, total: 2 });
    expect(report.announcement.status).toBe('publishing');
    expect(report.pending).toHaveLength(1);
    await news.recordFailed(d2!.id, 'NOT_FOUND: channel gone', now);
    report = await sut.settle((await sut.reportById(announcement.id))!);
    expect(report.announcement.status).toBe('published');
    expect(report.failures).toEqual([expect.objectContaining({ reason: 'NOT_FOUND: channel gone' })]);
  });

  it('resumes after a restart: re-arms scheduled announcements and re-enqueues unfinished ones', async () => {
    await connect('slack', 'T1', 'C-news', 'news');
    const later = await sut.create({ organizationId: orgId, ...content, publishAt: new Date('2026-11-26T09:00:00Z') });
    const running = await sut.create({ organizationId: orgId, ...content });
    await sut.publish(running.announcement.id);
    const fresh = new RecordingDispatcher();
    const restarted = new NewsService({ news, channels: repos.channels, dispatcher: fresh, clock });
    expect(await restarted.resume()).toEqual({ scheduled: 1, publishing: 1 });
    expect(fresh.scheduled.map((s) => s.id)).toEqual([later.announcement.id]);
    expect(fresh.deliveries[0]!.map((d) => d.announcementId)).toEqual([running.announcement.id]);
  });
});
