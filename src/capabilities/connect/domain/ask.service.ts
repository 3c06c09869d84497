import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import type { Ask, AskRepository, ConnectJobs } from '../ports.js';
import { connectError } from './connect.errors.js';
import { CONNECT_LIMITS, interestKey, type Interest } from './profile.js';
import { DirectMessenger, type ReachablePerson } from './reach.js';

/** Someone named in a message about a question, and how the reader reaches them. */
export type AskPerson = ReachablePerson;

/** What a direct message about a question says (the renderer makes a View of it in the reader's language). */
export type AskMessage =
  | { kind: 'ask-helper'; locale: Locale; askId: string; topic: string; question: string; asker: AskPerson }
  | { kind: 'helped'; locale: Locale; topic: string; helper: AskPerson }
  | { kind: 'escalated-manager'; locale: Locale; topic: string; question: string; asker: AskPerson; hours: number }
  | { kind: 'escalated-asker'; locale: Locale; topic: string };

export interface AskServiceDeps {
  repo: AskRepository;
  jobs: Pick<ConnectJobs, 'scheduleEscalation'>;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: { findById(id: string): Promise<{ defaultLocale: Locale } | null> };
  platforms: ChatPlatforms;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  logger: Logger;
  listInterests(organizationId: string): Promise<Interest[]>;
  render(message: AskMessage): View;
}

/** A draft waiting for the asker's OK: what will be sent, on which topic, to how many helpers at most. */
export interface AskDraft {
  ask: Ask;
  topic: Interest;
  helpers: number;
}

/**
 * Ask for help: a member's question goes, after they said OK to sending it with their name, to a few
 * members who offered help on its topic in their profile. Questions rotate over the helpers (the one sent
 * a question on the topic longest ago goes first), so nobody gets every question. The first to press
 * "I'll help" is introduced to the asker; a question nobody took on within the set hours (or that had
 * nobody to go to) goes to the managers. The question is the asker's own text, kept with the ask, which
 * `/kring forget` erases with the member.
 */
export class AskService {
  private readonly messenger: DirectMessenger;

  constructor(private readonly deps: AskServiceDeps) {
    this.messenger = new DirectMessenger(deps, 'ask');
  }

  /**
   * `/kring ask <topic> <question>`: the longest run of leading words that names an interest is the topic,
   * the rest the question. CONNECT.ASK_USAGE (no topic from the list or no question),
   * CONNECT.QUESTION_TOO_LONG, CONNECT.NOT_MEMBER.
   */
  async draft(member: Member, text: string): Promise<AskDraft> {
    if (!isActive(member)) throw connectError('CONNECT.NOT_MEMBER', 'not an active member');
    const interests = await this.deps.listInterests(member.organizationId);
    const known = interests.map((i) => i.name).join(', ') || '—';
    const words = text.trim().split(/\s+/).filter((w) => w !== '');
    let topic: Interest | undefined;
    let rest: string[] = [];
    for (let n = Math.min(words.length - 1, 6); n >= 1 && !topic; n--) {
      const key = interestKey(words.slice(0, n).join(' '));
      topic = interests.find((i) => i.nameKey === key);
      rest = words.slice(n);
    }
    if (!topic || rest.length === 0) throw connectError('CONNECT.ASK_USAGE', 'no topic or question', { known });
    const question = rest.join(' ');
    if (question.length > CONNECT_LIMITS.question) throw connectError('CONNECT.QUESTION_TOO_LONG', 'question too long', { max: CONNECT_LIMITS.question, length: question.length });
    const settings = await this.deps.repo.askSettings(member.organizationId);
    const ask = await this.deps.repo.createDraft({ organizationId: member.organizationId, askerId: member.id, interestId: topic.id, question, at: this.deps.clock.now() });
    return { ask, topic, helpers: settings.helpers };
  }

  /**
   * The asker's OK: the question goes to the helpers. `sent` with how many got it, or `nobody` when
   * nobody offered help on the topic (then the managers get it at once). CONNECT.ASK_NOT_YOURS.
   */
  async send(member: Member, askId: string): Promise<{ outcome: 'sent'; helpers: number } | { outcome: 'nobody' }> {
    const { repo, clock } = this.deps;
    const ask = await repo.getAsk(askId);
    if (!ask || ask.askerId !== member.id || ask.organizationId !== member.organizationId || ask.status !== 'draft') throw connectError('CONNECT.ASK_NOT_YOURS', 'not this asker or not a draft');
    const settings = await repo.askSettings(ask.organizationId);
    const helpers = await repo.pickHelpers(ask.organizationId, ask.interestId, member.id, settings.helpers);
    const topic = await this.topicName(ask);
    const now = clock.now();
    if (helpers.length === 0) {
      if (await repo.escalate(ask.id, now)) await this.toManagers(ask, member, topic, 0);
      return { outcome: 'nobody' };
    }
    const escalateAt = new Date(now.getTime() + settings.escalateHours * 3_600_000);
    if (!(await repo.open(ask.id, helpers, now, escalateAt))) throw connectError('CONNECT.ASK_NOT_YOURS', 'sent already');
    await this.deps.jobs.scheduleEscalation(ask.id, escalateAt);
    for (const helperId of helpers) {
      const helper = await this.deps.members.findById(ask.organizationId, helperId);
      if (!helper) continue;
      const asker = await this.person(helper, member);
      await this.dm(helper, (locale) => this.deps.render({ kind: 'ask-helper', locale, askId: ask.id, topic, question: ask.question, asker }), `connect-ask-${ask.id}-${helperId}`);
    }
    await this.deps.bus.publish('connect.ask-opened', { organizationId: ask.organizationId, askId: ask.id, topic, helpers: helpers.length, at: now });
    return { outcome: 'sent', helpers: helpers.length };
  }

  /** The asker takes back a draft or an open question. CONNECT.ASK_NOT_YOURS. */
  async cancel(member: Member, askId: string): Promise<void> {
    if (!(await this.deps.repo.cancel(askId, member.id))) throw connectError('CONNECT.ASK_NOT_YOURS', 'not this asker or over');
  }

  /**
   * A helper's "I'll help": the first one is introduced to the asker (a direct message names them) and
   * learns how to reach the asker; a later one hears someone is on it. CONNECT.ASK_NOT_YOURS for members
   * the question was not sent to, and for questions that were cancelled or went to the managers.
   */
  async help(helper: Member, askId: string): Promise<{ outcome: 'connected'; asker: AskPerson; topic: string } | { outcome: 'taken' }> {
    const { repo, clock } = this.deps;
    const ask = await repo.getAsk(askId);
    if (!ask || ask.organizationId !== helper.organizationId || !ask.recipientIds.includes(helper.id) || !isActive(helper)) throw connectError('CONNECT.ASK_NOT_YOURS', 'not sent to this member');
    if (ask.status === 'helped') return { outcome: 'taken' };
    const now = clock.now();
    if (!(await repo.claim(ask.id, helper.id, now))) {
      if ((await repo.getAsk(ask.id))?.status === 'helped') return { outcome: 'taken' };
      throw connectError('CONNECT.ASK_NOT_YOURS', 'over');
    }
    const topic = await this.topicName(ask);
    const asker = await this.deps.members.findById(ask.organizationId, ask.askerId);
    if (asker) {
      const named = await this.person(asker, helper);
      await this.dm(asker, (locale) => this.deps.render({ kind: 'helped', locale, topic, helper: named }), `connect-ask-helped-${ask.id}`);
    }
    await this.deps.bus.publish('connect.ask-helped', { organizationId: ask.organizationId, askId: ask.id, topic, at: now });
    return { outcome: 'connected', asker: asker ? await this.person(helper, asker) : { name: '—', mentionUserId: null, platform: null }, topic };
  }

  /** The escalation job: an open question nobody took on by its moment goes to the managers (once). */
  async escalateIfUnanswered(askId: string): Promise<void> {
    const { repo, clock } = this.deps;
    const ask = await repo.getAsk(askId);
    if (!ask || ask.status !== 'open') return;
    if (ask.escalateAt && ask.escalateAt.getTime() > clock.now().getTime()) return;
    if (!(await repo.escalate(ask.id, clock.now()))) return;
    const asker = await this.deps.members.findById(ask.organizationId, ask.askerId);
    const settings = await repo.askSettings(ask.organizationId);
    if (asker) await this.toManagers(ask, asker, await this.topicName(ask), settings.escalateHours);
  }

  private async toManagers(ask: Ask, asker: Member, topic: string, hours: number): Promise<void> {
    for (const id of await this.deps.repo.managers(ask.organizationId)) {
      if (id === asker.id) continue;
      const manager = await this.deps.members.findById(ask.organizationId, id);
      if (!manager) continue;
      const named = await this.person(manager, asker);
      await this.dm(manager, (locale) => this.deps.render({ kind: 'escalated-manager', locale, topic, question: ask.question, asker: named, hours }), `connect-ask-escalated-${ask.id}-${id}`);
    }
    // Counted before the asker hears of it: whoever reads the figures after that message sees this question.
    await this.deps.bus.publish('connect.ask-escalated', { organizationId: ask.organizationId, askId: ask.id, topic, at: this.deps.clock.now() });
    await this.dm(asker, (locale) => this.deps.render({ kind: 'escalated-asker', locale, topic }), `connect-ask-escalated-asker-${ask.id}`);
  }

  private async topicName(ask: Ask): Promise<string> {
    return (await this.deps.listInterests(ask.organizationId)).find((i) => i.id === ask.interestId)?.name ?? '—';
  }

  /** `other` as `reader` sees them: a mention when they share a workspace, else the platform `other` uses. */
  private person(reader: Member, other: Member): Promise<AskPerson> {
    return this.messenger.personFor(reader, other);
  }

  /** A direct message on the member's first linked account. Never logs what it says. */
  private dm(member: Member, view: (locale: Locale) => View, key: string): Promise<void> {
    return this.messenger.send(member, view, key);
  }
}
