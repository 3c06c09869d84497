import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRouter } from '../../src/chat/chat-router.js';
import type { AccessParts } from '../../src/capabilities/access/index.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import type { Database } from '../../src/infra/database/database.js';
import { InProcessJobQueue } from '../../src/infra/queue/in-process.job-queue.js';
import type { EventBus } from '../../src/kernel/events.js';
import type { Member, MemberRole, Organization } from '../../src/kernel/community.js';
import type { ActionEvent, CommandEvent, Reply } from '../../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../support/capabilities.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';

/**
 * The access capability's chat side on PostgreSQL through the router: house rules set by a manager in two
 * languages, shown to members in theirs with an "I agree" button, the agreement kept with its date and
 * asked again after a change; the rules sent after linking; managers' commands refused to members; a
 * platform that cannot open places refused politely.
 */
const WS = 'T-access';
const text = (reply: Reply | undefined): string => JSON.stringify(reply?.view ?? null);

describe('access commands through the chat router', () => {
  let db: Database;
  let repos: MembershipRepositories;
  let router: ChatRouter;
  let access: AccessParts;
  let bus: EventBus;
  let organization: Organization;
  let queue: InProcessJobQueue;
  const slack = new FakeChatPlatform('slack');
  const people: Record<string, Member> = {};
  const agreed: number[] = [];

  async function member(key: string, roles: MemberRole[], locale: 'nl' | 'en'): Promise<void> {
    const memberNumber = `${key}-${randomUUID().slice(0, 6)}`;
    await repos.members.upsertMany(organization.id, [{ memberNumber, name: key, email: null, status: 'active', roles, chapterId: null, locale }]);
    people[key] = (await repos.members.findByNumber(organization.id, memberNumber))!;
  }
  async function link(key: string): Promise<void> {
    const m = people[key]!;
    const request = await repos.linkRequests.create({ organizationId: organization.id, memberId: m.id, platform: 'slack', workspaceId: WS, platformUserId: `U-${key}`, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    const identity = (await repos.linkRequests.confirm(request.id, new Date(), null))!;
    await bus.publish('member.linked', { member: m, identity });
  }
  const base = (key: string) => ({ platform: 'slack' as const, workspaceId: WS, userId: `U-${key}`, channelId: 'G-leden', raw: null });
  const command = (key: string, path: string[], args: string[] = []): Promise<Reply | undefined> => {
    const event: CommandEvent = { type: 'command', ...base(key), path, args, options: {} };
    return router.handle(event);
  };
  const press = (key: string, actionId: string, value: string): Promise<Reply | undefined> => {
    const event: ActionEvent = { type: 'action', ...base(key), actionId, value, eventId: randomUUID() };
    return router.handle(event);
  };
  /** The "I agree" button's value in a reply or a direct message. */
  const agreeValue = (view: unknown): string | undefined => /"actionId":"access\.rules\.agree"[^}]*"value":"(\d+)"/.exec(JSON.stringify(view))?.[1];

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    repos = prismaRepositories(db.prisma);
    queue = new InProcessJobQueue(silentLogger);
    organization = await repos.organizations.ensure({ slug: `acc-${randomUUID().slice(0, 8)}`, name: 'Vereniging Test', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack]) });
    bus = ctx.bus;
    const built = buildTestCapabilities(['membership', 'access'], ctx, { defaultOrganizationSlug: organization.slug });
    router = built.router;
    access = built.built.parts.access;
    bus.on('member.rules-agreed', async ({ version }) => void agreed.push(version));
    await repos.workspaces.upsert({ organizationId: organization.id, platform: 'slack', externalId: WS });
    await member('bestuur', ['member', 'board'], 'nl');
    await member('anna', ['member'], 'en');
    await member('joost', ['member'], 'nl');
    await link('bestuur');
    await link('anna');
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await db?.close();
  });

  it('has no rules until a manager sets them, and refuses the managers commands to members', async () => {
    expect(text(await command('anna', ['rules']))).toMatch(/no house rules yet/);
    expect(text(await command('anna', ['rules', 'set'], ['en', 'Be', 'kind.']))).toMatch(/manager|board/i);
    expect(text(await command('anna', ['access', 'grace'], ['14']))).toMatch(/manager|board/i);
    expect(await access.service.rulesFor(organization.id, 'en')).toBeNull();
  });

  it('shows the rules in the reader\'s language with an I agree button, keeps the agreement and asks again after a change', async () => {
    expect(text(await command('bestuur', ['rules', 'set'], ['nl', 'Wees', 'vriendelijk.']))).toMatch(/versie 1/);
    expect(text(await command('bestuur', ['rules', 'set'], ['en', 'Be', 'kind.']))).toMatch(/versie 2/);
    const shown = await command('anna', ['rules']);
    expect(text(shown)).toContain('Be kind.');
    expect(agreeValue(shown)).toBe('2');
    expect(text(await press('anna', 'access.rules.agree', '2'))).toMatch(/Thank you for agreeing/);
    expect(agreed).toEqual([2]);
    const again = await command('anna', ['rules']);
    expect(agreeValue(again)).toBeUndefined();
    expect(text(again)).toMatch(/you agreed to the house rules on \d{4}-\d{2}-\d{2}/);
    // Agreeing to rules that changed since they were shown is refused.
    await command('bestuur', ['rules', 'set'], ['en', 'Be', 'kind', 'and', 'patient.']);
    expect(text(await press('anna', 'access.rules.agree', '2'))).toMatch(/changed since you saw them/);
    expect(agreeValue(await command('anna', ['rules']))).toBe('3');
  });

  it('sends the house rules with the button after linking', async () => {
    await link('joost');
    const dm = slack.callsOf('sendDirect').find((c) => c.user?.userId === 'U-joost');
    expect(dm && text({ visibility: 'private', view: dm.view })).toContain('Wees vriendelijk.');
    expect(agreeValue(dm?.view)).toBe('3');
  });

  it('sets the grace period, and refuses a members-only place where the platform cannot open one', async () => {
    expect(text(await command('bestuur', ['access', 'grace'], ['14']))).toMatch(/14 dagen/);
    expect((await access.service.settings(organization.id)).graceDays).toBe(14);
    expect(text(await command('bestuur', ['access', 'grace'], ['400']))).not.toMatch(/dagen toegang/);
    expect(text(await command('bestuur', ['access', 'here']))).toMatch(/geen besloten plekken openen/);
    expect(text(await command('bestuur', ['access', 'here'], ['role=nobody']))).toMatch(/begrijp .{0,3}nobody.{0,3} niet/);
    expect(text(await command('bestuur', ['access', 'list']))).toMatch(/nog geen besloten plekken/);
  });
});
