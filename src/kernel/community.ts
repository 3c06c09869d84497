import type { Locale, Platform } from './types.js';

/** Where a member stands in the member administration. Only `active` members get members-only access. */
export const MEMBER_STATUSES = ['active', 'lapsed', 'left'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/**
 * Roles a member holds in Kring. `manager` and `board` may run manager commands; `moderator` handles
 * reported messages (the case queue); `counsellor` is the association's confidential counsellor
 * (vertrouwenspersoon), to whom moderators may hand a case privately.
 */
export const MEMBER_ROLES = ['member', 'manager', 'board', 'ambassador', 'sounding_board', 'moderator', 'counsellor'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Roles that grant manager commands (news, polls, insights). */
export const MANAGER_ROLES: readonly MemberRole[] = ['manager', 'board'];

/**
 * Roles that grant moderator commands (the case queue of reported messages). A counsellor sees only the
 * cases handed to them; moderators see the others.
 */
export const MODERATOR_ROLES: readonly MemberRole[] = ['moderator', 'counsellor'];

/** An association or charity: the tenant every other row belongs to. */
export interface Organization {
  id: string;
  slug: string;
  name: string;
  defaultLocale: Locale;
  /** IANA time zone, e.g. `Europe/Amsterdam`. */
  timezone: string;
  createdAt: Date;
}

/** A local department (afdeling). */
export interface Chapter {
  id: string;
  organizationId: string;
  name: string;
}

/** A person in the association's member administration. */
export interface Member {
  id: string;
  organizationId: string;
  /** The stable key from the member administration (lidnummer). */
  memberNumber: string;
  name: string;
  email: string | null;
  status: MemberStatus;
  roles: MemberRole[];
  chapterId: string | null;
  /** Preferred language, when known. */
  locale: Locale | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A chat account linked to a member after verification. */
export interface PlatformIdentity {
  id: string;
  organizationId: string;
  memberId: string;
  platform: Platform;
  /** Slack team id, Discord guild id or Teams tenant id. */
  workspaceId: string;
  platformUserId: string;
  displayName: string | null;
  linkedAt: Date;
}

/** True when the member holds a role that grants manager commands. */
export function isManager(member: Pick<Member, 'roles'>): boolean {
  return member.roles.some((role) => MANAGER_ROLES.includes(role));
}

/** True when the member holds a role that grants moderator commands ({@link MODERATOR_ROLES}). */
export function isModerator(member: Pick<Member, 'roles'>): boolean {
  return member.roles.some((role) => MODERATOR_ROLES.includes(role));
}

/** True when the member may see members-only things. */
export function isActive(member: Pick<Member, 'status'>): boolean {
  return member.status === 'active';
}

/**
 * Roles in one canonical form: `member` always present, no duplicates, in {@link MEMBER_ROLES} order.
 * Storage compares role arrays element by element, so an import that lists the same roles in another
 * order must not count as a change.
 */
export function canonicalRoles(roles: readonly MemberRole[]): MemberRole[] {
  const set = new Set<MemberRole>(roles);
  set.add('member');
  return MEMBER_ROLES.filter((role) => set.has(role));
}

/**
 * Hides most of an e-mail address for display to a chat account that has not proven it owns it:
 * `jan.jansen@example.org` -> `j***@example.org`.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** What Kring lets a chat account do, decided only by our membership data (never platform admin flags). */
export interface AccessDecision {
  member: Member | null;
  identity: PlatformIdentity | null;
  /** Linked to a member whose status is `active`. */
  isMember: boolean;
  /** {@link AccessDecision.isMember} and holding a manager role (`manager` or `board`). */
  isManager: boolean;
  /** {@link AccessDecision.isMember} and holding a moderator role (`moderator` or `counsellor`). */
  isModerator: boolean;
}

/** The access of a chat account from its linked identity and that identity's member (either may be missing). */
export function decideAccess(identity: PlatformIdentity | null, member: Member | null): AccessDecision {
  if (!identity || !member) return { member: null, identity: null, isMember: false, isManager: false, isModerator: false };
  const isMember = isActive(member);
  return { member, identity, isMember, isManager: isMember && isManager(member), isModerator: isMember && isModerator(member) };
}
