import type { EventBus } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import { DeferJobError } from '../../../kernel/ports/job-queue.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Pacer } from '../../../kernel/ports/pacer.js';
import { paceRequest, type PlatformLimits } from '../../../kernel/platform-limits.js';
import type { Platform } from '../../../kernel/types.js';
import type { NewsRepository, NewsViews, StatusMessage } from '../ports.js';
import type { DeliveryReport } from './announcement.js';
import type { NewsService } from './news.service.js';

/** Dependencies of {@link ReportService}. */
export interface ReportServiceDeps {
  service: Pick<NewsService, 'reportById' | 'settle'>;
  news: Pick<NewsRepository, 'listStatusMessages'>;
  platforms: ChatPlatforms;
  views: NewsViews;
  /** Where `announcement.published` goes, once per announcement. */
  bus?: Pick<EventBus, 'publish'>;
  logger: Logger;
  /**
   * The fan-out's pacer and limits: report edits count toward the same buckets as the fan-out's (Slack's
   * `chat.update` tier, Discord's global limit), so they take slots there too. Without it, not paced.
   */
  pacing?: { pacer: Pacer; limits: Readonly<Record<Platform, PlatformLimits>> };
}

/** A report edit whose slot is further away than this is left to a later run of the status job. */
const MAX_REPORT_WAIT_MS = 1000;

/**
 * Keeps an announcement's live delivery reports right: settles the announcement when nothing is pending
 * (telling the bus once it becomes published) and redraws every report message of it in chat. A redraw
 * whose pacing slot is far (an edit fan-out filling Slack's `chat.update` tier) defers the status job, which
 * then redraws with the figures of that moment.
 */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** Settles the announcement if nothing is pending, then redraws every live report of it. */
  async refresh(announcementId: string): Promise<void> {
    const current = await this.deps.service.reportById(announcementId);
    if (!current) return;
    const report = await this.deps.service.settle(current);
    // `settle` moves the row conditionally: only the refresh that made the move sees this transition.
    if (current.announcement.status === 'publishing' && report.announcement.status === 'published') await this.announcePublished(report);
    const messages = await this.deps.news.listStatusMessages(report.announcement.organizationId, announcementId);
    let later = 0;
    for (const m of messages) {
      const chat = this.deps.platforms.get(m.platform);
      if (!chat) continue;
      const turn = await this.turn(m, announcementId);
      if (turn.laterMs > 0) {
        later = Math.max(later, turn.laterMs);
        continue;
      }
      try {
        await chat.update({ platform: m.platform, workspaceId: m.workspaceId, channelId: m.channelId, messageId: m.messageId }, this.deps.views.report(report, m.locale));
      } catch (err) {
        // A report is a convenience: the next refresh (or the manager's next `status`) draws it again.
        const code = err instanceof ChatPlatformError ? err.code : 'ERROR';
        this.deps.logger.info({ announcement: announcementId, code }, 'news: live report not refreshed');
      } finally {
        await turn.done();
      }
    }
    if (later > 0) throw new DeferJobError(later, 'live report edit paced');
  }

  /** Takes the report edit's pacing slot (waiting up to a second), or says how much later to try. */
  private async turn(m: StatusMessage, announcementId: string): Promise<{ laterMs: number; done: () => Promise<void> }> {
    const none = { laterMs: 0, done: async () => undefined };
    const pacing = this.deps.pacing;
    if (!pacing) return none;
    const target = { platform: m.platform, workspaceExternalId: m.workspaceId, kind: 'channel' as const, targetExternalId: m.channelId };
    const request = paceRequest(pacing.limits, target, 'update', `report-${announcementId}-${m.messageId}`);
    if (!request) return none;
    for (;;) {
      const { waitMs, ticket } = await pacing.pacer.take(request);
      if (waitMs > MAX_REPORT_WAIT_MS) return { laterMs: waitMs, done: none.done };
      if (waitMs <= 0) return { laterMs: 0, done: () => (ticket ? pacing.pacer.sent(request, ticket, Date.now()).catch(() => undefined) : Promise.resolve()) };
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  private async announcePublished(report: DeliveryReport): Promise<void> {
    const a = report.announcement;
    await this.deps.bus?.publish('announcement.published', {
      organizationId: a.organizationId,
      announcementId: a.id,
      title: a.title,
      publishedAt: a.publishedAt ?? report.at,
      deliveries: report.totals.sent,
    });
  }
}
