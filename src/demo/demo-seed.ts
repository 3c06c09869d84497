import type { InboundHandler, Reply, ViewBlock } from '../kernel/ports/chat-platform.js';
import type { Directory } from '../kernel/ports/directory.js';
import type { Logger } from '../kernel/ports/logger.js';
import type { WebMessageStore } from '../kernel/ports/web-space.js';
import type { Member, Organization } from '../kernel/community.js';
import { DEMO_MAIL_DOMAIN, type DemoMailer } from './demo-mailer.js';

/**
 * The demo association (`kring demo`, `KRING_DEMO=1`): members in three chapters, web channels for
 * everyone, news, the board and a chapter, a poll with votes and an announcement. Everything goes through
 * the same doors people use: the member import, and `/kring …` commands and button presses of signed-in
 * web members through the router (so insights count them as activity). Seeding is idempotent: a second
 * start finds the members and only issues a new sign-in link.
 */

/** The demo members: number, name, chapter, roles. The first is the community manager. */
const DEMO_MEMBERS: readonly [string, string, string, string][] = [
  ['D-001', 'Mies Bakker', 'Utrecht', 'lid, communitymanager'],
  ['D-002', 'Bram Jansen', 'Utrecht', 'lid'],
  ['D-003', 'Chantal de Vries', 'Zwolle', 'lid, bestuur'],
  ['D-004', 'Daan Visser', 'Utrecht', 'lid, ambassadeur'],
  ['D-005', 'Eva Smit', 'Groningen', 'lid'],
  ['D-006', 'Fleur Mulder', 'Zwolle', 'lid'],
  ['D-007', 'Gijs de Boer', 'Groningen', 'lid'],
  ['D-008', 'Hanna Meijer', 'Utrecht', 'lid'],
  ['D-009', 'Ilse Bos', 'Zwolle', 'lid'],
  ['D-010', 'Joris Vos', 'Groningen', 'lid'],
  ['D-011', 'Kim Peters', 'Utrecht', 'lid'],
  ['D-012', 'Lotte Hendriks', 'Zwolle', 'lid'],
];
/** A member who let their membership lapse: in the administration, without access. */
const LAPSED: [string, string, string, string] = ['D-013', 'Mees van Dijk', 'Groningen', 'lid'];

/** Members who signed in to the web community and took part (the manager and these). */
const ACTIVE_NUMBERS = ['D-003', 'D-004', 'D-005', 'D-006', 'D-008', 'D-010', 'D-011'];

/** The web channels and what they are for. */
const CHANNELS: readonly [string, string][] = [
  ['algemeen', 'general'],
  ['nieuws', 'news'],
  ['bestuur', 'managers'],
  ['utrecht', 'chapter Utrecht'],
];

/** The e-mail address of a demo member. */
export function demoEmail(memberNumber: string): string {
  return `${memberNumber.toLowerCase()}@${DEMO_MAIL_DOMAIN}`;
}

/** The members CSV of the demo (the format `kring members import` reads). */
export function demoMembersCsv(): string {
  const rows = [...DEMO_MEMBERS.map((m) => [...m, 'actief']), [...LAPSED, 'verlopen']];
  return ['Lidnummer;Naam;E-mail;Afdeling;Rollen;Status', ...rows.map(([n, name, chapter, roles, status]) => `${n};${name};${demoEmail(n!)};${chapter};${roles};${status}`)].join('\n');
}

/** What the seeder needs of a running Kring. */
export interface DemoSeedDeps {
  organization: Organization;
  directory: Pick<Directory, 'members' | 'identities'>;
  router: InboundHandler;
  mailer: DemoMailer;
  importCsv(csv: string): Promise<void>;
  web: {
    space: string;
    newUserId(): string;
    signInLink(userId: string): Promise<string>;
    messages: WebMessageStore;
  };
  logger: Logger;
}

/** The seeded demo: the manager and a one-time link that signs them in. */
export interface SeededDemo {
  manager: Member;
  signInUrl: string;
  /** A second member (for trying a vote in a second browser): signs in with the e-mailed code. */
  member: Member;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function seedDemo(deps: DemoSeedDeps): Promise<SeededDemo> {
  const { organization, directory, web } = deps;
  const org = organization.id;
  const fresh = (await directory.members.count(org)) === 0;
  if (fresh) await deps.importCsv(demoMembersCsv());
  const member = async (n: string) => {
    const found = await directory.members.findByNumber(org, n);
    if (!found) throw new Error(`demo: member ${n} is missing (was the demo organisation changed?)`);
    return found;
  };
  const manager = await member(DEMO_MEMBERS[0]![0]);

  const send = (userId: string, event: { channel?: string; path?: string[]; args?: string[]; action?: { id: string; value: string; messageId: string } }): Promise<Reply | undefined> => {
    const base = { platform: 'web' as const, workspaceId: web.space, userId, ...(event.channel ? { channelId: event.channel } : {}), raw: { demo: true } };
    return event.action
      ? deps.router.handle({ ...base, type: 'action', actionId: event.action.id, value: event.action.value, message: { platform: 'web', workspaceId: web.space, channelId: event.channel ?? '', messageId: event.action.messageId } })
      : deps.router.handle({ ...base, type: 'command', path: event.path ?? [], args: event.args ?? [], options: {} });
  };

  /** Signs a demo member in to the web community the way people do: `/kring link` and the e-mailed code. */
  const signIn = async (m: Member): Promise<string> => {
    const existing = (await directory.identities.listByMember(m.id)).find((i) => i.platform === 'web' && i.workspaceId === web.space);
    if (existing) return existing.platformUserId;
    const userId = web.newUserId();
    const mail = deps.mailer.catchNext(m.email!);
    await send(userId, { path: ['link'], args: [m.memberNumber] });
    const code = /\b(\d{6})\b/.exec((await Promise.race([mail, sleep(5000).then(() => null)]))?.text ?? '')?.[1];
    if (!code) throw new Error(`demo: no code arrived for ${m.memberNumber}`);
    await send(userId, { path: ['verify'], args: [code] });
    return userId;
  };

  const managerId = await signIn(manager);
  if (fresh) {
    for (const [channel, purpose] of CHANNELS) await send(managerId, { channel, path: ['channel', 'connect'], args: purpose.split(' ') });
    const voters: string[] = [];
    for (const n of ACTIVE_NUMBERS) voters.push(await signIn(await member(n)));
    await send(managerId, { channel: 'algemeen', path: ['poll', 'create'], args: ['Waar fietsen we de voorjaarstocht?', '|', 'Veluwe', '|', 'Langs de kust', '|', 'Door het Groene Hart'] });
    const poll = await waitForButtons(web.messages, web.space, 'algemeen', 'poll.vote');
    if (poll) {
      for (const [i, userId] of voters.entries()) {
        const button = poll.buttons[[0, 1, 0, 2, 0, 1, 0][i % 7]!]!;
        await send(userId, { channel: 'algemeen', action: { id: button.actionId, value: button.value ?? '', messageId: poll.messageId } });
      }
    } else deps.logger.warn('demo: the poll did not appear in #algemeen; it has no votes');
    await send(managerId, {
      channel: 'nieuws',
      path: ['news', 'post'],
      args: ['Ledenvergadering op 12 maart', '|', 'De agenda en de stukken staan online. Kom je ook? Stem alvast in de poll in #algemeen.', '|', 'https://example.org/alv'],
    });
    await send(managerId, { channel: 'bestuur', path: ['insights'] });
    deps.logger.info({ members: DEMO_MEMBERS.length + 1, channels: CHANNELS.length }, 'demo: association seeded');
  }
  return { manager, member: await member('D-002'), signInUrl: await web.signInLink(managerId) };
}

/** Waits (briefly) for a message with buttons of `actionId` in a channel: the poll's copy is posted by a job. */
async function waitForButtons(messages: WebMessageStore, space: string, channel: string, actionId: string): Promise<{ messageId: string; buttons: { actionId: string; value?: string }[] } | null> {
  for (let i = 0; i < 100; i++) {
    for (const m of await messages.recent(space, channel, 20)) {
      const buttons = m.view.blocks.flatMap((b: ViewBlock) => (b.type === 'buttons' ? b.buttons : [])).filter((b) => b.actionId === actionId || b.actionId.startsWith(`${actionId}.`));
      if (buttons.length > 0) return { messageId: m.id, buttons };
    }
    await sleep(100);
  }
  return null;
}
