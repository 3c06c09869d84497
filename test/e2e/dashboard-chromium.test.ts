import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerValue } from '../../src/capabilities/surveys/domain/survey.js';
import type { Member } from '../../src/kernel/community.js';
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
/** `KRING_UPDATE_SCREENSHOTS=1` writes the README's screenshots into docs/img instead. */
const IMAGES = join(import.meta.dirname, '..', '..', process.env['KRING_UPDATE_SCREENSHOTS'] === '1' ? join('docs', 'img') : 'test-artifacts');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

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


/** What the seeded surveys must show: the counts each chart draws, derived from the answers given. */
interface SeededSurveys {
  named: { id: string; title: string; choice: number[]; scale: number[]; nps: number[]; texts: string[] };
  anonymous: { id: string; texts: string[]; choice: number[] };
  small: { id: string; title: string };
}

const NAMED_TEXTS = ['Meer ritten op zondag', 'Een koffiestop halverwege', 'Prima zo', 'Betere route-apps', 'Vaker met de jeugd', 'Een clubshirt', 'Meer avondritten', 'Niets, top!'];
const ANON_TEXTS = ['anoniem-geheim-1', 'anoniem-geheim-2', 'anoniem-geheim-3', 'anoniem-geheim-4', 'anoniem-geheim-5', 'anoniem-geheim-6'];

/**
 * Three surveys through the surveys capability's own service, answered by the seeded members: a named one
 * (choice, 1-5 scale, NPS, text) answered by 8, an anonymous one (choice, text) completed by 6 (5 released
 * in one batch of the minimum group size, the 6th still sealed), and an anonymous one with only 2 answers.
 */
async function seedSurveys(h: InsightsHarness): Promise<SeededSurveys> {
  const surveys = h.built.parts.surveys.service;
  const rows = await h.db.prisma.member.findMany({ where: { organizationId: h.world.organizationId, memberNumber: { startsWith: 'UM' } }, orderBy: { memberNumber: 'asc' } });
  const members = (await Promise.all(rows.filter((r) => r.memberNumber !== 'UMGR').map((r) => h.repos.members.findById(h.world.organizationId, r.id)))).filter((m): m is Member => m !== null);
  const organizationId = h.world.organizationId;
  const answerAll = async (surveyId: string, member: Member, answers: AnswerValue[]) => {
    for (const [position, answer] of answers.entries()) await surveys.answer({ organizationId, member, surveyId, position, answer });
  };
  const make = async (title: string, anonymous: boolean, questions: unknown[]) => {
    let survey = await surveys.create({ organizationId, createdByMemberId: null, title, anonymous, audience: { base: { kind: 'all' }, sample: null } });
    for (const q of questions) survey = await surveys.addQuestion(survey, q);
    await surveys.send(survey);
    return survey;
  };
  const named = await make('Hoe bevalt de fietsclub?', false, [
    { kind: 'single', prompt: 'Hoe vaak fiets je mee?', options: ['Elke week', 'Elke maand', 'Zelden'] },
    { kind: 'scale', prompt: 'Hoe tevreden ben je over de routes?' },
    { kind: 'nps', prompt: 'Zou je de club aanraden aan een vriend?' },
    { kind: 'text', prompt: 'Wat kan er beter?' },
  ]);
  const choice = [0, 0, 0];
  const scale = [0, 0, 0, 0, 0];
  const nps = Array.from({ length: 11 }, () => 0);
  for (let i = 0; i < 8; i++) {
    const c = i % 3;
    const v = (i % 5) + 1;
    const n = [10, 9, 8, 7, 3, 10, 6, 9][i]!;
    choice[c]!++;
    scale[v - 1]!++;
    nps[n]!++;
    await answerAll(named.id, members[i]!, [{ kind: 'choices', choices: [c] }, { kind: 'value', value: v }, { kind: 'value', value: n }, { kind: 'text', text: NAMED_TEXTS[i]! }]);
  }
  const anonymous = await make('Anoniem: het bestuur', true, [
    { kind: 'single', prompt: 'Vertrouw je het bestuur?', options: ['Ja', 'Nee'] },
    { kind: 'text', prompt: 'Wat wil je het bestuur zeggen?' },
  ]);
  const anonChoice = [0, 0];
  for (let i = 0; i < 6; i++) {
    // The 6th completed response waits, sealed, for the next batch of five: not in the figures.
    if (i < 5) anonChoice[i % 2]!++;
    await answerAll(anonymous.id, members[i]!, [{ kind: 'choices', choices: [i % 2] }, { kind: 'text', text: ANON_TEXTS[i]! }]);
  }
  const small = await make('Anoniem: de kantine', true, [{ kind: 'scale', prompt: 'Hoe vind je de kantine?' }]);
  for (let i = 0; i < 2; i++) await answerAll(small.id, members[i]!, [{ kind: 'value', value: 2 }]);
  return {
    named: { id: named.id, title: named.title, choice, scale, nps, texts: NAMED_TEXTS },
    anonymous: { id: anonymous.id, texts: ANON_TEXTS, choice: anonChoice },
    small: { id: small.id, title: small.title },
  };
}

describe.skipIf(!hasChromium)('insights dashboard in headless Chromium', () => {
  let h: InsightsHarness;
  let browser: Browser;
  let seeded: SeededSurveys;

  beforeAll(async () => {
    h = await startInsightsHarness({ capabilities: ['surveys'] });
    await addMember(h.db, h.world, 'UMGR', { name: 'Mies (bestuur)', roles: ['member', 'manager'], chapterId: h.world.chapterId });
    await addMember(h.db, h.other, 'UOTHERMGR', { name: 'Olaf (Zwemclub)', roles: ['member', 'board'] });
    await seedHistory(h);
    seeded = await seedSurveys(h);
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

  it('draws each survey’s results per question (bars, average, NPS), keeps anonymous surveys anonymous, and passes axe', async () => {
    // This context bypasses the page's policy (only its own scripts): axe-core is injected by the test.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1900 }, locale: 'nl-NL', bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, await signInLink(h.world, 'UMGR'));
    const survey = (id: string) => page.locator(`section[data-survey="${id}"]`);
    expect(await page.locator('#surveys section.survey').count()).toBe(3);

    // The named survey: one chart per choice, scale and NPS question, each bar the answers given.
    const drawn = await page.evaluate((id) => {
      type Canvas = { id: string };
      const g = globalThis as unknown as {
        Chart: { getChart(c: Canvas): { data: { labels: string[]; datasets: { data: number[] }[] } } | undefined };
        document: { querySelectorAll(selector: string): Iterable<Canvas> };
      };
      return [...g.document.querySelectorAll(`section[data-survey="${id}"] canvas`)].map((c) => g.Chart.getChart(c)?.data.datasets[0]?.data ?? null);
    }, seeded.named.id);
    expect(drawn).toEqual([seeded.named.choice, seeded.named.scale, seeded.named.nps]);
    const named = survey(seeded.named.id);
    expect(await named.locator('h2').textContent()).toBe(`${seeded.named.title} (open)`);
    const promoters = seeded.named.nps.slice(9).reduce((a, b) => a + b, 0);
    const detractors = seeded.named.nps.slice(0, 7).reduce((a, b) => a + b, 0);
    const score = Math.round(((promoters - detractors) / 8) * 100);
    expect(await named.locator('.survey-nps').textContent()).toContain(`NPS ${score} (promotors ${promoters}`);
    const mean = seeded.named.scale.reduce((sum, n, i) => sum + n * (i + 1), 0) / 8;
    expect(await named.locator('.survey-figure').first().textContent()).toBe(`Gemiddeld ${new Intl.NumberFormat('nl').format(Math.round(mean * 10) / 10)} van 5`);
    expect((await named.locator('.survey-texts li').allTextContents()).sort()).toEqual([...seeded.named.texts].sort());
    expect(await named.locator('p.hint').first().textContent()).toMatch(/^\d+ gevraagd · 8 afgerond · 8 in de uitslag$/);

    // The anonymous survey: its released batch as bars, its written answers only as a number.
    const anonymous = survey(seeded.anonymous.id);
    expect(await anonymous.locator('canvas').count()).toBe(1);
    const anonBars = await page.evaluate((id) => {
      const g = globalThis as unknown as { Chart: { getChart(c: unknown): { data: { datasets: { data: number[] }[] } } | undefined }; document: { querySelector(s: string): unknown } };
      return g.Chart.getChart(g.document.querySelector(`section[data-survey="${id}"] canvas`))?.data.datasets[0]?.data;
    }, seeded.anonymous.id);
    expect(anonBars).toEqual(seeded.anonymous.choice);
    expect(await anonymous.locator('.survey-texts').count()).toBe(0);
    expect(await anonymous.locator('[data-kind="text"] .survey-figure').textContent()).toBe('5 geschreven antwoorden');
    const html = await page.content();
    const json = await page.evaluate(async () => JSON.stringify(await (await fetch('api/data')).json()));
    for (const text of seeded.anonymous.texts) {
      expect(html).not.toContain(text);
      expect(json).not.toContain(text);
    }

    // Below the minimum group size: no figure at all, only that it waits.
    const small = survey(seeded.small.id);
    expect(await small.locator('canvas').count()).toBe(0);
    expect(await small.locator('.survey-question').count()).toBe(0);
    expect(await small.locator('.survey-waiting').textContent()).toBe('Anoniem: de cijfers verschijnen zodra er minstens 5 reacties zijn.');

    expect(await axeProblems(page)).toEqual([]);
    await page.locator('#surveys').locator('xpath=..').screenshot({ path: join(IMAGES, 'dashboard-surveys.png') });
    expect(errors).toEqual([]);
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
