import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageInsights } from '../../src/kernel/message-terms.js';
import type { ActionEvent } from '../../src/kernel/ports/chat-platform.js';
import { addMember, command, rollups, seen } from './insights-fixtures.js';
import { download, linkIn, replyText, startInsightsHarness, type InsightsHarness } from './insights-harness.js';

describe('insights commands', () => {
  let h: InsightsHarness;
  let manager: { id: string; userId: string };
  let anne: { id: string; userId: string };
  const today = () => new Date();

  beforeAll(async () => {
    h = await startInsightsHarness();
    manager = await addMember(h.db, h.world, 'UMANAGER', { name: 'Mies Manager', roles: ['member', 'manager'], chapterId: h.world.chapterId });
    anne = await addMember(h.db, h.world, 'UANNE', { name: 'Anne', chapterId: h.world.chapterId });
    await addMember(h.db, h.world, 'UBOB', { name: 'Bob' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts messages, replies, commands and votes that reach the router', async () => {
    await h.send(seen(h.world, anne.userId, today(), { length: 12 }));
    await h.send(seen(h.world, anne.userId, today(), { length: 3, threadId: 't1' }));
    await h.send(seen(h.world, 'UBOB', today(), { length: 5, channelId: h.world.channels.noord }));
    await h.send(command(h.world, anne.userId, ['help']));
    const vote: ActionEvent = { type: 'action', platform: 'slack', workspaceId: h.world.workspace, userId: anne.userId, actionId: 'poll.vote', value: '1', raw: {} };
    await h.send(vote);
    await h.install.ingestor.flush();
    const kinds = (await rollups(h.db, h.world.organizationId)).filter((r) => r.member === anne.id).map((r) => [r.kind, r.count]);
    expect(kinds.sort()).toEqual([['command', 1], ['message', 1], ['reply', 1], ['vote', 1]]);
  });

  it('refuses insights to members who are not managers', async () => {
    const r = await h.send(command(h.world, anne.userId, ['insights']));
    expect(replyText(r)).toBe('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
  });

  it('shows managers the key numbers of the period with bars per channel and chapter', async () => {
    const r = await h.send(command(h.world, manager.userId, ['insights', 'week']));
    const text = replyText(r);
    expect(r?.visibility).toBe('private');
    expect(text).toContain('Inzichten: afgelopen 7 dagen');
    expect(text).toMatch(/Actieve leden: 2 \(nieuw\)/);
    expect(text).toMatch(/Berichten: 3 \(nieuw\)/);
    expect(text).toContain('#algemeen 2 67%');
    expect(text).toContain('Noord');
    expect(r?.view.blocks.some((b) => b.type === 'bars')).toBe(true);
  });

  it('answers `insights show` (the name Discord can register) and the typed `insights` alike', async () => {
    const shown = replyText(await h.send(command(h.world, manager.userId, ['insights', 'show', 'week'])));
    const typed = replyText(await h.send(command(h.world, manager.userId, ['insights', 'week'])));

    expect(shown).toContain('Inzichten: afgelopen 7 dagen');
    // The same overview; its figures may move by the first command itself once its activity is written.
    const shape = (text: string) => text.replace(/\d+/g, '#');
    expect(shape(typed)).toBe(shape(shown));
  });

  it('filters by chapter, and names the chapters when one does not exist', async () => {
    const carl = await addMember(h.db, h.world, 'UCARL', { name: 'Carl' });
    await h.send(seen(h.world, carl.userId, today(), { length: 4 }));
    await h.install.ingestor.flush();
    const all = replyText(await h.send(command(h.world, manager.userId, ['insights', 'month'])));
    expect(all).toMatch(/Actieve leden: 4 /);
    // Anne and the manager are in Noord; Bob has no chapter but wrote in Noord's channel; Carl neither.
    const noord = replyText(await h.send(command(h.world, manager.userId, ['insights', 'month', 'noord'])));
    expect(noord).toContain('afdeling Noord');
    expect(noord).toMatch(/Actieve leden: 3 /);
    const unknown = replyText(await h.send(command(h.world, manager.userId, ['insights', 'Zuid'])));
    expect(unknown).toContain('Er is geen afdeling "Zuid". Afdelingen: Noord');
  });

  it('switches topic tracking on and off per organisation', async () => {
    expect(replyText(await h.send(command(h.world, manager.userId, ['insights', 'topics'])))).toContain('**uit**');
    expect(replyText(await h.send(command(h.world, manager.userId, ['insights', 'topics', 'on'])))).toContain('**aan**');
    expect(await h.install.insights.topicsEnabled(h.world.organizationId)).toBe(true);
    expect(await h.install.insights.topicsEnabled(h.other.organizationId)).toBe(false);
  });

  it('exports a period as CSV through a short-lived link that only works for exports', async () => {
    const url = linkIn(await h.send(command(h.world, manager.userId, ['insights', 'export', 'week'])));
    expect(url).toMatch(/\/insights\/export\.csv\?token=/);
    const res = await download(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/kring-activiteit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv/);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toBe('dag,platform,kanaal,afdeling,soort,aantal,tekens,leden met naam');
    expect(lines.some((l) => /,slack,algemeen,,message,\d+,\d+,\d+/.test(l) || /,slack,algemeen,Noord,message,/.test(l))).toBe(true);
    // The token only works for exports, and only as itself.
    expect((await download(url.replace('export.csv', 'mydata.json'))).status).toBe(401);
    expect((await download(url.replace(/token=.*/, 'token=forged.token'))).status).toBe(401);
    // Opening the link (as a chat client's link preview does) gives the page with the button, not the file.
    expect((await fetch(url)).headers.get('content-type')).toContain('text/html');
  });

  it('stops counting a member by name after `/kring privacy off`, and again after `on`', async () => {
    const bea = await addMember(h.db, h.world, 'UBEA', { name: 'Bea' });
    expect(replyText(await h.send(command(h.world, bea.userId, ['privacy'])))).toContain('ja, bij je lidmaatschap');
    expect(replyText(await h.send(command(h.world, bea.userId, ['privacy', 'off'])))).toMatch(/^Klaar/);
    await h.send(seen(h.world, bea.userId, today(), { length: 9, channelId: h.world.channels.managers }));
    await h.install.ingestor.flush();
    // Attribution happens when a batch is written: even her commands from before the opt-out are anonymous.
    expect((await rollups(h.db, h.world.organizationId)).filter((r) => r.member === bea.id)).toEqual([]);
    const anonymous = (await rollups(h.db, h.world.organizationId)).filter((r) => r.channel === 'slack:CMANAGERS' && r.kind === 'message');
    expect(anonymous).toEqual([expect.objectContaining({ member: '', count: 1, chars: 9 })]);
    expect(replyText(await h.send(command(h.world, bea.userId, ['privacy', 'on'])))).toContain('weer mee');
    expect(await h.install.privacy.isOptedOut(bea.id)).toBe(false);
  });

  it('gives a member everything Kring holds about them as one JSON file', async () => {
    const poll = await h.db.prisma.poll.create({
      data: { organizationId: h.world.organizationId, question: 'Zaterdag fietsen?', options: { create: [{ position: 0, label: 'Ja' }, { position: 1, label: 'Nee' }] } },
    });
    await h.db.prisma.ballot.create({ data: { pollId: poll.id, voterKey: anne.id, memberId: anne.id, choices: [0] } });
    const url = linkIn(await h.send(command(h.world, anne.userId, ['mydata'])));
    const res = await download(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('kring-mijn-gegevens-');
    const file = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON document
    expect(file['member']).toMatchObject({ id: anne.id, name: 'Anne', email: 'uanne@example.org' });
    expect(file['chapter']).toBe('Noord');
    expect(file['platformAccounts']).toEqual([expect.objectContaining({ platform: 'slack', userId: 'UANNE' })]);
    expect(file['votes']).toEqual([expect.objectContaining({ question: 'Zaterdag fietsen?', choices: ['Ja'] })]);
    expect(file['activity'].length).toBeGreaterThan(0);
    expect(file['privacy']).toEqual({ insightsOptOut: false, updatedAt: null });
  });

  it('forgets a member after confirmation: votes become anonymous, activity joins the totals, accounts are unlinked', async () => {
    const before = await h.db.prisma.ballot.findFirstOrThrow({ where: { memberId: anne.id } });
    const ask = await h.send(command(h.world, anne.userId, ['forget']));
    expect(ask?.view.blocks.some((b) => b.type === 'buttons')).toBe(true);
    expect(await h.db.prisma.member.count({ where: { id: anne.id } })).toBe(1);

    const press: ActionEvent = { type: 'action', platform: 'slack', workspaceId: h.world.workspace, userId: anne.userId, actionId: 'privacy.forget', raw: {} };
    const done = await h.send(press);
    expect(replyText(done)).toMatch(/^Klaar\. Kring heeft je gegevens verwijderd/);
    expect(done?.replaceOriginal).toBe(true);

    expect(await h.db.prisma.member.count({ where: { id: anne.id } })).toBe(0);
    expect(await h.db.prisma.platformIdentity.count({ where: { platformUserId: anne.userId } })).toBe(0);
    const ballot = await h.db.prisma.ballot.findUniqueOrThrow({ where: { id: before.id } });
    expect(ballot.memberId).toBeNull();
    expect(ballot.voterKey).not.toBe(before.voterKey);
    expect(ballot.choices).toEqual([0]);
    const rows = await rollups(h.db, h.world.organizationId);
    expect(rows.some((r) => r.member === anne.id)).toBe(false);
    expect(rows.find((r) => r.channel === 'slack:CGENERAL' && r.kind === 'reply')).toMatchObject({ member: '', count: 1 });
    expect(replyText(await h.send(command(h.world, anne.userId, ['mydata'])))).toContain('niets (meer)');
  });

  it('posts the weekly digest to the managers channel', async () => {
    const posted = await h.install.digest.post(h.world.organizationId);
    expect(posted).toBe(1);
    const [message] = h.slack.visibleIn(h.world.channels.managers);
    expect(message?.view.fallback).toBe('Wekelijkse inzichten voor De Fietsclub');
    expect(await h.install.digest.post(h.other.organizationId)).toBe(1);
  });

  it('keeps no message text anywhere in the database after an end-to-end run', async () => {
    const marker = `kring${'x'.repeat(3)}MARKER7f3a`;
    const sentence = `Wie weet waar de ${marker} vergadering zaterdag is? Mail ${marker}@example.org of zie https://example.org/${marker}`;
    for (let i = 0; i < 3; i++) {
      const extracted = messageInsights(sentence, 'nl');
      await h.send(seen(h.world, manager.userId, today(), { length: sentence.length, messageId: `m${i}`, ...extracted }));
    }
    await h.send(command(h.world, manager.userId, ['insights', sentence]));
    await h.send(command(h.world, manager.userId, ['privacy', marker]));
    await h.install.ingestor.flush();
    expect(await h.db.prisma.topicWeekly.count({ where: { organizationId: h.world.organizationId, term: 'vergader' } })).toBe(1);

    const columns = await h.db.prisma.$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED')`;
    expect(columns.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const c of columns) {
      const found = await h.db.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text ILIKE $1`,
        `%${marker.slice(0, 12)}%`,
      );
      if ((found[0]?.n ?? 0) > 0) hits.push(`${c.table_name}.${c.column_name}`);
    }
    expect(hits).toEqual([]);
  });
});
