import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { MembershipParts } from '../../src/capabilities/membership/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { PanelParts } from '../../src/capabilities/panel/index.js';
import type { SurveysParts } from '../../src/capabilities/surveys/index.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { KringEvents } from '../../src/kernel/events.js';
import { ChatPlatformError, type AccessPlace, type AccessPlaceKind, type CommandEvent, type Reply, type UserRef } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/** A fake platform with members-only places, recording each grant and revoke that went through; `failures` are thrown first, one per call. */
class PlacesPlatform extends FakeChatPlatform {
  readonly accessPlaceKinds: readonly AccessPlaceKind[];
  readonly changes: string[] = [];
  readonly failures: ChatPlatformError[] = [];
  constructor(platform: 'slack' | 'discord', kinds: readonly AccessPlaceKind[]) {
    super(platform);
    this.accessPlaceKinds = kinds;
  }
  async grantChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.changes.push(`grant ${place.kind} ${place.id} ${user.userId}`);
  }
  async revokeChannelAccess(user: UserRef, place: AccessPlace): Promise<void> {
    this.changes.push(`revoke ${place.kind} ${place.id} ${user.userId}`);
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function* chunks(text: string): AsyncIterable<string> {
  yield text;
}

/**
 * The sounding-board panel on PostgreSQL through the chat router (issue 14): the member import's age-group
 * and membership-type columns are kept (and no other extra column); members sign up and off themselves;
 * a manager draws a balanced panel, sees it, adjusts it and gives it a Slack channel and a Discord role
 * that follow it; a survey to the panel invites only the panel. Members cannot draw or see the members,
 * and bad input gets a polite answer in the member's language.
 */
describe('panel: the sounding-board panel', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let router: ChatRouter;
  let panel: PanelParts;
  let surveys: SurveysParts;
  let membership: MembershipParts;
  const drawn: KringEvents['panel.drawn'][] = [];
  const slack = new PlacesPlatform('slack', ['channel']);
  const discord = new PlacesPlatform('discord', ['role']);
  const queue = new InProcessJobQueue(silentLogger, 5);
  const slug = `org-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Natuurclub', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack, discord]) });
    ctx.bus.on('panel.drawn', (e) => void drawn.push(e), 'test');
    const built = buildTestCapabilities(['membership', 'surveys', 'panel'], ctx, { defaultOrganizationSlug: slug, capabilityOptions: { panel: { newSeed: () => 20261204 } } });
    router = built.router;
    panel = built.built.parts.panel;
    surveys = built.built.parts.surveys;
    membership = built.built.parts.membership;
    // The panel's places job runs on the in-process queue.
    await panel.start?.();
  }, 60_000);
  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  async function link(m: Member, platform: 'slack' | 'discord', workspaceId: string, userId: string) {
    await repos.workspaces.upsert({ organizationId: org.id, platform, externalId: workspaceId });
    const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform, workspaceId, platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
  }
  const member = async (number: string) => (await repos.members.findByNumber(org.id, number))!;
  const typed = (platform: 'slack' | 'discord', workspaceId: string, userId: string, words: string, channelId = 'CGENERAL', locale?: 'en' | 'nl') =>
    router.handle({ type: 'command', platform, workspaceId, userId, channelId, raw: null, path: [], args: words.split(' '), options: {}, ...(locale ? { locale } : {}) } as CommandEvent);
  const text = (r: Reply | undefined) => JSON.stringify(r ?? null);

  it('keeps the import\'s columns, draws a balanced panel that its places and surveys follow, and refuses bad input politely', async () => {
    // The import: 8 in Utrecht (4 young, 4 older), 4 in Zwolle; two columns the panel keeps, one it does not.
    const rows = [
      ...Array.from({ length: 4 }, (_, i) => `U${i};Utrecht Jong ${i};Utrecht;18-30;gewoon lid;geheim-${i}`),
      ...Array.from({ length: 4 }, (_, i) => `V${i};Utrecht Oud ${i};Utrecht;31-65;gewoon lid;geheim-${i}`),
      ...Array.from({ length: 4 }, (_, i) => `Z${i};Zwolle ${i};Zwolle;18-30;jeugdlid;geheim-${i}`),
      'M1;Mila Manager;Utrecht;31-65;gewoon lid;',
    ];
    const report = await membership.importer.importCsv(chunks(`lidnummer;naam;afdeling;leeftijdsgroep;soort lidmaatschap;notities\n${rows.join('\n')}\n`), { organizationId: org.id });
    expect(report).toMatchObject({ created: 13 });
    const u0 = await member('U0');
    expect(await panel.repo.candidate(u0.id)).toMatchObject({ optedIn: false, ageGroup: '18-30', membershipType: 'gewoon lid' });
    const stored = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM panel_candidate WHERE row_to_json(panel_candidate)::text LIKE '%geheim%'`);
    expect(stored[0]!.n).toBe(0);

    const manager = await member('M1');
    await repos.members.setRoles(org.id, manager.id, ['member', 'manager']);
    await link(manager, 'slack', 'T1', 'UMILA');
    await link(manager, 'discord', 'G1', '900000000000000001');
    // Every import member links on Slack; U0 and Z0 on Discord too.
    for (const n of ['U0', 'U1', 'U2', 'U3', 'V0', 'V1', 'V2', 'V3', 'Z0', 'Z1', 'Z2', 'Z3']) await link(await member(n), 'slack', 'T1', `U-${n}`);
    await link(u0, 'discord', 'G1', '900000000000000010');
    await link(await member('Z0'), 'discord', 'G1', '900000000000000011');

    // Before anyone signed up: a draw is refused with how many there are; the member's status says how to join.
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel draw 3'))).toContain('en er zijn er 0');
    expect(text(await typed('slack', 'T1', 'U-U0', 'panel'))).toContain('Typ `/kring panel join`');

    // Eleven sign up (V3 does not); joining twice is fine; Z3 signs up and off again.
    for (const n of ['U0', 'U1', 'U2', 'U3', 'V0', 'V1', 'V2', 'Z0', 'Z1', 'Z2', 'Z3']) expect(text(await typed('slack', 'T1', `U-${n}`, 'panel join'))).toContain('Je bent aangemeld');
    expect(text(await typed('slack', 'T1', 'U-U0', 'panel join'))).toContain('al aangemeld');
    expect(text(await typed('slack', 'T1', 'U-Z3', 'panel leave'))).toContain('niet langer aangemeld');
    expect(await panel.service.candidates(org.id)).toBe(10);

    // Members may not draw nor see the members; in English for a member who writes English.
    expect(text(await typed('slack', 'T1', 'U-U1', 'panel draw 4'))).toContain('Alleen communitymanagers');
    expect(text(await typed('slack', 'T1', 'U-U1', 'panel show', 'CGENERAL', 'en'))).toContain('Only community managers');
    expect(await db.prisma.panel.count({ where: { organizationId: org.id } })).toBe(0);

    // Bad input from the manager: too large, not a number, unknown action, no panel yet for add.
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel draw 11'))).toContain('Een klankbordgroep van 11 heeft 11 aanmeldingen nodig, en er zijn er 10');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel draw twaalf'))).toContain('heel getal van 1 tot 500');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel add U0'))).toContain('Er is nog geen klankbordgroep');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel shuffle'))).toContain('/kring panel join');

    // The places first (Slack: typed in the panel's channel; Discord: a role); a channel on Discord is refused.
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel place', 'CPANEL'))).toContain('voor dit kanaal uitgenodigd');
    expect(text(await typed('discord', 'G1', '900000000000000001', 'panel place <@&700000000000000007>'))).toContain('krijgt nu deze rol');
    expect(text(await typed('discord', 'G1', '900000000000000001', 'panel place'))).toContain('noem op Discord een rol');

    // Slack refuses the first grant for a moment (a rate limit; everyone drawn is on Slack): that places job is tried again.
    slack.failures.push(new ChatPlatformError('RATE_LIMITED', 'slow down', { retryAfterMs: 100 }));
    // The draw of 5 from 10: Utrecht 18-30 has 4, Utrecht 31-65 3, Zwolle 18-30 3 -> 2, 2 (largest remainder), 1 or 2, 1 or 2.
    const reply = text(await typed('slack', 'T1', 'UMILA', 'panel draw 5'));
    expect(reply).toContain('5 leden uit 10 aanmeldingen');
    const first = (await panel.repo.find(org.id))!;
    expect(first.seats).toHaveLength(5);
    expect(first.seed).toBe(20261204);
    const count = (label: string) => first.seats.filter((s) => s.stratum === label).length;
    expect(count('Utrecht / 18-30 / gewoon lid')).toBe(2);
    expect(count('Utrecht / 31-65 / gewoon lid') + count('Zwolle / 18-30 / jeugdlid')).toBe(3);
    expect(Math.min(count('Utrecht / 31-65 / gewoon lid'), count('Zwolle / 18-30 / jeugdlid'))).toBe(1);
    expect(drawn).toEqual([expect.objectContaining({ organizationId: org.id, size: 5, seats: 5, candidates: 10 })]);
    expect(JSON.stringify(drawn)).not.toMatch(/Utrecht Jong|Zwolle \d/);
    // Everyone drawn is in the Slack channel; those with a Discord account get the role.
    const onPanel = new Set(first.seats.map((s) => s.memberId));
    const numbers = await Promise.all(['U0', 'U1', 'U2', 'U3', 'V0', 'V1', 'V2', 'Z0', 'Z1', 'Z2'].map(async (n) => [n, (await member(n)).id] as const));
    const drawnNumbers = numbers.filter(([, id]) => onPanel.has(id)).map(([n]) => n);
    const discordIds: Record<string, string> = { U0: '900000000000000010', Z0: '900000000000000011' };
    // A retried job repeats the member's grants (idempotent on the platforms): compare what was granted, not how often.
    const granted = (p: PlacesPlatform) => [...new Set(p.changes)].sort();
    await until(() => granted(slack).length === drawnNumbers.length && granted(discord).length === drawnNumbers.filter((n) => discordIds[n]).length, 'the places jobs of the draw (one retried)');
    expect(slack.failures).toEqual([]);
    expect(granted(slack)).toEqual(drawnNumbers.map((n) => `grant channel CPANEL U-${n}`).sort());
    expect(granted(discord)).toEqual(drawnNumbers.filter((n) => discordIds[n]).map((n) => `grant role 700000000000000007 ${discordIds[n]}`).sort());

    // Each one drawn is told by direct message, in their language, on their first platform (Slack here).
    const welcomed = () => new Set(slack.calls.filter((c) => c.op === 'sendDirect' && c.outcome === 'ok' && JSON.stringify(c.view).includes('Je zit in de klankbordgroep van Natuurclub')).map((c) => c.user!.userId));
    await until(() => welcomed().size === drawnNumbers.length, 'the welcome messages');
    expect([...welcomed()].sort()).toEqual(drawnNumbers.map((n) => `U-${n}`).sort());

    // The manager sees the members; a member sees only whether they are on it.
    const shown = text(await typed('slack', 'T1', 'UMILA', 'panel show'));
    for (const n of drawnNumbers) expect(shown).toContain(`(${n})`);
    expect(shown).toContain('Utrecht / 18-30 / gewoon lid: 2 van 4');
    const someoneOn = drawnNumbers[0]!;
    const someoneOff = numbers.map(([n]) => n).find((n) => !drawnNumbers.includes(n))!;
    expect(text(await typed('slack', 'T1', `U-${someoneOn}`, 'panel status'))).toContain('Je zit in de klankbordgroep');
    expect(text(await typed('slack', 'T1', `U-${someoneOff}`, 'panel status'))).toContain('niet in de huidige groep');

    // Adjusting: V3 never signed up; an unknown number; someone on it already; add and remove.
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel add V3'))).toContain('heeft zich niet aangemeld');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel add X99'))).toContain('Er is geen lid met nummer `X99`');
    expect(text(await typed('slack', 'T1', 'UMILA', `panel add ${someoneOn}`))).toContain('zit al in de klankbordgroep');
    expect(text(await typed('slack', 'T1', 'UMILA', `panel add ${someoneOff}`))).toContain('zit nu in de klankbordgroep');
    await until(() => slack.changes.includes(`grant channel CPANEL U-${someoneOff}`), 'the added member let into the channel');
    await until(() => welcomed().has(`U-${someoneOff}`), 'the added member welcomed');
    expect(text(await typed('slack', 'T1', 'UMILA', `panel remove ${someoneOn}`))).toContain('zit niet meer in de klankbordgroep');
    await until(() => slack.changes.includes(`revoke channel CPANEL U-${someoneOn}`), 'the removed member taken out of the channel');
    expect(text(await typed('slack', 'T1', 'UMILA', `panel remove ${someoneOn}`))).toContain('zit niet in de klankbordgroep');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel show'))).toContain('met de hand toegevoegd');

    // A survey to the panel invites exactly the panel's members (the manager is not on it).
    expect(text(await typed('slack', 'T1', 'UMILA', 'survey create Klankbord over de jaarplanning --panel'))).toContain('`');
    const [survey] = await surveys.service.list(org.id);
    expect(survey!.audience).toEqual({ base: { kind: 'panel' }, sample: null });
    await surveys.service.addQuestion(survey!, { kind: 'scale', prompt: 'Hoe tevreden ben je?', options: [] });
    const sent = await surveys.service.send((await surveys.service.findById(survey!.id))!);
    const panelNow = (await panel.repo.find(org.id))!.seats.map((s) => s.memberId).sort();
    expect(sent.invited).toBe(5);
    const invited = await db.prisma.surveyInvite.findMany({ where: { surveyId: survey!.id }, select: { memberId: true }, orderBy: { memberId: 'asc' } });
    expect(invited.map((i) => i.memberId)).toEqual(panelNow);
    expect(text(await typed('slack', 'T1', 'UMILA', 'survey create Dubbel --panel --role=board'))).toContain('Kies één van');

    // Leaving takes a member off the panel and out of its places; a redraw draws 5 again with a new seed.
    const leaver = numbers.find(([, id]) => panelNow.includes(id))![0];
    expect(text(await typed('slack', 'T1', `U-${leaver}`, 'panel leave'))).toContain('je zit niet meer in de huidige groep');
    await until(() => slack.changes.includes(`revoke channel CPANEL U-${leaver}`), 'the member who left taken out of the channel');
    expect(text(await typed('slack', 'T1', 'UMILA', 'panel redraw'))).toContain('5 leden uit 9 aanmeldingen');
    expect((await panel.repo.find(org.id))!.seats.map((s) => s.memberId)).not.toContain((await member(leaver)).id);

    // A lapsed member leaves the panel too.
    const stillOn = (await panel.repo.find(org.id))!.seats[0]!.memberId;
    await membership.membership.setStatus(org.id, stillOn, 'lapsed');
    expect((await panel.repo.find(org.id))!.seats.map((s) => s.memberId)).not.toContain(stillOn);
  });
});
