import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as kringCli } from '../../src/cli/kring.js';
import { FakeDiscord, normalise, type FakeInteraction, type FakeUser } from '../fakes/discord/index.js';
import { startKringHarness, type AccountRef, type KringHarness } from '../support/kring-harness.js';

/**
 * Kring's member flows on Discord, end to end: interactions dispatched by the fake gateway -> the real
 * discord.js client inside startKring -> router -> membership on PostgreSQL (queue on BullMQ/Redis) ->
 * interaction callbacks and role changes on the fake's REST API; codes read from the mail outbox.
 */

const EPHEMERAL = 64;
type Options = Record<string, string | number | boolean>;

interface DiscordReply {
  /** Interaction callback type: 4 message, 7 update of the message the button was on, 5 deferred. */
  type: number;
  ephemeral: boolean;
  text: string;
  actionIds: string[];
  messageId: string;
}

let fake: FakeDiscord;
let h: KringHarness;
let discordEnv: Record<string, string>;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  discordEnv = {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_MEMBER_ROLE_ID: fake.state.memberRoleId,
  };
  h = await startKringHarness({ queue: 'bullmq', env: discordEnv });
});

afterEach(() => {
  // Refusals are warnings; an error means something broke behind a polite reply.
  expect(h.loggedErrors()).toEqual([]);
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

let users = 0;
/** A new guild member for one test (fresh id: code limits and links never carry over). */
function discordUser(globalName = 'Lid'): { user: FakeUser; account: AccountRef } {
  const user = fake.state.addUser({ username: `lid_${++users}`, global_name: globalName });
  fake.state.addMember(user.id);
  return { user, account: { platform: 'discord', workspaceId: fake.guildId, userId: user.id } };
}
type DiscordUser = ReturnType<typeof discordUser>;

/** Answered for good: a message or update, or a deferral followed by its edit. */
function settled(i: FakeInteraction): boolean {
  if (i.callbacks.length === 0 || i.callbacks.some((c) => c.status === 0)) return false;
  if (i.callbacks[0]!.type !== 5) return true;
  return i.webhookCalls.some((c) => c.status > 0 && (c.method === 'PATCH' || c.method === 'DELETE'));
}

async function answer(interaction: FakeInteraction): Promise<DiscordReply> {
  await fake.waitForInteraction(interaction, settled);
  const [callback] = interaction.callbacks;
  expect(callback!.status).toBe(204);
  const message = fake.message(interaction.originalMessageId!)!;
  const shown = normalise(message);
  return { type: callback!.type, ephemeral: (Number(message.api.flags) & EPHEMERAL) !== 0, text: shown.text, actionIds: shown.actionIds, messageId: message.api.id };
}

/** `/kring <path> [options]` as `who`, with the Discord client in `locale`. */
function kring(path: string[], who: DiscordUser, options: Options = {}, locale = 'nl', channelId?: string): Promise<DiscordReply> {
  return answer(fake.slashCommand({ path, options, user: who.user, locale, ...(channelId ? { channelId } : {}) }));
}

async function linkThroughChat(who: DiscordUser, memberNumber: string, email: string): Promise<void> {
  await kring(['link'], who, { identifier: memberNumber });
  expect((await kring(['verify'], who, { code: h.codeFor(email) })).text).toContain('Welkom');
}

const roleCalls = (userId: string) =>
  fake.rest.requests.filter((r) => r.path === `/guilds/${fake.guildId}/members/${userId}/roles/${fake.state.memberRoleId}`).map((r) => [r.method, r.status]);

describe('Kring on Discord (discord.js -> fake Discord, PostgreSQL)', () => {
  it('links a member with the mailed code, grants the member role, and whoami shows the membership privately', async () => {
    const anna = discordUser('Anna');
    const { member } = h.members;

    const asked = await kring(['link'], anna, { identifier: '1001' });
    expect(asked).toMatchObject({ type: 4, ephemeral: true });
    expect(asked.text).toContain('We hebben een code gestuurd naar a***@example.org');
    expect(await h.linkRequestRows(anna.account)).toMatchObject([{ member_id: member.id, consumed_at: null }]);
    expect(fake.memberRoles(anna.user.id)).toEqual([]);

    const verified = await kring(['verify'], anna, { code: h.codeFor('anna@example.org') });
    expect(verified).toMatchObject({ type: 4, ephemeral: true });
    expect(verified.text).toContain('Welkom, Anna de Vries!');
    expect(await h.identityRows(anna.account)).toEqual([
      { platform: 'discord', workspace_id: fake.guildId, platform_user_id: anna.user.id, member_id: member.id, display_name: 'Anna' },
    ]);
    expect(fake.memberRoles(anna.user.id)).toEqual([fake.state.memberRoleId]);
    expect(roleCalls(anna.user.id)).toEqual([['PUT', 204]]);

    const whoami = await kring(['whoami'], anna);
    expect(whoami.ephemeral).toBe(true);
    for (const shown of ['Anna de Vries', 'Lidnummer\n1001', 'Afdeling\nUtrecht', 'Rollen\nlid', 'Status\nactief', 'Gekoppelde accounts\nDiscord']) {
      expect(whoami.text).toContain(shown);
    }
    expect(whoami.actionIds).toEqual(['membership.unlink']);
  });

  it('unlinks with the button on whoami, updating that message and taking the member role away', async () => {
    const bram = discordUser('Bram');
    const member = await h.addMember({ name: 'Bram Smit', email: 'bram@example.org' });
    await linkThroughChat(bram, member.memberNumber, 'bram@example.org');
    const whoami = await kring(['whoami'], bram);

    const pressed = await answer(fake.pressButton({ messageId: whoami.messageId, customId: 'membership.unlink', user: bram.user, locale: 'nl' }));

    expect(pressed).toMatchObject({ type: 7, messageId: whoami.messageId, actionIds: [] });
    expect(pressed.text).toContain('Klaar: dit chataccount is niet meer gekoppeld aan je lidmaatschap.');
    expect(await h.identityRows(bram.account)).toEqual([]);
    expect(fake.memberRoles(bram.user.id)).toEqual([]);
    expect(roleCalls(bram.user.id)).toEqual([
      ['PUT', 204],
      ['DELETE', 204],
    ]);
  });

  // A status change reaches the platforms through the access capability's queue (grace period, suspensions):
  // wait for the role to follow, then check it was changed exactly once.
  const rolesOf = (userId: string, roles: string[]) => vi.waitFor(() => expect(fake.memberRoles(userId)).toEqual(roles), { timeout: 30_000, interval: 50 });

  it('takes the member role away when the membership lapses', async () => {
    const sanne = discordUser('Sanne');
    const member = await h.addMember({ name: 'Sanne Dekker', email: 'sanne@example.org' });
    await linkThroughChat(sanne, member.memberNumber, 'sanne@example.org');
    expect(fake.memberRoles(sanne.user.id)).toEqual([fake.state.memberRoleId]);

    await h.kring.parts.membership.membership.setStatus(h.organization.id, member.id, 'lapsed');

    await rolesOf(sanne.user.id, []);
    expect(roleCalls(sanne.user.id)).toEqual([
      ['PUT', 204],
      ['DELETE', 204],
    ]);
    // Still linked, but no longer a member: whoami says so, members' commands are refused.
    expect((await kring(['whoami'], sanne)).text).toContain('Status\nverlopen');
    expect((await kring(['help'], sanne)).text).toContain('Koppel je chataccount aan je lidmaatschap om meer te zien.');
  });

  it('gives the member role back when a lapsed member is active again through the admin API or an import (issue 21, item 18)', async () => {
    const joost = discordUser('Joost');
    const member = await h.addMember({ name: 'Joost Smit', email: 'joost@example.org' });
    await linkThroughChat(joost, member.memberNumber, 'joost@example.org');
    const { secret } = await h.kring.parts['api-tokens'].tokens.create({ organizationId: h.organization.id, name: 'crm', scopes: ['members:write'] });
    const put = (status: string) =>
      fetch(`${h.baseUrl}/api/v1/orgs/${h.organization.slug}/members/${member.memberNumber}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Joost Smit', email: 'joost@example.org', status }),
      });

    expect((await put('lapsed')).status).toBe(200);
    await rolesOf(joost.user.id, []);
    expect((await put('active')).status).toBe(200);
    await rolesOf(joost.user.id, [fake.state.memberRoleId]);

    // The same through an import of the member administration's export.
    await h.kring.parts.membership.membership.setStatus(h.organization.id, member.id, 'left');
    await rolesOf(joost.user.id, []);
    const csv = `lidnummer;naam;e-mail;status\n${member.memberNumber};Joost Smit;joost@example.org;actief\n`;
    const report = await h.kring.parts.membership.importer.importCsv(Readable.from([Buffer.from(csv)]), { organizationId: h.organization.id });
    expect(report).toMatchObject({ updated: 1, eventErrors: 0 });
    await rolesOf(joost.user.id, [fake.state.memberRoleId]);
    expect(roleCalls(joost.user.id).map(([method]) => method)).toEqual(['PUT', 'DELETE', 'PUT', 'DELETE', 'PUT']);
  });

  it('lists in help only what this person may run, in the language of their Discord client', async () => {
    const member = discordUser();
    const manager = discordUser();
    await h.linkDirectly(h.members.member, member.account);
    await h.linkDirectly(h.members.manager, manager.account);

    const forMember = await kring(['help'], member, {}, 'en-US');
    const forManager = await kring(['help'], manager, {}, 'nl');

    expect(forMember.ephemeral).toBe(true);
    expect(forMember.text).toContain('Kring: what you can do');
    expect(forMember.text).toContain('/kring whoami');
    expect(forMember.text).not.toContain('channel connect');
    expect(forManager.text).toContain('Kring: wat je kunt doen');
    expect(forManager.text).toContain('/kring channel connect <purpose> [chapter]');
  });

  it('refuses a manager command to a member politely and changes nothing; a manager connects the channel', async () => {
    const member = discordUser();
    const manager = discordUser();
    await h.linkDirectly(h.members.member, member.account);
    await h.linkDirectly(h.members.manager, manager.account);
    const before = await h.channelRows();

    const refusedEn = await kring(['channel', 'connect'], member, { purpose: 'news' }, 'en-US', fake.state.boardChannelId);
    const refusedNl = await kring(['channel', 'connect'], member, { purpose: 'news' }, 'nl', fake.state.boardChannelId);
    expect(refusedEn).toMatchObject({ ephemeral: true, text: 'Only members with one of these roles can do that: community manager, board.' });
    expect(refusedNl.text).toBe('Alleen leden met een van deze rollen kunnen dat doen: communitymanager, bestuur.');
    expect(await h.channelRows()).toEqual(before);

    const connected = await kring(['channel', 'connect'], manager, { purpose: 'news' }, 'nl', fake.state.boardChannelId);
    expect(connected.text).toContain('Dit kanaal is nu aan Kring gekoppeld als **nieuws**-kanaal.');
    expect(await h.channelRows()).toEqual([...before, { platform: 'discord', workspace: fake.guildId, external_id: fake.state.boardChannelId, purpose: 'news' }]);
  });

  it('tells how many attempts are left after a wrong code, and locks the code after five', async () => {
    const who = discordUser();
    const member = await h.addMember({ name: 'Daan Mulder', email: 'daan@example.org' });
    await kring(['link'], who, { identifier: member.memberNumber }, 'en-US');
    const code = h.codeFor('daan@example.org');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await kring(['verify'], who, { code: wrong }, 'en-US')).text);

    expect(answers).toEqual([
      'That code is not correct. You have 4 attempts left.',
      'That code is not correct. You have 3 attempts left.',
      'That code is not correct. You have 2 attempts left.',
      'That code is not correct. You have 1 attempt left.',
      'Too many wrong codes. For your safety this code no longer works: ask for a new one with `/kring link`.',
    ]);
    expect((await kring(['verify'], who, { code }, 'en-US')).text).toContain('Your code is locked after too many wrong attempts');
    expect(await h.linkRequestRows(who.account)).toMatchObject([{ attempts: 5, consumed_at: expect.any(Date) }]);
    expect(await h.identityRows(who.account)).toEqual([]);
    expect(fake.memberRoles(who.user.id)).toEqual([]);
  });

  it('answers in English for an en-US client, also in the e-mail, and in Dutch for nl', async () => {
    const who = discordUser('Emma');
    const member = await h.addMember({ name: 'Emma Brown', email: 'emma@example.org' });

    const asked = await kring(['link'], who, { identifier: member.memberNumber }, 'en-US');
    expect(asked.text).toContain('We have sent a code to e***@example.org');
    expect(h.mailsTo('emma@example.org')[0]!.subject).toBe('Your code to link your account to Vereniging De Kring');
    const verified = await kring(['verify'], who, { code: h.codeFor('emma@example.org') }, 'en-US');
    expect(verified.text).toContain('Welcome, Emma Brown!');
    expect((await kring(['whoami'], who, {}, 'en-US')).text).toContain('Member number');
    expect((await kring(['whoami'], who, {}, 'nl')).text).toContain('Lidnummer');
  });
});

/** The `kring` CLI in this process: what an operator types, with its output captured. */
async function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await kringCli(['node', 'kring', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

interface RegisteredOption {
  type: number;
  name: string;
  description: string;
  description_localizations?: { nl?: string };
  name_localizations?: { nl?: string };
  required?: boolean;
  options?: RegisteredOption[];
}

/** Every runnable path of a registered command tree (`channel connect`, `help`, ...). */
function runnablePaths(options: readonly RegisteredOption[], prefix: string[] = []): string[] {
  return options.flatMap((o) => {
    if (o.type === 1) return [[...prefix, o.name].join(' ')];
    if (o.type === 2) return runnablePaths(o.options ?? [], [...prefix, o.name]);
    return [];
  });
}

describe('kring discord register-commands (against the fake Discord)', () => {
  it('registers /kring in one server from the catalogue the bot answers: sub-commands, groups, typed options, Dutch texts', async () => {
    const run = await cli(['discord', 'register-commands', '--guild', fake.guildId], discordEnv);

    expect(run.code).toBe(0);
    // Today's catalogue fits Discord's model: nothing skipped, no description cut.
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Registered /kring in server ${fake.guildId}`);
    expect(run.stdout).toContain('/kring insights show [period] [chapter]');
    expect(run.stdout).toContain('/kring channel connect <purpose> [chapter]');
    const put = fake.rest.requests.filter((r) => r.method === 'PUT' && r.path === `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put.map((r) => [r.status, r.botAuth])).toEqual([[200, true]]);
    const [root] = put[0]!.body as (RegisteredOption & { options: RegisteredOption[] })[];
    expect(root).toMatchObject({ name: 'kring', description_localizations: { nl: expect.any(String) } });

    // Exactly what the running bot's router answers: nothing missing, nothing extra.
    expect(runnablePaths(root!.options).sort()).toEqual(h.kring.router.commands.map((c) => c.path.join(' ')).sort());

    const link = root!.options.find((o) => o.name === 'link')!;
    expect(link).toMatchObject({
      type: 1,
      description: 'Link your chat account to your membership (you will get a code by e-mail)',
      description_localizations: { nl: 'Koppel je chataccount aan je lidmaatschap (je krijgt een code per e-mail)' },
      options: [{ type: 3, name: 'identifier', required: false, description: 'your member number or e-mail address', description_localizations: { nl: 'je lidnummer of e-mailadres' } }],
    });
    const channel = root!.options.find((o) => o.name === 'channel')!;
    expect(channel).toMatchObject({
      type: 2,
      description: 'Connect channels to Kring and list them (community managers)',
      description_localizations: { nl: 'Koppel kanalen aan Kring en bekijk ze (communitymanagers)' },
    });
    expect(channel.options!.map((o) => [o.type, o.name])).toEqual([
      [1, 'connect'],
      [1, 'list'],
    ]);
    expect(channel.options![0]!.options).toMatchObject([
      { type: 3, name: 'purpose', required: true, description_localizations: { nl: 'waar het kanaal voor is: general, news, chapter, managers of moderators' } },
      { type: 3, name: 'chapter', required: false, description_localizations: { nl: 'de afdeling (voor afdelingskanalen)' } },
    ]);
    for (const option of [root!, ...root!.options, ...root!.options.flatMap((o) => o.options ?? [])]) {
      expect(option.description_localizations?.nl, option.name).toBeTruthy();
    }

    // The registered command is the one members use.
    const who = discordUser();
    const help = await kring(['help'], who);
    expect(help.text).toContain('Kring: wat je kunt doen');
  });

  it('registers globally without --guild, replacing what was there', async () => {
    const first = await cli(['discord', 'register-commands'], discordEnv);
    const again = await cli(['discord', 'register-commands'], discordEnv);

    expect([first.code, again.code]).toEqual([0, 0]);
    expect(first.stdout).toContain('Registered /kring for every server the bot is in');
    expect(fake.state.globalCommands.map((c) => c['name'])).toEqual(['kring', 'Report to moderators']);
  });

  it('says what is missing when Discord is not configured, and registers nothing', async () => {
    const before = fake.rest.requests.length;

    const run = await cli(['discord', 'register-commands'], { DISCORD_API_URL: fake.apiUrl });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set DISCORD_TOKEN and DISCORD_APPLICATION_ID');
    expect(run.stderr).not.toMatch(/\s+at\s/);
    expect(fake.rest.requests).toHaveLength(before);
  });

  it('explains a refusal by Discord for a server the bot is not in', async () => {
    const run = await cli(['discord', 'register-commands', '--guild', '1000000000000000001'], discordEnv);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Is the bot in that server?');
    expect(run.stderr).not.toContain(fake.token);
  });
});
