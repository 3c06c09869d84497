import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryTarget } from '../../src/capabilities/news/domain/announcement.js';
import type { NewsRepository } from '../../src/capabilities/news/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { PrismaNewsRepository } from '../../src/capabilities/news/repository/prisma-news.repository.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { InMemoryNewsRepository } from '../fakes/in-memory-news.repository.js';
import { createInMemoryRepositories } from '../fakes/in-memory-repositories.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';

/**
 * The NewsRepository contract, run against PostgreSQL (Prisma) and the in-memory fake. Expectations never
 * branch on the implementation.
 */
interface Harness {
  name: string;
  setup(): Promise<{ repos: MembershipRepositories; sut: NewsRepository }>;
  teardown?(): Promise<void>;
}

let db: Database | undefined;
const harnesses: Harness[] = [
  {
    name: 'PostgreSQL',
    async setup() {
      const repos = prismaRepositories(db!.prisma);
      return { repos, sut: new PrismaNewsRepository(db!.prisma) };
    },
  },
  {
    name: 'in memory',
    async setup() {
      const repos = createInMemoryRepositories();
      return { repos, sut: new InMemoryNewsRepository(repos) };
    },
  },
];

beforeAll(async () => {
  db = await createPostgresTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const content = { title: 'Ledenvergadering', body: 'Kom allemaal', linkUrl: null, imageUrl: null };
const channelTarget = (id: string, platform: DeliveryTarget['platform'] = 'slack'): DeliveryTarget => ({
  kind: 'channel',
  platform,
  workspaceExternalId: 'T1',
  targetExternalId: id,
});

for (const h of harnesses) {
  describe(`NewsRepository contract: ${h.name}`, () => {
    let sut: NewsRepository;
    let repos: MembershipRepositories;
    let orgId: string;
    const at = new Date('2026-11-25T09:00:00Z');

    const create = (over: Partial<Parameters<NewsRepository['create']>[0]> = {}) =>
      sut.create({ organizationId: orgId, authorMemberId: null, audience: { kind: 'all' }, directMessages: false, publishAt: null, status: 'publishing', ...content, ...over });

    beforeEach(async () => {
      ({ sut, repos } = await h.setup());
      orgId = (await repos.organizations.ensure({ slug: `org-${Math.random().toString(36).slice(2, 10)}`, name: 'Vereniging', defaultLocale: 'en' })).id;
    });

    it('creates announcements and finds them by id prefix within the organisation', async () => {
      const a = await create({ audience: { kind: 'roles', roles: ['board'] }, directMessages: true });
      expect(a).toMatchObject({ version: 1, status: 'publishing', audience: { kind: 'roles', roles: ['board'] }, directMessages: true });
      expect((await sut.findByIdPrefix(orgId, a.id.slice(0, 5), 5)).map((x) => x.id)).toEqual([a.id]);
      expect(await sut.findByIdPrefix(orgId, 'ffff%', 5)).toEqual(expect.any(Array));
      const other = (await repos.organizations.ensure({ slug: `x-${Math.random().toString(36).slice(2, 10)}`, name: 'X' })).id;
      expect(await sut.findById(other, a.id)).toBeNull();
      expect(await sut.findById(orgId, 'not-a-uuid')).toBeNull();
    });

    it('starts publishing once: a second run keeps the first deliveries', async () => {
      const a = await create({ status: 'scheduled', publishAt: new Date('2026-12-01T09:00:00Z') });
      const first = await sut.startPublishing(a.id, [channelTarget('C1'), channelTarget('C2')], at);
      expect(first!.announcement.status).toBe('publishing');
      expect(first!.queued).toHaveLength(2);
      const again = await sut.startPublishing(a.id, [channelTarget('C1'), channelTarget('C2'), channelTarget('C3')], at);
      expect(again!.queued.map((d) => d.id).sort()).toEqual(first!.queued.map((d) => d.id).sort());
      expect((await sut.listByStatus('publishing')).map((x) => x.id)).toContain(a.id);
    });

    it('claims a queued delivery once per try, remembering the previous error', async () => {
      const a = await create();
      const [d] = (await sut.startPublishing(a.id, [channelTarget('C1')], at))!.queued;
      const first = await sut.claimDelivery(d!.id);
      expect(first).toMatchObject({ previousAttempts: 0, previousError: null, organizationName: 'Vereniging', locale: 'en' });
      expect(first!.announcement.title).toBe('Ledenvergadering');
      await sut.noteError(d!.id, 'RATE_LIMITED: slow down');
      const second = await sut.claimDelivery(d!.id);
      expect(second).toMatchObject({ previousAttempts: 1, previousError: 'RATE_LIMITED: slow down' });
      expect(second!.delivery.attempts).toBe(2);
    });

    it('never gives the same try to two runs that claim a delivery at the same moment', async () => {
      const a = await create();
      const [d] = (await sut.startPublishing(a.id, [channelTarget('C1')], at))!.queued;
      // Each claim is a try of its own (the later one then knows an earlier try may have posted), or the later
      // run gets nothing; two runs with the same try would both post as if first (claims batched into one
      // statement did that).
      const tries = (await Promise.all([sut.claimDelivery(d!.id), sut.claimDelivery(d!.id)])).filter((c) => c !== null).map((c) => c.previousAttempts);
      expect(tries.length).toBeGreaterThan(0);
      expect(new Set(tries).size).toBe(tries.length);
    });

    it('records a sent copy only from queued, and reports the winner to a late second run', async () => {
      const a = await create();
      const [d] = (await sut.startPublishing(a.id, [channelTarget('C1')], at))!.queued;
      const won = await sut.recordSent(d!.id, { channelExternalId: 'C1', messageId: 'm1', version: 1 }, at);
      expect(won).toMatchObject({ recorded: true, announcementVersion: 1, delivery: { status: 'sent', messageId: 'm1' } });
      const lost = await sut.recordSent(d!.id, { channelExternalId: 'C1', messageId: 'm2', version: 1 }, at);
      expect(lost).toMatchObject({ recorded: false, delivery: { status: 'sent', messageId: 'm1' } });
      expect(await sut.claimDelivery(d!.id)).toBeNull();
      expect(await sut.recordFailed(d!.id, 'x', at)).toBe(false);
    });

    it('settles publishing only when nothing is queued', async () => {
      const a = await create();
      const [d1, d2] = (await sut.startPublishing(a.id, [channelTarget('C1'), channelTarget('C2')], at))!.queued;
      await sut.recordSent(d1!.id, { channelExternalId: 'C1', messageId: 'm1', version: 1 }, at);
      expect(await sut.completePublishing(a.id, at)).toBe(false);
      expect(await sut.recordFailed(d2!.id, 'NOT_FOUND: gone', at)).toBe(true);
      expect(await sut.completePublishing(a.id, at)).toBe(true);
      expect((await sut.get(a.id))!.status).toBe('published');
    });

    it('retracts: queued deliveries stop, sent ones are returned for deletion', async () => {
      const a = await create();
      const [d1, d2] = (await sut.startPublishing(a.id, [channelTarget('C1'), channelTarget('C2')], at))!.queued;
      await sut.recordSent(d1!.id, { channelExternalId: 'C1', messageId: 'm1', version: 1 }, at);
      const result = await sut.retract(orgId, a.id, at);
      expect(result!.sent.map((d) => d.id)).toEqual([d1!.id]);
      expect((await sut.listDeliveries(a.id, 'retracted')).map((d) => d.id)).toEqual([d2!.id]);
      // A worker that posted d2 meanwhile loses: its copy must go.
      const late = await sut.recordSent(d2!.id, { channelExternalId: 'C2', messageId: 'm2', version: 1 }, at);
      expect(late).toMatchObject({ recorded: false, delivery: { status: 'retracted' } });
      expect(await sut.recordRetracted(d1!.id, at)).toBe(true);
      expect(await sut.retract(orgId, a.id, at)).toBeNull();
      expect(await sut.updateContent(orgId, a.id, content, at)).toBeNull();
    });

    it('edits content with a new version and raises copies to it', async () => {
      const a = await create();
      const [d] = (await sut.startPublishing(a.id, [channelTarget('C1')], at))!.queued;
      await sut.recordSent(d!.id, { channelExternalId: 'C1', messageId: 'm1', version: 1 }, at);
      const edited = await sut.updateContent(orgId, a.id, { ...content, title: 'Nieuw', linkUrl: 'https://example.org' }, at);
      expect(edited).toMatchObject({ title: 'Nieuw', version: 2, linkUrl: 'https://example.org' });
      await sut.recordVersion(d!.id, 2);
      await sut.recordVersion(d!.id, 1);
      expect((await sut.getDelivery(d!.id))!.delivery.version).toBe(2);
    });

    it('reports counts per platform and names failed channels', async () => {
      const ws = await repos.workspaces.upsert({ organizationId: orgId, platform: 'slack', externalId: 'T1' });
      await repos.channels.upsert({ workspaceId: ws.id, externalId: 'C1', name: 'nieuws', purpose: 'news' });
      const a = await create();
      const [d1, d2, d3] = (await sut.startPublishing(a.id, [channelTarget('C1'), channelTarget('C2'), channelTarget('9', 'discord')], at))!.queued.sort((x, y) =>
        x.targetExternalId.localeCompare(y.targetExternalId),
      );
      await sut.recordFailed(d2!.id, 'PERMISSION_DENIED: bot removed', at);
      await sut.recordFailed(d3!.id, 'NOT_FOUND: gone', at);
      const report = await sut.report(a.id, 10);
      expect(report.counts.sort((x, y) => x.platform.localeCompare(y.platform) || x.status.localeCompare(y.status))).toEqual([
        { platform: 'discord', status: 'queued', count: 1 },
        { platform: 'slack', status: 'failed', count: 2 },
      ]);
      expect(report.failures.map((f) => `${f.platform}/${f.target}/${f.reason}`).sort()).toEqual([
        'slack/C2/NOT_FOUND: gone',
        'slack/nieuws/PERMISSION_DENIED: bot removed',
      ]);
      expect(report.pending).toEqual([{ platform: 'discord', kind: 'channel', target: d1!.targetExternalId, reason: null }]);
    });

    it('keeps live report messages per announcement', async () => {
      const a = await create();
      const msg = { platform: 'slack' as const, workspaceId: 'T1', channelId: 'C-mgr', messageId: '1.2', locale: 'nl' as const };
      await sut.addStatusMessage(orgId, a.id, msg);
      await sut.addStatusMessage(orgId, a.id, { ...msg, messageId: '1.3' });
      await sut.addStatusMessage(orgId, a.id, msg);
      expect((await sut.listStatusMessages(orgId, a.id)).map((m) => m.messageId)).toEqual(['1.2', '1.3']);
    });

    it('finds direct-message targets of active linked members in the audience', async () => {
      const [utrecht] = await repos.chapters.ensureMany(orgId, ['Utrecht']);
      await repos.members.upsertMany(orgId, [
        { memberNumber: '1', name: 'Anna', email: 'a@example.org', status: 'active', roles: ['member', 'board'], chapterId: utrecht!.id },
        { memberNumber: '2', name: 'Bram', email: 'b@example.org', status: 'active', roles: ['member'], chapterId: null },
        { memberNumber: '3', name: 'Cas', email: 'c@example.org', status: 'lapsed', roles: ['member', 'board'], chapterId: utrecht!.id },
      ]);
      for (const [number, user] of [['1', 'U1'], ['2', 'U2'], ['3', 'U3']] as const) {
        const m = (await repos.members.findByNumber(orgId, number))!;
        const req = await repos.linkRequests.create({ organizationId: orgId, memberId: m.id, platform: 'slack', workspaceId: 'T1', platformUserId: user, codeHash: 'h', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
        await repos.linkRequests.confirm(req.id, new Date(), null);
      }
      const ids = async (audience: Parameters<NewsRepository['directTargets']>[1]) => (await sut.directTargets(orgId, audience)).map((t) => t.targetExternalId).sort();
      expect(await ids({ kind: 'all' })).toEqual(['U1', 'U2']);
      expect(await ids({ kind: 'chapters', chapterIds: [utrecht!.id] })).toEqual(['U1']);
      expect(await ids({ kind: 'roles', roles: ['board'] })).toEqual(['U1']);
    });
  });
}
