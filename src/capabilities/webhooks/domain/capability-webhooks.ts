import type { DeliveryReport } from '../../news/domain/announcement.js';
import type { Poll } from '../../polls/domain/poll.js';
import type { PollEvents, PollResults } from '../../polls/domain/poll.service.js';
import type { WebhookService } from './webhook.service.js';

/**
 * `poll.closed` and `announcement.published` webhooks, as listeners the polls and news capabilities
 * chain into what they already fire. Publishing only enqueues (one job per subscribed endpoint).
 */

/**
 * Poll events that publish `poll.closed` with the final results. Chain `closed` after the poll
 * scheduler's listener in src/wiring/polls.ts (the API install exposes this object as `pollEvents`).
 */
export function webhookPollEvents(webhooks: Pick<WebhookService, 'publish'>, results: (poll: Poll) => Promise<PollResults>): PollEvents {
  return {
    async closed(poll) {
      const r = await results(poll);
      await webhooks.publish(poll.organizationId, 'poll.closed', {
        pollId: poll.id,
        question: poll.question,
        closedAt: (poll.closedAt ?? new Date()).toISOString(),
        totalVoters: r.tally.voters,
        results: r.lines.map((line, position) => ({ position, label: line.label, votes: line.count })),
      });
    },
  };
}

/**
 * Publishes `announcement.published` for a report whose announcement just reached `published` (the
 * news status job's `settle`). Returns without publishing for any other status.
 */
export function announcementPublishedWebhook(webhooks: Pick<WebhookService, 'publish'>): (report: DeliveryReport) => Promise<void> {
  return async (report) => {
    const a = report.announcement;
    if (a.status !== 'published') return;
    await webhooks.publish(a.organizationId, 'announcement.published', {
      announcementId: a.id,
      title: a.title,
      publishedAt: (a.publishedAt ?? report.at).toISOString(),
      deliveries: report.totals.sent,
    });
  };
}
