import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { ConnectParts } from '../../src/capabilities/connect/index.js';
import type { MembershipParts } from '../../src/capabilities/membership/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { Member, Organization } from '../../src/kernel/community.js';
import type { CommandEvent, FormSubmittedEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

async function* chunks(text: string): AsyncIterable<string> {
  yield text;
}

/**
 * Interests and profiles on PostgreSQL through the chat router (issue 13): the member import's
 * `interesses` column fills interests (members.imported), find lists only findable active members of the
 * same association, and bad input gets a clear answer in the member's language and changes nothing.
 */
describe('connect: interests, profiles and find', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let org: Organization;
  let other: Organization;
  let router: ChatRouter;
  let connect: ConnectParts;
  let membership: MembershipParts;
  const queue = new InProcessJobQueue(silentLogger, 5);
  const slug = `org-${randomUUID().slice(0, 8)}`;
  let seq = 0;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    org = await repos.organizations.ensure({ slug, name: 'Vereniging Test', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    other = await repos.organizations.ensure({ slug: `${slug}-b`, name: 'Andere Vereniging', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([]) });
    const built = buildTestCapabilities(['membership', 'connect'], ctx, { defaultOrganizationSlug: slug });
    router = built.router;
    connect = built.built.parts.connect;
    membership = built.built.parts.membership;
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await db?.close();
  });

  /** A member linked on Slack (workspace of the organisation). */
  async function member(organization: Organization, name: string, options: { locale?: 'nl' | 'en'; status?: Member['status']; roles?: Member['roles'] } = {}) {
    const memberNumber = String(5000 + ++seq);
    const userId = `U${memberNumber}`;
    const workspaceId = organization.id === org.id ? 'T-ONE' : 'T-TWO';
    await repos.members.upsertMany(organization.id, [{ memberNumber, name, email: null, status: options.status ?? 'active', roles: options.roles ?? ['member'], chapterId: null, locale: options.locale ?? null }]);
    const m = (await repos.members.findByNumber(organization.id, memberNumber))!;
    await repos.workspaces.upsert({ organizationId: organization.id, platform: 'slack', externalId: workspaceId });
    const request = await repos.linkRequests.create({ organizationId: organization.id, memberId: m.id, platform: 'slack', workspaceId, platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(request.id, new Date(), null);
    return { member: m, account: { platform: 'slack' as const, workspaceId, userId } };
  }
  type Account = Awaited<ReturnType<typeof member>>['account'];
  const text = (r: Reply | undefined) => JSON.stringify(r?.view ?? null);
  const command = (account: Account, words: string) => {
    const [first = '', ...rest] = words.split(' ');
    const path = first === 'interests' || first === 'intros' ? [first, rest.shift() ?? ''] : [first];
    const event: CommandEvent = { type: 'command', platform: 'slack', workspaceId: account.workspaceId, userId: account.userId, channelId: 'C1', raw: null, path, args: rest, options: {} };
    return router.handle(event);
  };
  const submit = (account: Account, values: Record<string, string>) => {
    const event: FormSubmittedEvent = { type: 'form-submitted', platform: 'slack', workspaceId: account.workspaceId, userId: account.userId, channelId: 'C1', raw: null, formId: 'connect.profile', values };
    return router.handle(event);
  };

  it('fills interests from the import column interesses, adding names the list does not have', async () => {
    await member(org, 'Manager', { roles: ['member', 'manager'] });
    const csv = 'lidnummer;naam;interesses\n9001;Ilse Import;Fietsen, koken\n9002;Joost Import;fietsen;\n9003;Kees Import;\n';
    const report = await membership.importer.importCsv(chunks(csv), { organizationId: org.id });
    expect(report.created).toBe(3);
    const interests = await connect.profiles.listInterests(org.id);
    expect(interests.map((i) => i.name)).toEqual(['Fietsen', 'koken']);
    const ilse = (await repos.members.findByNumber(org.id, '9001'))!;
    const profile = await connect.profiles.profileOf(ilse);
    expect(profile.interestIds.sort()).toEqual(interests.map((i) => i.id).sort());
    // Imported profiles stay hidden: the member decides whether anyone finds them.
    expect(profile.reach).toBe('hidden');
    // A dry run publishes nothing.
    await membership.importer.importCsv(chunks('lidnummer;naam;interesses\n9004;Lies Droog;Zwemmen\n'), { organizationId: org.id, dryRun: true });
    expect((await connect.profiles.listInterests(org.id)).map((i) => i.name)).toEqual(['Fietsen', 'koken']);
  });

  it('lists only findable active members of the same association, and a lapsed member disappears at once', async () => {
    const [fietsen] = await connect.profiles.listInterests(org.id);
    const asker = await member(org, 'Vera Vraag', { locale: 'en' });
    const open = await member(org, 'Otto Open');
    const hidden = await member(org, 'Hanna Hidden');
    const lapsing = await member(org, 'Lotte Later');
    const stranger = await member(other, 'Sam Stranger');
    for (const [who, reach] of [[open, 'slack'], [hidden, 'hidden'], [lapsing, 'name']] as const) {
      expect(text(await submit(who.account, { intro: '', interests: fietsen!.id, cadence: 'off', reach }))).toContain('opgeslagen');
    }
    const found = text(await command(asker.account, 'find fietsen'));
    expect(found).toContain('Otto Open');
    expect(found).toContain(`mention:${open.account.userId}`);
    expect(found).toContain('Lotte Later');
    expect(found).not.toContain('Hanna Hidden');
    // Imported members chose nothing: not listed.
    expect(found).not.toContain('Ilse Import');
    await repos.members.setStatus(org.id, lapsing.member.id, 'lapsed');
    expect(text(await command(asker.account, 'find Fietsen'))).not.toContain('Lotte Later');
    // Another association's member does not see this one's interests or members.
    expect(text(await command(stranger.account, 'find fietsen'))).toContain('staat niet op de lijst');
    // Someone without a linked account is not a member: the router refuses before find runs.
    const unlinked = text(await command({ platform: 'slack', workspaceId: 'T-ONE', userId: 'U-NOBODY' }, 'find fietsen'));
    expect(unlinked).not.toContain('Otto Open');
  });

  it('answers bad input in the member’s language and changes nothing', async () => {
    const [fietsen] = await connect.profiles.listInterests(org.id);
    const nl = await member(org, 'Nina Nederlands', { locale: 'nl' });
    const en = await member(org, 'Emma English', { locale: 'en' });
    await submit(nl.account, { intro: 'Hoi', interests: fietsen!.id, cadence: '4', reach: 'name' });
    const before = await connect.profiles.profileOf(nl.member);

    expect(text(await command(nl.account, 'find breien'))).toContain('‘breien’ staat niet op de lijst met interesses');
    expect(text(await command(en.account, 'find knitting'))).toContain('“knitting” is not on the association’s list of interests');
    expect(text(await submit(nl.account, { intro: 'x'.repeat(501), interests: '', cadence: 'off', reach: 'hidden' }))).toContain('Je voorstelling is 501 tekens; er passen er 500');
    expect(text(await submit(en.account, { intro: 'x'.repeat(600) }))).toContain('Your introduction is 600 characters; at most 500 fit');
    expect(text(await submit(nl.account, { intro: 'Hoi', interests: randomUUID(), cadence: 'off', reach: 'hidden' }))).toContain('Er is niets opgeslagen');
    expect(text(await submit(nl.account, { intro: 'Hoi', cadence: '3', reach: 'hidden' }))).toContain('Er is niets opgeslagen');
    expect(text(await submit(nl.account, { intro: 'Hoi', cadence: 'off', reach: 'discord' }))).toContain('Er is niets opgeslagen');
    expect(await connect.profiles.profileOf(nl.member)).toEqual(before);

    // A member may not change the list; a manager gets a clear answer for a bad name.
    expect(text(await command(nl.account, 'interests add Breien'))).not.toContain('staat op de lijst');
    const manager = await member(org, 'Mila Manager', { roles: ['member', 'manager'], locale: 'en' });
    expect(text(await command(manager.account, 'interests add a,b'))).toContain('no comma');
    expect(text(await command(manager.account, 'interests remove Breien'))).toContain('is not on the association’s list');
    expect((await connect.profiles.listInterests(org.id)).map((i) => i.name)).toEqual(['Fietsen', 'koken']);
  });
});
