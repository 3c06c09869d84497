import type {
  Announcement,
  AnnouncementContent,
  Audience,
  Delivery,
  DeliveryStatus,
  DeliveryTarget,
  ReportedDelivery,
} from '../../src/capabilities/news/domain/announcement.js';
import type {
  DeliveryContext,
  DeliveryReportData,
  DeliveryWork,
  NewAnnouncement,
  NewsRepository,
  SentRecord,
  StatusMessage,
} from '../../src/capabilities/news/ports.js';
import { systemClock, type Clock } from '../../src/kernel/clock.js';
import { newId } from '../../src/kernel/ids.js';
import type { Platform } from '../../src/kernel/types.js';
import type { Directory } from '../../src/kernel/ports/directory.js';

/**
 * A working in-memory {@link NewsRepository} with the Prisma one's semantics (test/integration/
 * news-repository.test.ts runs one contract against both). Conditional state changes have no `await`
 * between check and write, so they are atomic on the single JS thread. Membership data (members,
 * identities, channels) comes from the in-memory repositories it is given.
 */
export class InMemoryNewsRepository implements NewsRepository {
  private readonly announcements = new Map<string, Announcement>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly statusMessages = new Map<string, StatusMessage[]>();

  constructor(private readonly repos: Directory, private readonly clock: Clock = systemClock) {}

  private copy<T>(value: T): T {
    return structuredClone(value);
  }

  async create(input: NewAnnouncement): Promise<Announcement> {
    const now = this.clock.now();
    const a: Announcement = {
      ...input,
      id: newId(),
      version: 1,
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      retractedAt: null,
    };
    this.announcements.set(a.id, a);
    return this.copy(a);
  }

  async findById(organizationId: string, id: string): Promise<Announcement | null> {
    const a = this.announcements.get(id);
    return a && a.organizationId === organizationId ? this.copy(a) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Announcement[]> {
    return this.newestFirst([...this.announcements.values()].filter((a) => a.organizationId === organizationId && a.id.startsWith(prefix))).slice(0, limit);
  }

  async listRecent(organizationId: string, limit: number): Promise<Announcement[]> {
    return this.newestFirst([...this.announcements.values()].filter((a) => a.organizationId === organizationId)).slice(0, limit);
  }

  async get(id: string): Promise<Announcement | null> {
    const a = this.announcements.get(id);
    return a ? this.copy(a) : null;
  }

  async listByStatus(status: 'scheduled' | 'publishing'): Promise<Announcement[]> {
    return [...this.announcements.values()].filter((a) => a.status === status).map((a) => this.copy(a));
  }

  async updateContent(organizationId: string, id: string, content: AnnouncementContent, at: Date): Promise<Announcement | null> {
    const a = this.announcements.get(id);
    if (!a || a.organizationId !== organizationId || a.status === 'retracted') return null;
    Object.assign(a, content, { version: a.version + 1, updatedAt: at });
    return this.copy(a);
  }

  async startPublishing(id: string, targets: readonly DeliveryTarget[], at: Date): Promise<{ announcement: Announcement; queued: Delivery[] } | null> {
    const a = this.announcements.get(id);
    if (!a || !['draft', 'scheduled', 'publishing'].includes(a.status)) return null;
    a.status = 'publishing';
    a.updatedAt = at;
    if (this.of(id).length === 0) {
      for (const t of targets) {
        const d: Delivery = {
          ...t,
          id: newId(),
          announcementId: id,
          organizationId: a.organizationId,
          status: 'queued',
          channelExternalId: null,
          messageId: null,
          version: 0,
          failureReason: null,
          attempts: 0,
          sentAt: null,
          updatedAt: at,
        };
        this.deliveries.set(d.id, d);
      }
    }
    return { announcement: this.copy(a), queued: this.of(id).filter((d) => d.status === 'queued').map((d) => this.copy(d)) };
  }

  async completePublishing(id: string, at: Date): Promise<boolean> {
    const a = this.announcements.get(id);
    if (!a || a.status !== 'publishing' || this.of(id).some((d) => d.status === 'queued')) return false;
    a.status = 'published';
    a.publishedAt = at;
    a.updatedAt = at;
    return true;
  }

  async retract(organizationId: string, id: string, at: Date): Promise<{ announcement: Announcement; sent: Delivery[] } | null> {
    const a = this.announcements.get(id);
    if (!a || a.organizationId !== organizationId || a.status === 'retracted') return null;
    a.status = 'retracted';
    a.retractedAt = at;
    a.updatedAt = at;
    for (const d of this.of(id)) {
      if (d.status === 'queued') Object.assign(d, { status: 'retracted', updatedAt: at });
    }
    return { announcement: this.copy(a), sent: this.of(id).filter((d) => d.status === 'sent').map((d) => this.copy(d)) };
  }

  async listDeliveries(announcementId: string, status?: DeliveryStatus): Promise<Delivery[]> {
    return this.of(announcementId)
      .filter((d) => status === undefined || d.status === status)
      .map((d) => this.copy(d));
  }

  async report(announcementId: string, sample: number): Promise<DeliveryReportData> {
    const counts = new Map<string, { platform: Platform; status: DeliveryStatus; count: number }>();
    for (const d of this.of(announcementId)) {
      const key = `${d.platform} ${d.status}`;
      const c = counts.get(key) ?? { platform: d.platform, status: d.status, count: 0 };
      c.count++;
      counts.set(key, c);
    }
    const channels = new Map<string, string | null>();
    const a = this.announcements.get(announcementId);
    if (a) for (const c of await this.repos.channels.list(a.organizationId)) channels.set(`${c.platform} ${c.workspaceExternalId} ${c.externalId}`, c.name);
    const named = (d: Delivery): ReportedDelivery => ({
      platform: d.platform,
      kind: d.kind,
      target: (d.kind === 'channel' ? channels.get(`${d.platform} ${d.workspaceExternalId} ${d.targetExternalId}`) : null) ?? d.targetExternalId,
      reason: d.failureReason,
    });
    const list = this.of(announcementId);
    return {
      counts: [...counts.values()],
      failures: list.filter((d) => d.status === 'failed').slice(0, sample).map(named),
      pending: list.filter((d) => d.status === 'queued').slice(0, sample).map(named),
    };
  }

  async claimDelivery(id: string): Promise<DeliveryWork | null> {
    const d = this.deliveries.get(id);
    if (!d || d.status !== 'queued') return null;
    const previousAttempts = d.attempts;
    const previousError = d.failureReason;
    d.attempts++;
    d.failureReason = null;
    const ctx = await this.context(d);
    return ctx ? { ...ctx, previousAttempts, previousError } : null;
  }

  async getDelivery(id: string): Promise<DeliveryContext | null> {
    const d = this.deliveries.get(id);
    return d ? this.context(d) : null;
  }

  async recordSent(id: string, copy: { channelExternalId: string; messageId: string; version: number }, at: Date): Promise<SentRecord> {
    const d = this.deliveries.get(id);
    if (!d) throw new Error(`delivery ${id} does not exist`);
    let recorded = false;
    if (d.status === 'queued') {
      Object.assign(d, { status: 'sent', channelExternalId: copy.channelExternalId, messageId: copy.messageId, version: copy.version, sentAt: at, updatedAt: at, failureReason: null });
      recorded = true;
    }
    return { recorded, delivery: this.copy(d), announcementVersion: this.announcements.get(d.announcementId)?.version ?? 0 };
  }

  async recordFailed(id: string, reason: string, at: Date): Promise<boolean> {
    const d = this.deliveries.get(id);
    if (!d || d.status !== 'queued') return false;
    Object.assign(d, { status: 'failed', failureReason: reason, updatedAt: at });
    return true;
  }

  async noteError(id: string, reason: string): Promise<void> {
    const d = this.deliveries.get(id);
    if (d && d.status === 'queued') d.failureReason = reason;
  }

  async recordVersion(id: string, version: number): Promise<void> {
    const d = this.deliveries.get(id);
    if (d && d.status === 'sent' && d.version < version) d.version = version;
  }

  async recordRetracted(id: string, at: Date): Promise<boolean> {
    const d = this.deliveries.get(id);
    if (!d || d.status !== 'sent') return false;
    Object.assign(d, { status: 'retracted', updatedAt: at });
    return true;
  }

  async noteCopyProblem(id: string, reason: string): Promise<void> {
    const d = this.deliveries.get(id);
    if (d) d.failureReason = reason;
  }

  async addStatusMessage(organizationId: string, announcementId: string, message: StatusMessage): Promise<void> {
    const key = `${organizationId} ${announcementId}`;
    const list = this.statusMessages.get(key) ?? [];
    if (!list.some((m) => m.platform === message.platform && m.channelId === message.channelId && m.messageId === message.messageId)) list.push({ ...message });
    this.statusMessages.set(key, list);
  }

  async listStatusMessages(organizationId: string, announcementId: string): Promise<StatusMessage[]> {
    return this.copy(this.statusMessages.get(`${organizationId} ${announcementId}`) ?? []);
  }

  async directTargets(organizationId: string, audience: Audience): Promise<DeliveryTarget[]> {
    const targets: DeliveryTarget[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.repos.members.list(organizationId, { status: 'active', limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const m of page) {
        const covered =
          audience.kind === 'all' ||
          (audience.kind === 'chapters' && m.chapterId !== null && audience.chapterIds.includes(m.chapterId)) ||
          (audience.kind === 'roles' && m.roles.some((r) => audience.roles.includes(r)));
        if (!covered) continue;
        for (const i of await this.repos.identities.listByMember(m.id)) {
          targets.push({ kind: 'direct', platform: i.platform, workspaceExternalId: i.workspaceId, targetExternalId: i.platformUserId });
        }
      }
      if (page.length < 1000) break;
      after = page[page.length - 1]!.memberNumber;
    }
    return targets;
  }

  private of(announcementId: string): Delivery[] {
    return [...this.deliveries.values()].filter((d) => d.announcementId === announcementId);
  }

  private newestFirst(list: Announcement[]): Announcement[] {
    return list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((a) => this.copy(a));
  }

  private async context(d: Delivery): Promise<DeliveryContext | null> {
    const a = this.announcements.get(d.announcementId);
    if (!a) return null;
    const org = await this.repos.organizations.findById(a.organizationId);
    const author = a.authorMemberId ? await this.repos.members.findById(a.organizationId, a.authorMemberId) : null;
    return {
      delivery: this.copy(d),
      announcement: this.copy(a),
      authorName: author?.name ?? null,
      organizationName: org?.name ?? '',
      locale: org?.defaultLocale ?? 'nl',
    };
  }
}
