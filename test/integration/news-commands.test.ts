import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { MemberRole } from '../../src/kernel/community.js';
import type { Database } from '../../src/infra/database/database.js';
import type { CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { unlimited } from '../../src/kernel/platform-limits.js';
import { FakeChatPlatform } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { createNewsHarness, createTestBullQueue, until, type NewsHarness } from './news-harness.js';

/**
 * `/kring news ...` through the command router, on PostgreSQL + BullMQ, with a platform fake: a manager
 * posts, watches the live delivery report fill up, edits and retracts.
 */
let db: Database;
beforeAll(async () => {
  db = await createPostgresTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const text = (reply: Reply | undefined): string =>
  (reply?.view.blocks ?? []).map((b) => ('text' in b ? b.text : b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join(' ') : '')).join('\n');

describe('news commands', () => {
  let h: NewsHarness;
  let app: ChatRouter;
  let slack: FakeChatPlatform;
  let workspace: string;
  let cleanup: () => Promise<void>;
  let closeQueue: () => Promise<void>;

  const member = async (number: string, userId: string, roles: MemberRole[], locale: 'en' | 'nl' = 'en') => {
    await h.repos.members.upsertMany(h.organization.id, [{ memberNumber: number, name: `Lid ${number}`, email: null, status: 'active', roles, chapterId: null, locale }]);
    const m = (await h.repos.members.findByNumber(h.organization.id, number))!;
    const req = await h.repos.linkRequests.create({
      organizationId: h.organization.id,
      memberId: m.id,
      platform: 'slack',
      workspaceId: workspace,
      platformUserId: userId,
      codeHash: 'x',
      expiresAt: new Date(Date.now() + 60_000),
      createdAt: new Date(),
    });
    await h.repos.linkRequests.confirm(req.id, new Date(), null);
  };

  const command = (userId: string, words: string, channelId = 'C-managers'): Promise<Reply | undefined> => {
    const [sub = '', action = '', ...args] = words.split(' ');
    const event: CommandEvent = { type: 'command', platform: 'slack', workspaceId: workspace, userId, channelId, path: [sub, action], args, options: {}, raw: {} };
    return app.handle(event);
  };

  const idOf = (reply: Reply | undefined): string => /`([0-9a-f]{8})`/.exec(text(reply))?.[1] ?? '';

  beforeAll(async () => {
    slack = new FakeChatPlatform({ platform: 'slack', latencyMs: 15 });
    const q = createTestBullQueue();
    cleanup = q.cleanup;
    closeQueue = () => q.queue.close();
    h = await createNewsHarness({ database: db, queue: q.queue, platforms: [slack], news: { limits: unlimited(2), retry: { attempts: 5, backoffMs: 50 }, statusWindowMs: 200 } });
    await h.connectChannels('slack', 'T1', 'C-news-', 40);
    workspace = `T1-${h.organization.slug}`;
    app = h.router;
    await member('1', 'U-manager', ['member', 'manager']);
    await member('2', 'U-member', ['member']);
    await member('3', 'U-bestuur', ['member', 'board'], 'nl');
  });
  afterAll(async () => {
    await h.stop();
    await closeQueue();
    await cleanup();
  });
  afterEach(() => {
    slack.failRandomly(undefined);
  });

  it('posts, shows a live delivery report that fills up, edits and retracts', async () => {
    const posted = await command('U-manager', 'news post Jaarvergadering | Kom **allemaal** op 12 december | https://example.org/agenda');
    expect(text(posted)).toMatch(/Announcement `[0-9a-f]{8}` is going out to 40 places/);
    const id = idOf(posted);

    const status = await command('U-manager', `news status ${id}`);
    expect(text(status)).toContain('updates itself');
    const report = () => slack.visibleIn('C-managers')[0];
    expect(report()?.text).toContain('Delivery report: Jaarvergadering');
    await until(() => /published/.test(report()?.text ?? '') && /Sent: 40/.test(report()?.text ?? ''), 20_000, 'the live report shows all 40 sent');
    expect(report()!.updates).toBeGreaterThan(0);
    // The copies carry the text, the link and who wrote it.
    const copy = slack.visibleIn('C-news-7')[0]!;
    expect(copy.text).toContain('Kom **allemaal** op 12 december');
    expect(copy.text).toContain('[Read more](https://example.org/agenda)');
    expect(copy.text).toContain('Vereniging Test · news from Lid 1');

    const edited = await command('U-manager', `news edit ${id} Jaarvergadering verplaatst | Nu op 19 december`);
    expect(text(edited)).toContain('40 posted copies are being updated');
    await until(() => slack.visibleIn('C-news-7')[0]!.text.includes('19 december'), 20_000, 'copies updated');

    const retracted = await command('U-manager', `news retract ${id}`);
    expect(text(retracted)).toContain('40 posted copies are being removed');
    await until(() => Array.from({ length: 40 }, (_, i) => slack.visibleIn(`C-news-${i}`).length).every((n) => n === 0), 20_000, 'copies removed');

    const list = await command('U-manager', 'news list');
    expect(text(list)).toContain(`\`${id}\` · Jaarvergadering verplaatst · retracted`);
  });

  it('answers a finished announcement’s status with the report itself', async () => {
    const posted = await command('U-manager', 'news post Kort | Bericht');
    const id = idOf(posted);
    await h.settled((await h.news.service.resolve(h.organization.id, id)).id);
    const status = await command('U-manager', `news status ${id}`);
    expect(text(status)).toContain('Sent: 40');
    expect(status?.visibility).toBe('private');
  });

  it('speaks Dutch to a Dutch manager and schedules in the organisation’s time zone', async () => {
    const reply = await command('U-bestuur', 'news schedule +2h Zomerfeest | Iedereen welkom');
    expect(text(reply)).toMatch(/Nieuwsbericht `[0-9a-f]{8}` gaat op .+ naar 40 plekken/);
    const bad = await command('U-bestuur', 'news schedule gisteren Titel | tekst');
    expect(text(bad)).toContain('Ik kan "gisteren" niet inplannen');
  });

  it('refuses members who are not managers, unknown ids and a text without body', async () => {
    expect(text(await command('U-member', 'news post Hoi | daar'))).toBe('Only members with one of these roles can do that: community manager, board.');
    expect(text(await command('U-manager', 'news status 0000abcd'))).toContain('I could not find an announcement `0000abcd`');
    expect(text(await command('U-manager', 'news post Alleen een titel'))).toContain('`<title> | <text>`');
  });
});
