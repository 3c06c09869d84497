import type { Clock } from '../../../kernel/clock.js';
import type { SurveyFigures } from '../../../kernel/events.js';
import type { Platform } from '../../../kernel/types.js';
import { WRITING_KINDS } from './activity.js';
import { rankAmbassadors, type AmbassadorCandidate } from './ambassadors.js';
import type {
  ActivityFilter,
  BucketPoint,
  CohortCell,
  CohortSize,
  DailyPoint,
  ExportRow,
  GroupTotal,
  InsightsQueries,
  CommunityTotals,
  IntroRoundFigures,
  OnboardingFunnel,
  MeetupTurnout,
  PollParticipation,
  SettingsStore,
  UnansweredSummary,
} from '../ports.js';
import { addDays, addMonths, daysBetween, isoWeekStart, localDay, monthStart, periodEnding, type Period, type PeriodKey } from './time.js';

/** Setting keys insights own in `organization_setting`. */
export const INSIGHTS_SETTINGS = {
  /** `true` when the organisation switched topic tracking on (opt-in; default off). */
  topics: 'insights.topics',
  /** Hours after which a question without a reply counts as unanswered (default 24). */
  unansweredHours: 'insights.unansweredHours',
  /** Base URL of Kring's HTTP server as members reach it (links in chat), e.g. `https://kring.example.org`. */
  publicUrl: 'insights.publicUrl',
  /** Per-organisation secret signing dashboard sessions and download links (created on first use). */
  secret: 'insights.dashboardSecret',
} as const;

export const DEFAULT_UNANSWERED_HOURS = 24;
/** A term must be used this often in a period to be shown (rare words could point at a person). */
export const MIN_TERM_COUNT = 3;

/** The organisation as insights need it. */
export interface InsightsOrganization {
  id: string;
  timezone: string;
}

/** What to look at. */
export interface InsightsQuery {
  period: PeriodKey;
  chapterId?: string | undefined;
  platform?: Platform | undefined;
}

/** A number now and in the period before. */
export interface Compare {
  current: number;
  previous: number;
}

export interface RisingTerm {
  term: string;
  current: number;
  previous: number;
  /** current / previous (previous 0 counts as 1). */
  growth: number;
}

export interface PollSummary extends PollParticipation {
  /** ballots / eligible, 0-100; null when nobody was eligible. */
  rate: number | null;
}

/** The key numbers of `/kring insights` and the weekly digest. */
export interface InsightsOverview {
  period: Period;
  chapterId: string | undefined;
  platform: Platform | undefined;
  activeMembers: Compare;
  /** Distinct members active on the period's last day, last 7 days, last 30 days. */
  dailyActive: number;
  weeklyActive: number;
  monthlyActive: number;
  messages: Compare;
  replies: Compare;
  votes: Compare;
  joined: Compare;
  newMembers: number;
  returningMembers: number;
  channels: GroupTotal[];
  chapters: GroupTotal[];
  topics: { enabled: boolean; rising: RisingTerm[] };
  unanswered: UnansweredSummary & { hours: number };
  polls: { averageRate: number | null; items: PollSummary[] };
  /**
   * Meet-ups that started in the period: turn-up (`rate`: members with a place who checked in, 0-100;
   * null without any place taken), walk-ins and first-timers, per chapter too.
   */
  meetups: Omit<MeetupTurnout, 'byChapter'> & { rate: number | null; byChapter: (MeetupTurnout['byChapter'][number] & { rate: number | null })[] };
}

/** turnedUp / confirmed as a percentage with one decimal; null when nobody had a place. */
function turnUpRate(turnedUp: number, confirmed: number): number | null {
  return confirmed > 0 ? Math.round((1000 * turnedUp) / confirmed) / 10 : null;
}

/** Everything the dashboard charts. */
export interface DashboardData {
  overview: InsightsOverview;
  daily: DailyPoint[];
  weekly: BucketPoint[];
  monthly: BucketPoint[];
  retention: { sizes: CohortSize[]; cells: CohortCell[] };
  topTerms: RisingTerm[];
  ambassadors: AmbassadorCandidate[];
  /** Members finding each other: the period's introduction rounds (newest first) and the onboarding funnel of those who linked in it. */
  community: { rounds: IntroRoundFigures[]; funnel: OnboardingFunnel; totals: CommunityTotals };
  /**
   * Surveys open or closed in the period's window (newest first, at most 8), as the surveys capability
   * gives them: counts only, anonymous ones only from their minimum group size. Not filtered by chapter
   * or platform (anonymous answers carry neither).
   */
  surveys: SurveyFigures[];
}

/** Where the dashboard's survey figures come from (the surveys capability, over the bus); none without it. */
export type SurveyFiguresSource = (organizationId: string, since: Date, until: Date, limit: number) => Promise<SurveyFigures[]>;

const DAY_MS = 86_400_000;

/**
 * Insights use cases for managers: the overview (period over period), the dashboard's series, the CSV
 * export and the organisation's insights settings. Authorisation happens before (commands: manager
 * access; dashboard: a manager's signed session).
 */
export class InsightsService {
  private readonly topicCache = new Map<string, { on: boolean; until: number }>();

  constructor(private readonly deps: { queries: InsightsQueries; settings: SettingsStore; clock: Clock; surveyFigures?: SurveyFiguresSource }) {}

  /** The local day it is now in the organisation. */
  today(org: InsightsOrganization): string {
    return localDay(this.deps.clock.now(), org.timezone);
  }

  /** Whether topic tracking is on (cached for a minute: ingestion asks for every message with terms). */
  async topicsEnabled(organizationId: string): Promise<boolean> {
    const hit = this.topicCache.get(organizationId);
    const now = Date.now();
    if (hit && hit.until > now) return hit.on;
    const on = (await this.deps.settings.getSetting(organizationId, INSIGHTS_SETTINGS.topics)) === true;
    this.topicCache.set(organizationId, { on, until: now + 60_000 });
    return on;
  }

  /** Switches topic tracking on or off for the organisation. */
  async setTopics(organizationId: string, on: boolean): Promise<void> {
    await this.deps.settings.setSetting(organizationId, INSIGHTS_SETTINGS.topics, on);
    this.topicCache.set(organizationId, { on, until: Date.now() + 60_000 });
  }

  async unansweredHours(organizationId: string): Promise<number> {
    const v = await this.deps.settings.getSetting(organizationId, INSIGHTS_SETTINGS.unansweredHours);
    return typeof v === 'number' && v > 0 && v <= 24 * 30 ? v : DEFAULT_UNANSWERED_HOURS;
  }

  /** Key numbers of a period compared with the one before. */
  async overview(org: InsightsOrganization, query: InsightsQuery): Promise<InsightsOverview> {
    const { queries } = this.deps;
    const today = this.today(org);
    const period = periodEnding(query.period, today);
    const scope = { organizationId: org.id, chapterId: query.chapterId, platform: query.platform };
    const current: ActivityFilter = { ...scope, from: period.from, to: period.to };
    const previous: ActivityFilter = { ...scope, from: period.previousFrom, to: period.previousTo };
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - period.days * DAY_MS);
    const [hours, topicsOn] = await Promise.all([this.unansweredHours(org.id), this.topicsEnabled(org.id)]);

    const [totalsNow, totalsBefore, active, channels, chapters, unanswered, polls, rising, turnout] = await Promise.all([
      queries.totalsByKind(current),
      queries.totalsByKind(previous),
      queries.activeMembers(scope, [
        { from: period.from, to: period.to },
        { from: period.previousFrom, to: period.previousTo },
        { from: today, to: today },
        { from: addDays(today, -6), to: today },
        { from: addDays(today, -29), to: today },
      ], org.timezone),
      queries.byChannel(current, 5),
      query.chapterId ? Promise.resolve([]) : queries.byChapter(current),
      queries.unanswered(org.id, since, new Date(now.getTime() - hours * 3_600_000), hours, query.platform),
      queries.polls(org.id, since, now),
      topicsOn ? this.risingTerms(org.id, period, query.platform) : Promise.resolve([]),
      queries.meetupTurnout(org.id, since, now, query.chapterId),
    ]);
    const sum = (rows: typeof totalsNow, kinds: readonly string[]) => rows.filter((r) => kinds.includes(r.kind)).reduce((n, r) => n + r.count, 0);
    const compare = (...kinds: string[]): Compare => ({ current: sum(totalsNow, kinds), previous: sum(totalsBefore, kinds) });
    const items = polls.map((p) => ({ ...p, rate: p.eligible > 0 ? Math.round((1000 * p.ballots) / p.eligible) / 10 : null }));
    const rated = items.filter((p) => p.rate !== null);
    return {
      period,
      chapterId: query.chapterId,
      platform: query.platform,
      activeMembers: { current: active.counts[0] ?? 0, previous: active.counts[1] ?? 0 },
      dailyActive: active.counts[2] ?? 0,
      weeklyActive: active.counts[3] ?? 0,
      monthlyActive: active.counts[4] ?? 0,
      messages: compare(...WRITING_KINDS),
      replies: compare('reply'),
      votes: compare('vote'),
      joined: compare('joined'),
      newMembers: active.newMembers,
      returningMembers: active.returning,
      channels,
      chapters,
      topics: { enabled: topicsOn, rising: rising.slice(0, 8) },
      unanswered: { ...unanswered, hours },
      polls: {
        averageRate: rated.length > 0 ? Math.round((10 * rated.reduce((n, p) => n + (p.rate ?? 0), 0)) / rated.length) / 10 : null,
        items,
      },
      meetups: {
        ...turnout,
        rate: turnUpRate(turnout.turnedUp, turnout.confirmed),
        byChapter: turnout.byChapter.map((c) => ({ ...c, rate: turnUpRate(c.turnedUp, c.confirmed) })),
      },
    };
  }

  /** The overview plus the series the dashboard draws. */
  async dashboard(org: InsightsOrganization, query: InsightsQuery): Promise<DashboardData> {
    const { queries } = this.deps;
    const overview = await this.overview(org, query);
    const { period } = overview;
    const filter: ActivityFilter = { organizationId: org.id, chapterId: query.chapterId, platform: query.platform, from: period.from, to: period.to };
    const yearAgo = monthStart(addMonths(monthStart(period.to), -11));
    const weeks = Math.max(1, Math.ceil(period.days / 7));
    // The same window as the overview's polls and meet-ups: the period's length, up to now.
    const until = this.deps.clock.now();
    const since = new Date(until.getTime() - period.days * DAY_MS);
    const [daily, weekly, monthly, retention, stats, topTerms, rounds, funnel, totals, surveys] = await Promise.all([
      queries.daily(filter),
      queries.activePer({ ...filter, from: isoWeekStart(period.from) }, 'week'),
      queries.activePer({ ...filter, from: yearAgo }, 'month'),
      queries.cohorts(org.id, yearAgo, period.to, org.timezone),
      queries.memberStats(filter, 200),
      overview.topics.enabled ? this.risingTerms(org.id, period, query.platform) : Promise.resolve([]),
      queries.introRounds(org.id, since, until, 24),
      queries.onboardingFunnel(org.id, since, until),
      queries.communityTotals(org.id, period.from, period.to),
      this.deps.surveyFigures ? this.deps.surveyFigures(org.id, since, until, 8) : Promise.resolve([]),
    ]);
    return {
      overview,
      daily: fillDays(daily, period.from, period.to),
      weekly,
      monthly,
      retention,
      topTerms: [...topTerms].sort((a, b) => b.current - a.current || a.term.localeCompare(b.term)).slice(0, 15),
      ambassadors: rankAmbassadors(stats, weeks, 10),
      community: { rounds, funnel, totals },
      surveys,
    };
  }

  /** Aggregate rows of a period for the CSV export (never per member). */
  async exportRows(org: InsightsOrganization, query: InsightsQuery): Promise<{ period: Period; rows: ExportRow[] }> {
    const period = periodEnding(query.period, this.today(org));
    const rows = await this.deps.queries.exportRows({
      organizationId: org.id,
      chapterId: query.chapterId,
      platform: query.platform,
      from: period.from,
      to: period.to,
    });
    return { period, rows };
  }

  /** Terms of the period against the period before, rising first; rare terms are left out. */
  private async risingTerms(organizationId: string, period: Period, platform: Platform | undefined): Promise<RisingTerm[]> {
    const weeks = {
      from: isoWeekStart(period.from),
      to: isoWeekStart(period.to),
      previousFrom: isoWeekStart(period.previousFrom),
      previousTo: addDays(isoWeekStart(period.from), -7),
    };
    const counts = await this.deps.queries.topics(organizationId, weeks, platform);
    return counts
      .filter((c) => c.current >= MIN_TERM_COUNT)
      .map((c) => ({ ...c, growth: Math.round((100 * c.current) / Math.max(1, c.previous)) / 100 }))
      .sort((a, b) => b.growth - a.growth || b.current - a.current || a.term.localeCompare(b.term));
  }
}

/** One point per day of the window, zeros where nothing happened (charts need a continuous axis). */
export function fillDays(points: readonly DailyPoint[], from: string, to: string): DailyPoint[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const out: DailyPoint[] = [];
  const n = daysBetween(from, to);
  for (let i = 0; i <= n; i++) {
    const day = addDays(from, i);
    out.push(byDay.get(day) ?? { day, messages: 0, replies: 0, other: 0, members: 0 });
  }
  return out;
}

/** Percentage change from `previous` to `current`, rounded; null when there was nothing before. */
export function percentChange(c: Compare): number | null {
  if (c.previous === 0) return null;
  return Math.round((100 * (c.current - c.previous)) / c.previous);
}
