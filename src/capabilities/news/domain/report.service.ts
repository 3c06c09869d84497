import type { EventBus } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { NewsRepository, NewsViews } from '../ports.js';
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
}

/**
 * Keeps an announcement's live delivery reports right: settles the announcement when nothing is pending
 * (telling the bus once it becomes published) and redraws every report message of it in chat.
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
    for (const m of messages) {
      const chat = this.deps.platforms.get(m.platform);
      if (!chat) continue;
      try {
        await chat.update({ platform: m.platform, workspaceId: m.workspaceId, channelId: m.channelId, messageId: m.messageId }, this.deps.views.report(report, m.locale));
      } catch (err) {
        // A report is a convenience: the next refresh (or the manager's next `status`) draws it again.
        const code = err instanceof ChatPlatformError ? err.code : 'ERROR';
        this.deps.logger.info({ announcement: announcementId, code }, 'news: live report not refreshed');
      }
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
