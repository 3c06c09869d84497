import type { PlatformIdentity } from '../../../kernel/community.js';
import type { KringEventListeners } from '../../../kernel/events.js';
import type { WebhookIdentity } from './webhook-events.js';
import type { WebhookService } from './webhook.service.js';

function identityOf(identity: PlatformIdentity): WebhookIdentity {
  return {
    platform: identity.platform,
    workspaceId: identity.workspaceId,
    platformUserId: identity.platformUserId,
    displayName: identity.displayName,
  };
}

/**
 * Kring's events as outgoing webhooks: `member.linked`, `member.unlinked`, `poll.closed` and
 * `announcement.published`, each to the organisation's endpoints subscribed to it. Publishing only
 * enqueues (one job per endpoint), so it is quick; a failure is logged by the bus and never undoes what
 * happened.
 */
export function eventWebhooks(webhooks: Pick<WebhookService, 'publish'>): KringEventListeners {
  return {
    async 'member.linked'({ member, identity }) {
      await webhooks.publish(member.organizationId, 'member.linked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
        linkedAt: identity.linkedAt.toISOString(),
      });
    },
    async 'member.unlinked'({ member, identity }) {
      await webhooks.publish(member.organizationId, 'member.unlinked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
      });
    },
    async 'poll.closed'(poll) {
      await webhooks.publish(poll.organizationId, 'poll.closed', {
        pollId: poll.pollId,
        question: poll.question,
        closedAt: poll.closedAt.toISOString(),
        totalVoters: poll.totalVoters,
        results: poll.results.map((line, position) => ({ position, label: line.label, votes: line.votes })),
      });
    },
    async 'announcement.published'(a) {
      await webhooks.publish(a.organizationId, 'announcement.published', {
        announcementId: a.announcementId,
        title: a.title,
        publishedAt: a.publishedAt.toISOString(),
        deliveries: a.deliveries,
      });
    },
  };
}
