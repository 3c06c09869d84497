import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { ActionEvent, CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { RecordingLogger } from '../support/logger.js';

/**
 * Peer support (lotgenoten) on PostgreSQL through the chat router (issue 13, second acceptance point): a
 * member's situation shows in no reply, direct message, log line, bus event, profile or find answer before
 * they (and the volunteer) said yes; it is sealed at rest; a stranger's press records nothing; after the
 * member is erased nothing of it is left in the database.
 */
describe('connect: peer support', () => {
  const SITUATION = 'Zeldzame aandoening Q';
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  const logger = new RecordingLogger();
  const slack = new FakeChatPlatform('slack');
  const queue = new InProcessJobQueue(logger, 5);
  const events: { name: string; payload: unknown }[] = [];
  const slug = `org-${randomUUID().slice(0, 8)}`;
  let seq = 0;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Patiëntenvereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack]), logger });
    const original = ctx.bus.publish.bind(ctx.bus);
    ctx.bus.publish = (async (name: string, payload: unknown) => {
      events.push({ name, payload });
      return original(name as never, payload as never);
    }) as typeof ctx.bus.publish;
    const built = buildTestCapabilities(['connect'], ctx, { defaultOrganizationSlug: slug });
    router = built.router;
    connect = built.built.parts.connect;
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  async function member(name: string, roles: Member['roles'] = ['member']) {
    const memberNumber = String(7000 + ++seq);
    const userId = `U${memberNumber}`;
    await repos.members.upsertMany(org.id, [{ memberNumber, name, email: null, status: 'active', roles, chapterId: null, locale: 'nl' }]);
    const m = (await repos.members.findByNumber(org.id, memberNumber))!;
    await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: 'T1' });
    const request = await repos.linkRequests.create({ organizationId: org.id, memberId: m.id, platform: 'slack', workspaceId: 'T1', platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
    return { member: m, userId };
  }
  const base = (userId: string) => ({ platform: 'slack' as const, workspaceId: 'T1', userId, channelId: 'D1', raw: null });
  const command = (userId: string, path: string[], args: string[] = []) => router.handle({ type: 'command', ...base(userId), path, args, options: {} } satisfies CommandEvent);
  const press = (userId: string, actionId: string, value?: string) => router.handle({ type: 'action', ...base(userId), actionId, ...(value === undefined ? {} : { value }), eventId: randomUUID() } satisfies ActionEvent);
  const text = (r: Reply | undefined) => JSON.stringify(r ?? null);
  const dmsTo = (userId: string) => slack.calls.filter((c) => c.op === 'sendDirect' && c.user?.userId === userId).map((c) => JSON.stringify(c.view));
  /** Every connect_peer_* row and profile column, as text. */
  const stored = async () => JSON.stringify(await db.prisma.$queryRawUnsafe(`
    SELECT (SELECT coalesce(json_agg(v), '[]') FROM connect_peer_volunteer v) AS v, (SELECT coalesce(json_agg(r), '[]') FROM connect_peer_request r) AS r,
           (SELECT coalesce(json_agg(a), '[]') FROM connect_peer_ask a) AS a, (SELECT coalesce(json_agg(p), '[]') FROM connect_profile p) AS p`));

  it('introduces a seeker and a volunteer only after both said yes, revealing nothing before, and forgets it all', async () => {
    const manager = await member('Mila Manager', ['member', 'manager']);
    const seeker = await member('Sara Zoekt');
    const volunteer = await member('Vera Vrijwilliger');
    const stranger = await member('Stijn Vreemd');
    expect(text(await command(manager.userId, ['peers', 'add'], SITUATION.split(' ')))).toContain('staat op de lotgenotenlijst');
    const [situation] = await connect.peers.listSituations(org.id);

    // The member's page offers the topics as select menus (the choice travels as an id).
    const page = text(await command(volunteer.userId, ['peers']));
    expect(page).toContain('connect.peer.offer');
    expect(text(await press(volunteer.userId, 'connect.peer.offer', situation!.id))).toContain('Dank je');
    expect(text(await press(seeker.userId, 'connect.peer.ask', situation!.id))).toContain('Kring vraagt het privé aan een vrijwilliger');

    // The volunteer is asked privately (about the topic they offered), never told who asks.
    const [ask] = dmsTo(volunteer.userId);
    expect(ask).toContain(SITUATION);
    expect(ask).not.toContain('Sara');
    const request = await db.prisma.connectPeerRequest.findFirstOrThrow({ where: { seekerId: seeker.member.id } });

    // Before anyone said yes: nothing names the seeker's situation anywhere.
    expect(dmsTo(seeker.userId)).toEqual([]);
    for (const line of logger.lines) {
      expect(JSON.stringify(line)).not.toContain(SITUATION);
      expect(JSON.stringify(line)).not.toContain(situation!.id);
    }
    // Every event on the bus, activity.seen included: the router hands activity listeners the press without
    // its value (the topic's id) and without the platform's raw payload.
    expect(events.some((e) => e.name === 'activity.seen')).toBe(true);
    for (const e of events) {
      expect(JSON.stringify(e)).not.toContain(situation!.id);
      expect(JSON.stringify(e)).not.toContain(SITUATION);
    }
    const rows = await stored();
    expect(rows).not.toContain(situation!.id);
    expect(rows).not.toContain(SITUATION);
    expect(rows).toContain('situation_sealed');
    expect(await connect.profiles.profileOf(seeker.member)).toMatchObject({ interestIds: [], helpsWithIds: [], reach: 'hidden' });
    expect(text(await command(stranger.userId, ['find'], [SITUATION]))).not.toContain('Sara');

    // A stranger pressing the volunteer's yes records nothing.
    expect(text(await press(stranger.userId, 'connect.peer.answer', `${request.id}:yes`))).toContain('Deze vraag was niet voor jou');
    expect(text(await press(seeker.userId, 'connect.peer.answer', `${request.id}:yes`))).toContain('Deze vraag was niet voor jou');
    expect((await db.prisma.connectPeerAsk.findMany({ where: { requestId: request.id } })).map((a) => a.answer)).toEqual([null]);
    expect(events.filter((e) => e.name === 'connect.peer-introduced')).toEqual([]);

    // The volunteer says yes: both are introduced, each naming the other; the event carries no person.
    expect(text(await press(volunteer.userId, 'connect.peer.answer', `${request.id}:yes`))).toContain('aan elkaar voorgesteld');
    expect(dmsTo(seeker.userId).join()).toContain('Vera Vrijwilliger');
    expect(dmsTo(volunteer.userId).at(-1)).toContain('Sara Zoekt');
    expect(dmsTo(seeker.userId).join()).toContain(`mention:${volunteer.userId}`);
    const introduced = events.filter((e) => e.name === 'connect.peer-introduced');
    expect(introduced).toHaveLength(1);
    expect(Object.keys(introduced[0]!.payload as object).sort()).toEqual(['at', 'organizationId']);
    const after = await db.prisma.connectPeerAsk.findFirstOrThrow({ where: { requestId: request.id } });
    expect(after.answer).toBe('yes');
    expect(after.answeredAt).not.toBeNull();
    // A second press changes nothing.
    expect(text(await press(volunteer.userId, 'connect.peer.answer', `${request.id}:no`))).toContain('Deze vraag was niet voor jou');

    // Pause and leave at any moment.
    expect(text(await press(volunteer.userId, 'connect.peer.pause'))).toContain('pauze');
    expect((await db.prisma.connectPeerVolunteer.findFirstOrThrow({ where: { memberId: volunteer.member.id } })).pausedAt).not.toBeNull();
    expect(text(await press(seeker.userId, 'connect.peer.ask', situation!.id))).toContain('niemand beschikbaar');

    // Erasing the members (what /kring forget does: the member row goes, everything hangs off it) leaves nothing.
    await db.prisma.member.deleteMany({ where: { id: { in: [seeker.member.id, volunteer.member.id] } } });
    expect(await db.prisma.connectPeerVolunteer.count()).toBe(0);
    expect(await db.prisma.connectPeerRequest.count()).toBe(0);
    expect(await db.prisma.connectPeerAsk.count()).toBe(0);
    expect(await db.prisma.connectProfile.count({ where: { memberId: { in: [seeker.member.id, volunteer.member.id] } } })).toBe(0);
  }, 60_000);

  it('refuses a forged topic and a malformed answer politely, recording nothing', async () => {
    const m = await member('Fenna Forge');
    expect(text(await press(m.userId, 'connect.peer.ask', randomUUID()))).toContain('geen van de lotgenotenonderwerpen');
    expect(text(await press(m.userId, 'connect.peer.offer', 'not-an-id'))).toContain('geen van de lotgenotenonderwerpen');
    expect(text(await press(m.userId, 'connect.peer.answer', 'rubbish'))).toContain('Deze vraag was niet voor jou');
    expect(await db.prisma.connectPeerRequest.count({ where: { seekerId: m.member.id } })).toBe(0);
    expect(await db.prisma.connectPeerVolunteer.count({ where: { memberId: m.member.id } })).toBe(0);
  });
});
