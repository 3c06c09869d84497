import type {
  Chapter,
  Member,
  MemberRole,
  MemberStatus,
  Organization,
  PlatformIdentity,
} from '../community.js';
import type { Locale, Platform } from '../types.js';

/**
 * The directory's storage contracts: the records every capability reads. Implemented with Prisma
 * (PostgreSQL and embedded PGlite) in src/infra/database/directory/ and in memory in test/fakes;
 * test/contracts runs one suite against each.
 * Every query is scoped by organisation, except look-ups by a platform account, which is globally unique.
 * Deliberately left out: deleting members (members lapse or leave; GDPR erasure lands with insights).
 */

export interface OrganizationRepository {
  findBySlug(slug: string): Promise<Organization | null>;
  findById(id: string): Promise<Organization | null>;
  /** Creates the organisation, or returns the existing one with that slug unchanged. */
  ensure(input: { slug: string; name: string; defaultLocale?: Locale; timezone?: string }): Promise<Organization>;
  list(): Promise<Organization[]>;
}

export interface ChapterRepository {
  list(organizationId: string): Promise<Chapter[]>;
  findById(organizationId: string, id: string): Promise<Chapter | null>;
  /** Returns the chapters with these names, creating the missing ones (names matched exactly). */
  ensureMany(organizationId: string, names: readonly string[]): Promise<Chapter[]>;
  /**
   * Renames a chapter; null when it does not exist in the organisation. Throws a ConflictError when
   * another chapter of the organisation has that name.
   */
  rename(organizationId: string, id: string, name: string): Promise<Chapter | null>;
}

/** What an import or sync says about one member; the member number is the key. */
export interface MemberUpsert {
  memberNumber: string;
  name: string;
  email: string | null;
  status: MemberStatus;
  roles: MemberRole[];
  chapterId: string | null;
  locale?: Locale | null;
}

export interface UpsertSummary {
  created: number;
  updated: number;
  unchanged: number;
  /**
   * Ids of existing members this call moved from `active` to `lapsed` or `left` (they lose access, so the
   * caller fires its "member lapsed" event for them).
   */
  deactivatedIds: string[];
  /** Ids of existing members this call moved from `lapsed` or `left` back to `active` (they regain access). */
  reactivatedIds: string[];
  /** Ids of existing members whose stored record this call changed (any field; the two lists above included). */
  updatedIds: string[];
}

export interface MemberListQuery {
  status?: MemberStatus;
  /** Page size (1–1000). */
  limit: number;
  /** Member number to continue after (keyset paging, ordered by member number). */
  after?: string;
}

export interface MemberRepository {
  findById(organizationId: string, id: string): Promise<Member | null>;
  findByNumber(organizationId: string, memberNumber: string): Promise<Member | null>;
  /** The organisation's members among `ids` (unknown ids are left out), in no particular order. */
  findByIds(organizationId: string, ids: readonly string[]): Promise<Member[]>;
  /** Case-insensitive e-mail match; several members may share an address (families). */
  findByEmail(organizationId: string, email: string): Promise<Member[]>;
  list(organizationId: string, query: MemberListQuery): Promise<Member[]>;
  count(organizationId: string, status?: MemberStatus): Promise<number>;
  /** Inserts or updates by member number in one transaction; never duplicates. */
  upsertMany(organizationId: string, members: readonly MemberUpsert[]): Promise<UpsertSummary>;
  /**
   * Sets every `active` member whose number is not in `keep` to `lapsed` (a full import's absentees).
   * Returns the members that changed.
   */
  lapseAllExcept(organizationId: string, keep: ReadonlySet<string>): Promise<Member[]>;
  /** Changes one member's status; returns the updated member or null if it does not exist. */
  setStatus(organizationId: string, id: string, status: MemberStatus): Promise<Member | null>;
  /** Replaces one member's roles. */
  setRoles(organizationId: string, id: string, roles: readonly MemberRole[]): Promise<Member | null>;
}

/** A chat account, identified across Kring. */
export interface PlatformAccount {
  platform: Platform;
  workspaceId: string;
  platformUserId: string;
}

/** A linked chat account with the member it belongs to. */
export interface LinkedAccount {
  identity: PlatformIdentity;
  member: Member;
}

export interface IdentityRepository {
  /** The identity of this chat account, if linked. */
  findByAccount(account: PlatformAccount): Promise<PlatformIdentity | null>;
  /**
   * For each account, its identity and member (null where not linked), in the accounts' order: one query
   * for many accounts (the chat router looks up concurrent button presses together).
   */
  findLinked(accounts: readonly PlatformAccount[]): Promise<(LinkedAccount | null)[]>;
  listByMember(memberId: string): Promise<PlatformIdentity[]>;
  /** Removes the link of this chat account; returns the removed identity. */
  unlink(account: PlatformAccount): Promise<PlatformIdentity | null>;
}

/** A connected Discord guild, Slack workspace or Teams tenant. */
export interface Workspace {
  id: string;
  organizationId: string;
  platform: Platform;
  externalId: string;
  name: string | null;
}

/** What a channel is for (`moderators`: where reported messages land as cases, for the moderators). */
export const CHANNEL_PURPOSES = ['general', 'news', 'chapter', 'managers', 'moderators', 'ideas'] as const;
export type ChannelPurpose = (typeof CHANNEL_PURPOSES)[number];

/** A connected channel. */
export interface Channel {
  id: string;
  organizationId: string;
  workspaceId: string;
  platform: Platform;
  /** The workspace's external id (guild/team/tenant id). */
  workspaceExternalId: string;
  externalId: string;
  name: string | null;
  purpose: ChannelPurpose;
  chapterId: string | null;
}

export interface WorkspaceRepository {
  findByExternalId(platform: Platform, externalId: string): Promise<Workspace | null>;
  /** Connects a workspace to an organisation (or renames it); the installation blob is opaque. */
  upsert(input: { organizationId: string; platform: Platform; externalId: string; name?: string | null; installation?: unknown }): Promise<Workspace>;
  /** The stored installation blob (e.g. Slack OAuth installation), or null. */
  getInstallation(platform: Platform, externalId: string): Promise<unknown>;
  deleteInstallation(platform: Platform, externalId: string): Promise<void>;
  list(organizationId: string): Promise<Workspace[]>;
}

export interface ChannelRepository {
  upsert(input: { workspaceId: string; externalId: string; name?: string | null; purpose?: ChannelPurpose; chapterId?: string | null }): Promise<Channel>;
  list(organizationId: string, purpose?: ChannelPurpose): Promise<Channel[]>;
  findByExternalId(workspaceId: string, externalId: string): Promise<Channel | null>;
}

/** Platform event ids already handled, so a retried delivery is processed once. */
export interface ProcessedEventRepository {
  /** Records the key; true the first time, false when it was recorded before. */
  markProcessed(key: string): Promise<boolean>;
  /** Forgets keys older than `before` (housekeeping). */
  prune(before: Date): Promise<number>;
}

/** Opaque per-conversation data a platform needs for proactive messages (Teams conversation references). */
export interface ConversationReferenceRepository {
  save(platform: Platform, workspace: string, scopeKey: string, reference: unknown): Promise<void>;
  find(platform: Platform, workspace: string, scopeKey: string): Promise<unknown>;
}

/**
 * The directory: the records every capability reads (organisations, chapters, members, linked accounts,
 * workspaces, channels) and the platforms' bookkeeping. Built once over the database by src/infra and
 * handed to every capability as `ctx.directory`; the membership capability is the one that writes members.
 */
export interface Directory {
  organizations: OrganizationRepository;
  chapters: ChapterRepository;
  members: MemberRepository;
  identities: IdentityRepository;
  workspaces: WorkspaceRepository;
  channels: ChannelRepository;
  processedEvents: ProcessedEventRepository;
  conversationReferences: ConversationReferenceRepository;
}
