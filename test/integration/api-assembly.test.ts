import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyKringSignature } from '../../src/capabilities/webhooks/domain/webhook-signature.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/**
 * The general assembly's admin API for the member administration, through the real router on PostgreSQL
 * (every answer checked against the OpenAPI document by the harness): scopes, bad input as 400 with the
 * field named, the register frozen with weights and exported, the decision list; and the
 * `assembly.item-closed` webhook, signed, with counts only.
 */
describe('admin API: general assembly', () => {
  let h: ApiHarness;
  let write: string;
  let read: string;
  const base = '/api/v1/orgs/fietsclub/assemblies';
  const received: { verified: boolean; event: string; body: Record<string, unknown> }[] = [];
  let receiver: Server;
  let secret = '';

  beforeAll(async () => {
    h = await startApiHarness({ capabilities: ['membership', 'polls', 'assembly', 'webhooks', 'api-tokens'], webhookRetryDelaysMs: [50, 50] });
    write = (await h.token(h.orgA, ['assembly:write'])).secret;
    read = (await h.token(h.orgA, ['assembly:read'])).secret;
    await h.repos.members.upsertMany(h.orgA.id, [
      { memberNumber: '1001', name: 'Anna de Vries', email: null, status: 'active', roles: ['member'], chapterId: null },
      { memberNumber: '1002', name: 'Bram', email: null, status: 'active', roles: ['member', 'board'], chapterId: null },
      { memberNumber: '1003', name: 'Cees', email: null, status: 'left', roles: ['member'], chapterId: null },
    ]);
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      received.push({ verified: verifyKringSignature(secret, req.headers['kring-signature'] as string | undefined, raw, 300), event: String(req.headers['kring-event']), body: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    secret = (await h.install.webhooks.add({ organizationId: h.orgA.id, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kring`, events: ['assembly.item-closed'] })).secret;
  });

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('creates an assembly with its agenda, freezes and exports the register with weights', async () => {
    expect((await h.call('POST', base, { token: read, json: { title: 'ALV', startsAt: '2027-03-12T20:00:00+01:00' } })).status).toBe(403);
    const bad = await h.call('POST', base, { token: write, json: { title: 'A', startsAt: 'morgen', quorum: { kind: 'fraction', numerator: 3, denominator: 2 }, extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.quorum', 'body.startsAt', 'body.title']);
    const created = await h.call('POST', base, { token: write, json: { title: 'ALV 2027', startsAt: '2027-03-12T20:00:00+01:00', earlyVotingFrom: '2027-03-01T09:00:00+01:00', maxProxiesPerHolder: 2, quorum: { kind: 'count', min: 2 } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'ALV 2027', startsAt: '2027-03-12T19:00:00.000Z', mode: 'hybrid', quorum: { kind: 'count', min: 2 }, snapshotAt: null, items: [] });
    const id = created.body.id as string;
    const election = await h.call('POST', `${base}/${id}/items`, { token: write, json: { title: 'Voorzitter', kind: 'election', candidates: ['Anna', 'Bram'] } });
    expect(election.body).toMatchObject({ position: 1, kind: 'election', secret: true, choices: ['Anna', 'Bram', 'blank'], status: 'pending' });
    expect((await h.call('POST', `${base}/${id}/items`, { token: write, json: { title: 'Voorzitter', kind: 'election' } })).status).toBe(400);
    const frozen = await h.call('POST', `${base}/${id}/snapshot`, { token: write, json: { weights: { '1002': 2 } } });
    expect(frozen.body.voters).toEqual([
      { memberNumber: '1001', name: 'Anna de Vries', status: 'active', roles: ['member'], weight: 1 },
      { memberNumber: '1002', name: 'Bram', status: 'active', roles: ['member', 'board'], weight: 2 },
    ]);
    expect((await h.call('GET', `${base}/${id}/voters`, { token: read })).body.voters).toHaveLength(2);
    expect((await h.call('GET', `${base}/00000000-0000-4000-8000-000000000000`, { token: read })).status).toBe(404);
    expect((await h.call('GET', `${base}/not-an-id`, { token: read })).status).toBe(400);
    const md = await h.call('GET', `${base}/${id}/decisions.md?lang=en`, { token: read });
    expect(md.text).toContain('# Decision list');
    expect(md.text).toContain('Register of voters frozen');
    expect((await h.call('GET', `${base}/${id}/decisions.md?lang=fr`, { token: read })).status).toBe(400);
  });

  it('sends assembly.item-closed to the member administration, signed, counts only', async () => {
    await h.bus.publish('assembly.item-closed', {
      organizationId: h.orgA.id, assemblyId: '11111111-1111-4111-8111-111111111111', assemblyTitle: 'ALV 2027', itemId: '22222222-2222-4222-8222-222222222222', position: 1,
      title: 'Voorzitter', kind: 'election', secret: true, closedAt: new Date('2027-03-12T21:00:00Z'), counts: [{ choice: 'Anna', votes: 2 }, { choice: 'Bram', votes: 1 }, { choice: 'blank', votes: 0 }],
      ballots: 3, turnoutPercent: 100, present: 3, quorumRequired: 2, quorumReached: true, adopted: true, elected: 'Anna',
    });
    const end = Date.now() + 15_000;
    while (received.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(received[0]).toMatchObject({
      verified: true,
      event: 'assembly.item-closed',
      body: { type: 'assembly.item-closed', data: { title: 'Voorzitter', closedAt: '2027-03-12T21:00:00.000Z', elected: 'Anna', quorumReached: true, counts: [{ choice: 'Anna', votes: 2 }, { choice: 'Bram', votes: 1 }, { choice: 'blank', votes: 0 }] } },
    });
    expect(JSON.stringify(received[0]!.body)).not.toContain('organizationId');
  });
});
