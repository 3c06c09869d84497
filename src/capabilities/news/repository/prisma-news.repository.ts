import type { MemberRole } from '../../../kernel/community.js';
import type {
  Announcement,
  AnnouncementContent,
  AnnouncementStatus,
  Audience,
  Delivery,
  DeliveryKind,
  DeliveryStatus,
  DeliveryTarget,
  ReportedDelivery,
} from '../domain/announcement.js';
import type {
  DeliveryContext,
  DeliveryReportData,
  DeliveryWork,
  NewAnnouncement,
  NewsRepository,
  SentRecord,
  StatusMessage,
} from '../ports.js';
import { newId } from '../../../kernel/ids.js';
import { toLocale, type Locale, type Platform } from '../../../kernel/types.js';
import { Prisma, type Announcement as AnnouncementRow, type Delivery as DeliveryRow, type PrismaClient } from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';

/**
 * {@link NewsRepository} on PostgreSQL/PGlite through Prisma. The worker's hot path (claim, record) is raw
 * SQL: one conditional statement each, so a fan-out of thousands costs two round trips per delivery and
 * the `queued -> sent` move can never happen twice.
 *
 * Concurrent claims and records are coalesced into one statement per batch ({@link MicroBatcher}).
 *
 * Live delivery-report messages are kept in `organization_setting` under `news.status-messages.<id>`
 * (a JSON array): the schema has no table of their own yet.
 */
export class PrismaNewsRepository implements NewsRepository {
  /** Concurrent claims and records of the fan-out workers share statements (see {@link MicroBatcher}). */
  private readonly claims: MicroBatcher<string, DeliveryWork | null>;
  private readonly records: MicroBatcher<SentItem, SentRecord>;

  constructor(private readonly prisma: PrismaClient, options: { maxBatch?: number; maxConcurrentBatches?: number } = {}) {
    const batching = { maxBatch: options.maxBatch ?? 100, maxConcurrent: options.maxConcurrentBatches ?? 3 };
    this.claims = new MicroBatcher((ids) => this.claimMany(ids), batching);
    this.records = new MicroBatcher((items) => this.recordMany(items), batching);
  }

  async create(input: NewAnnouncement): Promise<Announcement> {
    const row = await this.prisma.announcement.create({
      data: {
        organizationId: input.organizationId,
        authorMemberId: input.authorMemberId,
        title: input.title,
        body: input.body,
        linkUrl: input.linkUrl,
        imageUrl: input.imageUrl,
        ...audienceColumns(input.audience),
        directMessages: input.directMessages,
        publishAt: input.publishAt,
        status: input.status,
      },
    });
    return toAnnouncement(row);
  }

  async findById(organizationId: string, id: string): Promise<Announcement | null> {
    if (!isUuid(organizationId) || !isUuid(id)) return null;
    const row = await this.prisma.announcement.findFirst({ where: { id, organizationId } });
    return row ? toAnnouncement(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Announcement[]> {
    if (!isUuid(organizationId)) return [];
    const ids = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM announcement
      WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix.replace(/[%_\\]/g, '')}%`}
      ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
    if (ids.length === 0) return [];
    const rows = await this.prisma.announcement.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map(toAnnouncement);
  }

  async listRecent(organizationId: string, limit: number): Promise<Announcement[]> {
    if (!isUuid(organizationId)) return [];
    const rows = await this.prisma.announcement.findMany({ where: { organizationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
    return rows.map(toAnnouncement);
  }

  async get(id: string): Promise<Announcement | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.announcement.findUnique({ where: { id } });
    return row ? toAnnouncement(row) : null;
  }

  async listByStatus(status: 'scheduled' | 'publishing'): Promise<Announcement[]> {
    const rows = await this.prisma.announcement.findMany({ where: { status }, orderBy: { createdAt: 'asc' } });
    return rows.map(toAnnouncement);
  }

  async updateContent(organizationId: string, id: string, content: AnnouncementContent, at: Date): Promise<Announcement | null> {
    if (!isUuid(organizationId) || !isUuid(id)) return null;
    const updated = await this.prisma.announcement.updateMany({
      where: { id, organizationId, status: { not: 'retracted' } },
      data: { title: content.title, body: content.body, linkUrl: content.linkUrl, imageUrl: content.imageUrl, version: { increment: 1 }, updatedAt: at },
    });
    return updated.count === 0 ? null : this.get(id);
  }

  async startPublishing(id: string, targets: readonly DeliveryTarget[], at: Date): Promise<{ announcement: Announcement; queued: Delivery[] } | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(
      async (tx) => {
        // The row lock makes concurrent publish jobs for one announcement take turns: one inserts, the other reuses.
        const locked = await tx.$queryRaw<{ status: AnnouncementStatus; organization_id: string }[]>`
          SELECT status::text AS status, organization_id::text AS organization_id FROM announcement WHERE id = ${id}::uuid FOR UPDATE`;
        const current = locked[0];
        if (!current || !['draft', 'scheduled', 'publishing'].includes(current.status)) return null;
        if (current.status !== 'publishing') await tx.announcement.update({ where: { id }, data: { status: 'publishing', updatedAt: at } });
        const existing = await tx.delivery.count({ where: { announcementId: id } });
        let queued: Delivery[];
        if (existing === 0 && targets.length > 0) {
          // One statement for thousands of rows (createMany + findMany took seconds for 10,000).
          const rows = await tx.$queryRaw<RawDelivery[]>`
            INSERT INTO delivery AS d (id, announcement_id, organization_id, kind, platform, workspace_external_id, target_external_id, updated_at)
            SELECT t.id, ${id}::uuid, ${current.organization_id}::uuid, t.kind::"DeliveryKind", t.platform::"Platform", t.ws, t.target, ${at}
            FROM unnest(${targets.map(() => newId())}::uuid[], ${targets.map((t) => t.kind)}::text[], ${targets.map((t) => t.platform)}::text[],
                        ${targets.map((t) => t.workspaceExternalId)}::text[], ${targets.map((t) => t.targetExternalId)}::text[])
                 AS t(id, kind, platform, ws, target)
            ON CONFLICT DO NOTHING
            RETURNING ${DELIVERY_COLUMNS}`;
          queued = rows.map(fromRawDelivery);
        } else {
          queued = (await tx.delivery.findMany({ where: { announcementId: id, status: 'queued' }, orderBy: { id: 'asc' } })).map(toDelivery);
        }
        const announcement = await tx.announcement.findUniqueOrThrow({ where: { id } });
        return { announcement: toAnnouncement(announcement), queued };
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }

  async completePublishing(id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    const n = await this.prisma.$executeRaw`
      UPDATE announcement SET status = 'published', published_at = ${at}, updated_at = ${at}
      WHERE id = ${id}::uuid AND status = 'publishing'
        AND NOT EXISTS (SELECT 1 FROM delivery WHERE announcement_id = ${id}::uuid AND status = 'queued')`;
    return n > 0;
  }

  async retract(organizationId: string, id: string, at: Date): Promise<{ announcement: Announcement; sent: Delivery[] } | null> {
    if (!isUuid(organizationId) || !isUuid(id)) return null;
    return this.prisma.$transaction(
      async (tx) => {
        const moved = await tx.announcement.updateMany({
          where: { id, organizationId, status: { not: 'retracted' } },
          data: { status: 'retracted', retractedAt: at, updatedAt: at },
        });
        if (moved.count === 0) return null;
        await tx.delivery.updateMany({ where: { announcementId: id, status: 'queued' }, data: { status: 'retracted', updatedAt: at } });
        const sent = await tx.delivery.findMany({ where: { announcementId: id, status: 'sent' }, orderBy: { id: 'asc' } });
        const announcement = await tx.announcement.findUniqueOrThrow({ where: { id } });
        return { announcement: toAnnouncement(announcement), sent: sent.map(toDelivery) };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  async listDeliveries(announcementId: string, status?: DeliveryStatus): Promise<Delivery[]> {
    if (!isUuid(announcementId)) return [];
    const rows = await this.prisma.delivery.findMany({ where: { announcementId, ...(status ? { status } : {}) }, orderBy: { id: 'asc' } });
    return rows.map(toDelivery);
  }

  async report(announcementId: string, sample: number): Promise<DeliveryReportData> {
    if (!isUuid(announcementId)) return { counts: [], failures: [], pending: [] };
    const counts = await this.prisma.$queryRaw<{ platform: Platform; status: DeliveryStatus; count: number }[]>`
      SELECT platform::text AS platform, status::text AS status, count(*)::int AS count
      FROM delivery WHERE announcement_id = ${announcementId}::uuid GROUP BY 1, 2`;
    const named = (status: DeliveryStatus) => this.prisma.$queryRaw<{ platform: Platform; kind: DeliveryKind; target: string; reason: string | null }[]>`
      SELECT d.platform::text AS platform, d.kind::text AS kind, COALESCE(c.name, d.target_external_id) AS target, d.failure_reason AS reason
      FROM delivery d
      LEFT JOIN workspace w ON d.kind = 'channel' AND w.platform = d.platform AND w.external_id = d.workspace_external_id
      LEFT JOIN channel c ON c.workspace_id = w.id AND c.external_id = d.target_external_id
      WHERE d.announcement_id = ${announcementId}::uuid AND d.status = ${status}::"DeliveryStatus"
      ORDER BY d.updated_at, d.id LIMIT ${sample}`;
    const [failures, pending] = await Promise.all([named('failed'), named('queued')]);
    const toReported = (r: { platform: Platform; kind: DeliveryKind; target: string; reason: string | null }): ReportedDelivery => ({ ...r });
    return { counts, failures: failures.map(toReported), pending: pending.map(toReported) };
  }

  async claimDelivery(id: string): Promise<DeliveryWork | null> {
    if (!isUuid(id)) return null;
    return this.claims.load(id);
  }

  /** Claims a batch: one conditional UPDATE for every id (rows locked in id order, so batches never deadlock). */
  private async claimMany(ids: string[]): Promise<(DeliveryWork | null)[]> {
    const rows = await this.prisma.$queryRaw<(RawDelivery & RawContext & { prev_error: string | null })[]>`
      WITH old AS (
        SELECT id, failure_reason FROM delivery WHERE id = ANY(${[...new Set(ids)]}::uuid[]) AND status = 'queued' ORDER BY id FOR UPDATE
      ), claimed AS (
        UPDATE delivery d SET attempts = d.attempts + 1, failure_reason = NULL, updated_at = now()
        FROM old WHERE d.id = old.id
        RETURNING d.*, old.failure_reason AS prev_error
      )
      SELECT ${DELIVERY_COLUMNS}, d.prev_error, ${CONTEXT_COLUMNS}
      FROM claimed d
      JOIN announcement a ON a.id = d.announcement_id
      JOIN organization o ON o.id = a.organization_id
      LEFT JOIN member m ON m.id = a.author_member_id`;
    const byId = new Map(rows.map((r) => [r.d_id, r]));
    // One claim is one try: when two runs of a delivery claim in the same batch, the row was updated once and
    // only the first gets it (both would post otherwise).
    const given = new Set<string>();
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row || given.has(id)) return null;
      given.add(id);
      const delivery = fromRawDelivery(row);
      return { ...fromRawContext(row, delivery), previousAttempts: delivery.attempts - 1, previousError: row.prev_error };
    });
  }

  async getDelivery(id: string): Promise<DeliveryContext | null> {
    if (!isUuid(id)) return null;
    const rows = await this.prisma.$queryRaw<(RawDelivery & RawContext)[]>`
      SELECT ${DELIVERY_COLUMNS}, ${CONTEXT_COLUMNS}
      FROM delivery d
      JOIN announcement a ON a.id = d.announcement_id
      JOIN organization o ON o.id = a.organization_id
      LEFT JOIN member m ON m.id = a.author_member_id
      WHERE d.id = ${id}::uuid`;
    const row = rows[0];
    return row ? fromRawContext(row, fromRawDelivery(row)) : null;
  }

  async recordSent(id: string, copy: { channelExternalId: string; messageId: string; version: number }, at: Date): Promise<SentRecord> {
    return this.records.load({ id, ...copy, at });
  }

  /**
   * Records a batch of sent copies: one conditional UPDATE over all of them, then one read of the rows
   * that did not move (another outcome won). Within a batch only the first record of a delivery counts.
   */
  private async recordMany(items: SentItem[]): Promise<SentRecord[]> {
    const seen = new Set<string>();
    const first = items.filter((i) => !seen.has(i.id) && seen.add(i.id));
    const updated = await this.prisma.$queryRaw<(RawDelivery & { a_version: number })[]>`
      UPDATE delivery d SET status = 'sent', channel_external_id = v.channel, message_id = v.message, version = v.version,
        sent_at = v.at, updated_at = v.at, failure_reason = NULL
      FROM unnest(${first.map((i) => i.id)}::uuid[], ${first.map((i) => i.channelExternalId)}::text[], ${first.map((i) => i.messageId)}::text[],
                  ${first.map((i) => i.version)}::int[], ${first.map((i) => i.at.toISOString())}::timestamptz[]) AS v(id, channel, message, version, at)
      WHERE d.id = v.id AND d.status = 'queued'
      RETURNING ${DELIVERY_COLUMNS}, (SELECT version FROM announcement WHERE id = d.announcement_id) AS a_version`;
    const moved = new Map(updated.map((r) => [r.d_id, r]));
    const missing = [...new Set(items.map((i) => i.id).filter((id) => !moved.has(id)))];
    const current = new Map(moved);
    if (missing.length > 0) {
      const rows = await this.prisma.$queryRaw<(RawDelivery & { a_version: number })[]>`
        SELECT ${DELIVERY_COLUMNS}, (SELECT version FROM announcement WHERE id = d.announcement_id) AS a_version
        FROM delivery d WHERE d.id = ANY(${missing}::uuid[])`;
      for (const r of rows) current.set(r.d_id, r);
    }
    const credited = new Set<string>();
    return items.map((item) => {
      const row = current.get(item.id);
      if (!row) throw new Error(`delivery ${item.id} does not exist`);
      // The first record of a delivery that moved it wins; a repeat in the same batch did not.
      const recorded = moved.has(item.id) && !credited.has(item.id) && row.d_message_id === item.messageId;
      if (recorded) credited.add(item.id);
      return { recorded, delivery: fromRawDelivery(row), announcementVersion: Number(row.a_version) };
    });
  }

  async recordFailed(id: string, reason: string, at: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE delivery SET status = 'failed', failure_reason = ${reason.slice(0, 500)}, updated_at = ${at}
      WHERE id = ${id}::uuid AND status = 'queued'`;
    return n > 0;
  }

  async noteError(id: string, reason: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE delivery SET failure_reason = ${reason.slice(0, 500)} WHERE id = ${id}::uuid AND status = 'queued'`;
  }

  async recordVersion(id: string, version: number): Promise<void> {
    await this.prisma.$executeRaw`UPDATE delivery SET version = ${version}, updated_at = now() WHERE id = ${id}::uuid AND status = 'sent' AND version < ${version}`;
  }

  async recordRetracted(id: string, at: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`UPDATE delivery SET status = 'retracted', updated_at = ${at} WHERE id = ${id}::uuid AND status = 'sent'`;
    return n > 0;
  }

  async noteCopyProblem(id: string, reason: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE delivery SET failure_reason = ${reason.slice(0, 500)} WHERE id = ${id}::uuid`;
  }

  async addStatusMessage(organizationId: string, announcementId: string, message: StatusMessage): Promise<void> {
    const value = JSON.stringify([message]);
    await this.prisma.$executeRaw`
      INSERT INTO organization_setting (organization_id, key, value, updated_at)
      VALUES (${organizationId}::uuid, ${statusKey(announcementId)}, ${value}::jsonb, now())
      ON CONFLICT (organization_id, key) DO UPDATE SET value = organization_setting.value || EXCLUDED.value, updated_at = now()`;
  }

  async listStatusMessages(organizationId: string, announcementId: string): Promise<StatusMessage[]> {
    if (!isUuid(organizationId)) return [];
    const row = await this.prisma.organizationSetting.findUnique({
      where: { organizationId_key: { organizationId, key: statusKey(announcementId) } },
    });
    if (!row || !Array.isArray(row.value)) return [];
    const seen = new Set<string>();
    return (row.value as unknown as StatusMessage[]).filter((m) => {
      const key = `${m.platform} ${m.channelId} ${m.messageId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  async directTargets(organizationId: string, audience: Audience): Promise<DeliveryTarget[]> {
    if (!isUuid(organizationId)) return [];
    const member: Prisma.MemberWhereInput = {
      status: 'active',
      ...(audience.kind === 'chapters' ? { chapterId: { in: audience.chapterIds } } : {}),
      ...(audience.kind === 'roles' ? { roles: { hasSome: audience.roles } } : {}),
    };
    const rows = await this.prisma.platformIdentity.findMany({
      where: { organizationId, member },
      select: { platform: true, workspaceId: true, platformUserId: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({ kind: 'direct', platform: r.platform, workspaceExternalId: r.workspaceId, targetExternalId: r.platformUserId }));
  }
}

function statusKey(announcementId: string): string {
  return `news.status-messages.${announcementId}`;
}

function audienceColumns(audience: Audience): { audienceKind: Audience['kind']; audienceChapterIds: string[]; audienceRoles: MemberRole[] } {
  return {
    audienceKind: audience.kind,
    audienceChapterIds: audience.kind === 'chapters' ? audience.chapterIds : [],
    audienceRoles: audience.kind === 'roles' ? audience.roles : [],
  };
}

function toAudience(kind: string, chapterIds: readonly string[] | null, roles: readonly string[] | null): Audience {
  if (kind === 'chapters') return { kind, chapterIds: [...(chapterIds ?? [])] };
  if (kind === 'roles') return { kind, roles: [...(roles ?? [])] as MemberRole[] };
  return { kind: 'all' };
}

function toAnnouncement(row: AnnouncementRow): Announcement {
  return {
    id: row.id,
    organizationId: row.organizationId,
    authorMemberId: row.authorMemberId,
    title: row.title,
    body: row.body,
    linkUrl: row.linkUrl,
    imageUrl: row.imageUrl,
    audience: toAudience(row.audienceKind, row.audienceChapterIds, row.audienceRoles),
    directMessages: row.directMessages,
    publishAt: row.publishAt,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    publishedAt: row.publishedAt,
    retractedAt: row.retractedAt,
  };
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    announcementId: row.announcementId,
    organizationId: row.organizationId,
    kind: row.kind,
    platform: row.platform,
    workspaceExternalId: row.workspaceExternalId,
    targetExternalId: row.targetExternalId,
    status: row.status,
    channelExternalId: row.channelExternalId,
    messageId: row.messageId,
    version: row.version,
    failureReason: row.failureReason,
    attempts: row.attempts,
    sentAt: row.sentAt,
    updatedAt: row.updatedAt,
  };
}

/** Delivery columns of raw queries (`d` is the delivery), text-cast so enums and uuids arrive as strings. */
const DELIVERY_COLUMNS = Prisma.sql`d.id::text AS d_id, d.announcement_id::text AS d_announcement_id, d.organization_id::text AS d_organization_id,
  d.kind::text AS d_kind, d.platform::text AS d_platform, d.workspace_external_id AS d_workspace_external_id,
  d.target_external_id AS d_target_external_id, d.status::text AS d_status, d.channel_external_id AS d_channel_external_id,
  d.message_id AS d_message_id, d.version AS d_version, d.failure_reason AS d_failure_reason, d.attempts AS d_attempts,
  d.sent_at AS d_sent_at, d.updated_at AS d_updated_at`;

interface RawDelivery {
  d_id: string;
  d_announcement_id: string;
  d_organization_id: string;
  d_kind: DeliveryKind;
  d_platform: Platform;
  d_workspace_external_id: string;
  d_target_external_id: string;
  d_status: DeliveryStatus;
  d_channel_external_id: string | null;
  d_message_id: string | null;
  d_version: number;
  d_failure_reason: string | null;
  d_attempts: number;
  d_sent_at: Date | null;
  d_updated_at: Date;
}

function fromRawDelivery(r: RawDelivery): Delivery {
  return {
    id: r.d_id,
    announcementId: r.d_announcement_id,
    organizationId: r.d_organization_id,
    kind: r.d_kind,
    platform: r.d_platform,
    workspaceExternalId: r.d_workspace_external_id,
    targetExternalId: r.d_target_external_id,
    status: r.d_status,
    channelExternalId: r.d_channel_external_id,
    messageId: r.d_message_id,
    version: Number(r.d_version),
    failureReason: r.d_failure_reason,
    attempts: Number(r.d_attempts),
    sentAt: r.d_sent_at === null ? null : new Date(r.d_sent_at),
    updatedAt: new Date(r.d_updated_at),
  };
}

/** Announcement, author and organisation columns of raw queries (`a`, `m`, `o`). */
const CONTEXT_COLUMNS = Prisma.sql`a.id::text AS a_id, a.organization_id::text AS a_organization_id, a.author_member_id::text AS a_author_member_id,
  a.title AS a_title, a.body AS a_body, a.link_url AS a_link_url, a.image_url AS a_image_url, a.audience_kind::text AS a_audience_kind,
  a.audience_chapter_ids::text[] AS a_audience_chapter_ids, a.audience_roles::text[] AS a_audience_roles,
  a.direct_messages AS a_direct_messages, a.publish_at AS a_publish_at, a.status::text AS a_status, a.version AS a_version,
  a.created_at AS a_created_at, a.updated_at AS a_updated_at, a.published_at AS a_published_at, a.retracted_at AS a_retracted_at,
  m.name AS author_name, o.name AS organization_name, o.default_locale AS locale`;

interface RawContext {
  a_id: string;
  a_organization_id: string;
  a_author_member_id: string | null;
  a_title: string;
  a_body: string;
  a_link_url: string | null;
  a_image_url: string | null;
  a_audience_kind: string;
  a_audience_chapter_ids: string[] | null;
  a_audience_roles: string[] | null;
  a_direct_messages: boolean;
  a_publish_at: Date | null;
  a_status: AnnouncementStatus;
  a_version: number;
  a_created_at: Date;
  a_updated_at: Date;
  a_published_at: Date | null;
  a_retracted_at: Date | null;
  author_name: string | null;
  organization_name: string;
  locale: string;
}

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

function fromRawContext(r: RawContext, delivery: Delivery): DeliveryContext {
  const announcement: Announcement = {
    id: r.a_id,
    organizationId: r.a_organization_id,
    authorMemberId: r.a_author_member_id,
    title: r.a_title,
    body: r.a_body,
    linkUrl: r.a_link_url,
    imageUrl: r.a_image_url,
    audience: toAudience(r.a_audience_kind, r.a_audience_chapter_ids, r.a_audience_roles),
    directMessages: r.a_direct_messages,
    publishAt: toDate(r.a_publish_at),
    status: r.a_status,
    version: Number(r.a_version),
    createdAt: new Date(r.a_created_at),
    updatedAt: new Date(r.a_updated_at),
    publishedAt: toDate(r.a_published_at),
    retractedAt: toDate(r.a_retracted_at),
  };
  const locale: Locale = toLocale(r.locale) ?? 'nl';
  return { delivery, announcement, authorName: r.author_name, organizationName: r.organization_name, locale };
}

interface SentItem {
  id: string;
  channelExternalId: string;
  messageId: string;
  version: number;
  at: Date;
}

/**
 * Coalesces concurrent single-row calls into one statement: every call made while earlier batches run
 * joins the next batch. A fan-out worker runs dozens of jobs at once, each claiming and recording one
 * delivery; one `UPDATE ... WHERE id = ANY($1)` for thirty rows costs about what one row costs, so the
 * database stops being the ceiling. Each row keeps its own conditional update: batching changes the number
 * of round trips, not the semantics.
 */
class MicroBatcher<T, R> {
  private readonly pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  /** `run` executes one batch and returns one result per item, in order. */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: { maxBatch: number; maxConcurrent: number },
  ) {}

  load(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // One turn of the event loop lets the other jobs that are ready right now join the batch.
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    });
  }

  private drain(): void {
    while (this.pending.length > 0 && this.running < this.options.maxConcurrent) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.running++;
      this.run(batch.map((b) => b.item))
        .then(
          (results) => batch.forEach((b, i) => b.resolve(results[i] as R)),
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        )
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}
