import type {
  ActivityFilter,
  ActivityRow,
  BucketPoint,
  CohortCell,
  CohortSize,
  DailyPoint,
  ErasureSummary,
  ExportRow,
  GroupTotal,
  InsightsRepository,
  KindTotal,
  MemberDataExport,
  MemberStats,
  PollParticipation,
  TermCount,
  ActiveMembers,
  ThreadReplyRow,
  ThreadStartRow,
  TopicRow,
  UnansweredSummary,
  MeetupTurnout,
  IntroRoundFigures,
  CommunityMetric,
  CommunityTotals,
  Milestone,
  OnboardingFunnel,
} from '../ports.js';
import type { Platform } from '../../../kernel/types.js';
import { Prisma, type PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { toJson } from '../../../infra/database/directory/prisma-conversation-reference.repository.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import { openStoredSecret, secretPlaces } from '../../../infra/secrets/stored-secrets.js';
import type { SecretBox } from '../../../kernel/ports/secret-box.js';
import { INSIGHTS_SETTINGS } from '../domain/insights.service.js';

const { sql, empty, join } = Prisma;

/** Settings whose values are secrets: stored sealed by the {@link SecretBox}, opened when read. */
const SECRET_SETTINGS: ReadonlySet<string> = new Set([INSIGHTS_SETTINGS.secret]);

/** Kinds that make someone an "active member" (joining, leaving or being reacted to does not). */
const ACTIVE = sql`a.kind NOT IN ('joined', 'left', 'reaction-received')`;

/** The channel key expression (`<platform>:<channel id>`, '' without a channel) over unnest columns. */
const CHANNEL_KEY = sql`CASE WHEN i.channel_id = '' THEN '' ELSE i.platform || ':' || i.channel_id END`;

/**
 * {@link InsightsRepository} on PostgreSQL/PGlite. Ingestion writes are single set-based statements over
 * `unnest` arrays (one round trip per batch). Attribution to members happens inside those statements
 * (platform_identity -> member -> member_privacy), so an opt-out or erasure is honoured at write time.
 * Reads are aggregate SQL over the rollups; numbers are cast to int/float8 so no bigint leaves here.
 * Secret settings (the dashboard signing secret) are sealed by `deps.secrets`.
 */
export class PrismaInsightsRepository implements InsightsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { secrets: SecretBox },
  ) {}

  // -------------------------------------------------------------------------------------------
  // Ingestion
  // -------------------------------------------------------------------------------------------

  async writeActivity(rows: readonly ActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    const c = columns(rows);
    await this.prisma.$executeRaw`
      WITH i AS (
        SELECT * FROM unnest(${c('organizationId')}::uuid[], ${c('day')}::date[], ${c('platform')}::text[], ${c('workspaceId')}::text[],
                             ${c('userId')}::text[], ${c('channelId')}::text[], ${c('kind')}::text[], ${c('count')}::int[], ${c('chars')}::bigint[])
          AS t(org, day, platform, ws, user_id, channel_id, kind, cnt, chars)
      ), r AS (
        SELECT i.org, i.day, i.platform, ${CHANNEL_KEY} AS channel_key, i.kind, i.cnt, i.chars,
               (m.id IS NOT NULL AND NOT COALESCE(p.insights_opt_out, false)) AS named,
               m.id AS member_id, m.chapter_id AS member_chapter, ch.chapter_id AS channel_chapter
        FROM i
        LEFT JOIN platform_identity pi ON pi.platform = i.platform::"Platform" AND pi.workspace_id = i.ws
                                       AND pi.platform_user_id = i.user_id AND pi.organization_id = i.org
        LEFT JOIN member m ON m.id = pi.member_id
        LEFT JOIN member_privacy p ON p.member_id = m.id
        LEFT JOIN workspace w ON w.platform = i.platform::"Platform" AND w.external_id = i.ws AND w.organization_id = i.org
        LEFT JOIN channel ch ON ch.workspace_id = w.id AND ch.external_id = i.channel_id
      )
      INSERT INTO activity_daily AS a (organization_id, day, platform, channel_key, chapter_id, member_key, kind, count, chars)
      SELECT org, day, platform::"Platform", channel_key,
             (array_agg(CASE WHEN named THEN COALESCE(member_chapter, channel_chapter) ELSE channel_chapter END)
                FILTER (WHERE COALESCE(member_chapter, channel_chapter) IS NOT NULL))[1],
             CASE WHEN named THEN member_id::text ELSE '' END AS mk, kind, sum(cnt), sum(chars)
      FROM r
      GROUP BY org, day, platform, channel_key, mk, kind
      ON CONFLICT (organization_id, day, platform, channel_key, member_key, kind)
      DO UPDATE SET count = a.count + EXCLUDED.count, chars = a.chars + EXCLUDED.chars,
                    chapter_id = COALESCE(EXCLUDED.chapter_id, a.chapter_id)`;
  }

  async writeTopics(rows: readonly TopicRow[]): Promise<void> {
    if (rows.length === 0) return;
    const c = columns(rows);
    await this.prisma.$executeRaw`
      WITH i AS (
        SELECT * FROM unnest(${c('organizationId')}::uuid[], ${c('week')}::date[], ${c('platform')}::text[], ${c('workspaceId')}::text[],
                             ${c('userId')}::text[], ${c('channelId')}::text[], ${c('term')}::text[], ${c('count')}::int[])
          AS t(org, week, platform, ws, user_id, channel_id, term, cnt)
      )
      INSERT INTO topic_weekly AS tw (organization_id, week, channel_key, term, count)
      SELECT i.org, i.week, ${CHANNEL_KEY} AS ck, i.term, sum(i.cnt)
      FROM i
      LEFT JOIN platform_identity pi ON pi.platform = i.platform::"Platform" AND pi.workspace_id = i.ws
                                     AND pi.platform_user_id = i.user_id AND pi.organization_id = i.org
      LEFT JOIN member_privacy p ON p.member_id = pi.member_id
      WHERE NOT COALESCE(p.insights_opt_out, false)
      GROUP BY i.org, i.week, ck, i.term
      ON CONFLICT (organization_id, week, channel_key, term) DO UPDATE SET count = tw.count + EXCLUDED.count`;
  }

  async startThreads(rows: readonly ThreadStartRow[]): Promise<void> {
    if (rows.length === 0) return;
    const c = columns(rows);
    await this.prisma.$executeRaw`
      INSERT INTO thread_state (organization_id, platform, channel_key, thread_key, started_at)
      SELECT i.org, i.platform::"Platform", ${CHANNEL_KEY}, i.thread_key, i.started_at
      FROM unnest(${c('organizationId')}::uuid[], ${c('platform')}::text[], ${c('channelId')}::text[], ${c('threadKey')}::text[],
                  ${rows.map((r) => r.startedAt.toISOString())}::timestamptz[])
        AS i(org, platform, channel_id, thread_key, started_at)
      ON CONFLICT DO NOTHING`;
  }

  async recordReplies(rows: readonly ThreadReplyRow[]): Promise<void> {
    if (rows.length === 0) return;
    const c = columns(rows);
    await this.prisma.$executeRaw`
      UPDATE thread_state t
      SET replies = t.replies + i.cnt, first_reply_at = LEAST(COALESCE(t.first_reply_at, i.first_at), i.first_at)
      FROM unnest(${c('organizationId')}::uuid[], ${c('platform')}::text[], ${c('channelId')}::text[], ${c('threadKey')}::text[],
                  ${rows.map((r) => r.firstAt.toISOString())}::timestamptz[], ${c('count')}::int[])
        AS i(org, platform, channel_id, thread_key, first_at, cnt)
      WHERE t.organization_id = i.org AND t.platform = i.platform::"Platform" AND t.channel_key = ${CHANNEL_KEY}
        AND t.thread_key = i.thread_key AND i.first_at >= t.started_at`;
  }

  // -------------------------------------------------------------------------------------------
  // Queries
  // -------------------------------------------------------------------------------------------

  async totalsByKind(f: ActivityFilter): Promise<KindTotal[]> {
    return this.prisma.$queryRaw<KindTotal[]>`
      SELECT kind, sum(count)::int AS count, sum(chars)::float8 AS chars
      FROM activity_daily a WHERE ${where(f)} GROUP BY kind`;
  }

  async activeMembers(f: Omit<ActivityFilter, 'from' | 'to'>, windows: readonly { from: string; to: string }[], timezone: string): Promise<ActiveMembers> {
    if (windows.length === 0) return { counts: [], newMembers: 0, returning: 0 };
    const from = windows.map((w) => w.from).sort()[0]!;
    const to = windows.map((w) => w.to).sort().at(-1)!;
    const first = windows[0]!;
    // Per member first (one hash aggregate), then count: far cheaper than one DISTINCT sort per window.
    const flags = windows.map((w, n) => sql`bool_or(day BETWEEN ${w.from}::date AND ${w.to}::date) AS ${Prisma.raw(`w${n}`)}`);
    const counts = windows.map((_, n) => sql`count(*) FILTER (WHERE ${Prisma.raw(`w${n}`)})::int AS ${Prisma.raw(`c${n}`)}`);
    const joined = sql`(j.first AT TIME ZONE ${timezone})::date`;
    const rows = await this.prisma.$queryRaw<Record<string, number>[]>`
      WITH pm AS (
        SELECT member_key, ${join(flags)} FROM activity_daily a
        WHERE ${where({ ...f, from, to })} AND member_key <> '' AND ${ACTIVE} GROUP BY member_key
      ), j AS (
        SELECT member_id::text AS member_key, min(linked_at) AS first FROM platform_identity
        WHERE organization_id = ${f.organizationId}::uuid GROUP BY member_id
      )
      SELECT ${join(counts)},
             count(*) FILTER (WHERE w0 AND ${joined} >= ${first.from}::date)::int AS new_members,
             count(*) FILTER (WHERE w0 AND (j.first IS NULL OR ${joined} < ${first.from}::date))::int AS returning
      FROM pm LEFT JOIN j ON j.member_key = pm.member_key`;
    const row = rows[0] ?? {};
    return { counts: windows.map((_, n) => row[`c${n}`] ?? 0), newMembers: row['new_members'] ?? 0, returning: row['returning'] ?? 0 };
  }

  async byChannel(f: ActivityFilter, limit: number): Promise<GroupTotal[]> {
    return this.prisma.$queryRaw<GroupTotal[]>`
      WITH g AS (
        SELECT channel_key AS key, sum(count) FILTER (WHERE kind IN ('message', 'reply'))::int AS count
        FROM activity_daily a WHERE ${where(f)} AND channel_key <> ''
        GROUP BY channel_key
      )
      SELECT g.key, n.name, COALESCE(g.count, 0) AS count
      FROM g LEFT JOIN (${channelNames(f.organizationId)}) n ON n.key = g.key
      ORDER BY count DESC, g.key LIMIT ${limit}`;
  }

  async byChapter(f: ActivityFilter): Promise<GroupTotal[]> {
    return this.prisma.$queryRaw<GroupTotal[]>`
      WITH pm AS (
        SELECT chapter_id, member_key, sum(count) FILTER (WHERE kind IN ('message', 'reply')) AS cnt, bool_or(${ACTIVE}) AS active
        FROM activity_daily a WHERE ${where(f)}
        GROUP BY chapter_id, member_key
      )
      SELECT pm.chapter_id::text AS key, c.name, COALESCE(sum(pm.cnt), 0)::int AS count,
             count(*) FILTER (WHERE pm.member_key <> '' AND pm.active)::int AS members
      FROM pm LEFT JOIN chapter c ON c.id = pm.chapter_id
      GROUP BY pm.chapter_id, c.name ORDER BY count DESC, c.name`;
  }

  async daily(f: ActivityFilter): Promise<DailyPoint[]> {
    return this.prisma.$queryRaw<DailyPoint[]>`
      WITH pm AS (
        SELECT day, member_key,
               sum(count) FILTER (WHERE kind = 'message') AS messages,
               sum(count) FILTER (WHERE kind = 'reply') AS replies,
               sum(count) FILTER (WHERE kind NOT IN ('message', 'reply')) AS other,
               bool_or(${ACTIVE}) AS active
        FROM activity_daily a WHERE ${where(f)} GROUP BY day, member_key
      )
      SELECT day::text AS day, COALESCE(sum(messages), 0)::int AS messages, COALESCE(sum(replies), 0)::int AS replies,
             COALESCE(sum(other), 0)::int AS other, count(*) FILTER (WHERE member_key <> '' AND active)::int AS members
      FROM pm GROUP BY day ORDER BY day`;
  }

  async activePer(f: ActivityFilter, bucket: 'week' | 'month'): Promise<BucketPoint[]> {
    const unit = bucket === 'week' ? 'week' : 'month';
    return this.prisma.$queryRaw<BucketPoint[]>`
      SELECT bucket::text AS bucket, count(*)::int AS members FROM (
        SELECT date_trunc(${unit}, day)::date AS bucket, member_key FROM activity_daily a
        WHERE ${where(f)} AND member_key <> '' AND ${ACTIVE} GROUP BY 1, 2
      ) pm GROUP BY bucket ORDER BY bucket`;
  }

  async topics(
    organizationId: string,
    weeks: { from: string; to: string; previousFrom: string; previousTo: string },
    platform?: Platform,
  ): Promise<TermCount[]> {
    const onPlatform = platform ? sql`AND channel_key LIKE ${`${platform}:%`}` : empty;
    return this.prisma.$queryRaw<TermCount[]>`
      SELECT term,
             COALESCE(sum(count) FILTER (WHERE week BETWEEN ${weeks.from}::date AND ${weeks.to}::date), 0)::int AS current,
             COALESCE(sum(count) FILTER (WHERE week BETWEEN ${weeks.previousFrom}::date AND ${weeks.previousTo}::date), 0)::int AS previous
      FROM topic_weekly
      WHERE organization_id = ${organizationId}::uuid AND week BETWEEN ${weeks.previousFrom}::date AND ${weeks.to}::date ${onPlatform}
      GROUP BY term
      HAVING sum(count) FILTER (WHERE week BETWEEN ${weeks.from}::date AND ${weeks.to}::date) > 0
      ORDER BY current DESC, term LIMIT 500`;
  }

  async unanswered(organizationId: string, since: Date, until: Date, hours: number, platform?: Platform): Promise<UnansweredSummary> {
    const onPlatform = platform ? sql`AND t.platform = ${platform}::"Platform"` : empty;
    const late = sql`(t.first_reply_at IS NULL OR t.first_reply_at > t.started_at + make_interval(hours => ${hours}::int))`;
    const scope = sql`t.organization_id = ${organizationId}::uuid AND t.started_at >= ${since} AND t.started_at <= ${until} ${onPlatform}`;
    const [totals, channels] = await Promise.all([
      this.prisma.$queryRaw<{ questions: number; unanswered: number; median: number | null }[]>`
        SELECT count(*)::int AS questions, count(*) FILTER (WHERE ${late})::int AS unanswered,
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_reply_at - t.started_at) / 60)
                  FILTER (WHERE t.first_reply_at IS NOT NULL))::float8 AS median
        FROM thread_state t WHERE ${scope}`,
      this.prisma.$queryRaw<{ channelKey: string; name: string | null; unanswered: number }[]>`
        SELECT t.channel_key AS "channelKey", n.name, count(*)::int AS unanswered
        FROM thread_state t LEFT JOIN (${channelNames(organizationId)}) n ON n.key = t.channel_key
        WHERE ${scope} AND ${late}
        GROUP BY t.channel_key, n.name ORDER BY unanswered DESC, t.channel_key LIMIT 5`,
    ]);
    const t = totals[0];
    return {
      questions: t?.questions ?? 0,
      unanswered: t?.unanswered ?? 0,
      medianFirstReplyMinutes: t?.median === null || t?.median === undefined ? null : Math.round(t.median),
      byChannel: channels,
    };
  }

  async polls(organizationId: string, since: Date, until: Date): Promise<PollParticipation[]> {
    return this.prisma.$queryRaw<PollParticipation[]>`
      WITH linked AS (
        SELECT m.id, m.chapter_id, m.roles FROM member m
        WHERE m.organization_id = ${organizationId}::uuid AND m.status = 'active'
          AND EXISTS (SELECT 1 FROM platform_identity pi WHERE pi.member_id = m.id)
      )
      SELECT p.id AS "pollId", p.question, p.created_at AS "createdAt", p.status::text AS status, p.anonymous,
             (SELECT count(*) FROM ballot b WHERE b.poll_id = p.id)::int AS ballots,
             (SELECT count(*) FROM linked l
               WHERE p.audience_kind = 'all'
                  OR (p.audience_kind = 'chapters' AND l.chapter_id = ANY (p.audience_chapter_ids))
                  OR (p.audience_kind = 'roles' AND l.roles && p.audience_roles))::int AS eligible
      FROM poll p
      WHERE p.organization_id = ${organizationId}::uuid AND p.created_at >= ${since} AND p.created_at <= ${until}
      ORDER BY p.created_at DESC LIMIT 20`;
  }

  async memberStats(f: ActivityFilter, limit: number): Promise<MemberStats[]> {
    return this.prisma.$queryRaw<MemberStats[]>`
      WITH pw AS (
        SELECT member_key, date_trunc('week', day) AS week,
               sum(count) FILTER (WHERE kind = 'reply') AS replies,
               sum(count) FILTER (WHERE kind = 'reaction-received') AS reactions,
               sum(count) FILTER (WHERE kind = 'message') AS messages,
               bool_or(${ACTIVE}) AS active
        FROM activity_daily a WHERE ${where(f)} AND member_key <> ''
        GROUP BY member_key, week
      ), s AS (
        SELECT member_key, COALESCE(sum(replies), 0)::int AS replies, COALESCE(sum(reactions), 0)::int AS reactions,
               COALESCE(sum(messages), 0)::int AS messages, count(*) FILTER (WHERE active)::int AS weeks
        FROM pw GROUP BY member_key
        ORDER BY replies DESC, weeks DESC LIMIT ${limit}
      )
      SELECT m.id::text AS "memberId", m.name, m.chapter_id::text AS "chapterId", m.roles::text[] AS roles,
             s.replies, s.reactions AS "reactionsReceived", s.weeks AS "activeWeeks", s.messages,
             (SELECT count(*) FROM meetup_attendance ma
                JOIN meetup mt ON mt.id = ma.meetup_id
                JOIN organization o ON o.id = mt.organization_id
               WHERE ma.member_id = m.id AND mt.organization_id = ${f.organizationId}::uuid
                 AND (ma.checked_in_at AT TIME ZONE o.timezone)::date BETWEEN ${f.from}::date AND ${f.to}::date)::int AS "meetupsAttended"
      FROM s JOIN member m ON m.id::text = s.member_key
      ORDER BY s.replies DESC, s.weeks DESC`;
  }

  async meetupTurnout(organizationId: string, since: Date, until: Date, chapterId?: string): Promise<MeetupTurnout> {
    const held = sql`SELECT id FROM meetup WHERE organization_id = ${organizationId}::uuid AND status = 'scheduled' AND starts_at >= ${since} AND starts_at <= ${until}`;
    const [counted, rows] = await Promise.all([
      this.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${held}) h`,
      this.prisma.$queryRaw<{ chapter_id: string | null; name: string | null; confirmed: number; turned_up: number; walk_ins: number; first_timers: number }[]>`
        WITH held AS (${held}),
        pairs AS (
          SELECT r.meetup_id, r.member_id, true AS confirmed FROM meetup_rsvp r JOIN held ON held.id = r.meetup_id
           WHERE r.answer = 'going' AND r.seat = 'confirmed'
        ),
        came AS (SELECT a.meetup_id, a.member_id FROM meetup_attendance a JOIN held ON held.id = a.meetup_id),
        firsts AS (
          SELECT DISTINCT ON (a.member_id) a.member_id, a.meetup_id FROM meetup_attendance a
            JOIN meetup x ON x.id = a.meetup_id WHERE x.organization_id = ${organizationId}::uuid
           ORDER BY a.member_id, a.checked_in_at, a.meetup_id
        ),
        lines AS (
          SELECT COALESCE(p.meetup_id, c.meetup_id) AS meetup_id, COALESCE(p.member_id, c.member_id) AS member_id,
                 p.confirmed IS NOT NULL AS confirmed, c.member_id IS NOT NULL AS came
            FROM pairs p FULL JOIN came c ON c.meetup_id = p.meetup_id AND c.member_id = p.member_id
        )
        SELECT m.chapter_id::text AS chapter_id, ch.name,
               count(*) FILTER (WHERE l.confirmed)::int AS confirmed,
               count(*) FILTER (WHERE l.confirmed AND l.came)::int AS turned_up,
               count(*) FILTER (WHERE l.came AND NOT l.confirmed)::int AS walk_ins,
               count(f.member_id)::int AS first_timers
          FROM lines l
          JOIN member m ON m.id = l.member_id
          LEFT JOIN chapter ch ON ch.id = m.chapter_id
          LEFT JOIN firsts f ON f.member_id = l.member_id AND f.meetup_id = l.meetup_id AND l.came
         WHERE ${chapterId === undefined ? sql`true` : sql`m.chapter_id = ${chapterId}::uuid`}
         GROUP BY m.chapter_id, ch.name
         ORDER BY ch.name NULLS LAST`,
    ]);
    const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
    return {
      meetups: counted[0]?.n ?? 0,
      confirmed: sum((r) => r.confirmed),
      turnedUp: sum((r) => r.turned_up),
      walkIns: sum((r) => r.walk_ins),
      firstTimers: sum((r) => r.first_timers),
      byChapter: rows.map((r) => ({ chapterId: r.chapter_id, name: r.name, confirmed: r.confirmed, turnedUp: r.turned_up, firstTimers: r.first_timers })),
    };
  }

  async cohorts(organizationId: string, fromMonth: string, toDay: string, timezone: string): Promise<{ sizes: CohortSize[]; cells: CohortCell[] }> {
    const cohort = sql`
      SELECT member_id, date_trunc('month', min(linked_at) AT TIME ZONE ${timezone})::date AS cohort
      FROM platform_identity WHERE organization_id = ${organizationId}::uuid GROUP BY member_id`;
    const [sizes, cells] = await Promise.all([
      this.prisma.$queryRaw<CohortSize[]>`
        SELECT cohort::text AS cohort, count(*)::int AS size FROM (${cohort}) c
        WHERE cohort BETWEEN ${fromMonth}::date AND ${toDay}::date GROUP BY cohort ORDER BY cohort`,
      this.prisma.$queryRaw<CohortCell[]>`
        WITH c AS (SELECT * FROM (${cohort}) x WHERE cohort BETWEEN ${fromMonth}::date AND ${toDay}::date),
        act AS (
          SELECT DISTINCT member_key, date_trunc('month', day)::date AS month FROM activity_daily a
          WHERE organization_id = ${organizationId}::uuid AND day BETWEEN ${fromMonth}::date AND ${toDay}::date AND member_key <> '' AND ${ACTIVE}
        )
        SELECT c.cohort::text AS cohort, act.month::text AS month, count(*)::int AS active
        FROM c JOIN act ON act.member_key = c.member_id::text AND act.month >= c.cohort
        GROUP BY c.cohort, act.month ORDER BY 1, 2`,
    ]);
    return { sizes, cells };
  }

  async exportRows(f: ActivityFilter): Promise<ExportRow[]> {
    return this.prisma.$queryRaw<ExportRow[]>`
      SELECT a.day::text AS day, a.platform::text AS platform, a.channel_key AS "channelKey", n.name AS "channelName",
             c.name AS "chapterName", a.kind, sum(a.count)::int AS count, sum(a.chars)::float8 AS chars,
             -- One row per member and key already: counting rows counts members.
             count(*) FILTER (WHERE a.member_key <> '' AND ${ACTIVE})::int AS members
      FROM activity_daily a
      LEFT JOIN chapter c ON c.id = a.chapter_id
      LEFT JOIN (${channelNames(f.organizationId)}) n ON n.key = a.channel_key
      WHERE ${where(f)}
      GROUP BY a.day, a.platform, a.channel_key, n.name, c.name, a.kind
      ORDER BY a.day, a.platform, a.channel_key, c.name NULLS FIRST, a.kind`;
  }

  async introRounds(organizationId: string, since: Date, until: Date, limit: number): Promise<IntroRoundFigures[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.insightsIntroRound.findMany({
      where: { organizationId, ranAt: { gte: since, lte: until } },
      orderBy: [{ ranAt: 'desc' }, { number: 'desc' }],
      take: limit,
    });
    return rows.map(({ organizationId: _org, ...r }) => r);
  }

  async onboardingFunnel(organizationId: string, since: Date, until: Date): Promise<OnboardingFunnel> {
    if (!isUuid(organizationId)) return { linked: 0, agreed: 0, profile: 0, messaged: 0, introduced: 0 };
    const [row] = await this.prisma.$queryRaw<OnboardingFunnel[]>`
      WITH cohort AS (
        SELECT member_id FROM insights_member_milestone
         WHERE organization_id = ${organizationId}::uuid AND milestone = 'linked' AND at >= ${since} AND at <= ${until}
      ),
      reached AS (
        SELECT m.milestone, count(*)::int AS n FROM insights_member_milestone m JOIN cohort c ON c.member_id = m.member_id
         WHERE m.organization_id = ${organizationId}::uuid GROUP BY m.milestone
      )
      SELECT (SELECT count(*)::int FROM cohort) AS linked,
             COALESCE((SELECT n FROM reached WHERE milestone = 'agreed'), 0) AS agreed,
             COALESCE((SELECT n FROM reached WHERE milestone = 'profile'), 0) AS profile,
             (SELECT count(*)::int FROM cohort c WHERE EXISTS (
                SELECT 1 FROM activity_daily a WHERE a.organization_id = ${organizationId}::uuid
                   AND a.member_key = c.member_id::text AND a.kind IN ('message', 'reply'))) AS messaged,
             COALESCE((SELECT n FROM reached WHERE milestone = 'introduced'), 0) AS introduced`;
    return row ?? { linked: 0, agreed: 0, profile: 0, messaged: 0, introduced: 0 };
  }

  // -------------------------------------------------------------------------------------------
  // Community figures
  // -------------------------------------------------------------------------------------------

  async countCommunity(organizationId: string, day: string, metric: CommunityMetric): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO insights_community_daily AS d (organization_id, day, metric, count) VALUES (${organizationId}::uuid, ${day}::date, ${metric}, 1)
      ON CONFLICT (organization_id, day, metric) DO UPDATE SET count = d.count + 1`;
  }

  async communityTotals(organizationId: string, from: string, to: string): Promise<CommunityTotals> {
    const totals: CommunityTotals = { asked: 0, helped: 0, escalated: 0, peerIntroductions: 0 };
    if (!isUuid(organizationId)) return totals;
    const rows = await this.prisma.$queryRaw<{ metric: string; n: number }[]>`
      SELECT metric, sum(count)::int AS n FROM insights_community_daily
       WHERE organization_id = ${organizationId}::uuid AND day BETWEEN ${from}::date AND ${to}::date GROUP BY metric`;
    for (const r of rows) if (r.metric in totals) totals[r.metric as CommunityMetric] = r.n;
    return totals;
  }

  async recordRound(organizationId: string, round: Omit<IntroRoundFigures, 'metGroups' | 'answersYes' | 'answersNo'>): Promise<void> {
    const { roundId, ...figures } = round;
    await this.prisma.insightsIntroRound.upsert({
      where: { roundId },
      create: { roundId, organizationId, ...figures },
      update: figures,
    });
  }

  async recordFollowup(organizationId: string, roundId: string, totals: { metGroups: number; yes: number; no: number }): Promise<void> {
    // A follow-up of a round insights never saw (it ran before insights counted rounds) has nothing to update.
    await this.prisma.insightsIntroRound.updateMany({
      where: { roundId, organizationId },
      data: { metGroups: totals.metGroups, answersYes: totals.yes, answersNo: totals.no },
    });
  }

  async recordMilestone(organizationId: string, memberIds: readonly string[], milestone: Milestone, at: Date): Promise<void> {
    const ids = memberIds.filter(isUuid);
    if (ids.length === 0) return;
    // One statement: members of this organisation who did not opt out, first time only.
    await this.prisma.$executeRaw`
      INSERT INTO insights_member_milestone (member_id, organization_id, milestone, at)
      SELECT m.id, m.organization_id, ${milestone}, ${at}
        FROM member m LEFT JOIN member_privacy p ON p.member_id = m.id
       WHERE m.id = ANY(${ids}::uuid[]) AND m.organization_id = ${organizationId}::uuid AND NOT COALESCE(p.insights_opt_out, false)
      ON CONFLICT (member_id, milestone) DO NOTHING`;
  }

  // -------------------------------------------------------------------------------------------
  // Settings
  // -------------------------------------------------------------------------------------------

  async getSetting(organizationId: string, key: string): Promise<unknown> {
    if (!isUuid(organizationId)) return undefined;
    const row = await this.prisma.organizationSetting.findUnique({ where: { organizationId_key: { organizationId, key } } });
    const value = row?.value ?? undefined;
    if (!SECRET_SETTINGS.has(key) || typeof value !== 'string') return value;
    // Sealed, or clear text from before encryption at rest (start-up seals those).
    return openStoredSecret(this.deps.secrets, value, secretPlaces.setting(organizationId, key));
  }

  async setSetting(organizationId: string, key: string, value: unknown): Promise<void> {
    const json = toJson(await this.sealIfSecret(organizationId, key, value));
    await this.prisma.organizationSetting.upsert({
      where: { organizationId_key: { organizationId, key } },
      create: { organizationId, key, value: json },
      update: { value: json },
    });
  }

  async ensureSetting(organizationId: string, key: string, value: unknown): Promise<unknown> {
    const stored = await this.sealIfSecret(organizationId, key, value);
    await this.prisma.$executeRaw`
      INSERT INTO organization_setting (organization_id, key, value) VALUES (${organizationId}::uuid, ${key}, ${JSON.stringify(stored)}::jsonb)
      ON CONFLICT DO NOTHING`;
    return this.getSetting(organizationId, key);
  }

  /** A secret setting's value as stored: its envelope (secret settings are strings); others unchanged. */
  private async sealIfSecret(organizationId: string, key: string, value: unknown): Promise<unknown> {
    if (!SECRET_SETTINGS.has(key)) return value;
    if (typeof value !== 'string') throw new Error(`insights: the secret setting ${key} must be a string`);
    return this.deps.secrets.seal(value, secretPlaces.setting(organizationId, key));
  }

  // -------------------------------------------------------------------------------------------
  // Privacy
  // -------------------------------------------------------------------------------------------

  async isOptedOut(memberId: string): Promise<boolean> {
    if (!isUuid(memberId)) return false;
    const row = await this.prisma.memberPrivacy.findUnique({ where: { memberId } });
    return row?.insightsOptOut ?? false;
  }

  async setOptOut(memberId: string, optOut: boolean): Promise<void> {
    await this.prisma.memberPrivacy.upsert({ where: { memberId }, create: { memberId, insightsOptOut: optOut }, update: { insightsOptOut: optOut } });
    // From now on counted only in anonymous totals: the onboarding steps named them, so they go.
    if (optOut) await this.prisma.insightsMemberMilestone.deleteMany({ where: { memberId } });
  }

  async memberData(organizationId: string, memberId: string): Promise<MemberDataExport | null> {
    if (!isUuid(memberId)) return null;
    const p = this.prisma;
    const member = await p.member.findFirst({ where: { id: memberId, organizationId }, include: { chapter: true, identities: true, privacy: true } });
    if (!member) return null;
    const accounts = member.identities.map((i) => ({ platform: i.platform, userId: i.platformUserId }));
    const [activity, ballots, linkRequests, links, conversations, directMessages, milestones] = await Promise.all([
      p.activityDaily.findMany({ where: { organizationId, memberKey: memberId }, orderBy: [{ day: 'asc' }, { channelKey: 'asc' }, { kind: 'asc' }] }),
      p.ballot.findMany({ where: { memberId }, include: { poll: { include: { options: true } } }, orderBy: { updatedAt: 'asc' } }),
      p.linkRequest.findMany({ where: { memberId }, orderBy: { createdAt: 'asc' } }),
      p.dashboardLink.findMany({ where: { memberId }, orderBy: { createdAt: 'asc' } }),
      accounts.length === 0 ? [] : p.conversationReference.findMany({ where: { OR: accounts.map((a) => ({ platform: a.platform, scopeKey: `user:${a.userId}` })) } }),
      accounts.length === 0 ? 0 : p.delivery.count({ where: { kind: 'direct', OR: accounts.map((a) => ({ platform: a.platform, targetExternalId: a.userId })) } }),
      p.insightsMemberMilestone.findMany({ where: { memberId }, orderBy: { at: 'asc' } }),
    ]);
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    const { chapter, identities, privacy, ...row } = member;
    return {
      member: { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(), directMessagesReceived: directMessages },
      chapter: chapter?.name ?? null,
      platformAccounts: [
        ...identities.map((i) => ({ platform: i.platform, workspaceId: i.workspaceId, userId: i.platformUserId, displayName: i.displayName, linkedAt: i.linkedAt.toISOString() })),
        ...conversations.map((c) => ({ platform: c.platform, conversationReferenceFor: c.scopeKey, storedAt: c.updatedAt.toISOString() })),
      ],
      privacy: { insightsOptOut: privacy?.insightsOptOut ?? false, updatedAt: iso(privacy?.updatedAt ?? null) },
      activity: activity.map((a) => ({ day: a.day.toISOString().slice(0, 10), platform: a.platform, channel: a.channelKey, kind: a.kind, count: a.count, chars: Number(a.chars) })),
      votes: ballots.map((b) => ({
        pollId: b.pollId,
        question: b.poll.question,
        choices: b.choices.map((n) => b.poll.options.find((o) => o.position === n)?.label ?? String(n)),
        updatedAt: b.updatedAt.toISOString(),
      })),
      pendingLinkRequests: linkRequests.map((l) => ({ platform: l.platform, createdAt: l.createdAt.toISOString(), expiresAt: l.expiresAt.toISOString() })),
      dashboardLinks: links.map((l) => ({ createdAt: l.createdAt.toISOString(), expiresAt: l.expiresAt.toISOString(), usedAt: iso(l.usedAt) })),
      onboarding: milestones.map((m) => ({ milestone: m.milestone, at: m.at.toISOString() })),
    };
  }

  async eraseMember(organizationId: string, memberId: string): Promise<ErasureSummary> {
    if (!isUuid(memberId) || !isUuid(organizationId)) return { activityRows: 0, ballots: 0, identities: 0 };
    return this.prisma.$transaction(async (tx) => {
      const accounts = await tx.platformIdentity.findMany({ where: { memberId, organizationId } });
      const moved = await tx.activityDaily.count({ where: { organizationId, memberKey: memberId } });
      // Fold the member's rollups into the anonymous totals of the same day, place and kind.
      await tx.$executeRaw`
        WITH moved AS (
          DELETE FROM activity_daily WHERE organization_id = ${organizationId}::uuid AND member_key = ${memberId}
          RETURNING organization_id, day, platform, channel_key, chapter_id, kind, count, chars
        )
        INSERT INTO activity_daily AS a (organization_id, day, platform, channel_key, chapter_id, member_key, kind, count, chars)
        SELECT organization_id, day, platform, channel_key, (array_agg(chapter_id))[1], '', kind, sum(count), sum(chars)
        FROM moved GROUP BY organization_id, day, platform, channel_key, kind
        ON CONFLICT (organization_id, day, platform, channel_key, member_key, kind)
        DO UPDATE SET count = a.count + EXCLUDED.count, chars = a.chars + EXCLUDED.chars`;
      // Named votes stay counted, but nothing ties them to the person any more.
      const ballots = await tx.$executeRaw`
        UPDATE ballot SET member_id = NULL, voter_key = 'erased-' || gen_random_uuid()::text
        WHERE member_id = ${memberId}::uuid`;
      await tx.poll.updateMany({ where: { organizationId, createdByMemberId: memberId }, data: { createdByMemberId: null } });
      await tx.announcement.updateMany({ where: { organizationId, authorMemberId: memberId }, data: { authorMemberId: null } });
      if (accounts.length > 0) {
        const owned = accounts.map((a) => ({ platform: a.platform, userId: a.platformUserId }));
        await tx.conversationReference.deleteMany({ where: { OR: owned.map((a) => ({ platform: a.platform, scopeKey: `user:${a.userId}` })) } });
        await tx.delivery.deleteMany({ where: { organizationId, kind: 'direct', OR: owned.map((a) => ({ platform: a.platform, targetExternalId: a.userId })) } });
      }
      // Cascades to platform_identity, link_request, member_privacy and dashboard_link.
      await tx.member.deleteMany({ where: { id: memberId, organizationId } });
      return { activityRows: moved, ballots, identities: accounts.length };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Dashboard links
  // -------------------------------------------------------------------------------------------

  async createLink(link: { organizationId: string; memberId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.prisma.dashboardLink.create({ data: link });
  }

  async consumeLink(tokenHash: string, now: Date): Promise<{ organizationId: string; memberId: string } | null> {
    const rows = await this.prisma.$queryRaw<{ organizationId: string; memberId: string }[]>`
      UPDATE dashboard_link SET used_at = ${now}
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}
      RETURNING organization_id::text AS "organizationId", member_id::text AS "memberId"`;
    return rows[0] ?? null;
  }

  async deleteBefore(organizationId: string, keepFrom: string, timeZone: string): Promise<{ activityRows: number; topicRows: number; threads: number }> {
    if (!isUuid(organizationId)) return { activityRows: 0, topicRows: 0, threads: 0 };
    // Three statements in one transaction: a run never leaves rollups without their threads or the other way round.
    const [activityRows, topicRows, threads] = await this.prisma.$transaction([
      this.prisma.$executeRaw`DELETE FROM activity_daily WHERE organization_id = ${organizationId}::uuid AND day < ${keepFrom}::date`,
      // A week (its Monday) is gone only when all seven of its days are.
      this.prisma.$executeRaw`DELETE FROM topic_weekly WHERE organization_id = ${organizationId}::uuid AND week + 6 < ${keepFrom}::date`,
      this.prisma.$executeRaw`
        DELETE FROM thread_state WHERE organization_id = ${organizationId}::uuid
          AND started_at < (${keepFrom}::date::timestamp AT TIME ZONE ${timeZone})`,
    ]);
    return { activityRows, topicRows, threads };
  }

  async pruneLinks(before: Date): Promise<number> {
    const { count } = await this.prisma.dashboardLink.deleteMany({ where: { expiresAt: { lt: before } } });
    return count;
  }
}

/** Column arrays of a batch, for `unnest`. */
function columns<T extends object>(rows: readonly T[]) {
  return <K extends keyof T>(key: K): T[K][] => rows.map((r) => r[key]);
}

/** The WHERE clause of a rollup query over `activity_daily a`. */
function where(f: ActivityFilter): Prisma.Sql {
  return sql`a.organization_id = ${f.organizationId}::uuid AND a.day BETWEEN ${f.from}::date AND ${f.to}::date
    ${f.chapterId ? sql`AND a.chapter_id = ${f.chapterId}::uuid` : empty}
    ${f.platform ? sql`AND a.platform = ${f.platform}::"Platform"` : empty}`;
}

/** Channel names of an organisation by channel key. */
function channelNames(organizationId: string): Prisma.Sql {
  return sql`SELECT DISTINCT ON (w.platform, c.external_id) w.platform::text || ':' || c.external_id AS key, c.name
             FROM channel c JOIN workspace w ON w.id = c.workspace_id WHERE c.organization_id = ${organizationId}::uuid`;
}
