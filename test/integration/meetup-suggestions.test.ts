import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/kernel/community.js';
import type { Database } from '../../src/infra/database/database.js';
import { FixedClock } from '../factories/membership.factory.js';
import { FakeChatPlatform, viewText } from '../fakes/fake-chat-platform.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { createMeetupHarness, type Account, type MeetupHarness } from '../support/meetup-harness.js';
import { replyText } from '../support/poll-harness.js';
import { until } from '../support/until.js';

/**
 * Interest-driven meet-ups on PostgreSQL, driven through the bus: members' interests are the connect
 * capability's (issue 13), which writes `connect_profile` / `connect_member_interest` and then publishes
 * `connect.profile-saved`. This test writes those rows as connect does and publishes the same event on
 * the harness's bus; meet-ups count active members of the saving member's chapter per interest and, once
 * the threshold the managers set is reached, tell the managers once (direct messages, or the managers
 * channel when there is one), without naming anyone.
 */

describe('interest-driven meet-up suggestions', () => {
  let db: Database;
  let h: MeetupHarness;
  const clock = new FixedClock('2026-10-01T10:00:00.000Z');
  const slack = new FakeChatPlatform('slack');
  const discord = new FakeChatPlatform('discord');
  const nlManager: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-manager' };
  const enBoard: Account = { platform: 'discord', workspaceId: 'G1', userId: 'D-board' };
  let utrecht: string;
  let arnhem: string;
  const interestIds = new Map<string, string>();
  let seq = 0;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    h = await createMeetupHarness({ repos: prismaRepositories(db.prisma), database: db, platforms: [slack, discord], clock, scheduler: { maxDelayMs: 50 } });
    const chapters = await h.repos.chapters.ensureMany(h.organization.id, ['Utrecht', 'Arnhem']);
    utrecht = chapters.find((c) => c.name === 'Utrecht')!.id;
    arnhem = chapters.find((c) => c.name === 'Arnhem')!.id;
    await h.member({ name: 'Manager Mila', roles: ['member', 'manager'], locale: 'nl', accounts: [nlManager] });
    await h.member({ name: 'Board Bob', roles: ['member', 'board'], locale: 'en', accounts: [enBoard] });
    // The association's list of interests, as managers keep it in connect.
    for (const [name, key] of [['Fietsen', 'fietsen'], ['Koken', 'koken']] as const) {
      const row = await db.prisma.connectInterest.create({ data: { organizationId: h.organization.id, name, nameKey: key } });
      interestIds.set(name, row.id);
    }
  });

  afterAll(async () => {
    await h?.stop();
    await db?.close();
  });

  /** What connect does when a member saves their profile: store the choices, then publish the event. */
  async function saveProfile(member: Member, interests: string[], helpsWith: string[] = []): Promise<void> {
    await db.prisma.connectProfile.upsert({
      where: { memberId: member.id },
      create: { memberId: member.id, organizationId: member.organizationId, savedAt: clock.now() },
      update: { savedAt: clock.now() },
    });
    await db.prisma.connectMemberInterest.deleteMany({ where: { memberId: member.id } });
    await db.prisma.connectMemberInterest.createMany({
      data: [
        ...interests.map((name) => ({ memberId: member.id, interestId: interestIds.get(name)!, kind: 'interest' })),
        ...helpsWith.map((name) => ({ memberId: member.id, interestId: interestIds.get(name)!, kind: 'help' })),
      ],
    });
    const failures = await h.bus.publish('connect.profile-saved', {
      member,
      firstTime: true,
      shared: false,
      profile: { intro: '', interests, helpsWith, introductionsEveryWeeks: null, findable: false },
      at: clock.now(),
    });
    expect(failures).toBe(0);
  }
  async function memberOf(chapterId: string, status: 'active' | 'lapsed' = 'active'): Promise<Member> {
    const { member } = await h.member({ name: `Lid ${++seq}`, chapterId });
    if (status === 'active') return member;
    await db.prisma.member.update({ where: { id: member.id }, data: { status } });
    return { ...member, status };
  }
  const suggestionDms = () => [...slack.callsOf('sendDirect'), ...discord.callsOf('sendDirect')].map((c) => [c.user?.userId, viewText(c.view)] as const);

  it('is off until managers set a threshold', async () => {
    expect(replyText(await h.command(enBoard, 'event interests'))).toContain('Meet-up ideas from shared interests are off');
    expect(replyText(await h.command(nlManager, 'event interests'))).toContain('Ideeën voor bijeenkomsten uit gedeelde interesses staan uit');
    for (let i = 0; i < 3; i++) await saveProfile(await memberOf(utrecht), ['Koken']);
    await new Promise((r) => setTimeout(r, 300));
    expect(suggestionDms()).toEqual([]);
  });

  it('refuses a bad threshold in the member\'s language and changes nothing', async () => {
    for (const bad of ['0', '1', 'abc', '1001', '2.5', '-3']) {
      expect(replyText(await h.command(enBoard, `event interests ${bad}`))).toContain('Type a whole number from 2 to 1000');
    }
    expect(replyText(await h.command(nlManager, 'event interests nul'))).toContain('Typ een heel getal van 2 tot 1000');
    expect(await h.meetups.suggestions.threshold(h.organization.id)).toBeNull();
    // Only managers set it.
    const plain = await h.member({ name: 'Gewoon lid', accounts: [{ platform: 'slack', workspaceId: 'T1', userId: 'U-plain' }] });
    expect(plain.member.roles).toEqual(['member']);
    expect(replyText(await h.command({ platform: 'slack', workspaceId: 'T1', userId: 'U-plain' }, 'event interests 2'))).not.toContain('Done');
    expect(await h.meetups.suggestions.threshold(h.organization.id)).toBeNull();
  });

  it('tells the managers once when enough active members of one chapter share an interest', async () => {
    expect(replyText(await h.command(nlManager, 'event interests 3'))).toContain('Gedaan: de beheerders krijgen een voorstel zodra 3 leden');
    // Koken already has 3 in Utrecht (saved while it was off): shown, but not sent unasked.
    const shown = replyText(await h.command(nlManager, 'event interests'));
    expect(shown, shown).toContain('**Utrecht**: Koken (3 leden)');

    await saveProfile(await memberOf(utrecht), ['Fietsen', 'Koken']);
    // That brought Koken to 4 in Utrecht: the first suggestion about it.
    await until(() => suggestionDms().length === 2, 'the Koken suggestion to both managers');
    expect(suggestionDms().map(([, text]) => text).every((t) => t.includes('Koken') && t.includes('Utrecht'))).toBe(true);
    slack.calls.length = 0;
    discord.calls.length = 0;

    await saveProfile(await memberOf(utrecht), ['Fietsen']);
    // Other chapters, lapsed members and "I can help with" do not count.
    await saveProfile(await memberOf(arnhem), ['Fietsen']);
    await saveProfile(await memberOf(arnhem), ['Fietsen']);
    await saveProfile(await memberOf(utrecht, 'lapsed'), ['Fietsen']);
    await saveProfile(await memberOf(utrecht), [], ['Fietsen']);
    await new Promise((r) => setTimeout(r, 300));
    expect(suggestionDms()).toEqual([]);

    await saveProfile(await memberOf(utrecht), ['Fietsen']);
    const dms = await until(() => suggestionDms().length === 2 && suggestionDms(), 'the Fietsen suggestion to both managers');
    expect(Object.fromEntries(dms)).toEqual({
      'U-manager': expect.stringContaining('3 leden van **Utrecht** delen een interesse in **Fietsen**. Een bijeenkomst voor hen?'),
      'D-board': expect.stringContaining('3 members of **Utrecht** share an interest in **Fietsen**. How about a meet-up for them?'),
    });
    expect(dms[1]![1]).toContain('--chapter=Utrecht');
    // It names nobody.
    const names = (await h.repos.members.list(h.organization.id, { limit: 100 })).map((m) => m.name);
    for (const [, text] of dms) for (const name of names) expect(text).not.toContain(name);

    // A fourth does not bring a second suggestion; the standing shows when it was made.
    await saveProfile(await memberOf(utrecht), ['Fietsen']);
    await new Promise((r) => setTimeout(r, 300));
    expect(suggestionDms()).toHaveLength(2);
    const standing = replyText(await h.command(enBoard, 'event interests'));
    expect(standing).toContain('**Utrecht**: Fietsen (4 members) · suggested on');
    expect(standing).not.toContain('Arnhem');
  });

  it('posts in the managers channel when there is one, and stays quiet once switched off', async () => {
    const ws = await h.repos.workspaces.upsert({ organizationId: h.organization.id, platform: 'slack', externalId: 'T1' });
    await h.repos.channels.upsert({ workspaceId: ws.id, externalId: 'C-managers', purpose: 'managers' });
    slack.calls.length = 0;
    discord.calls.length = 0;
    expect(replyText(await h.command(nlManager, 'event interests 2'))).toContain('zodra 2 leden');
    await saveProfile(await memberOf(arnhem), ['Fietsen', 'Koken']);
    // Fietsen in Arnhem is at 3 now (2 earlier): one post in the managers channel, in the organisation's language.
    await until(() => slack.visibleIn('C-managers').length === 1, 'the post in the managers channel');
    expect(slack.visibleIn('C-managers')[0]!.text).toContain('3 members of **Arnhem** share an interest in **Fietsen**');
    expect(suggestionDms()).toEqual([]);

    expect(replyText(await h.command(nlManager, 'event interests uit'))).toContain('staan nu uit');
    await saveProfile(await memberOf(arnhem), ['Koken']);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.visibleIn('C-managers')).toHaveLength(1);
  });
});
