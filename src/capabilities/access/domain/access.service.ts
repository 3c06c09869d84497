import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member, type PlatformIdentity } from '../../../kernel/community.js';
import type { EventBus, KringEvents } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatform, type ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository, OrganizationRepository, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import { validate } from '../../../kernel/validate.js';
import { z } from 'zod';
import type { AccessJobs, AccessRepository, AccessViews, NewAccessPlace } from '../ports.js';
import {
  MAX_GRACE_DAYS,
  MEMBER_ROLE_KEY,
  graceEnds,
  planAccess,
  placeKeyOf,
  standingOf,
  type AccessChange,
  type AccessGrant,
  type AccessLapse,
  type AccessPlace,
  type AccessSettings,
  type Standing,
  type Suspension,
} from './access.js';
import { accessError } from './access.errors.js';

export interface AccessServiceDeps {
  repo: AccessRepository;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: Pick<OrganizationRepository, 'findById' | 'list'>;
  /** The connected platforms (none in the CLI: there every platform change is a job for the server). */
  platforms: ChatPlatforms;
  jobs: AccessJobs;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  views: AccessViews;
  /** Where members renew (`KRING_RENEW_URL`), in the lapse message. */
  renewUrl: string | undefined;
  logger: Logger;
}

/** What one member's access looks like (the admin API's view). */
export interface MemberAccess {
  standing: Standing;
  lapse: AccessLapse | null;
  suspension: Suspension | null;
  grants: AccessGrant[];
}

/** Members enqueued per kind and sweep at most (the next sweep takes the rest). */
const SWEEP_BATCH = 10_000;
const DAY_MS = 24 * 60 * 60_000;
/** The longest house rules, per language. */
export const MAX_RULES_LENGTH = 8000;

type ChangeReason = KringEvents['access.changed']['reason'];

/**
 * Members-only access on every platform, decided from Kring's own membership data:
 *
 * - Membership events (linked, unlinked, lapsed, reactivated, updated) and the moderators' suspensions
 *   arrive on the bus, in whichever process made the change. The listener records what it must (a lapse,
 *   a suspension) and hands the platform work to the queue, so a change made in the CLI (a full import)
 *   reaches the platforms through the server's workers. A link and an unlink, made in chat, are applied at
 *   once when this process has the platform (the member sees the channels open as they are welcomed).
 * - {@link reconcile} brings one member's access in line: it computes the standing (member, grace, ended,
 *   suspended) and the changes ({@link planAccess}), sends the "your membership ended" message once when
 *   the grace period is over, then opens or closes each place, recording what it granted.
 * - {@link sweep} (daily, and on demand) finds lapses whose grace is over, suspensions whose time is up and
 *   lapses no listener saw, and reconciles those members.
 *
 * A platform call that fails passingly (rate limit, outage) fails the job after the other changes were
 * made, so the queue retries; a refusal (missing permission, unknown user) is logged and skipped.
 */
export class AccessService {
  constructor(private readonly deps: AccessServiceDeps) {}

  // -- bus listeners -------------------------------------------------------------------------------

  /** The membership ended: recorded now, access goes when the grace period is over. */
  async lapsed(member: Member): Promise<void> {
    const lapse = await this.deps.repo.recordLapse(member.organizationId, member.id, this.deps.clock.now());
    const { graceDays } = await this.deps.repo.settings(member.organizationId);
    await this.deps.jobs.reconcile(member.organizationId, member.id, graceEnds(lapse, graceDays));
  }

  /** Active again: the lapse is forgotten and access comes back. */
  async reactivated(member: Member): Promise<void> {
    await this.deps.repo.clearLapse(member.id);
    await this.deps.jobs.reconcile(member.organizationId, member.id);
  }

  /** A new linked account: the member role and the member's places, at once when the platform is here. */
  async linked(member: Member, identity: PlatformIdentity): Promise<void> {
    if (!this.deps.platforms.get(identity.platform)) return this.deps.jobs.reconcile(member.organizationId, member.id);
    try {
      await this.reconcile(member.organizationId, member.id);
    } catch (err) {
      this.deps.logger.warn({ err, memberId: member.id }, 'access: could not open the places at once; the queue tries again');
      await this.deps.jobs.reconcile(member.organizationId, member.id);
    }
  }

  /** An account was unlinked: it loses everything, at once when the platform is here. */
  async unlinked(member: Member, identity: PlatformIdentity): Promise<void> {
    const account: PlatformAccount = { platform: identity.platform, workspaceId: identity.workspaceId, platformUserId: identity.platformUserId };
    if (!this.deps.platforms.get(identity.platform)) return this.deps.jobs.revokeAccount(member.organizationId, member.id, account);
    try {
      await this.revokeAccount(member.organizationId, member.id, account);
    } catch (err) {
      this.deps.logger.warn({ err, memberId: member.id }, 'access: could not close the places at once; the queue tries again');
      await this.deps.jobs.revokeAccount(member.organizationId, member.id, account);
    }
  }

  /** Roles or chapter may have changed: only places for some roles or chapters care. */
  async updated(member: Member): Promise<void> {
    if (await this.deps.repo.hasNarrowPlaces(member.organizationId)) await this.deps.jobs.reconcile(member.organizationId, member.id);
  }

  /** Suspended by the moderators: access goes now and comes back at `until`. */
  async suspended(member: Member, until: Date, caseNumber: number | null): Promise<void> {
    const now = this.deps.clock.now();
    const open = await this.deps.repo.openSuspension(member.id);
    // A new decision replaces the running suspension.
    if (open) await this.deps.repo.endSuspension(open.id, now);
    await this.deps.repo.addSuspension({ organizationId: member.organizationId, memberId: member.id, until, caseNumber, createdAt: now });
    await this.deps.jobs.reconcile(member.organizationId, member.id);
    await this.deps.jobs.reconcile(member.organizationId, member.id, until);
  }

  // -- the work ------------------------------------------------------------------------------------

  /** Brings one member's access in line with their membership (see the class comment). */
  async reconcile(organizationId: string, memberId: string): Promise<void> {
    const { repo, clock } = this.deps;
    const now = clock.now();
    const member = await this.deps.members.findById(organizationId, memberId);
    if (!member) return;
    let lapse = await repo.findLapse(memberId);
    if (isActive(member) && lapse) {
      // Active again where no listener saw it (another process, an import without events).
      await repo.clearLapse(memberId);
      lapse = null;
    }
    if (!isActive(member) && !lapse) lapse = await repo.recordLapse(organizationId, memberId, now);
    let suspension = await repo.openSuspension(memberId);
    let ended: Suspension | undefined;
    if (suspension && suspension.until.getTime() <= now.getTime()) {
      await repo.endSuspension(suspension.id, now);
      ended = suspension;
      suspension = null;
    }
    const settings = await repo.settings(organizationId);
    const standing = standingOf(member, lapse, suspension, settings.graceDays, now);
    const [identities, places, grants] = await Promise.all([this.deps.identities.listByMember(memberId), repo.listPlaces(organizationId), repo.grantsOfMember(memberId)]);
    if (standing === 'ended' && lapse && lapse.notifiedAt === null) {
      await this.noticeLapse(member, identities);
      await repo.markLapse(memberId, 'notifiedAt', now);
    }
    const plan = planAccess({ standing, member, identities, places, grants, hasMemberRole: (p) => this.deps.platforms.get(p)?.grantMemberRole !== undefined });
    const revokeReason: ChangeReason = standing === 'ended' ? 'lapsed' : standing === 'suspended' ? 'suspended' : 'audience';
    const failure = await this.apply(member, plan.grant, plan.revoke, grants, revokeReason, now);
    if (standing === 'ended' && lapse && lapse.revokedAt === null && failure === undefined) await repo.markLapse(memberId, 'revokedAt', now);
    if (ended) await this.deps.bus.publish('member.suspension-ended', { member, endedAt: now, caseNumber: ended.caseNumber });
    if (failure) throw failure;
  }

  /** Takes one chat account out of every place of its workspace and the member role. */
  async revokeAccount(organizationId: string, memberId: string, account: PlatformAccount): Promise<void> {
    const member = await this.deps.members.findById(organizationId, memberId);
    if (!member) return;
    const places = (await this.deps.repo.listPlaces(organizationId)).filter((p) => p.platform === account.platform && p.workspaceId === account.workspaceId);
    const grants = (await this.deps.repo.grantsOfMember(memberId)).filter((g) => sameAccount(g, account));
    const changes: AccessChange[] = [{ account, place: MEMBER_ROLE_KEY }, ...places.map((place) => ({ account, place }))];
    const failure = await this.apply(member, [], changes, grants, 'unlinked', this.deps.clock.now());
    if (failure) throw failure;
  }

  /** Takes everyone Kring let into a removed place out of it. */
  async revokePlace(organizationId: string, place: AccessPlace): Promise<void> {
    const grants = await this.deps.repo.grantsOfPlace(place.id);
    let failure: ChatPlatformError | undefined;
    for (const grant of grants) {
      const member = await this.deps.members.findById(organizationId, grant.memberId);
      if (!member) {
        await this.deps.repo.removeGrant(grant, grant.placeKey);
        continue;
      }
      failure ??= await this.apply(member, [], [{ account: grant, place }], [grant], 'place-removed', this.deps.clock.now());
    }
    if (failure) throw failure;
  }

  /**
   * The sweep: reconciles the members whose grace is over, whose suspension's time is up, and who stopped
   * being active where no listener saw it. Returns how many of each it handed to the queue.
   */
  async sweep(organizationId: string): Promise<{ lapses: number; suspensions: number; unrecorded: number }> {
    const now = this.deps.clock.now();
    const { graceDays } = await this.deps.repo.settings(organizationId);
    const lapses = await this.deps.repo.dueLapses(organizationId, new Date(now.getTime() - graceDays * DAY_MS), SWEEP_BATCH);
    const suspensions = await this.deps.repo.dueSuspensions(organizationId, now, SWEEP_BATCH);
    const unrecorded = await this.deps.repo.unrecordedLapses(organizationId, SWEEP_BATCH);
    const ids = [...new Set([...lapses.map((l) => l.memberId), ...suspensions.map((s) => s.memberId), ...unrecorded])];
    if (ids.length > 0) await this.deps.jobs.reconcileMany(organizationId, ids);
    if (ids.length > 0) this.deps.logger.info({ organizationId, lapses: lapses.length, suspensions: suspensions.length, unrecorded: unrecorded.length }, 'access: sweep');
    return { lapses: lapses.length, suspensions: suspensions.length, unrecorded: unrecorded.length };
  }

  /** {@link sweep} for every organisation. */
  async sweepAll(): Promise<void> {
    for (const organization of await this.deps.organizations.list()) await this.sweep(organization.id);
  }

  // -- places and settings (managers: chat, CLI, admin API) ----------------------------------------------

  /**
   * Makes a place members-only for an audience (or changes its audience), and lets the members it concerns
   * in. When this process has the platform, it checks the platform has places of this kind.
   * @throws KringError `ACCESS.KIND_NOT_SUPPORTED`, `ACCESS.PLATFORM_CANNOT`.
   */
  async addPlace(input: NewAccessPlace): Promise<AccessPlace> {
    // Discord gates channels by role; Slack and Teams by private-channel membership; the web has no such places.
    const kindOf = { discord: 'role', slack: 'channel', teams: 'channel', web: null }[input.platform];
    if (kindOf !== input.kind) throw accessError('ACCESS.KIND_NOT_SUPPORTED', `${input.platform} has no ${input.kind} places`, { platform: input.platform, kinds: kindOf ?? '-' });
    const platform = this.deps.platforms.get(input.platform);
    if (platform) {
      const kinds = platform.accessPlaceKinds ?? [];
      if (kinds.length === 0) throw accessError('ACCESS.PLATFORM_CANNOT', `${input.platform} cannot open members-only places`, { platform: input.platform });
      if (!kinds.includes(input.kind)) throw accessError('ACCESS.KIND_NOT_SUPPORTED', `${input.platform} has no ${input.kind} places`, { platform: input.platform, kinds: kinds.join(', ') });
    }
    const place = await this.deps.repo.savePlace(input);
    const members = await this.deps.repo.membersInWorkspace(input.organizationId, input.platform, input.workspaceId);
    if (members.length > 0) await this.deps.jobs.reconcileMany(input.organizationId, members);
    return place;
  }

  listPlaces(organizationId: string): Promise<AccessPlace[]> {
    return this.deps.repo.listPlaces(organizationId);
  }

  /** A place by its id or the start of it (as lists show it). @throws NotFoundError `ACCESS.PLACE_NOT_FOUND`. */
  async findPlace(organizationId: string, idOrPrefix: string): Promise<AccessPlace> {
    const wanted = idOrPrefix.trim().toLowerCase().replace(/^#/, '');
    const matches = wanted.length < 4 ? [] : (await this.deps.repo.listPlaces(organizationId)).filter((p) => p.id.startsWith(wanted));
    if (matches.length !== 1) throw accessError('ACCESS.PLACE_NOT_FOUND', `no place ${idOrPrefix}`, { id: idOrPrefix });
    return matches[0]!;
  }

  /** Removes a place; everyone Kring let in is taken out (a job). */
  async removePlace(organizationId: string, idOrPrefix: string): Promise<AccessPlace> {
    const place = await this.findPlace(organizationId, idOrPrefix);
    await this.deps.repo.removePlace(organizationId, place.id);
    await this.deps.jobs.revokePlace(organizationId, place);
    return place;
  }

  settings(organizationId: string): Promise<AccessSettings> {
    return this.deps.repo.settings(organizationId);
  }

  /** Sets the grace period (0–365 days); lapses already on record follow the new period at the next sweep. */
  async setGraceDays(organizationId: string, days: number): Promise<AccessSettings> {
    const valid = validate(z.number().int().min(0).max(MAX_GRACE_DAYS), days);
    return this.deps.repo.setGraceDays(organizationId, valid);
  }

  /**
   * Replaces the house rules in one or both languages (null clears one) and makes it a new version, so
   * members who agreed to the old text are asked again.
   */
  async setRules(organizationId: string, rules: Partial<Record<'nl' | 'en', string | null>>): Promise<AccessSettings> {
    const text = z.string().trim().min(1).max(MAX_RULES_LENGTH).nullable();
    const valid: Partial<Record<'nl' | 'en', string | null>> = {};
    for (const [locale, value] of Object.entries(rules) as ['nl' | 'en', string | null][]) valid[locale] = validate(text, value);
    return this.deps.repo.setRules(organizationId, valid, this.deps.clock.now());
  }

  /** The rules to show in `locale` (the other language when that one is not written), or null without rules. */
  async rulesFor(organizationId: string, locale: 'nl' | 'en'): Promise<{ text: string; version: number } | null> {
    const settings = await this.deps.repo.settings(organizationId);
    const text = settings.rules[locale] ?? settings.rules[locale === 'nl' ? 'en' : 'nl'];
    return text ? { text, version: settings.rulesVersion } : null;
  }

  /** The member's agreement, and whether it is to the current rules. */
  async agreement(member: Member): Promise<{ version: number; agreedAt: Date; current: boolean } | null> {
    const [agreement, settings] = await Promise.all([this.deps.repo.agreement(member.id), this.deps.repo.settings(member.organizationId)]);
    return agreement ? { ...agreement, current: agreement.version === settings.rulesVersion } : null;
  }

  /**
   * The member agrees to the rules of `version` (the version they were shown); publishes
   * `member.rules-agreed`. @throws ConflictError `ACCESS.RULES_CHANGED`, NotFoundError `ACCESS.NO_RULES`.
   */
  async agree(member: Member, version: number): Promise<Date> {
    const settings = await this.deps.repo.settings(member.organizationId);
    if (settings.rulesVersion === 0) throw accessError('ACCESS.NO_RULES', 'no house rules');
    if (settings.rulesVersion !== version) throw accessError('ACCESS.RULES_CHANGED', `rules are at version ${settings.rulesVersion}, not ${version}`);
    const at = this.deps.clock.now();
    await this.deps.repo.agree(member.organizationId, member.id, version, at);
    await this.deps.bus.publish('member.rules-agreed', { member, version, agreedAt: at });
    return at;
  }

  /** After linking: the house rules with an "I agree" button, by direct message, unless agreed to already. */
  async askToAgree(member: Member, identity: PlatformIdentity): Promise<void> {
    const organization = await this.deps.organizations.findById(member.organizationId);
    if (!organization) return;
    const locale = member.locale ?? organization.defaultLocale;
    const rules = await this.rulesFor(member.organizationId, locale);
    if (!rules) return;
    const agreed = await this.agreement(member);
    if (agreed?.current) return;
    const platform = this.deps.platforms.get(identity.platform);
    if (!platform) return;
    try {
      await platform.sendDirect({ workspaceId: identity.workspaceId, userId: identity.platformUserId }, this.deps.views.rulesPrompt(locale, organization, rules.text, rules.version), {
        idempotencyKey: `access-rules-${member.id}-${rules.version}`,
      });
    } catch (err) {
      this.deps.logger.warn({ err, platform: identity.platform, memberId: member.id }, 'access: could not send the house rules');
    }
  }

  /** One member's access (the admin API). */
  async memberAccess(member: Member): Promise<MemberAccess> {
    const now = this.deps.clock.now();
    const [lapse, suspension, settings, grants] = await Promise.all([
      this.deps.repo.findLapse(member.id),
      this.deps.repo.openSuspension(member.id),
      this.deps.repo.settings(member.organizationId),
      this.deps.repo.grantsOfMember(member.id),
    ]);
    return { standing: standingOf(member, lapse, suspension, settings.graceDays, now), lapse, suspension, grants };
  }

  // -- internals -----------------------------------------------------------------------------------

  /** "Your membership ended; renew here", on every linked account (best effort: a failed message is logged). */
  private async noticeLapse(member: Member, identities: readonly PlatformIdentity[]): Promise<void> {
    const organization = await this.deps.organizations.findById(member.organizationId);
    if (!organization) return;
    const view = this.deps.views.lapseNotice(member.locale ?? organization.defaultLocale, organization, this.deps.renewUrl);
    for (const identity of identities) {
      const platform = this.deps.platforms.get(identity.platform);
      if (!platform) continue;
      try {
        await platform.sendDirect({ workspaceId: identity.workspaceId, userId: identity.platformUserId }, view, { idempotencyKey: `access-lapse-${member.id}` });
      } catch (err) {
        this.deps.logger.warn({ err, platform: identity.platform, memberId: member.id }, 'access: could not send the lapse message');
      }
    }
  }

  /**
   * Makes the changes, recording grants and publishing `access.changed` for each recorded one. Returns the
   * first passing failure (the caller throws it so the job is retried), after trying everything else.
   */
  private async apply(member: Member, grant: readonly AccessChange[], revoke: readonly AccessChange[], known: readonly AccessGrant[], revokeReason: ChangeReason, now: Date): Promise<ChatPlatformError | undefined> {
    let failure: ChatPlatformError | undefined;
    const places = new Map((await this.deps.repo.listPlaces(member.organizationId)).map((p) => [p.id, p]));
    const changed = async (change: AccessChange, kind: 'granted' | 'revoked', reason: ChangeReason) => {
      const place = change.place;
      await this.deps.bus.publish('access.changed', {
        organizationId: member.organizationId,
        member,
        account: change.account,
        place: place === MEMBER_ROLE_KEY ? { kind: 'member-role', id: MEMBER_ROLE_KEY, name: null } : { kind: place.kind, id: place.externalId, name: (places.get(place.id) ?? place).name },
        change: kind,
        reason,
        at: now,
      });
    };
    for (const change of grant) {
      const outcome = await this.call(change, 'grant');
      if (outcome === 'done') {
        await this.deps.repo.recordGrant({ ...change.account, placeKey: placeKeyOf(change.place), organizationId: member.organizationId, memberId: member.id, grantedAt: now });
        await changed(change, 'granted', 'entitled');
      } else if (outcome instanceof ChatPlatformError) failure ??= outcome;
    }
    for (const change of revoke) {
      const outcome = await this.call(change, 'revoke');
      if (outcome === 'done') {
        const recorded = known.some((g) => sameAccount(g, change.account) && g.placeKey === placeKeyOf(change.place));
        if (recorded) {
          await this.deps.repo.removeGrant(change.account, placeKeyOf(change.place));
          await changed(change, 'revoked', revokeReason);
        }
      } else if (outcome instanceof ChatPlatformError) failure ??= outcome;
    }
    return failure;
  }

  /**
   * One platform call. `done`: made (or nothing to do: a user who left the server is out already);
   * `skipped`: this process has not that platform, the platform cannot, or it refused (logged); an error:
   * passing, to retry.
   */
  private async call(change: AccessChange, direction: 'grant' | 'revoke'): Promise<'done' | 'skipped' | ChatPlatformError> {
    const platform: ChatPlatform | undefined = this.deps.platforms.get(change.account.platform);
    if (!platform) return 'skipped';
    const user = { workspaceId: change.account.workspaceId, userId: change.account.platformUserId };
    const place = change.place;
    const run =
      place === MEMBER_ROLE_KEY
        ? direction === 'grant'
          ? platform.grantMemberRole?.bind(platform)
          : platform.revokeMemberRole?.bind(platform)
        : direction === 'grant'
          ? platform.grantChannelAccess && ((u: typeof user) => platform.grantChannelAccess!(u, { workspaceId: place.workspaceId, kind: place.kind, id: place.externalId }))
          : platform.revokeChannelAccess && ((u: typeof user) => platform.revokeChannelAccess!(u, { workspaceId: place.workspaceId, kind: place.kind, id: place.externalId }));
    if (!run) return 'skipped';
    try {
      await run(user);
      return 'done';
    } catch (err) {
      const error = err instanceof ChatPlatformError ? err : new ChatPlatformError('TRANSIENT', (err as Error).message, { cause: err });
      // Out of the server, or the channel gone: there is nothing left to take away.
      if (direction === 'revoke' && error.code === 'NOT_FOUND') return 'done';
      if (error.retryable) return error;
      this.deps.logger.warn(
        { platform: platform.platform, place: placeKeyOf(place), direction, code: error.code, err: error.message },
        'access: the platform refused a change; skipped',
      );
      return 'skipped';
    }
  }
}

function sameAccount(a: PlatformAccount, b: PlatformAccount): boolean {
  return a.platform === b.platform && a.workspaceId === b.workspaceId && a.platformUserId === b.platformUserId;
}
