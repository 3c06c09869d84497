import type { Member, Organization } from '../../kernel/community.js';
import type { AccessPlaceKind, View } from '../../kernel/ports/chat-platform.js';
import type { PlatformAccount } from '../../kernel/ports/directory.js';
import type { Locale, Platform } from '../../kernel/types.js';
import type { AccessGrant, AccessLapse, AccessPlace, AccessSettings, Audience, Suspension } from './domain/access.js';

/** A place to add (`workspaceId` = the platform's workspace id); an existing one with the same platform, workspace, kind and id is updated. */
export interface NewAccessPlace {
  organizationId: string;
  platform: Platform;
  workspaceId: string;
  kind: AccessPlaceKind;
  externalId: string;
  name: string | null;
  audience: Audience;
}

/**
 * Storage of members-only access (implemented in repository/prisma-access.repository.ts). Every query is
 * scoped by organisation or by a member or account id, which are unique across Kring.
 */
export interface AccessRepository {
  /** Adds a place, or updates the audience and name of the one that is there. */
  savePlace(input: NewAccessPlace): Promise<AccessPlace>;
  listPlaces(organizationId: string): Promise<AccessPlace[]>;
  findPlace(organizationId: string, id: string): Promise<AccessPlace | null>;
  /** Removes a place; returns it, or null when it was not there. */
  removePlace(organizationId: string, id: string): Promise<AccessPlace | null>;
  /** Whether the organisation has a place whose audience is not `all` (role and chapter changes matter then). */
  hasNarrowPlaces(organizationId: string): Promise<boolean>;

  grantsOfMember(memberId: string): Promise<AccessGrant[]>;
  grantsOfPlace(placeKey: string): Promise<AccessGrant[]>;
  /** Records a grant (again: its time is updated). */
  recordGrant(grant: AccessGrant): Promise<void>;
  removeGrant(account: PlatformAccount, placeKey: string): Promise<void>;

  /** Records that the membership ended at `at`, unless a lapse is on record already (the first counts). */
  recordLapse(organizationId: string, memberId: string, at: Date): Promise<AccessLapse>;
  findLapse(memberId: string): Promise<AccessLapse | null>;
  clearLapse(memberId: string): Promise<void>;
  markLapse(memberId: string, field: 'notifiedAt' | 'revokedAt', at: Date): Promise<void>;
  /** Lapses whose access is not yet taken away and that began at or before `before`, oldest first. */
  dueLapses(organizationId: string, before: Date, limit: number): Promise<AccessLapse[]>;
  /** Members with a grant on record who are not active and have no lapse on record (lapsed where no listener ran). */
  unrecordedLapses(organizationId: string, limit: number): Promise<string[]>;

  addSuspension(input: Omit<Suspension, 'id' | 'endedAt'>): Promise<Suspension>;
  /** The member's suspension that has not ended (the latest), or null. */
  openSuspension(memberId: string): Promise<Suspension | null>;
  endSuspension(id: string, at: Date): Promise<void>;
  /** Suspensions not ended whose time is up at `now`. */
  dueSuspensions(organizationId: string, now: Date, limit: number): Promise<Suspension[]>;

  settings(organizationId: string): Promise<AccessSettings>;
  setGraceDays(organizationId: string, days: number): Promise<AccessSettings>;
  /** Replaces the rules of the given languages (null clears one) and increments the version. */
  setRules(organizationId: string, rules: Partial<Record<Locale, string | null>>, at: Date): Promise<AccessSettings>;
  agreement(memberId: string): Promise<{ version: number; agreedAt: Date } | null>;
  agree(organizationId: string, memberId: string, version: number, at: Date): Promise<void>;

  /** Active members with a linked account in this workspace (whom a new place may concern). */
  membersInWorkspace(organizationId: string, platform: Platform, workspaceId: string): Promise<string[]>;
}

/** The background work access hands to the queue (jobs/access.jobs.ts). */
export interface AccessJobs {
  /** Bring one member's access in line with their membership, now or at `at`. */
  reconcile(organizationId: string, memberId: string, at?: Date): Promise<void>;
  reconcileMany(organizationId: string, memberIds: readonly string[]): Promise<void>;
  /** Take one chat account out of everything (an unlinked account). */
  revokeAccount(organizationId: string, memberId: string, account: PlatformAccount): Promise<void>;
  /** Take everyone out of a removed place. */
  revokePlace(organizationId: string, place: AccessPlace): Promise<void>;
}

/** The messages access sends, in the member's language (views.ts builds them). */
export interface AccessViews {
  /** "Your membership ended; renew here." */
  lapseNotice(locale: Locale, organization: Organization, renewUrl: string | undefined): View;
  /** The house rules with an "I agree" button (version in the button). */
  rulesPrompt(locale: Locale, organization: Organization, rules: string, version: number): View;
}

/** What the access service reads of the rest of Kring. */
export interface MemberLookup {
  findById(organizationId: string, id: string): Promise<Member | null>;
}
