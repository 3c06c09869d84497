import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoMailer } from '../../src/demo/demo-mailer.js';
import { demoEmail, seedDemo } from '../../src/demo/demo-seed.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';

/**
 * The web community in real Chromium, started as `kring demo` starts it: the landing page, the demo
 * manager's one-time link, `/kring help`, a poll created from the command box, a second member who signs
 * in with the e-mailed code and votes in a second browser context, and the result bars changing in both
 * pages without a reload (server-sent events). axe-core checks every page for WCAG 2.1 AA problems. A
 * meet-up answered in the browser, and a third member who uses only the keyboard.
 * The screenshots land in test-artifacts/; with KRING_UPDATE_SCREENSHOTS=1 in docs/img/ (the README's first
 * screen), so an ordinary run leaves the tree as it was.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  // eslint-disable-next-line no-console -- a skipped browser suite must say so in the CI log
  console.warn(`web community browser tests SKIPPED: ${CHROMIUM} is missing (install it with: apt-get update && apt-get install -y chromium)`);
}
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

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user moves through the page;
 * fails when it is not reached within `max` presses (not in the tab order).
 */
async function tabTo(page: Page, target: Locator, options: { back?: boolean; max?: number } = {}): Promise<number> {
  const max = options.max ?? 60;
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)) return presses;
  }
  throw new Error(`${target.toString()} was not reached with ${max} presses of ${options.back ? 'Shift+Tab' : 'Tab'}`);
}

/** The id of the element that has the focus. */
const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? '');

/** The poll message whose heading is `question`, in the page. */
const pollMessage = (page: Page, question: string) => page.locator('#messages li.message', { has: page.locator('h3', { hasText: question }) });

describe.skipIf(!hasChromium)('the web community in headless Chromium (kring demo)', () => {
  let h: KringHarness;
  let browser: Browser;
  let manager: BrowserContext;
  let member: BrowserContext;

  beforeAll(async () => {
    h = await startKringHarness({ seed: false, env: { KRING_DEMO: '1' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    // bypassCSP: the page's policy allows only its own scripts; axe-core is injected by the test.
    manager = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', bypassCSP: true });
    member = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', bypassCSP: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('opens the landing page, enters as the demo manager, runs help, creates a poll, and both pages see a second member vote live', async () => {
    const a = await manager.newPage();
    const errors: string[] = [];
    a.on('pageerror', (e) => errors.push(e.message));

    // The landing page: what Kring is, what is connected, the ways in.
    expect((await a.goto(`${h.baseUrl}/`))?.status()).toBe(200);
    expect(await a.textContent('h1')).toBe('Vereniging De Kring');
    expect(await a.getAttribute('#link-web', 'href')).toBe('/web/');
    expect(await a.getAttribute('#link-dashboard', 'href')).toBe('/insights/');
    expect(await a.getAttribute('#link-api', 'href')).toBe('/api/v1/docs');
    expect(await a.locator('.platforms li', { hasText: 'Kring-webcommunity' }).textContent()).toContain('gekoppeld');
    expect(await axeProblems(a)).toEqual([]);
    await a.screenshot({ path: join(IMAGES, 'landing.png') });

    // The demo manager's one-time link (printed on the terminal by `kring demo`): a button, then the page.
    const link = new URL(h.kring.demo!.signInUrl);
    await a.goto(`${h.baseUrl}${link.pathname}${link.search}`);
    expect(await axeProblems(a)).toEqual([]);
    await Promise.all([a.waitForURL(`${h.baseUrl}/web/`), a.click('#confirm')]);
    expect(await a.textContent('header .who')).toContain('Mies Bakker');
    await a.waitForSelector('body[data-live="true"]');
    // A marker that only survives as long as the page is not reloaded.
    await a.evaluate(() => ((globalThis as unknown as { kept: number }).kept = 42));

    // `/kring help` in the command box: a private answer in the list; focus stays in the box.
    await a.fill('#composer-input', '/kring help');
    await a.press('#composer-input', 'Enter');
    const help = a.locator('#messages li.message.private', { hasText: 'Kring: wat je kunt doen' });
    await help.waitFor();
    expect(await help.textContent()).toContain('/kring poll create');
    expect(await a.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('composer-input');

    // A poll created from the command box appears in the channel by itself (posted by a job, sent live).
    await a.fill('#composer-input', '/kring poll create Welke route rijden we in mei? | Veluwe | Langs de kust');
    await a.press('#composer-input', 'Enter');
    await pollMessage(a, 'Welke route rijden we in mei?').waitFor({ timeout: 20_000 });

    // A second demo member signs in the way members do: member number, then the e-mailed code.
    const b = await member.newPage();
    b.on('pageerror', (e) => errors.push(e.message));
    await b.goto(`${h.baseUrl}/web/`);
    expect(await axeProblems(b)).toEqual([]);
    await b.fill('#identifier', 'D-002');
    await Promise.all([b.waitForNavigation(), b.click('button[type=submit]')]);
    expect(await b.textContent('#page-intro')).toContain('@demo.kring.invalid');
    expect(await axeProblems(b)).toEqual([]);
    await b.fill('#code', h.codeFor(demoEmail('D-002')));
    await Promise.all([b.waitForURL(`${h.baseUrl}/web/`), b.click('button[type=submit].primary')]);
    expect(await b.textContent('header .who')).toContain('Bram Jansen');
    await b.waitForSelector('body[data-live="true"]');
    await b.evaluate(() => ((globalThis as unknown as { kept: number }).kept = 7));
    const pollInB = pollMessage(b, 'Welke route rijden we in mei?');
    await pollInB.waitFor();

    // Bram votes "Veluwe": the bars change in his page and in the manager's, without a reload.
    await pollInB.getByRole('button', { name: 'Veluwe' }).click();
    await b.locator('#messages li.message.private', { hasText: 'Veluwe' }).waitFor();
    await pollInB.locator('.bars li', { hasText: 'Veluwe' }).filter({ hasText: '100% (1)' }).waitFor({ timeout: 20_000 });
    const pollInA = pollMessage(a, 'Welke route rijden we in mei?');
    await pollInA.locator('.bars li', { hasText: 'Veluwe' }).filter({ hasText: '100% (1)' }).waitFor({ timeout: 20_000 });

    // The manager votes "Langs de kust": both pages go to 50% / 50%.
    await pollInA.getByRole('button', { name: 'Langs de kust' }).click();
    for (const poll of [pollInA, pollInB]) {
      await poll.locator('.bars li', { hasText: 'Langs de kust' }).filter({ hasText: '50% (1)' }).waitFor({ timeout: 20_000 });
      await poll.locator('.bars li', { hasText: 'Veluwe' }).filter({ hasText: '50% (1)' }).waitFor({ timeout: 20_000 });
    }
    // Neither page was reloaded.
    expect(await a.evaluate(() => (globalThis as unknown as { kept: number }).kept)).toBe(42);
    expect(await b.evaluate(() => (globalThis as unknown as { kept: number }).kept)).toBe(7);

    expect(await axeProblems(a)).toEqual([]);
    expect(await axeProblems(b)).toEqual([]);
    await a.locator('#messages li.message.private').first().locator('[data-dismiss]').click();
    await a.screenshot({ path: join(IMAGES, 'web-community.png') });
    expect(errors).toEqual([]);
  }, 180_000);

  it('fans news out to the web news channel live, and a retract removes it from the open page', async () => {
    const a = await manager.newPage();
    await a.goto(`${h.baseUrl}/web/?c=nieuws`);
    const b = await member.newPage();
    await b.goto(`${h.baseUrl}/web/?c=nieuws`);
    await b.waitForSelector('body[data-live="true"]');
    await a.fill('#composer-input', '/kring news post Fietsweekend in juni | Geef je op bij het bestuur.');
    await a.press('#composer-input', 'Enter');
    const news = b.locator('#messages li.message', { hasText: 'Fietsweekend in juni' });
    await news.waitFor({ timeout: 20_000 });
    // The manager's private answer names the announcement's id (and its live delivery report is posted here).
    const answer = await a.locator('#messages li.message.private').last().textContent();
    const id = /\b([0-9a-f]{8})\b/.exec(answer ?? '')?.[1];
    expect(id, answer ?? '').toBeDefined();
    await a.fill('#composer-input', `/kring news retract ${id}`);
    await a.press('#composer-input', 'Enter');
    await news.waitFor({ state: 'detached', timeout: 20_000 });
  }, 60_000);

  it('runs a meet-up in the browser: the manager creates it from the command box, a member answers and both pages count live', async () => {
    const a = await manager.newPage();
    await a.goto(`${h.baseUrl}/web/`);
    await a.waitForSelector('body[data-live="true"]');
    const b = await member.newPage();
    await b.goto(`${h.baseUrl}/web/`);
    await b.waitForSelector('body[data-live="true"]');
    await a.fill('#composer-input', '/kring event create Afdelingsavond Utrecht | 2031-03-12 19:30 | 21:30 | Stadhuisplein 1, Utrecht --capacity=20');
    await a.press('#composer-input', 'Enter');
    const meetup = (page: Page) => page.locator('#messages li.message', { has: page.locator('h3', { hasText: 'Afdelingsavond Utrecht' }) });
    await meetup(b).waitFor({ timeout: 20_000 });
    expect(await meetup(b).textContent()).toContain('Stadhuisplein 1, Utrecht');
    await meetup(b).getByRole('button', { name: 'Ik kom', exact: true }).click();
    await b.locator('#messages li.message.private', { hasText: 'Je komt naar' }).waitFor({ timeout: 20_000 });
    for (const page of [a, b]) await meetup(page).filter({ hasText: '1 van 20 plaatsen bezet' }).waitFor({ timeout: 20_000 });
    expect(await axeProblems(b)).toEqual([]);
  }, 90_000);

  it('works with the keyboard alone: sign in, skip to the command box, run help, vote, open and close a form', async () => {
    const keyboardOnly = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', bypassCSP: true });
    try {
      const c = await keyboardOnly.newPage();
      await c.goto(`${h.baseUrl}/web/`);
      await tabTo(c, c.locator('#identifier'));
      await c.keyboard.type('D-003');
      await Promise.all([c.waitForNavigation(), c.keyboard.press('Enter')]);
      await tabTo(c, c.locator('#code'));
      await c.keyboard.type(h.codeFor(demoEmail('D-003')));
      await Promise.all([c.waitForURL(`${h.baseUrl}/web/`), c.keyboard.press('Enter')]);
      expect(await c.textContent('header .who')).toContain('Chantal de Vries');
      await c.waitForSelector('body[data-live="true"]');

      // The first Tab reaches the skip link; Enter on it puts the focus in the command box.
      await c.keyboard.press('Tab');
      expect(await c.evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } } }).document.activeElement.className)).toBe('skip');
      await c.keyboard.press('Enter');
      expect(await focusedId(c)).toBe('composer-input');
      await c.keyboard.type('/kring help');
      await c.keyboard.press('Enter');
      await c.locator('#messages li.message.private', { hasText: 'Kring: wat je kunt doen' }).waitFor();
      expect(await focusedId(c)).toBe('composer-input');

      // Back from the command box to the poll's "Veluwe" button, and a vote with the space bar.
      const poll = pollMessage(c, 'Welke route rijden we in mei?');
      const veluwe = poll.getByRole('button', { name: 'Veluwe' });
      await tabTo(c, veluwe, { back: true });
      await c.keyboard.press('Space');
      await c.locator('#messages li.message.private', { hasText: 'Veluwe' }).waitFor({ timeout: 20_000 });
      await poll.locator('.bars li', { hasText: 'Veluwe' }).filter({ hasText: '67% (2)' }).waitFor({ timeout: 20_000 });
      // The updated poll keeps the focus where the keyboard user left it.
      expect(await veluwe.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);

      // A form opens in a dialog with the focus in its first field; Escape closes it and the focus returns.
      await tabTo(c, c.locator('#composer-input'));
      await c.keyboard.type('/kring event create');
      await c.keyboard.press('Enter');
      const dialog = c.locator('#form-dialog[open]');
      await dialog.waitFor({ timeout: 20_000 });
      expect(await dialog.locator('form').evaluate((form) => form.contains((form.ownerDocument as unknown as { activeElement: typeof form | null }).activeElement))).toBe(true);
      expect(await axeProblems(c)).toEqual([]);
      await c.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
      expect(await focusedId(c)).toBe('composer-input');
    } finally {
      await keyboardOnly.close();
    }
  }, 90_000);

  it('shows a member only the channels they may see, and refuses the managers channel', async () => {
    const b = await member.newPage();
    await b.goto(`${h.baseUrl}/web/?c=bestuur`);
    const channels = await b.locator('nav .channels a').allTextContents();
    expect(channels).toContain('#algemeen');
    expect(channels).toContain('#utrecht');
    expect(channels).not.toContain('#bestuur');
    // Asked for the managers' channel, the page opens another one.
    expect(await b.textContent('#channel-title')).not.toBe('#bestuur');
    const refused = await b.evaluate(async () => {
      const res = await fetch('/web/api/command', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'bestuur', text: '/kring help' }) });
      return res.status;
    });
    expect(refused).toBe(403);
  });

  it('answers a survey in the browser: the member gets the direct message and answers every question there, and the tally counts it once', async () => {
    const a = await manager.newPage();
    await a.goto(`${h.baseUrl}/web/`);
    await a.waitForSelector('body[data-live="true"]');
    const say = async (line: string, answer: string) => {
      await a.fill('#composer-input', line);
      await a.press('#composer-input', 'Enter');
      return a.locator('#messages li.message.private', { hasText: answer }).last().textContent({ timeout: 20_000 });
    };
    const created = await say('/kring survey create Ledenpeiling in de browser', 'Ledenpeiling in de browser');
    const id = /`?([0-9a-f]{8})`?/.exec(created ?? '')?.[1];
    expect(id, created ?? '').toBeDefined();
    await say(`/kring survey question ${id} single Welke avond past jou? | maandag | donderdag`, 'Vraag 1 toegevoegd');
    await say(`/kring survey question ${id} scale Hoe tevreden ben je over de ritten?`, 'Vraag 2 toegevoegd');
    await say(`/kring survey question ${id} multiple Welke onderwerpen? | sport | cultuur | reizen`, 'Vraag 3 toegevoegd');
    await say(`/kring survey question ${id} text Wat kan er beter?`, 'Vraag 4 toegevoegd');
    await say(`/kring survey send ${id}`, `Enquête ${id} gaat naar`);

    // Bram's direct messages: the invitation with the first question, answered with its buttons and forms.
    const b = await member.newPage();
    const errors: string[] = [];
    b.on('pageerror', (e) => errors.push(e.message));
    await b.goto(`${h.baseUrl}/web/?c=@me`);
    await b.waitForSelector('body[data-live="true"]');
    const invitation = b.locator('#messages li.message', { hasText: 'Ledenpeiling in de browser' }).filter({ hasText: 'Welke avond past jou?' });
    await invitation.waitFor({ timeout: 30_000 });
    expect(await axeProblems(b)).toEqual([]);
    await invitation.getByRole('button', { name: 'donderdag', exact: true }).click();
    const second = b.locator('#messages li.message', { hasText: 'Hoe tevreden ben je over de ritten?' });
    await second.waitFor({ timeout: 20_000 });
    await second.getByRole('button', { name: '4', exact: true }).click();
    const third = b.locator('#messages li.message', { hasText: 'Welke onderwerpen?' }).last();
    await third.waitFor({ timeout: 20_000 });
    await third.getByRole('button', { name: 'Kies', exact: true }).click();
    const dialog = b.locator('#form-dialog');
    await dialog.getByRole('checkbox', { name: 'sport' }).check();
    await dialog.getByRole('checkbox', { name: 'reizen' }).check();
    expect(await axeProblems(b)).toEqual([]);
    await dialog.locator('button[type=submit]').click();
    const fourth = b.locator('#messages li.message', { hasText: 'Wat kan er beter?' }).last();
    await fourth.waitFor({ timeout: 20_000 });
    await fourth.getByRole('button', { name: 'Schrijf je antwoord', exact: true }).click();
    await dialog.locator('textarea').fill('Vaker een rit op zondag');
    await dialog.locator('button[type=submit]').click();
    await b.locator('#messages li.message', { hasText: 'Bedankt voor je antwoorden op "Ledenpeiling in de browser"!' }).waitFor({ timeout: 20_000 });
    // Once done, asking again is answered politely and stores nothing.
    await b.fill('#composer-input', `/kring survey answer ${id}`);
    await b.press('#composer-input', 'Enter');
    await b.locator('#messages li.message.private').last().waitFor();
    expect(await axeProblems(b)).toEqual([]);
    expect(errors).toEqual([]);

    // The tally: one response, each question answered once, with what was chosen in the page.
    const surveys = h.kring.parts.surveys.service;
    const [survey] = (await surveys.list(h.organization.id, { limit: 5 })).filter((s) => s.title === 'Ledenpeiling in de browser');
    const results = await surveys.results(survey!);
    expect(results.respondents).toBe(1);
    expect(results.completed).toBe(1);
    expect(results.questions.map((q) => q.answered)).toEqual([1, 1, 1, 1]);
    expect(results.questions[0]!.bars.map((b) => b.count)).toEqual([0, 1]);
    expect(results.questions[1]!.average).toBe(4);
    expect(results.questions[2]!.bars.map((b) => b.count)).toEqual([1, 0, 1]);
    expect(results.questions[3]!.texts.map((t) => t.text)).toEqual(['Vaker een rit op zondag']);
    expect(results.questions[3]!.texts[0]!.name).toBe('Bram Jansen');
  }, 150_000);

  it('seeds once: a second start finds the demo association and only issues a new one-time link', async () => {
    const { kring } = h;
    const before = await kring.directory.members.count(h.organization.id);
    const again = await seedDemo({
      organization: h.organization,
      directory: kring.directory,
      router: kring.router,
      mailer: new DemoMailer(h.mailer),
      importCsv: () => Promise.reject(new Error('a second seed must not import again')),
      web: { space: h.organization.slug, newUserId: () => kring.web!.newUserId(), signInLink: (userId) => kring.web!.signInLink(userId), messages: kring.web!.config.messages },
      logger: h.logger,
    });
    expect(await kring.directory.members.count(h.organization.id)).toBe(before);
    expect(again.manager.id).toBe(kring.demo!.manager.id);
    expect(again.signInUrl).not.toBe(kring.demo!.signInUrl);
    const page = await manager.newPage();
    const link = new URL(again.signInUrl);
    await page.goto(`${h.baseUrl}${link.pathname}${link.search}`);
    await Promise.all([page.waitForURL(`${h.baseUrl}/web/`), page.click('#confirm')]);
    // The first link was used already: it no longer signs anyone in.
    const used = new URL(kring.demo!.signInUrl);
    const res = await fetch(`${h.baseUrl}/web/signin/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${used.searchParams.get('token')}`, redirect: 'manual' });
    expect(res.status).toBe(401);
  });
});
