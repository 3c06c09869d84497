import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerButtonValue, answerFieldName, questionRef, type Survey } from '../../src/capabilities/surveys/domain/survey.js';
import type { SurveysParts } from '../../src/capabilities/surveys/index.js';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, MemberRole, Organization } from '../../src/kernel/community.js';
import type { KringEvents } from '../../src/kernel/events.js';
import type { ActionEvent, CommandEvent, FormSubmittedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Platform } from '../../src/kernel/types.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { MemoryLogger } from '../fakes/teams/teams-test-bed.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';

/**
 * Surveys through Kring's app path (chat router, queue, Prisma on PostgreSQL) with fake platforms: the
 * invitation by direct message to the audience, answers question by question (buttons and forms), bad
 * input refused politely in the member's language with the results unchanged, the results, the CSV, the
 * reminder and `survey.closed`; and the anonymity test: after an anonymous survey is answered, neither the
 * database, the captured logs, the replies, the export nor the results join an answer to a member.
 */
interface Account {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const text = (reply: Reply | undefined) => JSON.stringify(reply?.view.blocks ?? []);

describe('surveys through the app path', () => {
  let db: Database;
  let sql: pg.Client;
  let app: ChatRouter;
  let parts: SurveysParts;
  let organization: Organization;
  let queue: InProcessJobQueue;
  const logger = new MemoryLogger();
  const slack = new FakeChatPlatform('slack');
  const discord = new FakeChatPlatform('discord');
  const closedEvents: KringEvents['survey.closed'][] = [];
  const manager: Account = { platform: 'slack', workspaceId: 'T-survey', userId: 'U-manager' };
  let chapters: { utrecht: string; zwolle: string };
  const members: { member: Member; accounts: Account[] }[] = [];
  let seq = 0;

  const makeMember = async (roles: MemberRole[], chapterId: string | null, accounts: Account[], locale: 'nl' | 'en' | null = null) => {
    const repos = prismaRepositories(db.prisma);
    const memberNumber = `V${String(++seq).padStart(3, '0')}`;
    await repos.members.upsertMany(organization.id, [{ memberNumber, name: `Lid ${seq}`, email: null, status: 'active', roles, chapterId, ...(locale ? { locale } : {}) }]);
    const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
    for (const a of accounts) {
      await repos.workspaces.upsert({ organizationId: organization.id, platform: a.platform, externalId: a.workspaceId });
      const r = await repos.linkRequests.create({ organizationId: organization.id, memberId: m.id, platform: a.platform, workspaceId: a.workspaceId, platformUserId: a.userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
      if (!(await repos.linkRequests.confirm(r.id, new Date(), null))) throw new Error('link failed');
    }
    members.push({ member: m, accounts });
    return m;
  };

  const command = (account: Account, words: string): Promise<Reply | undefined> => {
    const [first = '', second = '', ...rest] = words.split(' ');
    const event: CommandEvent = { type: 'command', ...account, channelId: 'C-board', path: [first, second], args: rest, options: {}, raw: null };
    return app.handle(event);
  };
  const press = (account: Account, actionId: string, value: string): Promise<Reply | undefined> => {
    const event: ActionEvent = { type: 'action', ...account, channelId: `dm-${account.userId}`, actionId, value, raw: null };
    return app.handle(event);
  };
  const submit = (account: Account, values: Record<string, string>): Promise<Reply | undefined> => {
    const event: FormSubmittedEvent = { type: 'form-submitted', ...account, channelId: `dm-${account.userId}`, formId: 'survey.answer', values, raw: null };
    return app.handle(event);
  };
  const shortId = (reply: Reply | undefined) => {
    const id = /`([0-9a-f]{8})`/.exec(text(reply))?.[1];
    if (!id) throw new Error(`no id in ${text(reply)}`);
    return id;
  };

  /** A draft with three questions (single choice, NPS, text), as a manager writes it in chat. */
  const writeSurvey = async (settings: string): Promise<Survey> => {
    const id = shortId(await command(manager, `survey create Ledenpeiling ${settings}`));
    expect(text(await command(manager, `survey question ${id} single Which evening suits you? | Monday | Thursday`))).toContain('Question 1 added');
    await command(manager, `survey question ${id} nps How likely are you to recommend us?`);
    await command(manager, `survey question ${id} text What should we change?`);
    return parts.service.find(organization.id, id);
  };

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const repos = prismaRepositories(db.prisma);
    const slug = `org-${randomUUID().slice(0, 8)}`;
    organization = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    queue = new InProcessJobQueue(logger, 50);
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack, discord]), logger });
    ctx.bus.on('survey.closed', (e) => {
      closedEvents.push(e);
    });
    const built = buildTestCapabilities(['surveys'], ctx, { defaultOrganizationSlug: slug });
    app = built.router;
    parts = built.built.parts.surveys;
    await parts.start?.();
    const [utrecht, zwolle] = await repos.chapters.ensureMany(organization.id, ['Utrecht', 'Zwolle']);
    chapters = { utrecht: utrecht!.id, zwolle: zwolle!.id };
    await makeMember(['member', 'manager'], null, [manager]);
    // Six members in Utrecht (one of them on Slack and Discord, writing Dutch), two in Zwolle.
    for (let i = 0; i < 8; i++) {
      const accounts: Account[] = [{ platform: 'discord', workspaceId: 'G-survey', userId: `D${i}` }];
      if (i === 0) accounts.push({ platform: 'slack', workspaceId: 'T-survey', userId: 'U-bram' });
      await makeMember(['member'], i < 6 ? chapters.utrecht : chapters.zwolle, accounts, i === 0 ? 'nl' : null);
    }
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await sql?.end();
    await db?.close();
  });

  const account = (i: number) => members[i + 1]!.accounts[0]!;
  const bramOnSlack: () => Account = () => members[1]!.accounts[1]!;

  it('sends a named survey to a chapter by direct message, takes answers question by question on two platforms, and counts one response per member', async () => {
    const survey = await writeSurvey('--chapter=Utrecht');
    // Discord fails D3's first direct message: the job is tried again and it arrives once.
    discord.failNext({ code: 'TRANSIENT', op: 'sendDirect', channelId: 'dm-D3' });
    expect(text(await command(manager, `survey send ${survey.id.slice(0, 8)}`))).toContain('on its way to 6 members');
    // One invitation per member, on their first platform (Discord), in their language.
    for (let i = 0; i < 6; i++) await until(() => discord.messagesIn(`dm-D${i}`).length === 1, `the invitation of D${i}`);
    expect(discord.calls.filter((c) => c.op === 'sendDirect' && c.channelId === 'dm-D3').map((c) => c.outcome)).toEqual(['TRANSIENT', 'ok']);
    expect(discord.messagesIn('dm-D6')).toEqual([]);
    expect(slack.messagesIn('dm-U-bram')).toEqual([]);
    expect(discord.messagesIn('dm-D0')[0]!.text).toContain('Het bestuur hoort graag van je');
    expect(discord.messagesIn('dm-D1')[0]!.text).toContain('The board would like to hear from you');
    await until(async () => (await parts.service.counts(survey)).delivered === 6, 'six delivered');

    // Bram answers question 1 on Discord, question 2 on Slack, and tries question 1 again on Slack.
    const q1 = await press(account(0), 'survey.answer', answerButtonValue(survey.id, 0, 1));
    expect(q1?.replaceOriginal).toBe(true);
    expect(text(q1)).toContain('Vraag 2 van 3');
    const again = await press(bramOnSlack(), 'survey.answer', answerButtonValue(survey.id, 0, 0));
    expect(text(again)).toContain('Die vraag heb je al beantwoord');
    expect(text(await press(bramOnSlack(), 'survey.answer', answerButtonValue(survey.id, 1, 10)))).toContain('Vraag 3 van 3');
    // The text question opens a form; the form's answer finishes the survey.
    const formReply = await press(bramOnSlack(), 'survey.form', questionRef(survey.id, 2));
    expect(formReply?.form?.fields[0]).toMatchObject({ name: answerFieldName(survey.id, 2), kind: 'long' });
    expect(text(await submit(bramOnSlack(), { [answerFieldName(survey.id, 2)]: 'Meer avonden' }))).toContain('Bedankt');

    // Four more members finish on Discord.
    for (let i = 1; i < 5; i++) {
      await press(account(i), 'survey.answer', answerButtonValue(survey.id, 0, i % 2));
      await press(account(i), 'survey.answer', answerButtonValue(survey.id, 1, 5 + i));
      await submit(account(i), { [answerFieldName(survey.id, 2)]: `=HYPERLINK("x") idea ${i}` });
    }
    const { rows } = await sql.query<{ members: number; answers: number }>('SELECT count(DISTINCT member_id)::int AS members, count(*)::int AS answers FROM survey_answer WHERE survey_id = $1', [survey.id]);
    expect(rows[0]).toEqual({ members: 5, answers: 15 });

    // The results: bars, NPS, texts with names (named survey), and Utrecht (5 responses) in the breakdown.
    const results = await parts.service.results(survey);
    expect(results.respondents).toBe(5);
    expect(results.questions[0]!.bars.map((b) => b.count)).toEqual([2, 3]);
    // NPS answers 10, 6, 7, 8, 9: promoters 2, detractors 1 of 5 = +20.
    expect(results.questions[1]!.nps).toEqual({ score: 20, promoters: 2, passives: 2, detractors: 1 });
    expect(results.questions[2]!.texts).toContainEqual({ text: 'Meer avonden', name: 'Lid 2' });
    expect(results.chapters?.map((c) => [c.chapterName, c.respondents])).toEqual([['Utrecht', 5]]);
    const shown = text(await command(manager, `survey results ${survey.id.slice(0, 8)}`));
    expect(shown).toContain('"type":"bars"');
    expect(shown).toContain('NPS +20');
    expect(shown).toContain('Lid 2: Meer avonden');

    // The CSV: one line per response, formula-safe.
    const csv = text(await command(manager, `survey export ${survey.id.slice(0, 8)}`));
    expect(csv).toContain('Member number,Name,Chapter');
    expect(csv).toContain("'=HYPERLINK");

    // The reminder goes to the one who has not answered; closing publishes survey.closed.
    expect(text(await command(manager, `survey remind ${survey.id.slice(0, 8)}`))).toContain('Reminder sent to 1 member');
    await until(() => discord.messagesIn('dm-D5').length === 2, 'the reminder');
    expect(discord.messagesIn('dm-D5')[1]!.text).toContain('A reminder');
    expect(discord.messagesIn('dm-D4')).toHaveLength(1);
    await command(manager, `survey close ${survey.id.slice(0, 8)}`);
    expect(closedEvents.at(-1)).toMatchObject({ surveyId: survey.id, invited: 6, completed: 5, respondents: 5 });
    expect(closedEvents.at(-1)!.questions[1]).toMatchObject({ kind: 'nps', nps: 20 });
  }, 90_000);

  it('refuses bad input politely in the member\'s language and leaves the results unchanged', async () => {
    const survey = await writeSurvey('');
    await command(manager, `survey send ${survey.id.slice(0, 8)}`);
    const before = await parts.service.results(survey);
    const dutch = account(0);
    const english = account(1);
    const cases: [Account, string, string, string][] = [
      [english, 'survey.answer', answerButtonValue(survey.id, 7, 1), 'This survey has no such question'],
      [dutch, 'survey.answer', answerButtonValue(survey.id, 7, 1), 'Deze enquête heeft zo\'n vraag niet'],
      [english, 'survey.answer', answerButtonValue(survey.id, 1, 11), 'not one of the choices'],
      [dutch, 'survey.answer', answerButtonValue(survey.id, 0, 5), 'geen van de keuzes'],
      [english, 'survey.answer', answerButtonValue(survey.id, 1, 3), 'Please answer question 1 first'],
      [english, 'survey.answer', 'garbage', 'This button no longer works'],
    ];
    for (const [who, actionId, value, expected] of cases) expect(text(await press(who, actionId, value))).toContain(expected);
    expect(text(await submit(english, { [answerFieldName(survey.id, 2)]: 'x'.repeat(1001) }))).toContain('Write an answer of at most 1000 characters');
    // An unlinked person is refused without anything stored.
    expect(text(await press({ platform: 'slack', workspaceId: 'T-survey', userId: 'U-stranger' }, 'survey.answer', answerButtonValue(survey.id, 0, 0)))).toContain('verified, active members only');
    // Answering twice, and after the close.
    await press(english, 'survey.answer', answerButtonValue(survey.id, 0, 0));
    expect(text(await press(english, 'survey.answer', answerButtonValue(survey.id, 0, 1)))).toContain('You have answered that question already');
    await command(manager, `survey close ${survey.id.slice(0, 8)}`);
    expect(text(await press(dutch, 'survey.answer', answerButtonValue(survey.id, 0, 1)))).toContain('Deze enquête is gesloten');
    const after = await parts.service.results(survey);
    expect(after.respondents).toBe(before.respondents + 1);
    expect(after.questions[0]!.bars.map((b) => b.count)).toEqual([1, 0]);
    expect(after.questions[1]!.answered).toBe(0);
  }, 60_000);

  it('anonymous: after answering, no database row, log line, reply, export or result joins an answer to a member', async () => {
    const survey = await writeSurvey('--anonymous');
    expect(text(await command(manager, `survey send ${survey.id.slice(0, 8)}`))).toContain('on its way to 9 members');
    logger.lines.length = 0;
    const secretTexts = new Map<string, string>();
    // Members 0..6 finish; member 7 answers one question only.
    for (let i = 0; i < 7; i++) {
      const who = account(i);
      await press(who, 'survey.answer', answerButtonValue(survey.id, 0, i % 2));
      await press(who, 'survey.answer', answerButtonValue(survey.id, 1, i));
      const answer = `secret wish ${randomUUID()}`;
      secretTexts.set(members[i + 1]!.member.id, answer);
      const r = await submit(who, { [answerFieldName(survey.id, 2)]: answer });
      expect(text(r)).not.toContain(answer);
    }
    await press(account(7), 'survey.answer', answerButtonValue(survey.id, 0, 0));
    await command(manager, `survey close ${survey.id.slice(0, 8)}`);

    const memberIds = members.map((m) => m.member.id);
    // The answers: no member, no time, no column that names the invitation or follows its order.
    const answers = await sql.query<Record<string, unknown>>('SELECT *, xmin::text AS xmin FROM survey_answer WHERE survey_id = $1', [survey.id]);
    expect(answers.rows).toHaveLength(22);
    const columns = Object.keys(answers.rows[0]!).sort();
    expect(columns).toEqual(['choices', 'id', 'member_id', 'position', 'response_id', 'survey_id', 'text', 'value', 'xmin']);
    expect(answers.rows.every((r) => r['member_id'] === null)).toBe(true);
    const invites = await sql.query<Record<string, unknown>>('SELECT id::text AS id, member_id::text AS member_id, sealed_answers FROM survey_invite WHERE survey_id = $1', [survey.id]);
    const inviteIds = new Set(invites.rows.map((r) => r['id']));
    for (const r of answers.rows) {
      expect(memberIds).not.toContain(r['id']);
      expect(memberIds).not.toContain(r['response_id']);
      expect(inviteIds.has(r['id'])).toBe(false);
      expect(inviteIds.has(r['response_id'])).toBe(false);
    }
    // Released in batches written in one transaction each (5 complete, then the rest at close).
    expect(new Set(answers.rows.map((r) => r['xmin'])).size).toBeLessThanOrEqual(2);
    expect(invites.rows.every((r) => r['sealed_answers'] === null)).toBe(true);
    // Nothing anywhere in the database holds a secret answer next to a member: only the answer row has it.
    for (const [, secret] of secretTexts) {
      const found = await sql.query('SELECT table_name FROM information_schema.columns c WHERE table_schema = current_schema() AND data_type IN (\'text\', \'character varying\') GROUP BY table_name');
      for (const { table_name: table } of found.rows as { table_name: string }[]) {
        const hit = await sql.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE $1`, [`%${secret}%`]);
        expect([table, hit.rows[0].n]).toEqual([table, table === 'survey_answer' ? 1 : 0]);
      }
    }
    // The logs of answering never carry a member and an answer together (nor the answer at all).
    const logged = JSON.stringify(logger.lines);
    for (const secret of secretTexts.values()) expect(logged).not.toContain(secret);
    expect(logger.lines.filter((l) => JSON.stringify(l).includes(survey.id) && memberIds.some((id) => JSON.stringify(l).includes(id)))).toEqual([]);
    // The export has no member column; the results no names, no chapters.
    const csv = text(await command(manager, `survey export ${survey.id.slice(0, 8)}`));
    expect(csv).toContain('Response,1. Which evening');
    expect(csv).not.toContain('Lid ');
    expect(csv).not.toContain('Utrecht');
    const results = await parts.service.results((await parts.service.findById(survey.id))!);
    expect(results.respondents).toBe(8);
    expect(results.chapters).toBeNull();
    expect(results.questions[2]!.texts.every((x) => x.name === null)).toBe(true);
    expect(text(await command(manager, `survey results ${survey.id.slice(0, 8)}`))).not.toContain('Lid ');
    // The admin API's results and export (the operations' own handlers) name nobody either.
    const route = (id: string) => (parts.api?.routes ?? []).find((r) => r.operationId === id)!;
    const request = { organization, params: { org: organization.slug, surveyId: survey.id }, query: {}, body: undefined } as never;
    const apiResults = JSON.stringify(await route('getSurveyResults').handle(request));
    const apiCsv = JSON.stringify(await route('exportSurveyCsv').handle(request));
    for (const m of members) for (const out of [apiResults, apiCsv]) {
      expect(out).not.toContain(m.member.id);
      expect(out).not.toContain(m.member.name);
      expect(out).not.toContain(m.member.memberNumber);
    }
    const apiXlsx = await route('exportSurveyXlsx').handle(request);
    expect('bytes' in apiXlsx && apiXlsx.bytes.length > 0).toBe(true);
    expect(apiResults).toContain('"chapters":null');
    expect(apiCsv).toContain(secretTexts.values().next().value!);
  }, 90_000);

  it('draws a random sample of N, takes a multiple-choice answer from its form, reminds and closes on its own', async () => {
    const id = shortId(await command(manager, 'survey create Steekproef --sample=3'));
    await command(manager, `survey question ${id} multiple Which topics? | Sports | Culture | Travel`);
    const survey = await parts.service.find(organization.id, id);
    expect(survey.audience).toEqual({ base: { kind: 'all' }, sample: 3 });
    expect(text(await command(manager, `survey send ${id}`))).toContain('on its way to 3 members');
    expect((await parts.service.counts(survey)).invited).toBe(3);
    const invited = await sql.query<{ member_id: string }>('SELECT member_id::text AS member_id FROM survey_invite WHERE survey_id = $1', [survey.id]);
    const who = members.find((m) => m.member.id === invited.rows[0]!.member_id)!.accounts[0]!;
    // The form's multi-select answers with the chosen option values; a forged value is refused.
    const opened = await press(who, 'survey.form', questionRef(survey.id, 0));
    expect(opened?.form?.fields[0]).toMatchObject({ kind: 'multi-select', options: [{ value: '0' }, { value: '1' }, { value: '2' }] });
    const field = answerFieldName(survey.id, 0);
    expect(text(await submit(who, { [field]: '0,7' }))).toMatch(/not one of the choices|geen van de keuzes/);
    expect(text(await submit(who, { [field]: '0,2' }))).toMatch(/Thank you|Bedankt/);
    expect((await parts.service.results(survey)).questions[0]!.bars.map((b) => b.count)).toEqual([1, 0, 1]);

    // A survey that closes in six seconds: the reminder goes halfway (to the one who has not answered), then it closes by itself.
    const soon = await parts.service.create({ organizationId: organization.id, createdByMemberId: null, title: 'Korte peiling', anonymous: false, audience: { base: { kind: 'chapter', chapterId: chapters.zwolle }, sample: null }, closesAt: new Date(Date.now() + 6000) });
    await parts.service.addQuestion(soon, { kind: 'scale', prompt: 'How satisfied are you?' });
    const sent = await parts.service.send((await parts.service.findById(soon.id))!);
    expect(sent.invited).toBe(2);
    await press(account(6), 'survey.answer', answerButtonValue(soon.id, 0, 4));
    await until(() => discord.messagesIn('dm-D7').some((m) => m.text.includes('A reminder')), 'the automatic reminder', 20_000);
    expect(discord.messagesIn('dm-D6').some((m) => m.text.includes('A reminder'))).toBe(false);
    await until(() => closedEvents.some((e) => e.surveyId === soon.id), 'the automatic close', 20_000);
    expect((await parts.service.findById(soon.id))!.status).toBe('closed');
    expect(closedEvents.find((e) => e.surveyId === soon.id)!.questions[0]).toMatchObject({ kind: 'scale', average: 4 });
  }, 60_000);
});
