import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebPlatform } from '../../adapters/web/index.js';
import { ballotValue, type AgendaItem, type Assembly } from '../../src/capabilities/assembly/domain/assembly.js';
import type { AssemblyParts } from '../../src/capabilities/assembly/index.js';
import { decisionLines, decisionListMarkdown, decisionListPdf } from '../../src/capabilities/assembly/decision-list.js';
import type { Database } from '../../src/infra/database/database.js';
import type { Member } from '../../src/kernel/community.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import type { FakeUser } from '../fakes/discord/state.js';
import { FAKE_SLACK, FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../fakes/slack/slack-requests.js';
import { FakeBotConnector, type ConnectorActivity } from '../fakes/teams/fake-bot-connector.js';
import { FakeBotIdentity } from '../fakes/teams/fake-bot-identity.js';
import { TEST_TENANT, cardText, teamsFixture } from '../fakes/teams/teams-test-bed.js';
import { createPostgresTestDatabase, TEST_PG_ADMIN_URL } from '../support/database.js';
import { startKringHarness, type KringHarness } from '../support/kring-harness.js';
import { RecordingLogger } from '../support/logger.js';
import { addTeamsUser, teamsKringEnv } from '../support/teams-kring.js';
import { until } from '../support/until.js';

/**
 * Issue 19 acceptance: a general assembly with 20 eligible members on Slack (Bolt), Discord (discord.js),
 * Teams (botbuilder, signed tokens) and the web community, through Kring as `npm start` boots it
 * (startKring on PostgreSQL) with the real adapters against their protocol fakes. Three proxies, early votes
 * before the meeting, check-in and live votes on two motions and one secret vote on a person; the decision
 * list matches the hand count below and the quorum counts the proxies. After the secret item closes, a full
 * pg_dump and every log line show no ballot can be joined to a member, and the published receipts recount
 * to the result. Proxy abuse is refused in the member's language and changes nothing.
 */
const SIGNING_SECRET = 'e2e-assembly-signing-secret-91c4';
const APP_PASSWORD = `alv-${randomBytes(12).toString('hex')}`;
const APP_ID = randomUUID();
const BOT_ID = `28:${APP_ID}`;
const run = promisify(execFile);

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One person as the test drives them: a member, on one platform, answering in chat. */
interface Person {
  key: string;
  member: Member;
  platform: 'slack' | 'discord' | 'teams' | 'web';
  /** `/kring assembly <words>`: the reply as text. */
  say(...words: string[]): Promise<string>;
  /** Shows the ballot, checks the button is on it, presses it: the reply as text. */
  vote(value: string): Promise<string>;
  /** Presses a button without showing the ballot first (on the last ballot shown, where the platform needs a message). */
  press(value: string): Promise<string>;
}

let slackFake: FakeSlackApi;
let sender: SlackRequestSender;
let discordFake: FakeDiscord;
let identity: FakeBotIdentity;
let connector: FakeBotConnector;
let h: KringHarness;
let db: Database;
let web: WebPlatform;
let parts: AssemblyParts;
const logger = new RecordingLogger();
const people: Record<string, Person> = {};

/** Wall time in Amsterdam as typed in `--at=`: `YYYY-MM-DD HH:MM`. */
const wall = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d);

function slackPerson(key: string, member: Member, userId: string): Person {
  const text = async (sent: { responseUrl: string; status: number }) => {
    expect(sent.status).toBe(200);
    return JSON.stringify(await until(() => slackFake.responsesTo(sent.responseUrl)[0], `the Slack reply to ${key}`));
  };
  const say = async (...words: string[]) => text(await sender.slashCommand(`assembly ${words.join(' ')}`, { user_id: userId }));
  const press = async (value: string) => text(await sender.blockAction({ actionId: 'assembly.vote', value, userId }));
  return {
    key, member, platform: 'slack', say, press,
    async vote(value) {
      expect(await say('vote')).toContain(value);
      return press(value);
    },
  };
}

function discordPerson(key: string, member: Member, user: FakeUser): Person {
  const answered = async (i: ReturnType<FakeDiscord['slashCommand']>) => {
    await until(() => i.callbacks.some((c) => c.status > 0 && c.type !== 5) || i.webhookCalls.some((w) => w.status > 0 && w.body), `the Discord reply to ${key}`);
    return JSON.stringify(i.callbacks) + JSON.stringify(i.webhookCalls);
  };
  const command = (words: string[]) => {
    const [sub, ...rest] = words;
    const options: Record<string, string | number> = {};
    if (sub === 'proxy') options['member'] = rest[0]!;
    if (sub === 'open' || sub === 'close') options['item'] = Number(rest[0]);
    return discordFake.slashCommand({ path: ['assembly', sub!], options, user });
  };
  /** Ballot messages shown, newest first: a press goes to the newest that has the button. */
  const ballots: { messageId: string; text: string }[] = [];
  const press = (value: string) => {
    const on = ballots.find((b) => b.text.includes(value));
    if (!on) throw new Error(`no ballot of ${key} has the button ${value}`);
    return answered(discordFake.pressButton({ messageId: on.messageId, customId: `assembly.vote|${value}`, user }));
  };
  return {
    key, member, platform: 'discord', press,
    say: (...words) => answered(command(words)),
    async vote(value) {
      const ballot = command(['vote']);
      const text = await answered(ballot);
      expect(text).toContain(value);
      ballots.unshift({ messageId: await until(() => ballot.originalMessageId, 'the ballot message'), text });
      return press(value);
    },
  };
}

let activityIds = 1_790_000_000_000;
async function deliver(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const token = await identity.signChannelToken({ serviceUrl: connector.serviceUrl });
  const res = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

function teamsPerson(key: string, member: Member, user: ReturnType<typeof addTeamsUser>): Person {
  const ask = async (words: string): Promise<ConnectorActivity> => {
    const before = connector.activities(user.chatId).length;
    const activity = teamsFixture('message-personal-command', connector.serviceUrl, BOT_ID);
    const res = await deliver({ ...activity, id: String(++activityIds), text: `kring ${words}`, from: user.from, locale: 'nl-NL', conversation: { conversationType: 'personal', tenantId: TEST_TENANT, id: user.chatId } });
    expect(res.status).toBe(200);
    return until(() => connector.activities(user.chatId)[before], `the Teams reply to ${key}`);
  };
  let lastBallot = '';
  const press = async (value: string) => {
      const before = connector.activities(user.chatId).length;
      const invoke = teamsFixture('invoke-action-execute', connector.serviceUrl, BOT_ID);
      const res = await deliver({
        ...invoke, id: `f:${randomUUID()}`, from: user.from, locale: 'nl-NL',
        conversation: { conversationType: 'personal', tenantId: TEST_TENANT, id: user.chatId }, replyToId: lastBallot,
        value: { action: { type: 'Action.Execute', title: 'Stem', verb: 'assembly.vote', data: { value } }, trigger: 'manual' },
      });
      expect(res.status).toBe(200);
      return JSON.stringify(res.body) + connector.activities(user.chatId).slice(before).map(cardText).join('\n');
  };
  return {
    key, member, platform: 'teams', press,
    say: async (...words) => cardText(await ask(`assembly ${words.join(' ')}`)),
    async vote(value) {
      const ballot = await ask('assembly vote');
      expect(JSON.stringify(ballot.activity)).toContain(value);
      lastBallot = ballot.id;
      return press(value);
    },
  };
}

async function webPerson(key: string, member: Member): Promise<Person> {
  const userId = web.newUserId();
  await h.linkDirectly(member, { platform: 'web', workspaceId: web.config.space, userId });
  const link = new URL(await web.signInLink(userId));
  const signIn = await fetch(`${h.baseUrl}/web/signin/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${link.searchParams.get('token')}`, redirect: 'manual' });
  expect(signIn.status).toBe(303);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  const post = async (path: string, json: unknown) => {
    const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(json) });
    expect(res.status).toBe(200);
    return decode(await res.text());
  };
  const say = (...words: string[]) => post('/web/api/command', { channel: '@me', text: `/kring assembly ${words.join(' ')}` });
  const press = (value: string) => post('/web/api/action', { channel: '@me', actionId: 'assembly.vote', value });
  return {
    key, member, platform: 'web', say, press,
    async vote(value) {
      expect(await say('vote')).toContain(value);
      return press(value);
    },
  };
}

beforeAll(async () => {
  slackFake = await FakeSlackApi.start();
  discordFake = await FakeDiscord.start();
  identity = await new FakeBotIdentity({ appId: APP_ID, appPassword: APP_PASSWORD }).start();
  connector = await new FakeBotConnector({ acceptToken: identity.accepts }).start();
  db = await createPostgresTestDatabase();
  h = await startKringHarness({
    database: db,
    logger,
    env: {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackFake.apiUrl,
      DISCORD_TOKEN: discordFake.token,
      DISCORD_APPLICATION_ID: discordFake.applicationId,
      DISCORD_API_URL: discordFake.apiUrl,
      DISCORD_MEMBER_ROLE_ID: discordFake.state.memberRoleId,
      ...teamsKringEnv(identity, APP_ID, APP_PASSWORD),
    },
  });
  expect(h.kring.platforms.map((p) => p.platform).sort()).toEqual(['discord', 'slack', 'teams', 'web']);
  sender = new SlackRequestSender({ eventsUrl: `${h.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, fake: slackFake });
  web = h.kring.web!;
  parts = h.kring.parts.assembly;

  // 20 eligible members: the harness's three active ones and 17 more; the lapsed one is not eligible.
  const add = async (name: string, locale: 'nl' | 'en' = 'nl') => h.addMember({ name, email: `${name.toLowerCase()}@example.org`, locale });
  const onSlack = async (key: string, member: Member, locale: 'nl' | 'en') => {
    const userId = `U0ALV${key}`;
    slackFake.addUser({ id: userId, teamId: FAKE_SLACK.teamId, name: key.toLowerCase(), realName: member.name, locale: locale === 'nl' ? 'nl-NL' : 'en-GB' });
    await h.linkDirectly(member, { platform: 'slack', workspaceId: FAKE_SLACK.teamId, userId });
    people[key] = slackPerson(key, member, userId);
  };
  const onDiscord = async (key: string, member: Member) => {
    const user = discordFake.state.addUser({ username: key.toLowerCase(), global_name: member.name });
    await h.linkDirectly(member, { platform: 'discord', workspaceId: discordFake.guildId, userId: user.id });
    people[key] = discordPerson(key, member, user);
  };
  const onTeams = async (key: string, member: Member) => {
    const user = addTeamsUser(connector, member.name);
    await h.linkDirectly(member, user.account);
    people[key] = teamsPerson(key, member, user);
  };
  await onSlack('M', h.members.manager, 'nl');
  await onSlack('S1', h.members.member, 'nl');
  for (const k of ['S2', 'S3', 'S4', 'S5']) await onSlack(k, await add(`Slack${k}`, k === 'S4' ? 'en' : 'nl'), k === 'S4' ? 'en' : 'nl');
  for (const k of ['D1', 'D2', 'D3', 'D4', 'D5']) await onDiscord(k, await add(`Discord${k}`));
  for (const k of ['T1', 'T2', 'T3', 'T4']) await onTeams(k, await add(`Teams${k}`));
  people['W1'] = await webPerson('W1', h.members.noEmail);
  for (const k of ['W2', 'W3', 'W4', 'W5']) people[k] = await webPerson(k, await add(`Web${k}`, k === 'W3' ? 'en' : 'nl'));
  expect(Object.keys(people)).toHaveLength(20);
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await connector?.stop();
  await identity?.stop();
  await discordFake?.stop();
  await slackFake?.stop();
});

const p = (key: string) => people[key]!;

describe('a general assembly across Slack, Discord, Teams and the web', () => {
  let assembly: Assembly;
  let items: AgendaItem[];
  const receipts = new Map<string, string>();
  const secretOrder: string[] = [];
  const voter = async (key: string) => (await parts.repo.findVoterByMember(assembly.id, p(key).member.id))!.id;

  it('the chair creates it, sets the agenda and freezes the register of 20', async () => {
    const start = new Date(Date.now() + 2 * 3600_000);
    const early = new Date(Date.now() - 3600_000);
    expect(await p('M').say('create', 'ALV', '2027', `--at=${wall(start)}`, `--early=${wall(early)}`, '--proxies=2', '--quorum=1/2')).toContain('is aangemaakt');
    expect(await p('M').say('item', 'motion', 'Begroting 2027 vaststellen')).toContain('Agendapunt 1');
    expect(await p('M').say('item', 'motion', 'Statutenwijziging --majority=two_thirds')).toContain('Agendapunt 2');
    expect(await p('M').say('item', 'election', 'Voorzitter --candidates=Anna,Bram')).toContain('geheim');
    expect(await p('D2').say('snapshot')).not.toContain('bevroren');
    expect(await p('M').say('snapshot')).toContain('20 leden stemgerechtigd');
    assembly = (await parts.service.current(h.organization.id))!;
    items = await parts.service.items(assembly);
  });

  it('records three proxies across platforms and refuses abuse in the member’s language', async () => {
    expect(await p('S2').say('proxy', p('D1').member.memberNumber)).toContain('DiscordD1 stemt voor jou');
    expect(await p('T1').say('proxy', p('D1').member.memberNumber)).toContain('DiscordD1 stemt voor jou');
    expect(await p('W2').say('proxy', p('S3').member.memberNumber)).toContain('SlackS3 stemt voor jou');
    // Over the maximum of 2 (W3 writes English), a holder who is not eligible (lapsed), a chain.
    expect(await p('W3').say('proxy', p('D1').member.memberNumber)).toContain('holds the most proxies the statutes allow (2)');
    expect(await p('S4').say('proxy', h.members.lapsed.memberNumber)).toContain('is not in the register of voters');
    expect(await p('D1').say('proxy', p('D2').member.memberNumber)).toContain('niet worden doorgegeven');
    expect((await parts.repo.listProxies(assembly.id)).length).toBe(3);
  });

  it('takes early votes before the meeting (Teams), one per voter', async () => {
    const [motion, , election] = items;
    expect(await p('T2').vote(ballotValue(motion!.id, 0, null))).toContain('**Voor**');
    expect(await p('T3').vote(ballotValue(motion!.id, 1, null))).toContain('**Tegen**');
    const t2 = await p('T2').vote(ballotValue(election!.id, 0, null));
    const t3 = await p('T3').vote(ballotValue(election!.id, 1, null));
    for (const [key, reply] of [['T2', t2], ['T3', t3]] as const) {
      const receipt = /`?([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})`?/.exec(reply)?.[1];
      expect(receipt, reply).toBeDefined();
      receipts.set(key, receipt!);
      secretOrder.push(key);
    }
    const status = await parts.service.status(assembly);
    expect(status).toMatchObject({ eligible: 20, present: 2, quorumRequired: 10 });
  });

  it('runs the meeting: check-in, live votes by buttons on every platform, quorum with proxies, refusals change nothing', async () => {
    // The meeting: the chair opens the items (pending items took early votes until now).
    const [motion, statutes, election] = items;
    for (const k of ['M', 'S1', 'S3', 'S4', 'D1', 'D2', 'D3', 'D4', 'W1', 'W3', 'W4']) expect(await p(k).say('checkin')).toMatch(/aanwezig|present/);
    expect(await p('D1').say('checkin')).toContain('2 volmachten');
    // Present or represented: 11 checked in + 3 by proxy (S2, T1 through D1; W2 through S3) + 2 early (T2, T3) = 16; quorum 10.
    expect(await p('W4').say('status')).toContain('16 aanwezig of vertegenwoordigd');
    expect(await p('W4').say('status')).toContain('Quorum 10: gehaald');

    expect(await p('D3').say('open', '1')).not.toContain('is open voor');
    expect(await p('M').say('open', '1')).toContain('is open voor de stemming');
    expect(await p('S2').say('revoke')).toContain('niet meer');
    const cast = async (key: string, item: AgendaItem, choice: number, forKey?: string) => {
      const reply = await p(key).vote(ballotValue(item.id, choice, forKey ? await voter(forKey) : null));
      expect(reply).toMatch(/vastgelegd|recorded|uitgebracht|is in/);
      return reply;
    };
    // Item 1 (simple majority). For: M, S1, S3, S3 for W2, D1, D1 for S2 (+ T2 early); against: S4, D2, D1 for T1 (+ T3 early); abstain: D3, W1.
    for (const [k, c, f] of [['M', 0], ['S1', 0], ['S3', 0], ['S3', 0, 'W2'], ['D1', 0], ['D1', 0, 'S2'], ['S4', 1], ['D2', 1], ['D1', 1, 'T1'], ['D3', 2], ['W1', 2]] as const) await cast(k, motion!, c, f);
    const tallyBefore = (await parts.repo.listHasVoted(motion!.id)).length;
    // Abuse: the proxy used twice, the grantor in person, a live vote without check-in.
    // D1 presses again on the ballot that showed S2's buttons (Discord keeps it on screen).
    expect(await p('D1').press(ballotValue(motion!.id, 1, await voter('S2')))).toContain('SlackS2 heeft al gestemd');
    expect(await p('S2').say('vote')).toContain('Je gaf je volmacht aan DiscordD1');
    expect(await p('S2').press(ballotValue(motion!.id, 1, null))).toContain('Je gaf je volmacht aan DiscordD1');
    expect(await p('W2').press(ballotValue(motion!.id, 1, null))).toContain('Je gaf je volmacht aan SlackS3');
    expect(await p('W3').press(ballotValue(motion!.id, 1, await voter('S2')))).toContain('do not hold the proxy of SlackS2');
    expect(await p('D5').vote(ballotValue(motion!.id, 1, null))).toContain('Meld je eerst aanwezig');
    expect((await parts.repo.listHasVoted(motion!.id)).length).toBe(tallyBefore);
    expect(await p('M').say('close', '1')).toContain('Besluit: aangenomen');

    // Item 2 (two thirds). For: M, S1, S3, D1, D2, W1, W3; against: S4, D3, D4, S3 for W2; abstain: W4. 7 of 11 < 2/3.
    await p('M').say('open', '2');
    for (const [k, c, f] of [['M', 0], ['S1', 0], ['S3', 0], ['D1', 0], ['D2', 0], ['W1', 0], ['W3', 0], ['S4', 1], ['D3', 1], ['D4', 1], ['S3', 1, 'W2'], ['W4', 2]] as const) await cast(k, statutes!, c, f);
    expect(await p('M').say('close', '2')).toContain('Besluit: verworpen');

    // Item 3 (secret, persons). Anna: M, S1, S3 for W2, D1, D2, W3 (+ T2 early); Bram: S3, D1 for S2, W1, W4 (+ T3 early); blank: D1 for T1, S4.
    await p('M').say('open', '3');
    for (const [k, c, f] of [['M', 0], ['S1', 0], ['S3', 1], ['S3', 0, 'W2'], ['D1', 0], ['D1', 1, 'S2'], ['D1', 2, 'T1'], ['D2', 0], ['W1', 1], ['W3', 0], ['W4', 1], ['S4', 2]] as const) {
      const reply = await cast(k, election!, c, f);
      const receipt = /`?([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})`?/.exec(reply)?.[1];
      expect(receipt, reply).toBeDefined();
      const whose = f ?? k;
      receipts.set(whose, receipt!);
      secretOrder.push(whose);
    }
    expect(await p('M').say('close', '3')).toContain('Besluit: Anna is gekozen');
  });

  it('publishes a decision list that matches the hand count, with the proxies used, as Markdown and PDF', async () => {
    const results = await parts.service.results(assembly);
    const byItem = results.items.map((i) => i.result!);
    expect(byItem[0]).toMatchObject({ counts: [{ choice: 'for', votes: 7 }, { choice: 'against', votes: 4 }, { choice: 'abstain', votes: 2 }], ballots: 13, byProxy: 3, early: 2, present: 16, quorumRequired: 10, quorumReached: true, adopted: true, turnoutPercent: 65 });
    expect(byItem[1]).toMatchObject({ counts: [{ choice: 'for', votes: 7 }, { choice: 'against', votes: 4 }, { choice: 'abstain', votes: 1 }], ballots: 12, byProxy: 1, early: 0, quorumReached: true, adopted: false });
    expect(byItem[2]).toMatchObject({ counts: [{ choice: 'Anna', votes: 7 }, { choice: 'Bram', votes: 5 }, { choice: 'blank', votes: 2 }], ballots: 14, byProxy: 3, early: 2, adopted: true, elected: 'Anna' });
    expect(results.proxies.map((x) => [x.grantor.name, x.holder.name, x.used]).sort()).toEqual([
      ['SlackS2', 'DiscordD1', 2],
      ['TeamsT1', 'DiscordD1', 2],
      ['WebW2', 'SlackS3', 3],
    ]);
    const markdown = decisionListMarkdown(decisionLines(results, h.kring.translator.for('nl'), 'nl', 'Europe/Amsterdam'));
    for (const line of ['## 1. Begroting 2027 vaststellen', '- Voor: 7', '- Tegen: 4', '- Onthouding: 2', '**Besluit: aangenomen.**', '**Besluit: verworpen.**', '- Anna: 7', '- Bram: 5', '- Blanco: 2', '**Besluit: Anna is gekozen.**', 'quorum 10: gehaald', 'WebW2', '3× gebruikt']) {
      expect(markdown).toContain(line);
    }
    const pdf = await decisionListPdf(decisionLines(results, h.kring.translator.for('nl'), 'nl', 'Europe/Amsterdam'), { title: assembly.title });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1500);
    // The member sees it in chat too.
    expect(await p('T4').say('result')).toContain('Anna is gekozen');
  });

  it('after the secret item closes, neither a full database dump nor the logs join a ballot to a member; the receipts recount', async () => {
    const election = items[2]!;
    const url = new URL(db.url);
    const { stdout: dump } = await run('pg_dump', ['-h', url.hostname, '-p', url.port || '5432', '-U', new URL(TEST_PG_ADMIN_URL).username || 'postgres', url.pathname.slice(1)], { maxBuffer: 256 * 1024 * 1024 });
    const logs = logger.text();
    const published = (await parts.service.results(assembly)).items[2]!.receipts;
    expect(published).toHaveLength(14);
    // Each voter's receipt is published once, and each appears in the dump exactly once (its ballot row), never in the logs.
    expect(new Set(published.map((b) => b.receipt))).toEqual(new Set(receipts.values()));
    for (const receipt of receipts.values()) {
      expect(dump.split(receipt).length - 1).toBe(1);
      expect(logs).not.toContain(receipt);
    }
    // The ballot table: random id, item, receipt, choice, weight. No member or voter id, no time.
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const columns = (await sql.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'assembly_ballot' ORDER BY ordinal_position")).rows.map((r) => r.column_name);
      expect(columns).toEqual(['id', 'item_id', 'receipt', 'choice', 'weight']);
      const copy = /COPY public\.assembly_ballot \(([^)]*)\) FROM stdin;\n([\s\S]*?)\n\\\.\n/.exec(dump);
      expect(copy, 'the ballot rows in the dump').not.toBeNull();
      const rows = copy![2]!.split('\n').map((l) => l.split('\t'));
      expect(rows).toHaveLength(14);
      const voters = await parts.service.voters(assembly);
      const ids = [...voters.flatMap((v) => [v.id, v.memberId, v.memberNumber])];
      // Field by field: a short member number ("2009") may well occur inside a random UUID or receipt.
      for (const row of rows) for (const field of row) for (const id of ids) expect(field === id || (id.length >= 32 && field.includes(id))).toBe(false);
      // Ballot ids and the has-voted register share nothing: every ballot id appears once in the whole dump.
      for (const row of rows) expect(dump.split(row[0]!).length - 1).toBe(1);
      // The secret item's has-voted rows hold no choice.
      expect((await sql.query("SELECT count(*)::int AS n FROM assembly_has_voted WHERE item_id = $1 AND choice IS NOT NULL", [election.id])).rows[0].n).toBe(0);
      // Row order of the ballots (dump and heap) does not follow the order of voting.
      const dumpOrder = rows.map((r) => [...receipts.entries()].find(([, rc]) => rc === r[2])![0]);
      expect(dumpOrder).not.toEqual(secretOrder);
      expect(dumpOrder).not.toEqual([...secretOrder].reverse());
      const heap = (await sql.query<{ receipt: string }>('SELECT receipt FROM assembly_ballot WHERE item_id = $1', [election.id])).rows.map((r) => r.receipt);
      expect(heap).not.toEqual(secretOrder.map((k) => receipts.get(k)));
    } finally {
      await sql.end();
    }
    // No button value of the secret item (which carries the choice) in the dump or the logs.
    for (const choice of [0, 1, 2]) {
      expect(dump).not.toContain(`${election.id}:${choice}:`);
      expect(logs).not.toContain(`${election.id}:${choice}:`);
    }
    // Anyone can recount from the published receipts.
    const recount = { Anna: 0, Bram: 0, blank: 0 } as Record<string, number>;
    for (const b of published) recount[b.choice]! += b.weight;
    expect(recount).toEqual({ Anna: 7, Bram: 5, blank: 2 });
    expect(h.loggedErrors()).toEqual([]);
  });
});
