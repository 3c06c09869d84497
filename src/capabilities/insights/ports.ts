import type { Platform } from '../../kernel/types.js';
import type { ActivityKind } from './domain/activity.js';

/**
 * Storage contracts of insights, implemented on PostgreSQL/PGlite by
 * repository/prisma-insights.repository.ts. Days are local days of the organisation (`YYYY-MM-DD`).
 * Nothing here carries message text: the only words are topic stems, and only in aggregate.
 */

// ---------------------------------------------------------------------------------------------
// Writing (ingestion)
// ---------------------------------------------------------------------------------------------

/**
 * Activity counts of one chat account in one place on one day. The store attributes the account to its
 * linked member when it writes, and counts it anonymously (`member_key` '') when it is not linked, the
 * member opted out, or was erased: the decision is made with the data as it is at that moment.
 */
export interface ActivityRow {
  organizationId: string;
  day: string;
  platform: Platform;
  workspaceId: string;
  userId: string;
  channelId: string;
  kind: ActivityKind;
  count: number;
  chars: number;
}

/** Uses of one term by one chat account in one channel in one ISO week (the week's Monday). */
export interface TopicRow {
  organizationId: string;
  week: string;
  platform: Platform;
  workspaceId: string;
  userId: string;
  channelId: string;
  term: string;
  count: number;
}

/** A question that started a thread. */
export interface ThreadStartRow {
  organizationId: string;
  platform: Platform;
  channelId: string;
  threadKey: string;
  startedAt: Date;
}

/** Replies seen in a thread since the last batch. */
export interface ThreadReplyRow {
  organizationId: string;
  platform: Platform;
  channelId: string;
  threadKey: string;
  firstAt: Date;
  count: number;
}

/** Batched, additive writes of the ingestion buffer. Each call is one statement (atomic). */
export interface ActivityStore {
  /** Adds the counts onto the daily rollups (upsert). */
  writeActivity(rows: readonly ActivityRow[]): Promise<void>;
  /** Adds term counts onto the weekly topic rollups; uses by opted-out members are dropped. */
  writeTopics(rows: readonly TopicRow[]): Promise<void>;
  /** Records thread starts (a start seen twice keeps the first). */
  startThreads(rows: readonly ThreadStartRow[]): Promise<void>;
  /** Counts replies on threads already recorded; others are ignored. */
  recordReplies(rows: readonly ThreadReplyRow[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Reading (queries)
// ---------------------------------------------------------------------------------------------

/** Which rollups a query reads: one organisation, local days `from`..`to` (both included). */
export interface ActivityFilter {
  organizationId: string;
  from: string;
  to: string;
  /** Only this chapter (the member's chapter, or the channel's for anonymous activity). */
  chapterId?: string | undefined;
  platform?: Platform | undefined;
}

export interface KindTotal {
  kind: ActivityKind;
  count: number;
  chars: number;
}

export interface GroupTotal {
  /** Channel key or chapter id; null for "no chapter". */
  key: string | null;
  /** Channel or chapter name when known. */
  name: string | null;
  /** Messages and replies. */
  count: number;
  /** Distinct named members active (chapters only: per channel it costs a scan per member and channel). */
  members?: number;
}

/** Distinct named members active in each window; the first window's split by when they joined. */
export interface ActiveMembers {
  counts: number[];
  /** Active in the first window and joined (first linked a chat account) within it. */
  newMembers: number;
  /** Active in the first window and joined before it (or no longer linked). */
  returning: number;
}

export interface DailyPoint {
  day: string;
  messages: number;
  replies: number;
  other: number;
  /** Distinct named members active that day. */
  members: number;
}

export interface BucketPoint {
  /** First day of the ISO week or month. */
  bucket: string;
  members: number;
}

export interface TermCount {
  term: string;
  current: number;
  previous: number;
}

export interface UnansweredSummary {
  /** Questions started in the window that are old enough to judge. */
  questions: number;
  /** Of those, without a reply within the threshold. */
  unanswered: number;
  /** Median minutes to the first reply of answered ones; null without any. */
  medianFirstReplyMinutes: number | null;
  byChannel: { channelKey: string; name: string | null; unanswered: number }[];
}

export interface PollParticipation {
  pollId: string;
  question: string;
  createdAt: Date;
  status: 'open' | 'closed';
  anonymous: boolean;
  ballots: number;
  /** Linked active members in the poll's audience (who could vote in chat). */
  eligible: number;
}

/** What the ambassador score is made of, per named member. */
export interface MemberStats {
  memberId: string;
  name: string;
  chapterId: string | null;
  roles: string[];
  /** Replies in threads (helping others). */
  replies: number;
  /** Reactions other people gave to their messages. */
  reactionsReceived: number;
  /** Distinct ISO weeks with any activity. */
  activeWeeks: number;
  messages: number;
  /** Meet-ups they checked in at in the period (turning up in person; meet-ups capability). */
  meetupsAttended: number;
}

/**
 * Turn-up at meet-ups that started in a period (read from the meet-ups capability's tables): members with
 * a confirmed place and how many of them checked in, walk-ins, and first-timers (a member's first
 * check-in at any meet-up of the organisation). Per chapter of the member (null: no chapter).
 */
export interface MeetupTurnout {
  meetups: number;
  confirmed: number;
  /** Members with a confirmed place who checked in. */
  turnedUp: number;
  /** Checked in without a confirmed place. */
  walkIns: number;
  firstTimers: number;
  byChapter: { chapterId: string | null; name: string | null; confirmed: number; turnedUp: number; firstTimers: number }[];
}

export interface CohortCell {
  /** First day of the month the cohort joined (first linked a chat account). */
  cohort: string;
  /** First day of the month measured. */
  month: string;
  /** Members of the cohort active that month. */
  active: number;
}

export interface CohortSize {
  cohort: string;
  size: number;
}

/** One line of the CSV export (aggregates only, never per member). */
export interface ExportRow {
  day: string;
  platform: Platform;
  channelKey: string;
  channelName: string | null;
  chapterName: string | null;
  kind: ActivityKind;
  count: number;
  chars: number;
  members: number;
}

/** Read side over the rollups and the tables of other capabilities (polls, members). */
export interface InsightsQueries {
  totalsByKind(filter: ActivityFilter): Promise<KindTotal[]>;
  /**
   * Distinct named members active in each window (one scan for all windows), and the first window's
   * active members split by whether they joined within it (join day in `timezone`).
   */
  activeMembers(filter: Omit<ActivityFilter, 'from' | 'to'>, windows: readonly { from: string; to: string }[], timezone: string): Promise<ActiveMembers>;
  byChannel(filter: ActivityFilter, limit: number): Promise<GroupTotal[]>;
  byChapter(filter: ActivityFilter): Promise<GroupTotal[]>;
  daily(filter: ActivityFilter): Promise<DailyPoint[]>;
  activePer(filter: ActivityFilter, bucket: 'week' | 'month'): Promise<BucketPoint[]>;
  /** Term counts of weeks `from`..`to` and `previousFrom`..`previousTo` (week = Monday). */
  topics(
    organizationId: string,
    weeks: { from: string; to: string; previousFrom: string; previousTo: string },
    platform?: Platform,
  ): Promise<TermCount[]>;
  /** Questions started between `since` and `until`, judged unanswered after `hours`. */
  unanswered(organizationId: string, since: Date, until: Date, hours: number, platform?: Platform): Promise<UnansweredSummary>;
  polls(organizationId: string, since: Date, until: Date): Promise<PollParticipation[]>;
  memberStats(filter: ActivityFilter, limit: number): Promise<MemberStats[]>;
  /** Turn-up at the organisation's meet-ups (not cancelled) that started between `since` and `until`. */
  meetupTurnout(organizationId: string, since: Date, until: Date, chapterId?: string): Promise<MeetupTurnout>;
  cohorts(organizationId: string, fromMonth: string, toDay: string, timezone: string): Promise<{ sizes: CohortSize[]; cells: CohortCell[] }>;
  exportRows(filter: ActivityFilter): Promise<ExportRow[]>;
  /** Introduction rounds that ran in [since, until], newest first. */
  introRounds(organizationId: string, since: Date, until: Date, limit: number): Promise<IntroRoundFigures[]>;
  /** Community counts of the local days [from, to] (`YYYY-MM-DD`). */
  communityTotals(organizationId: string, from: string, to: string): Promise<CommunityTotals>;
  /** The onboarding funnel of the members who linked in [since, until]. */
  onboardingFunnel(organizationId: string, since: Date, until: Date): Promise<OnboardingFunnel>;
}

// ---------------------------------------------------------------------------------------------
// Settings, privacy, dashboard links
// ---------------------------------------------------------------------------------------------

/** Per-organisation settings (the `organization_setting` table; insights own the `insights.*` keys). */
export interface SettingsStore {
  getSetting(organizationId: string, key: string): Promise<unknown>;
  setSetting(organizationId: string, key: string, value: unknown): Promise<void>;
  /** Stores `value` only when the key has none yet; returns the stored value (race-free). */
  ensureSetting(organizationId: string, key: string, value: unknown): Promise<unknown>;
}

/** Everything Kring holds about one member (GDPR access), as plain JSON-ready data. */
export interface MemberDataExport {
  member: Record<string, unknown>;
  chapter: string | null;
  platformAccounts: Record<string, unknown>[];
  privacy: { insightsOptOut: boolean; updatedAt: string | null };
  activity: { day: string; platform: string; channel: string; kind: string; count: number; chars: number }[];
  votes: { pollId: string; question: string; choices: string[]; updatedAt: string }[];
  pendingLinkRequests: { platform: string; createdAt: string; expiresAt: string }[];
  dashboardLinks: { createdAt: string; expiresAt: string; usedAt: string | null }[];
  /** When they reached each onboarding step (linked, agreed to the house rules, profile, first introduction). */
  onboarding: { milestone: string; at: string }[];
}

/** What an erasure changed. */
export interface ErasureSummary {
  activityRows: number;
  ballots: number;
  identities: number;
}

export interface PrivacyStore {
  isOptedOut(memberId: string): Promise<boolean>;
  setOptOut(memberId: string, optOut: boolean): Promise<void>;
  memberData(organizationId: string, memberId: string): Promise<MemberDataExport | null>;
  /**
   * In one transaction: re-keys the member's rollups to the anonymous totals, turns their named ballots
   * into anonymous counts (no member id, a random voter key), clears authorship references and deletes
   * the member with everything hanging off it (accounts, link requests, privacy row, dashboard links).
   */
  eraseMember(organizationId: string, memberId: string): Promise<ErasureSummary>;
}

export interface DashboardLinkStore {
  createLink(link: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }): Promise<void>;
  /** Marks the link used and returns whose it is, only if it exists, is unused and not expired (atomic). */
  consumeLink(tokenHash: string, now: Date): Promise<{ organizationId: string; memberId: string } | null>;
  /** Deletes links that expired before `before`. */
  pruneLinks(before: Date): Promise<number>;
}

/** Deletes what an organisation's retention no longer allows (the nightly retention job). */
export interface RetentionStore {
  /**
   * Deletes the organisation's daily rollups of days before `keepFrom` (`YYYY-MM-DD`, local), its weekly
   * topic counts of weeks that end before it, and its question threads started before local midnight of
   * `keepFrom` in `timeZone`; returns how many rows of each went.
   */
  deleteBefore(organizationId: string, keepFrom: string, timeZone: string): Promise<{ activityRows: number; topicRows: number; threads: number }>;
}

// ---------------------------------------------------------------------------------------------
// Community figures (fed by connect's and access's events on the bus)
// ---------------------------------------------------------------------------------------------

/** An introduction round as insights count it: from `connect.round-completed`, then each follow-up answer. */
export interface IntroRoundFigures {
  roundId: string;
  /** What the round was for (an interest's or chapter's name). */
  label: string;
  number: number;
  ranAt: Date;
  /** Members introduced, and the pairs or trios they were in. */
  members: number;
  groups: number;
  /** Groups in which someone answered "yes, we met"; the yes and no answers so far. */
  metGroups: number;
  answersYes: number;
  answersNo: number;
}

/** The steps of a new member's first weeks, in order (the onboarding funnel). */
export const MILESTONES = ['linked', 'agreed', 'profile', 'introduced'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Of the members who linked in a period: how many reached each later step (so far). */
export interface OnboardingFunnel {
  linked: number;
  /** Agreed to the house rules. */
  agreed: number;
  /** Saved a profile. */
  profile: number;
  /** Wrote a first message or reply anywhere Kring counts. */
  messaged: number;
  /** Were introduced to someone in a round. */
  introduced: number;
}

/** Community counts of a period: questions asked (`/kring ask`), taken on by a helper, handed to the managers; peer-support introductions. */
export interface CommunityTotals {
  asked: number;
  helped: number;
  escalated: number;
  peerIntroductions: number;
}

/** The metrics of `insights_community_daily`. */
export const COMMUNITY_METRICS = ['asked', 'helped', 'escalated', 'peerIntroductions'] as const;
export type CommunityMetric = (typeof COMMUNITY_METRICS)[number];

/** Counts per round and per member milestone. Milestones of members who opted out are not recorded. */
export interface CommunityStore {
  /** Adds one to the metric's count of that local day (`YYYY-MM-DD`). */
  countCommunity(organizationId: string, day: string, metric: CommunityMetric): Promise<void>;
  recordRound(organizationId: string, round: Omit<IntroRoundFigures, 'metGroups' | 'answersYes' | 'answersNo'>): Promise<void>;
  /** Replaces the round's answer totals (each follow-up event carries the totals after it). */
  recordFollowup(organizationId: string, roundId: string, totals: { metGroups: number; yes: number; no: number }): Promise<void>;
  /** The first time each member reached `milestone` (a later time never replaces an earlier one). */
  recordMilestone(organizationId: string, memberIds: readonly string[], milestone: Milestone, at: Date): Promise<void>;
}

/** The whole insights store. */
export type InsightsRepository = ActivityStore & InsightsQueries & SettingsStore & PrivacyStore & DashboardLinkStore & RetentionStore & CommunityStore;
