import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/kernel/community.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/**
 * The connect operations of the admin API (issue 13): the association's interests, the profiles members
 * agreed to share (and nobody else's), introduction rounds; and the `profile.shared` and
 * `intros.round-completed` webhooks, the first only with the member's consent.
 */
describe('admin API: connect', () => {
  let h: ApiHarness;
  let server: Server;
  let url = '';
  const received: { event: string | undefined; body: Record<string, unknown> }[] = [];
  const members: Member[] = [];

  beforeAll(async () => {
    h = await startApiHarness({ capabilities: ['membership', 'polls', 'connect', 'webhooks', 'api-tokens'] });
    server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ event: req.headers['kring-event'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kring`;
    await h.repos.members.upsertMany(h.orgA.id, [
      { memberNumber: 'P-1', name: 'Anne Deelt', email: null, status: 'active', roles: ['member'], chapterId: null },
      { memberNumber: 'P-2', name: 'Bram Zwijgt', email: null, status: 'active', roles: ['member'], chapterId: null },
    ]);
    for (const n of ['P-1', 'P-2']) members.push((await h.repos.members.findByNumber(h.orgA.id, n))!);
  });
  afterAll(async () => {
    await h?.close();
    if (server) await new Promise((r) => server.close(r));
  });

  it('keeps the list of interests and lists only the profiles members agreed to share', async () => {
    const { secret } = await h.token(h.orgA, ['connect:read', 'connect:write']);
    const base = '/api/v1/orgs/fietsclub';
    const fietsen = await h.call('POST', `${base}/interests`, { token: secret, json: { name: 'Fietsen' } });
    expect(fietsen.status).toBe(201);
    expect(fietsen.body).toEqual({ id: expect.any(String), name: 'Fietsen' });
    const dup = await h.call('POST', `${base}/interests`, { token: secret, json: { name: ' FIETSEN ' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CONNECT.INTEREST_EXISTS');
    const koken = await h.call('POST', `${base}/interests`, { token: secret, json: { name: 'Koken' } });
    expect((await h.call('GET', `${base}/interests`, { token: secret })).body.data.map((i: { name: string }) => i.name)).toEqual(['Fietsen', 'Koken']);

    // Anne shares her profile, Bram does not: the API lists Anne alone, never Bram's words.
    const [anne, bram] = members;
    for (const [m, share] of [[anne!, true], [bram!, false]] as const) {
      await h.db.prisma.connectProfile.create({ data: { memberId: m.id, organizationId: h.orgA.id, intro: `Ik ben ${m.name}`, introsEveryWeeks: 4, reach: 'name', shareWithApi: share, savedAt: new Date('2026-11-01T10:00:00Z') } });
      await h.db.prisma.connectMemberInterest.create({ data: { memberId: m.id, interestId: fietsen.body.id, kind: 'interest' } });
      await h.db.prisma.connectMemberInterest.create({ data: { memberId: m.id, interestId: koken.body.id, kind: 'help' } });
    }
    const profiles = await h.call('GET', `${base}/profiles`, { token: secret });
    expect(profiles.status).toBe(200);
    expect(profiles.body.data).toEqual([
      { memberNumber: 'P-1', name: 'Anne Deelt', intro: 'Ik ben Anne Deelt', interests: ['Fietsen'], helpsWith: ['Koken'], introductionsEveryWeeks: 4, findable: true, updatedAt: '2026-11-01T10:00:00.000Z' },
    ]);
    expect(profiles.text).not.toContain('Bram');
    // A lapsed member's profile is no longer listed.
    await h.repos.members.setStatus(h.orgA.id, anne!.id, 'lapsed');
    expect((await h.call('GET', `${base}/profiles`, { token: secret })).body.data).toEqual([]);
    await h.repos.members.setStatus(h.orgA.id, anne!.id, 'active');

    // Another association's token sees none of it; a read-only token cannot change the list.
    const other = await h.token(h.orgB, ['connect:read']);
    expect((await h.call('GET', '/api/v1/orgs/zwemclub/interests', { token: other.secret })).body.data).toEqual([]);
    expect((await h.call('GET', '/api/v1/orgs/zwemclub/profiles', { token: other.secret })).body.data).toEqual([]);
    const readOnly = await h.token(h.orgA, ['connect:read']);
    expect((await h.call('DELETE', `${base}/interests/${koken.body.id}`, { token: readOnly.secret })).status).toBe(403);
    expect((await h.call('DELETE', `${base}/interests/${koken.body.id}`, { token: secret })).status).toBe(204);
    expect((await h.call('DELETE', `${base}/interests/${koken.body.id}`, { token: secret })).status).toBe(404);
    expect((await h.call('GET', `${base}/intros`, { token: secret })).body).toEqual({ data: [] });
  });

  it('tells subscribed systems a profile only when the member shares it, and each round as counts', async () => {
    const { secret } = await h.install.webhooks.add({ organizationId: h.orgA.id, url, events: ['profile.shared', 'intros.round-completed'] });
    expect(secret).toMatch(/^whsec_/);
    const [anne, bram] = members;
    const profile = { intro: 'Hallo', interests: ['Fietsen'], helpsWith: [], introductionsEveryWeeks: null, findable: false };
    await h.bus.publish('connect.profile-saved', { member: bram!, firstTime: true, shared: false, profile, at: new Date('2026-11-02T10:00:00Z') });
    await h.bus.publish('connect.profile-saved', { member: anne!, firstTime: false, shared: true, profile, at: new Date('2026-11-02T11:00:00Z') });
    await h.bus.publish('connect.round-completed', {
      organizationId: h.orgA.id, programId: '00000000-0000-4000-8000-000000000001', roundId: '00000000-0000-4000-8000-000000000002',
      label: 'Fietsen', number: 1, ranAt: new Date('2026-11-03T09:00:00Z'), members: 4, groups: 2, memberIds: [anne!.id, bram!.id],
    });
    for (let i = 0; i < 500 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received.map((r) => r.event).sort()).toEqual(['intros.round-completed', 'profile.shared']);
    const shared = received.find((r) => r.event === 'profile.shared')!.body;
    expect(shared['data']).toEqual({ memberNumber: 'P-1', name: 'Anne Deelt', intro: 'Hallo', interests: ['Fietsen'], helpsWith: [], introductionsEveryWeeks: null, findable: false, savedAt: '2026-11-02T11:00:00.000Z' });
    const round = received.find((r) => r.event === 'intros.round-completed')!.body;
    expect(round['data']).toEqual({ roundId: '00000000-0000-4000-8000-000000000002', label: 'Fietsen', number: 1, ranAt: '2026-11-03T09:00:00.000Z', members: 4, groups: 2 });
    expect(JSON.stringify(received)).not.toContain('Bram');
    expect(JSON.stringify(received)).not.toContain(anne!.id);
  });
});
