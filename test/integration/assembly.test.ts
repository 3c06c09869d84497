import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssemblyParts } from '../../src/capabilities/assembly/index.js';
import { AssemblyService } from '../../src/capabilities/assembly/domain/assembly.service.js';
import { InMemoryBallotBox } from '../../src/capabilities/assembly/domain/ballot-box.js';
import { ballotValue, type Assembly } from '../../src/capabilities/assembly/domain/assembly.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, MemberRole, MemberStatus, Organization } from '../../src/kernel/community.js';
import type { ActionEvent, CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { EventBus, KringEvents } from '../../src/kernel/events.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * The general assembly on PostgreSQL through the chat router (platform-neutral events): creating it, the
 * agenda, the frozen register, proxies and their abuse (refused in the member's language, the tally
 * unchanged), early and live votes, sealed ballots with receipts, quorum with proxies, and a restart
 * while a secret item is open (its ballots lost, detected, voted again).
 */
const WS = 'T-alv';
const text = (reply: Reply | undefined): string => JSON.stringify(reply?.view ?? null);

describe('the general assembly through the chat router', () => {
  let db: Database;
  let sql: pg.Client;
  let repos: MembershipRepositories;
  let router: ChatRouter;
  let parts: AssemblyParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  let now = new Date('2027-02-20T10:00:00Z');
  const closed: KringEvents['assembly.item-closed'][] = [];
  const people: Record<string, Member> = {};
  let assembly: Assembly;
  let bus: EventBus;

  async function member(key: string, roles: MemberRole[], locale: 'nl' | 'en', status: MemberStatus = 'active'): Promise<void> {
    const memberNumber = `${key}-${randomUUID().slice(0, 6)}`;
    await repos.members.upsertMany(organization.id, [{ memberNumber, name: key, email: null, status, roles, chapterId: null, locale }]);
    const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
    people[key] = m;
    const request = await repos.linkRequests.create({ organizationId: organization.id, memberId: m.id, platform: 'slack', workspaceId: WS, platformUserId: `U-${key}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
  }
  const base = (key: string) => ({ platform: 'slack' as const, workspaceId: WS, userId: `U-${key}`, channelId: 'G-alv', raw: null });
  const say = (key: string, ...words: string[]): Promise<Reply | undefined> => {
    const event: CommandEvent = { type: 'command', ...base(key), path: ['assembly'], args: words, options: {} };
    return router.handle(event);
  };
  const press = (key: string, value: string): Promise<Reply | undefined> => {
    const event: ActionEvent = { type: 'action', ...base(key), actionId: 'assembly.vote', value, eventId: randomUUID() };
    return router.handle(event);
  };
  const voterId = async (key: string) => (await parts.repo.findVoterByMember(assembly.id, people[key]!.id))!.id;
  const hasVotedRows = async () => (await sql.query('SELECT count(*)::int AS n FROM assembly_has_voted')).rows[0].n as number;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    repos = prismaRepositories(db.prisma);
    queue = new InProcessJobQueue(silentLogger);
    organization = await repos.organizations.ensure({ slug: `alv-${randomUUID().slice(0, 8)}`, name: 'Vereniging Test', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([new FakeChatPlatform('slack')]), clock: { now: () => now } });
    ctx.bus.on('assembly.item-closed', async (e) => void closed.push(e));
    bus = ctx.bus;
    const built = buildTestCapabilities(['membership', 'assembly'], ctx, { defaultOrganizationSlug: organization.slug });
    router = built.router;
    parts = built.built.parts.assembly;
    await repos.workspaces.upsert({ organizationId: organization.id, platform: 'slack', externalId: WS });
    await member('voorzitter', ['member', 'board'], 'nl');
    for (const k of ['anna', 'bram', 'cees', 'dirk', 'eva', 'fenna', 'gijs']) await member(k, ['member'], k === 'anna' || k === 'eva' ? 'en' : 'nl');
    await member('oud', ['member'], 'nl', 'lapsed');
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await sql?.end();
    await db?.close();
  });

  it('creates the assembly and its agenda from chat, refusing early voting more than 30 days before', async () => {
    expect(text(await say('voorzitter', 'create', 'ALV', '2027', '--at=2027-03-12', '20:00', '--early=2027-02-01', '09:00'))).toContain('hooguit 30 dagen');
    expect(text(await say('anna', 'create', 'ALV', '--at=2027-03-12', '20:00'))).not.toContain('aangemaakt');
    const created = text(await say('voorzitter', 'create', 'ALV', '2027', '--at=2027-03-12', '20:00', '--early=2027-03-01', '09:00', '--proxies=1', '--quorum=1/2'));
    expect(created).toContain('is aangemaakt');
    assembly = (await parts.service.current(organization.id))!;
    expect(assembly).toMatchObject({ title: 'ALV 2027', maxProxiesPerHolder: 1, quorum: { kind: 'fraction', numerator: 1, denominator: 2 }, mode: 'hybrid' });
    expect(text(await say('voorzitter', 'item', 'motion', 'Begroting', '2027', '--majority=two_thirds'))).toContain('Agendapunt 1');
    expect(text(await say('voorzitter', 'item', 'election', 'Penningmeester', '--candidates=Anna,Bram'))).toContain('geheim');
    expect(text(await say('voorzitter', 'item', 'poll', 'x'))).toContain('Schrijf het zo');
    expect((await parts.service.items(assembly)).map((i) => [i.position, i.kind, i.secret, i.choices])).toEqual([
      [1, 'motion', false, ['for', 'against', 'abstain']],
      [2, 'election', true, ['Anna', 'Bram', 'blank']],
    ]);
  });

  it('freezes the register: active members only, once', async () => {
    expect(text(await say('anna', 'proxy', people['bram']!.memberNumber))).toContain('not frozen yet');
    expect(text(await say('voorzitter', 'snapshot'))).toContain('8 leden stemgerechtigd');
    expect(text(await say('voorzitter', 'snapshot'))).toContain('al bevroren');
    assembly = (await parts.service.current(organization.id))!;
    const voters = await parts.service.voters(assembly);
    expect(voters.map((v) => v.name).sort()).toEqual(['anna', 'bram', 'cees', 'dirk', 'eva', 'fenna', 'gijs', 'voorzitter']);
    // The register stays as frozen when the membership changes.
    await repos.members.setStatus(organization.id, people['gijs']!.id, 'lapsed');
    expect((await parts.service.voters(assembly)).some((v) => v.name === 'gijs')).toBe(true);
    await repos.members.setStatus(organization.id, people['gijs']!.id, 'active');
  });

  it('records proxies and refuses abuse clearly in the member’s language', async () => {
    expect(text(await say('anna', 'proxy', people['bram']!.memberNumber))).toContain('bram votes for you');
    // Over the maximum (1 per holder): Cees writes Dutch.
    expect(text(await say('cees', 'proxy', people['bram']!.memberNumber))).toContain('maximum aantal volmachten');
    // A holder who is not in the register (lapsed).
    expect(text(await say('cees', 'proxy', people['oud']!.memberNumber))).toContain('staat niet in het register');
    // No chains: Bram holds Anna's proxy and cannot hand his vote on; nobody can give to Anna, who gave hers.
    expect(text(await say('bram', 'proxy', people['dirk']!.memberNumber))).toContain('niet worden doorgegeven');
    expect(text(await say('cees', 'proxy', people['anna']!.memberNumber))).toContain('niet worden doorgegeven');
    expect(text(await say('cees', 'proxy', people['cees']!.memberNumber))).toContain('jezelf');
    // Revocable before voting opens, then given again.
    expect(text(await say('anna', 'revoke'))).toContain('taken back');
    expect(text(await say('anna', 'revoke'))).toContain('have not given');
    expect(text(await say('anna', 'proxy', people['bram']!.memberNumber))).toContain('bram votes for you');
    expect(text(await say('cees', 'proxy', people['dirk']!.memberNumber))).toContain('dirk stemt voor jou');
    expect((await parts.repo.listProxies(assembly.id)).length).toBe(2);
  });

  it('takes early votes only in the window, one per voter, a receipt for the secret item', async () => {
    const [motion, election] = await parts.service.items(assembly);
    expect(text(await press('eva', ballotValue(motion!.id, 0, null)))).toContain('not open');
    now = new Date('2027-03-05T10:00:00Z');
    expect(text(await press('eva', ballotValue(motion!.id, 0, null)))).toContain('recorded: **For**');
    expect(text(await press('eva', ballotValue(motion!.id, 1, null)))).toContain('eva has voted on');
    const secret = text(await press('eva', ballotValue(election!.id, 1, null)));
    expect(secret).toMatch(/receipt: `[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`/);
    expect(secret).not.toContain('Bram');
    // The has-voted register for the secret item holds no choice.
    const { rows } = await sql.query('SELECT choice FROM assembly_has_voted WHERE item_id = $1', [election!.id]);
    expect(rows).toEqual([{ choice: null }]);
    // Anna gave her proxy: she cannot vote herself, early or not.
    expect(text(await press('anna', ballotValue(motion!.id, 0, null)))).toContain('gave your proxy to bram');
    expect(text(await say('fenna', 'vote'))).toContain('Vooraf stemmen');
  });

  it('runs the meeting: check-in, live votes through proxies, abuse refused with the tally unchanged, quorum with proxies', async () => {
    now = new Date('2027-03-12T19:05:00Z');
    const [motion, election] = await parts.service.items(assembly);
    expect(text(await say('anna', 'open', '1'))).not.toContain('is open voor');
    expect(text(await say('voorzitter', 'open', '1'))).toContain('is open voor de stemming');
    expect(text(await say('anna', 'revoke'))).toContain('can no longer');
    expect(text(await say('gijs', 'proxy', people['fenna']!.memberNumber))).toContain('niet meer');
    // Live votes need a check-in.
    expect(text(await press('bram', ballotValue(motion!.id, 0, null)))).toContain('Meld je eerst aanwezig');
    expect(text(await say('bram', 'checkin'))).toContain('1 volmacht: anna');
    for (const k of ['voorzitter', 'dirk', 'fenna']) await say(k, 'checkin');
    const ballot = text(await say('bram', 'vote'));
    expect(ballot).toContain('Voor anna (volmacht)');
    expect(text(await press('bram', ballotValue(motion!.id, 0, null)))).toContain('Je stem op');
    expect(text(await press('bram', ballotValue(motion!.id, 0, await voterId('anna'))))).toContain('Je stem voor anna');
    const before = await hasVotedRows();
    // Abuse: twice through the proxy, the grantor in person, a proxy not held, a forged choice.
    expect(text(await press('bram', ballotValue(motion!.id, 1, await voterId('anna'))))).toContain('anna heeft al gestemd');
    expect(text(await press('anna', ballotValue(motion!.id, 1, null)))).toContain('gave your proxy to bram');
    expect(text(await press('fenna', ballotValue(motion!.id, 1, await voterId('cees'))))).toContain('geen volmacht van cees');
    expect(text(await press('fenna', ballotValue(motion!.id, 7, null)))).toContain('staat niet op het stembiljet');
    expect(text(await press('gijs', 'garbage'))).not.toContain('gestemd');
    expect(await hasVotedRows()).toBe(before);
    await press('voorzitter', ballotValue(motion!.id, 0, null));
    await press('fenna', ballotValue(motion!.id, 1, null));
    await press('dirk', ballotValue(motion!.id, 0, await voterId('cees')));
    // Status: eligible 8; checked in 4 (bram, voorzitter, dirk, fenna) + their proxies (anna, cees) + eva (early) = 7.
    const status = await parts.service.status(assembly);
    expect(status).toMatchObject({ eligible: 8, checkedIn: 4, present: 7, quorumRequired: 4, quorumReached: true });
    const closedReply = text(await say('voorzitter', 'close', '1'));
    expect(closedReply).toContain('Besluit: aangenomen');
    const result = (await parts.service.items(assembly))[0]!.result!;
    // For: eva (early), bram, anna (by bram), voorzitter, cees (by dirk) = 5; against: fenna = 1. 5 >= 2/3 of 6.
    expect(result).toMatchObject({ counts: [{ choice: 'for', votes: 5 }, { choice: 'against', votes: 1 }, { choice: 'abstain', votes: 0 }], ballots: 6, byProxy: 2, early: 1, present: 7, quorumReached: true, adopted: true, turnoutPercent: 75 });
    expect(closed.at(-1)).toMatchObject({ itemId: motion!.id, adopted: true, ballots: 6 });
    expect(JSON.stringify(closed.at(-1))).not.toContain(people['bram']!.id);
    expect(text(await press('dirk', ballotValue(motion!.id, 0, null)))).toContain('is gesloten');
    void election;
  });

  it('loses no secret ballot silently: a restart while open is detected at close and the item is voted again', async () => {
    const [, election] = await parts.service.items(assembly);
    await say('voorzitter', 'open', '2');
    await press('bram', ballotValue(election!.id, 0, null));
    // A second service over the same database, as after a restart: its ballot box is empty.
    const restarted = new AssemblyService({ repo: parts.repo, members: repos.members, clock: { now: () => now }, box: new InMemoryBallotBox() });
    const fresh = (await parts.service.current(organization.id))!;
    await expect(restarted.close(fresh, (await parts.service.items(fresh))[1]!)).rejects.toMatchObject({ code: 'ASSEMBLY.BALLOTS_LOST' });
    const { rows } = await sql.query('SELECT count(*)::int AS n FROM assembly_has_voted WHERE item_id = $1', [election!.id]);
    expect(rows[0].n).toBe(0);
    expect((await parts.service.items(fresh))[1]!.status).toBe('open');
  });

  it('answers bad input politely in the member’s language, never an error', async () => {
    for (const [key, words, expected] of [
      ['voorzitter', ['open', 'x'], /\/kring assembly open <item>/],
      ['voorzitter', ['close', '9'], /Er is geen agendapunt 9/],
      ['anna', ['proxy'], /\/kring assembly proxy <member>/],
      ['anna', ['status', 'zzzz'], /There is no general assembly `zzzz`/],
      ['voorzitter', ['create', 'ALV', '--at=morgen'], /kan \\"morgen\\" niet lezen/],
      ['voorzitter', ['item', 'election', 'Voorzitter'], /Schrijf het zo/],
    ] as const) {
      const reply = text(await say(key, ...words));
      expect(reply, words.join(' ')).toMatch(expected);
      expect(reply, reply).not.toMatch(/stack|Error:|\n\s+at /);
    }
  });

  it('forgets an erased member in the register: no name, number or member id left, the counts unchanged', async () => {
    const gijs = people['gijs']!;
    const before = (await parts.service.voters(assembly)).length;
    await bus.publish('member.forgotten', { organizationId: organization.id, memberId: gijs.id, at: new Date() });
    const voters = await parts.service.voters(assembly);
    expect(voters).toHaveLength(before);
    expect(voters.some((v) => v.memberId === gijs.id || v.name === 'gijs' || v.memberNumber === gijs.memberNumber)).toBe(false);
    expect(voters.filter((v) => v.name === '—')).toHaveLength(1);
  });
});
