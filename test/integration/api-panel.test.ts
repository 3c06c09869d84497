import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberImportService } from '../../src/capabilities/membership/domain/member-import.service.js';
import { prismaRepositories } from '../support/database.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

async function* chunks(text: string): AsyncIterable<string> {
  yield text;
}

/**
 * The panel operations of the admin API (issue 14): read the panel (counts per group), read its members,
 * draw it (reproducibly with a seed); the `panel.drawn` webhook with counts only; a survey with the
 * audience `panel` invites exactly the panel. Tokens: read-only cannot draw, another organisation sees
 * no panel.
 */
describe('admin API: panel', () => {
  let h: ApiHarness;
  let server: Server;
  let url = '';
  const received: { event: string | undefined; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    h = await startApiHarness({ capabilities: ['membership', 'polls', 'surveys', 'panel', 'webhooks', 'api-tokens'] });
    server = createServer(async (req: IncomingMessage, res) => {
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      received.push({ event: req.headers['kring-event'] as string | undefined, body: JSON.parse(Buffer.concat(body).toString('utf8')) as Record<string, unknown> });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kring`;
    // Six members: four in Utrecht (two age groups), two in Zwolle; all linked on Discord, all signed up but F-6.
    const rows = ['F-1;Fenna;Utrecht;18-30', 'F-2;Floor;Utrecht;18-30', 'F-3;Frits;Utrecht;31-65', 'F-4;Fleur;Utrecht;31-65', 'F-5;Freek;Zwolle;18-30', 'F-6;Fay;Zwolle;18-30'];
    // The import as the CLI runs it, on the harness's bus, so the panel capability hears `members.imported`.
    const importer = new MemberImportService({ repos: h.repos, bus: h.bus });
    await importer.importCsv(chunks(`lidnummer;naam;afdeling;age group\n${rows.join('\n')}\n`), { organizationId: h.orgA.id });
    const direct = prismaRepositories(h.db.prisma);
    for (const number of ['F-1', 'F-2', 'F-3', 'F-4', 'F-5', 'F-6']) {
      const m = (await h.repos.members.findByNumber(h.orgA.id, number))!;
      const link = await direct.linkRequests.create({ organizationId: h.orgA.id, memberId: m.id, platform: 'discord', workspaceId: 'G-fietsclub', platformUserId: `D-${number}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
      await direct.linkRequests.confirm(link.id, new Date(), null);
      // Signing up is the member's own `/kring panel join` (test/integration/panel.test.ts); here it is stored as that does.
      if (number !== 'F-6') await h.db.prisma.panelCandidate.update({ where: { memberId: m.id }, data: { optedIn: true, optedInAt: new Date() } });
    }
  });
  afterAll(async () => {
    await h?.close();
    if (server) await new Promise((r) => server.close(r));
  });

  it('draws the panel balanced and reproducibly, shows it with its members, and tells subscribed systems the counts', async () => {
    await h.install.webhooks.add({ organizationId: h.orgA.id, url, events: ['panel.drawn'] });
    const { secret } = await h.token(h.orgA, ['panel:read', 'panel:write']);
    const reader = await h.token(h.orgA, ['panel:read']);
    const base = '/api/v1/orgs/fietsclub';

    expect((await h.call('GET', `${base}/panel`, { token: secret })).body.code).toBe('PANEL.NOT_DRAWN');
    expect((await h.call('POST', `${base}/panel/draw`, { token: reader.secret, json: { size: 2 } })).status).toBe(403);
    expect((await h.call('POST', `${base}/panel/draw`, { token: secret, json: { size: 0 } })).status).toBe(400);
    const tooMany = await h.call('POST', `${base}/panel/draw`, { token: secret, json: { size: 6 } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.code).toBe('PANEL.TOO_FEW');

    // 3 of 5: Utrecht 18-30 (2) 1.2, Utrecht 31-65 (2) 1.2, Zwolle 18-30 (1) 0.6 -> 1, 1 and the last seat to Zwolle.
    const drawn = await h.call('POST', `${base}/panel/draw`, { token: secret, json: { size: 3, seed: 12345 } });
    expect(drawn.status).toBe(201);
    expect(drawn.body).toMatchObject({ size: 3, seats: 3, seed: 12345, candidates: 5, places: [] });
    expect(drawn.body.strata).toEqual([
      { label: 'Utrecht / 18-30 / -', pool: 2, seats: 1 },
      { label: 'Utrecht / 31-65 / -', pool: 2, seats: 1 },
      { label: 'Zwolle / 18-30 / -', pool: 1, seats: 1 },
    ]);
    const members = await h.call('GET', `${base}/panel/members`, { token: reader.secret });
    expect(members.status).toBe(200);
    const panelNumbers = members.body.data.map((m: { memberNumber: string }) => m.memberNumber).sort();
    expect(panelNumbers).toHaveLength(3);
    expect(panelNumbers).toContain('F-5');
    expect(panelNumbers).not.toContain('F-6');
    expect(members.body.data.find((m: { memberNumber: string }) => m.memberNumber === 'F-5')).toEqual({
      memberNumber: 'F-5', name: 'Freek', chapter: 'Zwolle', ageGroup: '18-30', membershipType: null, source: 'draw', stratum: 'Zwolle / 18-30 / -', addedAt: expect.any(String),
    });
    // The same seed draws the same panel again.
    expect((await h.call('POST', `${base}/panel/draw`, { token: secret, json: { size: 3, seed: 12345 } })).status).toBe(201);
    expect((await h.call('GET', `${base}/panel/members`, { token: secret })).body.data.map((m: { memberNumber: string }) => m.memberNumber).sort()).toEqual(panelNumbers);
    expect((await h.call('GET', `${base}/panel`, { token: reader.secret })).body).toMatchObject({ seats: 3, seed: 12345 });

    // Another organisation has no panel.
    const other = await h.token(h.orgB, ['panel:read']);
    expect((await h.call('GET', '/api/v1/orgs/zwemclub/panel/members', { token: other.secret })).status).toBe(404);

    // The webhook: each draw, counts only.
    for (let i = 0; i < 500 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received.map((r) => r.event)).toEqual(['panel.drawn', 'panel.drawn']);
    expect(received[0]!.body['data']).toEqual({ panelId: drawn.body.id, size: 3, seats: 3, candidates: 5, drawnAt: drawn.body.drawnAt, strata: drawn.body.strata });
    expect(JSON.stringify(received)).not.toMatch(/F-\d|Fenna|Floor|Frits|Fleur|Freek/);

    // A survey to the panel invites exactly its three members.
    const surveyToken = await h.token(h.orgA, ['surveys:write']);
    const survey = await h.call('POST', `${base}/surveys`, { token: surveyToken.secret, json: { title: 'Klankbord', audience: { panel: true }, questions: [{ kind: 'scale', prompt: 'Hoe tevreden?' }], send: true } });
    expect(survey.status).toBe(201);
    expect(survey.body.audience).toBe('panel');
    const invited = await h.db.prisma.surveyInvite.findMany({ where: { surveyId: survey.body.id }, select: { member: { select: { memberNumber: true } } } });
    expect(invited.map((i) => i.member.memberNumber).sort()).toEqual(panelNumbers);
    expect((await h.call('POST', `${base}/surveys`, { token: surveyToken.secret, json: { title: 'Dubbel', audience: { panel: true, role: 'board' }, questions: [{ kind: 'scale', prompt: 'Hoe?' }] } })).status).toBe(400);
  });
});
