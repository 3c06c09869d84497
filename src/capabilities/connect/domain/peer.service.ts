import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import type { PeerRepository, Situation } from '../ports.js';
import { connectError } from './connect.errors.js';
import { CONNECT_LIMITS, interestKey, interestNameSchema } from './profile.js';
import { DirectMessenger, type ReachablePerson } from './reach.js';

/** What a peer-support direct message says (the renderer turns it into a View in the reader's language). */
export type PeerMessage =
  | { kind: 'ask-volunteer'; locale: Locale; requestId: string; situation: string }
  | { kind: 'introduced'; locale: Locale; other: ReachablePerson }
  | { kind: 'unmatched'; locale: Locale };

export interface PeerServiceDeps {
  repo: PeerRepository;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: { findById(id: string): Promise<{ defaultLocale: Locale } | null> };
  platforms: ChatPlatforms;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  logger: Logger;
  render(message: PeerMessage): View;
}

/**
 * Peer support (lotgenoten): members who share a situation (e.g. a diagnosis) talk to each other, with a
 * double opt-in. A volunteer offers to talk about a situation; a member asks "I'd like to talk to someone
 * who also …"; Kring asks one matching volunteer privately (never naming the seeker), and only when the
 * volunteer says yes are both introduced. Situations never appear in profiles, find, exports, events,
 * logs or insights; the choice travels as an id and is sealed at rest. Pause and leave at any moment;
 * erasing the member erases all of it.
 */
export class PeerService {
  private readonly messenger: DirectMessenger;

  constructor(private readonly deps: PeerServiceDeps) {
    this.messenger = new DirectMessenger(deps, 'peer-support');
  }

  listSituations(organizationId: string): Promise<Situation[]> {
    return this.deps.repo.listSituations(organizationId);
  }

  /** A manager adds a situation to the list. CONNECT.BAD_INTEREST_NAME, CONNECT.INTEREST_EXISTS, CONNECT.TOO_MANY_INTERESTS. */
  async addSituation(organizationId: string, rawName: string): Promise<Situation> {
    const parsed = interestNameSchema.safeParse(rawName);
    if (!parsed.success) throw connectError('CONNECT.BAD_INTEREST_NAME', 'bad situation name', { max: CONNECT_LIMITS.interestName });
    const list = await this.deps.repo.listSituations(organizationId);
    if (list.length >= CONNECT_LIMITS.interests) throw connectError('CONNECT.TOO_MANY_INTERESTS', 'situation list full', { max: CONNECT_LIMITS.interests });
    const added = await this.deps.repo.addSituation(organizationId, parsed.data, interestKey(parsed.data));
    if (!added) throw connectError('CONNECT.INTEREST_EXISTS', 'situation exists', { name: parsed.data });
    return added;
  }

  /** The member offers to talk with peers about a situation (their consent, with its time). */
  async offer(member: Member, situationId: string): Promise<void> {
    await this.situation(member, situationId);
    await this.deps.repo.offer(member.organizationId, member.id, situationId, this.deps.clock.now());
  }

  async pause(member: Member): Promise<void> {
    await this.deps.repo.pause(member.id, this.deps.clock.now());
  }

  async leave(member: Member): Promise<void> {
    await this.deps.repo.leave(member.id);
  }

  /** The member asks to talk to someone who shares a situation; a matching volunteer is asked privately. */
  async ask(member: Member, situationId: string): Promise<'asked' | 'nobody'> {
    await this.situation(member, situationId);
    const requestId = await this.deps.repo.createRequest(member.organizationId, member.id, situationId, this.deps.clock.now());
    return (await this.askNext(requestId)) ? 'asked' : 'nobody';
  }

  /**
   * A volunteer's answer to the private question. CONNECT.PEER_NOT_YOURS when the presser was not asked
   * or the request is over (nothing is recorded then). Yes introduces both; no asks the next volunteer.
   */
  async answer(volunteer: Member, requestId: string, yes: boolean): Promise<void> {
    const { repo, clock } = this.deps;
    const request = await repo.getRequest(requestId);
    if (!request || request.organizationId !== volunteer.organizationId || !isActive(volunteer)) throw connectError('CONNECT.PEER_NOT_YOURS', 'not this volunteer');
    if (!(await repo.answer(requestId, volunteer.id, yes ? 'yes' : 'no', clock.now()))) throw connectError('CONNECT.PEER_NOT_YOURS', 'not asked or over');
    if (!yes) {
      await this.askNext(requestId);
      return;
    }
    const seeker = await this.deps.members.findById(request.organizationId, request.seekerId);
    await repo.setStatus(requestId, 'introduced', clock.now());
    if (!seeker || !isActive(seeker)) return;
    await this.introduce(seeker, volunteer, requestId);
    await this.introduce(volunteer, seeker, requestId);
    await this.deps.bus.publish('connect.peer-introduced', { organizationId: request.organizationId, at: clock.now() });
  }

  /** Asks the next matching volunteer; false (and the seeker is told) when nobody is left. */
  private async askNext(requestId: string): Promise<boolean> {
    const { repo, clock } = this.deps;
    const request = await repo.getRequest(requestId);
    if (!request || request.status !== 'asking') return false;
    const volunteerId = await repo.nextVolunteer(request);
    const seeker = await this.deps.members.findById(request.organizationId, request.seekerId);
    if (!volunteerId) {
      await repo.setStatus(requestId, 'unmatched', clock.now());
      if (seeker) await this.dm(seeker, async (locale) => this.deps.render({ kind: 'unmatched', locale }), `peer-unmatched-${requestId}`);
      return false;
    }
    const volunteer = await this.deps.members.findById(request.organizationId, volunteerId);
    if (!volunteer) return false;
    await repo.recordAsk(requestId, volunteerId, clock.now());
    const situation = (await repo.listSituations(request.organizationId)).find((s) => s.id === request.situationId)?.name ?? '';
    await this.dm(volunteer, async (locale) => this.deps.render({ kind: 'ask-volunteer', locale, requestId, situation }), `peer-ask-${requestId}-${volunteerId}`);
    return true;
  }

  private async introduce(reader: Member, other: Member, requestId: string): Promise<void> {
    const person = await this.messenger.personFor(reader, other);
    await this.messenger.send(reader, (locale) => this.deps.render({ kind: 'introduced', locale, other: person }), `peer-intro-${requestId}-${reader.id}`);
  }

  /** A direct message on the member's first linked account. Never logs what it says. */
  private dm(member: Member, view: (locale: Locale) => Promise<View>, key: string): Promise<void> {
    return this.messenger.send(member, view, key);
  }

  private async situation(member: Member, situationId: string): Promise<Situation> {
    if (!isActive(member)) throw connectError('CONNECT.NOT_MEMBER', 'not an active member');
    const found = (await this.deps.repo.listSituations(member.organizationId)).find((s) => s.id === situationId);
    if (!found) throw connectError('CONNECT.UNKNOWN_SITUATION', 'unknown situation');
    return found;
  }
}
