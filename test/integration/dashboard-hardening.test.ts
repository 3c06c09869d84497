import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHTS_SETTINGS } from '../../src/capabilities/insights/domain/insights.service.js';
import { startsLikeFormula } from '../../src/kernel/spreadsheet-safe.js';
import { addMember, command, seen } from './insights-fixtures.js';
import { linkIn, startInsightsHarness, type InsightsHarness } from './insights-harness.js';

/**
 * The dashboard against what an outside probe found (issue 21): the session cookie's `Secure` flag follows
 * the public address, not the hop that reached Kring; exports never hand a spreadsheet a formula.
 */
describe('dashboard hardening', () => {
  let h: InsightsHarness;
  let manager: { id: string; userId: string };
  let otherManager: { id: string; userId: string };

  beforeAll(async () => {
    h = await startInsightsHarness();
    manager = await addMember(h.db, h.world, 'UMGRHARD', { name: 'Mies', roles: ['member', 'manager'], chapterId: h.world.chapterId });
    otherManager = await addMember(h.db, h.other, 'UOTHERHARD', { name: 'Olaf', roles: ['member', 'manager'] });
    // The other organisation is reached at an https address; TLS ends before Kring, which is reached over http.
    await h.install.repository.setSetting(h.other.organizationId, INSIGHTS_SETTINGS.publicUrl, 'https://kring.example.org');
  });
  afterAll(async () => {
    await h.close();
  });

  /** Signs in with the link from `/kring dashboard`, over plain http on Kring's own address; returns Set-Cookie. */
  async function signIn(world: InsightsHarness['world'], userId: string): Promise<string> {
    const link = new URL(linkIn(await h.send(command(world, userId, ['dashboard']))));
    const res = await fetch(`${h.baseUrl}${link.pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.searchParams.get('token')! }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    return res.headers.get('set-cookie') ?? '';
  }

  it('marks the session cookie Secure when the public address is https, even over an http hop', async () => {
    const cookie = await signIn(h.other, otherManager.userId);
    expect(cookie).toMatch(/^kring_insights=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    const signedOut = await fetch(`${h.baseUrl}/insights/signout`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(signedOut.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('leaves Secure off for a plain-http public address (a browser would drop the cookie)', async () => {
    const cookie = await signIn(h.world, manager.userId);
    expect(cookie).toMatch(/^kring_insights=/);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it('exports names that start like a formula as text: "=1+2 Afdeling" is never run', async () => {
    await h.db.prisma.chapter.update({ where: { id: h.world.chapterId }, data: { name: '=1+2 Afdeling' } });
    await h.db.prisma.channel.updateMany({ where: { organizationId: h.world.organizationId, externalId: h.world.channels.noord }, data: { name: '@SUM(A1)' } });
    await h.send(seen(h.world, manager.userId, new Date(), { channelId: h.world.channels.noord, length: 7 }));
    await h.install.ingestor.flush();
    const link = new URL(linkIn(await h.send(command(h.world, manager.userId, ['insights', 'export', 'week']))));
    const res = await fetch(`${h.baseUrl}${link.pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.searchParams.get('token')! }).toString(),
    });
    expect(res.status).toBe(200);
    const rows = parse((await res.text()).replace(/^\uFEFF/, '')) as string[][];
    const cells = rows.flat();
    expect(cells).toContain("'=1+2 Afdeling");
    expect(cells).toContain("'@SUM(A1)");
    expect(cells.filter(startsLikeFormula)).toEqual([]);
  });
});
