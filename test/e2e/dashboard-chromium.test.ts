import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageInsights } from '../../src/kernel/message-terms.js';
import { addMember, command, seen } from '../integration/insights-fixtures.js';
import { linkIn, startInsightsHarness, type InsightsHarness } from '../integration/insights-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  // eslint-disable-next-line no-console -- a skipped browser suite must say so in the CI log
  console.warn(`dashboard browser tests SKIPPED: ${CHROMIUM} is missing (install it with: apt-get update && apt-get install -y chromium)`);
}
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

const SENTENCES = [
  'Wie gaat er zaterdag mee op de fietstocht langs de kust?',
  'De ledenvergadering is verplaatst naar dinsdag.',
  'Is de contributie voor volgend jaar al bekend?',
  'Mooie route vandaag, volgende keer weer de dijk op!',
  'Heeft iemand een reserveband voor de fietstocht?',
  'Het bestuur zoekt vrijwilligers voor de open dag.',
];

const DAY = 86_400_000;

/** Three months of life in the association, through the router as adapters deliver it. */
async function seedHistory(h: InsightsHarness): Promise<void> {
  const now = Date.now();
  const members: { userId: string }[] = [];
  for (let i = 0; i < 14; i++) {
    const monthsAgo = i % 4;
    members.push(
      await addMember(h.db, h.world, `UM${i}`, {
        name: ['Anne', 'Bram', 'Cas', 'Daan', 'Eva', 'Fleur', 'Gijs', 'Hanna', 'Ilse', 'Joris', 'Kim', 'Lotte', 'Mees', 'Noor'][i]!,
        chapterId: i % 2 === 0 ? h.world.chapterId : null,
        linkedAt: new Date(now - (monthsAgo * 31 + 3) * DAY),
      }),
    );
  }
  await h.send(command(h.world, 'UMGR', ['insights', 'topics', 'on']));
  let n = 0;
  for (let day = 89; day >= 0; day--) {
    for (let i = 0; i < members.length; i++) {
      // Deterministic spread: some members every few days, some rarely; busier lately.
      if ((day * 7 + i * 3) % (3 + (i % 5)) !== 0 && !(day < 14 && i % 3 === 0)) continue;
      const at = new Date(now - day * DAY - ((i * 37) % 600) * 60_000);
      const text = SENTENCES[(day + i) % SENTENCES.length]!;
      const channelId = i % 3 === 0 ? h.world.channels.noord : h.world.channels.general;
      const question = messageInsights(text, 'nl');
      await h.send(seen(h.world, members[i]!.userId, at, { length: text.length, channelId, messageId: `m${++n}`, ...question }));
      if (question.question && i % 2 === 0) {
        const helper = members[(i + 5) % members.length]!;
        await h.send(seen(h.world, helper.userId, new Date(at.getTime() + ((i % 4) + 1) * 40 * 60_000), { length: 20, channelId, threadId: `m${n}` }));
      }
    }
  }
  const poll = await h.db.prisma.poll.create({
    data: { organizationId: h.world.organizationId, question: 'Zullen we in juni naar de Veluwe?', options: { create: [{ position: 0, label: 'Ja' }, { position: 1, label: 'Nee' }] } },
  });
  const voters = await h.db.prisma.member.findMany({ where: { organizationId: h.world.organizationId }, take: 9 });
  for (const m of voters) await h.db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: m.id, memberId: m.id, choices: [m.name.length % 2] } });
  await h.install.ingestor.flush();
}

describe.skipIf(!hasChromium)('insights dashboard in headless Chromium', () => {
  let h: InsightsHarness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startInsightsHarness();
    await addMember(h.db, h.world, 'UMGR', { name: 'Mies (bestuur)', roles: ['member', 'manager'], chapterId: h.world.chapterId });
    await addMember(h.db, h.other, 'UOTHERMGR', { name: 'Olaf (Zwemclub)', roles: ['member', 'board'] });
    await seedHistory(h);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const signInLink = async (world: InsightsHarness['world'], userId: string) => linkIn(await h.send(command(world, userId, ['dashboard'])));
  const signIn = async (page: Page, link: string) => {
    await page.goto(link);
    await Promise.all([page.waitForNavigation(), page.click('#confirm')]);
    await page.waitForSelector('body[data-ready="true"]');
  };

  it('signs a manager in once with the link, draws every chart with data, and refuses the link a second time', async () => {
    const link = await signInLink(h.world, 'UMGR');
    const context = await browser.newContext({ viewport: { width: 1400, height: 1900 }, locale: 'nl-NL' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Opening the link only shows a button (link previews must not use it up); pressing it signs in.
    expect((await page.goto(link))?.status()).toBe(200);
    expect((await page.goto(link))?.status()).toBe(200);
    const [res] = await Promise.all([page.waitForNavigation(), page.click('#confirm')]);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/insights/');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.title()).toBe('Kring-inzichten: De Fietsclub');

    const charts = await page.evaluate(() => {
      // Runs in the page (no DOM types in this project's compiler settings).
      type Canvas = { id: string };
      const g = globalThis as unknown as {
        Chart: { getChart(c: Canvas): { data: { datasets: { data: number[] }[] } } | undefined };
        document: { querySelectorAll(selector: string): Iterable<Canvas> };
      };
      return Object.fromEntries(
        [...g.document.querySelectorAll('canvas')].map((c) => {
          const chart = g.Chart.getChart(c);
          const total = chart ? chart.data.datasets.reduce((n, d) => n + d.data.reduce((a, b) => a + (Number(b) || 0), 0), 0) : -1;
          return [c.id, total];
        }),
      );
    });
    for (const id of ['chart-activity', 'chart-weekly', 'chart-monthly', 'chart-topics', 'chart-chapters', 'chart-channels', 'chart-polls']) {
      expect(charts[id], id).toBeGreaterThan(0);
    }
    expect(await page.locator('#retention table tr').count()).toBeGreaterThan(2);
    expect(await page.locator('#ambassadors table tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#numbers .card').count()).toBe(8);

    await page.selectOption('#f-period', 'quarter');
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);

    const again = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
    await again.goto(link);
    const [second] = await Promise.all([again.waitForNavigation(), again.click('#confirm')]);
    expect(second?.status()).toBe(401);
    expect(await again.textContent('#message')).toContain('werkt niet (meer)');
    await context.close();
  });

  it('filters by chapter and platform through the JSON endpoint', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, await signInLink(h.world, 'UMGR'));
    const all = await page.evaluate(async () => (await (await fetch('api/data?period=quarter')).json()) as { data: { overview: { messages: { current: number } } } });
    const noord = await page.evaluate(
      async (chapter) => (await (await fetch(`api/data?period=quarter&chapter=${chapter}`)).json()) as { data: { overview: { messages: { current: number } } } },
      h.world.chapterId,
    );
    const discord = await page.evaluate(async () => (await (await fetch('api/data?period=quarter&platform=discord')).json()) as { data: { overview: { messages: { current: number } } } });
    expect(all.data.overview.messages.current).toBeGreaterThan(noord.data.overview.messages.current);
    expect(noord.data.overview.messages.current).toBeGreaterThan(0);
    expect(discord.data.overview.messages.current).toBe(0);
    await context.close();
  });

  it('shows another organisation’s manager only their own association and refuses the other', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, await signInLink(h.other, 'UOTHERMGR'));
    expect(await page.title()).toBe('Kring-inzichten: De Zwemclub');
    const own = await page.evaluate(async () => (await (await fetch('api/data')).json()) as { organization: { id: string }; data: { overview: { messages: { current: number } } } });
    expect(own.organization.id).toBe(h.other.organizationId);
    expect(own.data.overview.messages.current).toBe(0);

    const asked = await page.evaluate(async (org) => (await fetch(`api/data?org=${org}`)).status, h.world.organizationId);
    expect(asked).toBe(403);
    const foreignChapter = await page.evaluate(async (chapter) => (await fetch(`api/data?chapter=${chapter}`)).status, h.world.chapterId);
    expect(foreignChapter).toBe(403);

    // A session value re-addressed to the other organisation does not verify with that organisation's key.
    const [cookie] = await context.cookies();
    const [payload, mac] = cookie!.value.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, o: h.world.organizationId })).toString('base64url')}.${mac}`;
    await context.addCookies([{ ...cookie!, value: forged }]);
    expect(await page.evaluate(async () => (await fetch('api/data')).status)).toBe(401);
    expect((await page.goto(`${h.baseUrl}/insights/`))?.status()).toBe(401);
    await context.close();
  });

  it('does not let a member who is not a manager sign in', async () => {
    const reply = await h.send(command(h.world, 'UM1', ['dashboard']));
    expect(JSON.stringify(reply)).toContain('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    const res = await fetch(`${h.baseUrl}/insights/api/data`);
    expect(res.status).toBe(401);
  });
});
