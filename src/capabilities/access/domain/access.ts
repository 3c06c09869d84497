import { isActive, type Member, type MemberRole, type PlatformIdentity } from '../../../kernel/community.js';
import type { AccessPlaceKind } from '../../../kernel/ports/chat-platform.js';
import type { PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Platform } from '../../../kernel/types.js';

/**
 * Members-only access, as plain data and pure rules: which places exist (a Discord role, a Slack or Teams
 * private channel) and for whom, what Kring granted, when a membership ended, suspensions; and from those
 * the one decision "who should be where now" ({@link standingOf}, {@link planAccess}).
 */

/** Who a place is for: every active member, holders of some roles, or members of some chapters. */
export type Audience = { kind: 'all' } | { kind: 'roles'; roles: MemberRole[] } | { kind: 'chapters'; chapterIds: string[] };

/** A members-only place on one platform and workspace, and who may enter it. */
export interface AccessPlace {
  id: string;
  organizationId: string;
  platform: Platform;
  /** The workspace's external id (guild, team, tenant). */
  workspaceId: string;
  kind: AccessPlaceKind;
  /** The Discord role id, or the Slack/Teams channel id. */
  externalId: string;
  /** As the platform shows it (without `#`), when known. */
  name: string | null;
  audience: Audience;
  createdAt: Date;
}

/** The key of the platform's own member role (Discord's `DISCORD_MEMBER_ROLE_ID`) among a member's grants. */
export const MEMBER_ROLE_KEY = 'member-role';

/** What Kring let one chat account into: a place (`placeKey` = its id) or the member role ({@link MEMBER_ROLE_KEY}). */
export interface AccessGrant {
  platform: Platform;
  workspaceId: string;
  platformUserId: string;
  placeKey: string;
  organizationId: string;
  memberId: string;
  grantedAt: Date;
}

/** A membership that ended: access goes after the grace period. */
export interface AccessLapse {
  memberId: string;
  organizationId: string;
  lapsedAt: Date;
  /** When the "your membership ended" message went out (once per lapse). */
  notifiedAt: Date | null;
  /** When access was taken away everywhere. */
  revokedAt: Date | null;
}

/** A suspension by the moderators. */
export interface Suspension {
  id: string;
  organizationId: string;
  memberId: string;
  until: Date;
  caseNumber: number | null;
  createdAt: Date;
  endedAt: Date | null;
}

/** An organisation's access settings and house rules (huisregels). */
export interface AccessSettings {
  organizationId: string;
  /** Days a member whose membership ended keeps access (0: access goes at once). */
  graceDays: number;
  /** 0 while there are no rules; incremented whenever they change. */
  rulesVersion: number;
  rules: { nl: string | null; en: string | null };
  rulesUpdatedAt: Date | null;
}

/** The most grace an organisation may give. */
export const MAX_GRACE_DAYS = 365;

/**
 * Where a member stands for access:
 * - `member`: active, not suspended: in every place their audience allows;
 * - `grace`: their membership ended less than the grace period ago: access stays for now;
 * - `ended`: the membership ended and the grace period is over: no access anywhere;
 * - `suspended`: a moderator suspended them: no access anywhere until the suspension ends.
 */
export type Standing = 'member' | 'grace' | 'ended' | 'suspended';

/** When a lapse's grace period is over. */
export function graceEnds(lapse: Pick<AccessLapse, 'lapsedAt'>, graceDays: number): Date {
  return new Date(lapse.lapsedAt.getTime() + graceDays * 24 * 60 * 60_000);
}

/** Whether a suspension keeps the member out at `now`. */
export function suspensionHolds(suspension: Pick<Suspension, 'until' | 'endedAt'> | null, now: Date): boolean {
  return suspension !== null && suspension.endedAt === null && suspension.until.getTime() > now.getTime();
}

/** The member's standing at `now` (see {@link Standing}); a member who is not active without a lapse on record counts from `now`. */
export function standingOf(member: Pick<Member, 'status'>, lapse: Pick<AccessLapse, 'lapsedAt'> | null, suspension: Pick<Suspension, 'until' | 'endedAt'> | null, graceDays: number, now: Date): Standing {
  if (suspensionHolds(suspension, now)) return 'suspended';
  if (isActive(member)) return 'member';
  const since = lapse ?? { lapsedAt: now };
  return graceEnds(since, graceDays).getTime() > now.getTime() ? 'grace' : 'ended';
}

/** Whether a standing keeps access. */
export function keepsAccess(standing: Standing): boolean {
  return standing === 'member' || standing === 'grace';
}

/** Whether the place's audience includes the member. */
export function inAudience(audience: Audience, member: Pick<Member, 'roles' | 'chapterId'>): boolean {
  switch (audience.kind) {
    case 'all':
      return true;
    case 'roles':
      return member.roles.some((role) => audience.roles.includes(role));
    case 'chapters':
      return member.chapterId !== null && audience.chapterIds.includes(member.chapterId);
  }
}

/** One change to make: a chat account into or out of a place (or the member role). */
export interface AccessChange {
  account: PlatformAccount;
  /** The place, or `member-role`. */
  place: AccessPlace | typeof MEMBER_ROLE_KEY;
}

/** The key a change's place has among the grants. */
export function placeKeyOf(place: AccessChange['place']): string {
  return place === MEMBER_ROLE_KEY ? MEMBER_ROLE_KEY : place.id;
}

/** What {@link planAccess} decided. */
export interface AccessPlan {
  grant: AccessChange[];
  revoke: AccessChange[];
}

/**
 * What should change for one member so that access matches membership:
 * - standing `member` or `grace`: every linked account gets the member role (where its platform has one)
 *   and every place of its workspace whose audience includes the member; grants the member no longer
 *   qualifies for (another chapter, a role taken away, a place removed) go;
 * - `ended` or `suspended`: everything goes, also what Kring has no record of granting (a member role from
 *   before Kring kept records, a place the member was let into by hand), because a closed community must
 *   close: on every linked account, the member role and every place of its workspace.
 * Grants of accounts that are no longer linked go too.
 */
export function planAccess(input: {
  standing: Standing;
  member: Pick<Member, 'roles' | 'chapterId'>;
  identities: readonly Pick<PlatformIdentity, 'platform' | 'workspaceId' | 'platformUserId'>[];
  places: readonly AccessPlace[];
  grants: readonly AccessGrant[];
  /** Whether the account's platform has a member role (Discord with DISCORD_MEMBER_ROLE_ID). */
  hasMemberRole: (platform: Platform) => boolean;
}): AccessPlan {
  const { standing, member, identities, places, grants } = input;
  const accountKey = (a: PlatformAccount) => `${a.platform}\u0000${a.workspaceId}\u0000${a.platformUserId}`;
  const granted = new Set(grants.map((g) => `${accountKey(g)}\u0000${g.placeKey}`));
  const wanted = new Set<string>();
  const plan: AccessPlan = { grant: [], revoke: [] };
  const keep = keepsAccess(standing);
  for (const identity of identities) {
    const account: PlatformAccount = { platform: identity.platform, workspaceId: identity.workspaceId, platformUserId: identity.platformUserId };
    const candidates: AccessChange['place'][] = [
      ...(input.hasMemberRole(identity.platform) ? [MEMBER_ROLE_KEY as typeof MEMBER_ROLE_KEY] : []),
      ...places.filter((p) => p.platform === identity.platform && p.workspaceId === identity.workspaceId),
    ];
    for (const place of candidates) {
      const key = `${accountKey(account)}\u0000${placeKeyOf(place)}`;
      const fits = place === MEMBER_ROLE_KEY || inAudience(place.audience, member);
      if (keep && fits) {
        wanted.add(key);
        if (!granted.has(key)) plan.grant.push({ account, place });
      } else if (!keep || granted.has(key)) {
        wanted.add(key);
        plan.revoke.push({ account, place });
      }
    }
  }
  // Grants left over: accounts no longer linked, places no longer there.
  for (const grant of grants) {
    const key = `${accountKey(grant)}\u0000${grant.placeKey}`;
    if (wanted.has(key)) continue;
    const place = grant.placeKey === MEMBER_ROLE_KEY ? MEMBER_ROLE_KEY : places.find((p) => p.id === grant.placeKey);
    if (place === undefined) continue; // a removed place: its own revocation handles it
    plan.revoke.push({ account: { platform: grant.platform, workspaceId: grant.workspaceId, platformUserId: grant.platformUserId }, place });
  }
  return plan;
}
