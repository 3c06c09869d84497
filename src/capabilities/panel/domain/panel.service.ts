import type { Member, Organization } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { EventBus } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatforms, type View } from '../../../kernel/ports/chat-platform.js';
import type { ChapterRepository, IdentityRepository, MemberRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Platform } from '../../../kernel/types.js';
import type { PanelJobs, PanelRepository } from '../ports.js';
import { PANEL_LIMITS, panelColumnsOf, type DrawablePanelCandidate, type Panel, type PanelPlace } from './panel.js';
import { drawPanel, PanelDrawError, stratumLabel, type StratumAllocation } from './panel-draw.js';
import { PanelError } from './panel.errors.js';

export interface PanelServiceDeps {
  repo: PanelRepository;
  jobs: PanelJobs;
  members: Pick<MemberRepository, 'findByNumber' | 'findByIds'>;
  chapters: Pick<ChapterRepository, 'list'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  platforms: ChatPlatforms;
  /** The direct message that tells a member they are on the panel, in their language (views.ts). */
  welcomeView(member: Member, organization: Organization): View;
  bus?: Pick<EventBus, 'publish'>;
  clock: Clock;
  logger: Logger;
  /** A fresh seed for a draw that names none (tests pass a fixed one). */
  newSeed?: () => number;
}

/** One seat as a manager sees it: the member, their stratum and how they came on. */
export interface PanelMemberView {
  member: Member;
  chapterName: string | null;
  ageGroup: string | null;
  membershipType: string | null;
  source: 'draw' | 'manual';
  stratum: string;
  addedAt: Date;
}

/** The panel for managers: the panel, its members, the candidates' strata against the seats. */
export interface PanelOverview {
  panel: Panel;
  members: PanelMemberView[];
  /** Every stratum of the current candidates, with the seats the panel holds in it now. */
  strata: StratumAllocation[];
  candidates: number;
  places: PanelPlace[];
}

/** What a member may know about themselves. */
export interface PanelStatus {
  optedIn: boolean;
  onPanel: boolean;
}

/**
 * The panel's rules. Members opt in and out themselves; leaving also takes them off the panel. Only
 * managers draw (`draw`, `redraw`), adjust (`add`, `remove`) and see the members (`overview`); the
 * commands and routes check that, this service trusts its callers. Who is on the panel is let into its
 * places on every platform they have an account on there, and taken out when they leave it: through the
 * queue, one job per member whose seat changed, so a draw does not wait on the platforms; a platform
 * error is retried when it may pass (rate limit, outage), else logged, and never undoes the panel.
 */
export class PanelService {
  private readonly newSeed: () => number;

  constructor(private readonly deps: PanelServiceDeps) {
    this.newSeed = deps.newSeed ?? (() => Math.floor(Math.random() * 2 ** 31));
  }

  async status(member: Member): Promise<PanelStatus> {
    const [candidate, panel] = await Promise.all([this.deps.repo.candidate(member.id), this.deps.repo.find(member.organizationId)]);
    return { optedIn: candidate?.optedIn ?? false, onPanel: panel?.seats.some((s) => s.memberId === member.id) ?? false };
  }

  /** The member is willing to be asked. Returns whether they had opted in already. */
  async join(member: Member): Promise<{ already: boolean }> {
    const before = await this.deps.repo.candidate(member.id);
    if (before?.optedIn) return { already: true };
    await this.deps.repo.setOptIn(member.organizationId, member.id, true, this.deps.clock.now());
    return { already: false };
  }

  /** The member no longer wants to be asked: off the candidates, and off the panel (out of its places). */
  async leave(member: Member): Promise<{ wasOptedIn: boolean; leftPanel: boolean }> {
    const before = await this.deps.repo.candidate(member.id);
    if (before?.optedIn) await this.deps.repo.setOptIn(member.organizationId, member.id, false, this.deps.clock.now());
    const leftPanel = await this.takeOff(member.organizationId, member.id);
    return { wasOptedIn: before?.optedIn ?? false, leftPanel };
  }

  /** A member whose membership ended leaves the panel (they stay opted in for when they come back). */
  async memberLapsed(member: Member): Promise<void> {
    await this.takeOff(member.organizationId, member.id);
  }

  /** The member import's extra columns (`members.imported`): keeps age group and membership type, nothing else. */
  async importColumns(organizationId: string, rows: readonly { memberNumber: string; columns: Record<string, string> }[]): Promise<number> {
    const wanted = rows.map((r) => ({ memberNumber: r.memberNumber, values: panelColumnsOf(r.columns) })).filter((r) => Object.keys(r.values).length > 0);
    return wanted.length === 0 ? 0 : this.deps.repo.importColumns(organizationId, wanted);
  }

  /** The panel's active members with a linked chat account (a survey to the panel: `audience.members-requested`). */
  reachableMembers(organizationId: string): Promise<string[]> {
    return this.deps.repo.reachableMemberIds(organizationId);
  }

  /** How many active members opted in. */
  candidates(organizationId: string): Promise<number> {
    return this.deps.repo.countDrawable(organizationId);
  }

  /**
   * Draws a new panel of `size` from the active members who opted in, balanced over chapter, age group
   * and membership type, replacing the current one; `seed` repeats an earlier draw. Publishes `panel.drawn`.
   * @throws PanelError `PANEL.BAD_SIZE`, `PANEL.TOO_FEW`
   */
  async draw(input: { organizationId: string; size: number; seed?: number; drawnBy: Member | null }): Promise<PanelOverview> {
    if (!Number.isInteger(input.size) || input.size < 1 || input.size > PANEL_LIMITS.size) throw new PanelError('PANEL.BAD_SIZE', 'Bad size.', { params: { max: PANEL_LIMITS.size } });
    const candidates = await this.deps.repo.drawable(input.organizationId);
    const chapterNames = await this.chapterNames(input.organizationId);
    const seed = input.seed ?? this.newSeed();
    let result;
    try {
      result = drawPanel(candidates.map((c) => ({ memberId: c.memberId, strata: strataOf(c, chapterNames) })), input.size, seed);
    } catch (err) {
      if (err instanceof PanelDrawError && err.reason === 'too-few') throw new PanelError('PANEL.TOO_FEW', err.message, { params: { size: input.size, available: err.available }, cause: err });
      throw err;
    }
    const before = await this.deps.repo.find(input.organizationId);
    const now = this.deps.clock.now();
    const panel = await this.deps.repo.replace({
      organizationId: input.organizationId,
      size: input.size,
      seed,
      drawnAt: now,
      drawnByMemberId: input.drawnBy?.id ?? null,
      seats: result.drawn.map((d) => ({ memberId: d.memberId, source: 'draw', stratum: d.stratum, addedAt: now })),
    });
    const was = new Set(before?.seats.map((s) => s.memberId) ?? []);
    const is = new Set(panel.seats.map((s) => s.memberId));
    const cameOn = [...is].filter((id) => !was.has(id));
    await this.syncPlaces(input.organizationId, cameOn, [...was].filter((id) => !is.has(id)));
    await this.deps.jobs.welcome(input.organizationId, cameOn);
    await this.deps.bus?.publish('panel.drawn', {
      organizationId: input.organizationId,
      panelId: panel.id,
      size: panel.size,
      seats: panel.seats.length,
      candidates: candidates.length,
      drawnAt: panel.drawnAt,
      strata: result.allocation.map((a) => ({ ...a })),
    });
    return this.overviewOf(panel);
  }

  /** Draws again at the current size with a fresh seed. @throws PanelError `PANEL.NOT_DRAWN`, `PANEL.TOO_FEW` */
  async redraw(organizationId: string, drawnBy: Member | null): Promise<PanelOverview> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel) throw new PanelError('PANEL.NOT_DRAWN', 'No panel.');
    return this.draw({ organizationId, size: panel.size, drawnBy });
  }

  /**
   * A manager puts a member on the panel by member number: they must be active and have opted in.
   * @throws PanelError `PANEL.NOT_DRAWN`, `PANEL.UNKNOWN_MEMBER`, `PANEL.NOT_ACTIVE`, `PANEL.NOT_OPTED_IN`, `PANEL.ALREADY_ON`
   */
  async add(organizationId: string, memberNumber: string): Promise<Member> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel) throw new PanelError('PANEL.NOT_DRAWN', 'No panel.');
    const member = await this.memberByNumber(organizationId, memberNumber);
    if (member.status !== 'active') throw new PanelError('PANEL.NOT_ACTIVE', 'Not active.', { params: { name: member.name } });
    const candidate = await this.deps.repo.candidate(member.id);
    if (!candidate?.optedIn) throw new PanelError('PANEL.NOT_OPTED_IN', 'Not opted in.', { params: { name: member.name } });
    const chapterNames = await this.chapterNames(organizationId);
    const stratum = stratumLabel(strataOf({ memberId: member.id, chapterId: member.chapterId, ageGroup: candidate.ageGroup, membershipType: candidate.membershipType }, chapterNames));
    if (!(await this.deps.repo.addSeat(panel.id, { memberId: member.id, source: 'manual', stratum, addedAt: this.deps.clock.now() }))) {
      throw new PanelError('PANEL.ALREADY_ON', 'On the panel already.', { params: { name: member.name } });
    }
    await this.syncPlaces(organizationId, [member.id], []);
    await this.deps.jobs.welcome(organizationId, [member.id]);
    return member;
  }

  /** A manager takes a member off the panel. @throws PanelError `PANEL.NOT_DRAWN`, `PANEL.UNKNOWN_MEMBER`, `PANEL.NOT_ON` */
  async remove(organizationId: string, memberNumber: string): Promise<Member> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel) throw new PanelError('PANEL.NOT_DRAWN', 'No panel.');
    const member = await this.memberByNumber(organizationId, memberNumber);
    if (!(await this.takeOff(organizationId, member.id))) throw new PanelError('PANEL.NOT_ON', 'Not on the panel.', { params: { name: member.name } });
    return member;
  }

  /** The panel with its members, for managers. @throws PanelError `PANEL.NOT_DRAWN` */
  async overview(organizationId: string): Promise<PanelOverview> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel) throw new PanelError('PANEL.NOT_DRAWN', 'No panel.');
    return this.overviewOf(panel);
  }

  /** The panel without its members (the admin API's summary). @throws PanelError `PANEL.NOT_DRAWN` */
  async summary(organizationId: string): Promise<Omit<PanelOverview, 'members'>> {
    const { members: _members, ...rest } = await this.overview(organizationId);
    return rest;
  }

  /**
   * The panel's place where the manager typed: `roleId` on Discord, else the channel they typed in (Slack,
   * Teams); everyone on the panel with an account in that workspace is let in (through the queue). Returns how many are on the panel.
   * @throws PanelError `PANEL.PLACE_NOT_SUPPORTED`
   */
  async setPlace(organizationId: string, where: { platform: Platform; workspaceId: string; channelId: string }, roleId: string | null): Promise<{ place: PanelPlace; members: number }> {
    const kinds = this.deps.platforms.get(where.platform)?.accessPlaceKinds ?? [];
    const kind: PanelPlace['kind'] = roleId ? 'role' : 'channel';
    if (!kinds.includes(kind) || (kind === 'channel' && where.channelId === '')) throw new PanelError('PANEL.PLACE_NOT_SUPPORTED', 'No such place on this platform.');
    const place: PanelPlace = { organizationId, platform: where.platform, workspaceId: where.workspaceId, kind, externalId: roleId ?? where.channelId };
    await this.deps.repo.setPlace(place);
    const panel = await this.deps.repo.find(organizationId);
    const members = panel?.seats.map((s) => s.memberId) ?? [];
    await this.deps.jobs.syncPlaces(organizationId, members);
    return { place, members: members.length };
  }

  /**
   * The places job: lets the member into every place of the panel where they have an account in that
   * workspace when they are on the panel now, takes them out otherwise (so a late or repeated job follows
   * the current panel). @throws ChatPlatformError when a platform asks to try again later (the queue retries)
   */
  async reconcilePlaces(organizationId: string, memberId: string): Promise<void> {
    const [panel, places] = await Promise.all([this.deps.repo.find(organizationId), this.deps.repo.places(organizationId)]);
    if (places.length === 0) return;
    const onPanel = panel?.seats.some((s) => s.memberId === memberId) ?? false;
    const accounts = await this.deps.identities.listByMember(memberId);
    let retry: unknown;
    for (const place of places) {
      const account = accounts.find((a) => a.platform === place.platform && a.workspaceId === place.workspaceId);
      const platform = this.deps.platforms.get(place.platform);
      if (!account || !platform?.grantChannelAccess || !platform.revokeChannelAccess) continue;
      const user = { workspaceId: account.workspaceId, userId: account.platformUserId };
      const target = { workspaceId: place.workspaceId, kind: place.kind, id: place.externalId };
      try {
        if (onPanel) await platform.grantChannelAccess(user, target);
        else await platform.revokeChannelAccess(user, target);
      } catch (err) {
        if (err instanceof ChatPlatformError && (err.code === 'RATE_LIMITED' || err.code === 'TRANSIENT')) retry ??= err;
        else this.deps.logger.warn({ platform: place.platform, kind: place.kind, onPanel, err: (err as Error).message }, 'panel place not updated');
      }
    }
    // The other places were done; grants and revokes are idempotent, so the retry repeats them harmlessly.
    if (retry) throw retry;
  }

  /**
   * The welcome job: tells the member by direct message, on the first of their platforms that takes it,
   * that they are on the panel, if they still are. `deliveryKey` makes a retried send recognisable to the
   * platforms that can tell (Discord nonce, Slack metadata).
   * @throws ChatPlatformError when every platform asked to try again later (the queue retries)
   */
  async welcome(organizationId: string, memberId: string, deliveryKey: string): Promise<void> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel?.seats.some((s) => s.memberId === memberId)) return;
    const [member] = await this.deps.members.findByIds(organizationId, [memberId]);
    const organization = await this.deps.organizations.findById(organizationId);
    if (!member || !organization || member.status !== 'active') return;
    const view = this.deps.welcomeView(member, organization);
    let retry: unknown;
    for (const identity of await this.deps.identities.listByMember(memberId)) {
      const platform = this.deps.platforms.get(identity.platform);
      if (!platform) continue;
      try {
        await platform.sendDirect({ workspaceId: identity.workspaceId, userId: identity.platformUserId }, view, { idempotencyKey: deliveryKey });
        return;
      } catch (err) {
        if (err instanceof ChatPlatformError && (err.code === 'RATE_LIMITED' || err.code === 'TRANSIENT')) retry ??= err;
        this.deps.logger.warn({ platform: identity.platform, err: (err as Error).message }, 'panel welcome not sent');
      }
    }
    if (retry) throw retry;
  }

  // --- helpers -----------------------------------------------------------------------------------

  private async takeOff(organizationId: string, memberId: string): Promise<boolean> {
    const panel = await this.deps.repo.find(organizationId);
    if (!panel || !(await this.deps.repo.removeSeat(panel.id, memberId))) return false;
    await this.syncPlaces(organizationId, [], [memberId]);
    return true;
  }

  private async memberByNumber(organizationId: string, memberNumber: string): Promise<Member> {
    const number = memberNumber.trim();
    const member = number === '' ? null : await this.deps.members.findByNumber(organizationId, number);
    if (!member) throw new PanelError('PANEL.UNKNOWN_MEMBER', 'No such member.', { params: { number: number.slice(0, 64) } });
    return member;
  }

  private async chapterNames(organizationId: string): Promise<Map<string, string>> {
    return new Map((await this.deps.chapters.list(organizationId)).map((c) => [c.id, c.name]));
  }

  private async overviewOf(panel: Panel): Promise<PanelOverview> {
    const [members, candidates, chapterNames, places] = await Promise.all([
      this.deps.members.findByIds(panel.organizationId, panel.seats.map((s) => s.memberId)),
      this.deps.repo.drawable(panel.organizationId),
      this.chapterNames(panel.organizationId),
      this.deps.repo.places(panel.organizationId),
    ]);
    const byId = new Map(members.map((m) => [m.id, m]));
    // Everyone on the panel opted in and is active (leaving and lapsing take them off), so the candidates hold their columns.
    const columns = new Map(candidates.map((c) => [c.memberId, c]));
    const rows: PanelMemberView[] = [];
    for (const seat of panel.seats) {
      const member = byId.get(seat.memberId);
      if (!member) continue;
      const candidate = columns.get(member.id);
      rows.push({
        member,
        chapterName: member.chapterId ? (chapterNames.get(member.chapterId) ?? null) : null,
        ageGroup: candidate?.ageGroup ?? null,
        membershipType: candidate?.membershipType ?? null,
        source: seat.source,
        stratum: seat.stratum,
        addedAt: seat.addedAt,
      });
    }
    rows.sort((a, b) => a.stratum.localeCompare(b.stratum) || a.member.name.localeCompare(b.member.name));
    const pools = new Map<string, number>();
    for (const c of candidates) {
      const label = stratumLabel(strataOf(c, chapterNames));
      pools.set(label, (pools.get(label) ?? 0) + 1);
    }
    const seats = new Map<string, number>();
    for (const s of panel.seats) seats.set(s.stratum, (seats.get(s.stratum) ?? 0) + 1);
    const strata = [...new Set([...pools.keys(), ...seats.keys()])]
      .map((label) => ({ label, pool: pools.get(label) ?? 0, seats: seats.get(label) ?? 0 }))
      .sort((a, b) => b.pool - a.pool || a.label.localeCompare(b.label));
    return { panel, members: rows, strata, candidates: candidates.length, places };
  }

  private async syncPlaces(organizationId: string, added: readonly string[], removed: readonly string[]): Promise<void> {
    if (added.length === 0 && removed.length === 0) return;
    if ((await this.deps.repo.places(organizationId)).length === 0) return;
    await this.deps.jobs.syncPlaces(organizationId, [...added, ...removed]);
  }
}

/** A candidate's stratum values: chapter name, age group, membership type. */
function strataOf(c: DrawablePanelCandidate, chapterNames: ReadonlyMap<string, string>): (string | null)[] {
  return [c.chapterId ? (chapterNames.get(c.chapterId) ?? null) : null, c.ageGroup, c.membershipType];
}
