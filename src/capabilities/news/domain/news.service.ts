import type { ChannelRepository } from '../../../kernel/ports/directory.js';
import type { Clock } from '../../../kernel/clock.js';
import { validate } from '../../../kernel/validate.js';
import {
  canEdit,
  canStartPublishing,
  channelTargets,
  hasCopiesOut,
  normaliseIdPrefix,
  shortId,
  tallyDeliveries,
  uniqueTargets,
  wantsDirectMessages,
  type Announcement,
  type AnnouncementContent,
  type Audience,
  type DeliveryReport,
  type DeliveryTarget,
} from './announcement.js';
import { NewsErrors } from './news.errors.js';
import type { NewsDispatcher, NewsRepository, StatusMessage } from '../ports.js';
import { announcementContentSchema, newAnnouncementSchema, type NewAnnouncementInput } from './news.schemas.js';

/** Dependencies of {@link NewsService}. */
export interface NewsServiceDeps {
  news: NewsRepository;
  channels: ChannelRepository;
  dispatcher: NewsDispatcher;
  clock: Clock;
}

/** Failed and pending deliveries named in a report. */
const REPORT_SAMPLE = 10;

/**
 * The news use cases: write, schedule, publish, edit and retract announcements, and report what arrived
 * where. Sending is the queue's job: this service decides what to send and records the decision; the
 * delivery service (domain/delivery.service.ts, called by the fan-out worker) posts and records each outcome.
 */
export class NewsService {
  constructor(private readonly deps: NewsServiceDeps) {}

  /**
   * Creates an announcement and starts publishing it now (or at `publishAt`). Refuses with NEWS.NO_TARGETS
   * when nothing would receive it, so a manager never "posts" into the void.
   */
  async create(input: NewAnnouncementInput): Promise<{ announcement: Announcement; targets: number }> {
    const parsed = validate(newAnnouncementSchema, input);
    const now = this.deps.clock.now();
    if (parsed.publishAt && parsed.publishAt.getTime() <= now.getTime()) throw NewsErrors.badPublishTime(parsed.publishAt.toISOString());
    const targets = await this.resolveTargets(parsed.organizationId, parsed.audience, parsed.directMessages);
    if (targets.length === 0) throw NewsErrors.noTargets();
    const announcement = await this.deps.news.create({
      organizationId: parsed.organizationId,
      authorMemberId: parsed.authorMemberId,
      title: parsed.title,
      body: parsed.body,
      linkUrl: parsed.linkUrl,
      imageUrl: parsed.imageUrl,
      audience: parsed.audience,
      directMessages: parsed.directMessages,
      publishAt: parsed.publishAt,
      status: parsed.publishAt ? 'scheduled' : 'publishing',
    });
    if (parsed.publishAt) await this.deps.dispatcher.schedulePublish(announcement.id, parsed.publishAt);
    else await this.deps.dispatcher.publishNow(announcement.id);
    return { announcement, targets: targets.length };
  }

  /**
   * Stores a draft for the managers to review (`/kring news edit`, `publish`, `retract`): nothing is
   * posted. Returns null when an announcement with the same title exists and is not retracted (a repeated
   * proposal). Everyone is the audience; publishing checks there is somewhere to post.
   */
  async createDraft(input: { organizationId: string; title: string; body: string }): Promise<Announcement | null> {
    const parsed = validate(newAnnouncementSchema, { organizationId: input.organizationId, title: input.title, body: input.body });
    const recent = await this.deps.news.listRecent(parsed.organizationId, 100);
    if (recent.some((a) => a.title === parsed.title && a.status !== 'retracted')) return null;
    return this.deps.news.create({
      organizationId: parsed.organizationId,
      authorMemberId: null,
      title: parsed.title,
      body: parsed.body,
      linkUrl: parsed.linkUrl,
      imageUrl: parsed.imageUrl,
      audience: parsed.audience,
      directMessages: parsed.directMessages,
      publishAt: null,
      status: 'draft',
    });
  }

  /** Sends a draft now (`/kring news publish <id>`). @throws NEWS.NOT_DRAFT, NEWS.NO_TARGETS */
  async publishDraft(organizationId: string, ref: string): Promise<{ announcement: Announcement; targets: number }> {
    const current = await this.resolve(organizationId, ref);
    if (current.status !== 'draft') throw NewsErrors.notDraft(shortId(current.id));
    const targets = await this.resolveTargets(organizationId, current.audience, current.directMessages);
    if (targets.length === 0) throw NewsErrors.noTargets();
    await this.deps.dispatcher.publishNow(current.id);
    return { announcement: current, targets: targets.length };
  }

  /**
   * The publish job: resolves the audience to targets, creates the deliveries and the announcement's move
   * to `publishing` in one transaction, and enqueues one job per queued delivery. Safe to run again (after a
   * crash, a restart, a repeated job): the first set of deliveries is kept and job ids are deterministic.
   * A job for a publish time that was changed since does nothing.
   */
  async publish(announcementId: string, expectedPublishAt?: Date): Promise<void> {
    const announcement = await this.deps.news.get(announcementId);
    if (!announcement || !canStartPublishing(announcement.status)) return;
    if (announcement.status === 'scheduled' && expectedPublishAt && announcement.publishAt?.getTime() !== expectedPublishAt.getTime()) return;
    const targets = await this.resolveTargets(announcement.organizationId, announcement.audience, announcement.directMessages);
    const started = await this.deps.news.startPublishing(announcementId, targets, this.deps.clock.now());
    if (!started) return;
    await this.deps.dispatcher.enqueueDeliveries(started.queued);
    if (started.queued.length === 0) await this.deps.news.completePublishing(announcementId, this.deps.clock.now());
    await this.deps.dispatcher.requestStatusRefresh(announcementId);
  }

  /**
   * After a restart: re-arms scheduled announcements (the in-process queue forgets delayed jobs) and
   * re-enqueues the queued deliveries of announcements still publishing. Both are idempotent.
   */
  async resume(): Promise<{ scheduled: number; publishing: number }> {
    const scheduled = await this.deps.news.listByStatus('scheduled');
    for (const a of scheduled) {
      if (a.publishAt && a.publishAt.getTime() > this.deps.clock.now().getTime()) await this.deps.dispatcher.schedulePublish(a.id, a.publishAt);
      else await this.deps.dispatcher.publishNow(a.id);
    }
    const publishing = await this.deps.news.listByStatus('publishing');
    for (const a of publishing) await this.publish(a.id);
    return { scheduled: scheduled.length, publishing: publishing.length };
  }

  /**
   * Changes title, body, link and image. Copies already out are updated through the queue (one job per
   * copy, carrying the new version); deliveries still queued post the new text.
   */
  async edit(organizationId: string, ref: string, content: AnnouncementContent): Promise<{ announcement: Announcement; copies: number }> {
    const current = await this.resolve(organizationId, ref);
    if (!canEdit(current.status)) throw NewsErrors.retracted(shortId(current.id));
    const parsed = validate(announcementContentSchema, content);
    const updated = await this.deps.news.updateContent(organizationId, current.id, parsed, this.deps.clock.now());
    if (!updated) throw NewsErrors.retracted(shortId(current.id));
    let copies = 0;
    if (hasCopiesOut(updated.status)) {
      const sent = await this.deps.news.listDeliveries(updated.id, 'sent');
      copies = sent.length;
      await this.deps.dispatcher.enqueueUpdates(sent, updated.version);
      await this.deps.dispatcher.requestStatusRefresh(updated.id);
    }
    return { announcement: updated, copies };
  }

  /** Takes an announcement back: nothing more is posted, every delivered copy is deleted through the queue. */
  async retract(organizationId: string, ref: string): Promise<{ announcement: Announcement; copies: number }> {
    const current = await this.resolve(organizationId, ref);
    if (current.status === 'retracted') throw NewsErrors.retracted(shortId(current.id));
    const result = await this.deps.news.retract(organizationId, current.id, this.deps.clock.now());
    if (!result) throw NewsErrors.retracted(shortId(current.id));
    await this.deps.dispatcher.enqueueRetractions(result.sent);
    await this.deps.dispatcher.requestStatusRefresh(current.id);
    return { announcement: result.announcement, copies: result.sent.length };
  }

  /** The delivery report of one of the organisation's announcements. */
  async report(organizationId: string, ref: string): Promise<DeliveryReport> {
    const announcement = await this.resolve(organizationId, ref);
    return this.reportOf(announcement);
  }

  /** The delivery report by id (the status-refresh job); null when the announcement is gone. */
  async reportById(announcementId: string): Promise<DeliveryReport | null> {
    const announcement = await this.deps.news.get(announcementId);
    return announcement ? this.reportOf(announcement) : null;
  }

  /**
   * Marks a publishing announcement published once nothing is queued any more. Called by the coalesced
   * status job rather than after every delivery, so a fan-out of thousands does not count thousands of times.
   */
  async settle(report: DeliveryReport): Promise<DeliveryReport> {
    if (report.announcement.status !== 'publishing' || report.totals.queued > 0) return report;
    const moved = await this.deps.news.completePublishing(report.announcement.id, this.deps.clock.now());
    if (!moved) return report;
    const announcement = await this.deps.news.get(report.announcement.id);
    return announcement ? { ...report, announcement } : report;
  }

  /** The organisation's newest announcements. */
  async list(organizationId: string, limit = 10): Promise<Announcement[]> {
    return this.deps.news.listRecent(organizationId, limit);
  }

  /** Registers a live delivery-report message; the status job keeps it up to date. */
  async watch(organizationId: string, announcementId: string, message: StatusMessage): Promise<void> {
    await this.deps.news.addStatusMessage(organizationId, announcementId, message);
  }

  /**
   * Finds the announcement a manager means: a full id or a prefix of at least 4 characters, within the
   * organisation. NEWS.NOT_FOUND or NEWS.AMBIGUOUS_ID otherwise.
   */
  async resolve(organizationId: string, ref: string): Promise<Announcement> {
    const prefix = normaliseIdPrefix(ref);
    if (!prefix) throw NewsErrors.notFound(ref.trim().slice(0, 40));
    const matches = await this.deps.news.findByIdPrefix(organizationId, prefix, 5);
    if (matches.length === 0) throw NewsErrors.notFound(prefix);
    if (matches.length > 1) throw NewsErrors.ambiguous(prefix, matches.map((m) => shortId(m.id)));
    return matches[0]!;
  }

  private async reportOf(announcement: Announcement): Promise<DeliveryReport> {
    const data = await this.deps.news.report(announcement.id, REPORT_SAMPLE);
    const { totals, byPlatform } = tallyDeliveries(data.counts);
    return { announcement, totals, byPlatform, failures: data.failures, pending: data.pending, at: this.deps.clock.now() };
  }

  private async resolveTargets(organizationId: string, audience: Audience, directMessages: boolean): Promise<DeliveryTarget[]> {
    const channels = await this.deps.channels.list(organizationId);
    const targets = channelTargets(
      audience,
      channels.map((c) => ({
        platform: c.platform,
        workspaceExternalId: c.workspaceExternalId,
        externalId: c.externalId,
        purpose: c.purpose,
        chapterId: c.chapterId,
      })),
    );
    if (wantsDirectMessages(audience, directMessages)) targets.push(...(await this.deps.news.directTargets(organizationId, audience)));
    return uniqueTargets(targets);
  }
}
