import type { MembershipEvents } from '../../membership/domain/events.js';
import type { PlatformIdentity } from '../../../kernel/community.js';
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
 * Membership events as outgoing webhooks: `member.linked` and `member.unlinked`. The composition root
 * chains this object after the one that grants and revokes platform roles (see `chainMembershipEvents`
 * in src/wiring/api.ts). Publishing only enqueues, so it is quick; a failure is reported by the
 * membership service's `onEventError` and never undoes the link.
 */
export function webhookMembershipEvents(webhooks: Pick<WebhookService, 'publish'>): MembershipEvents {
  return {
    async memberLinked(member, identity) {
      await webhooks.publish(member.organizationId, 'member.linked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
        linkedAt: identity.linkedAt.toISOString(),
      });
    },
    async memberUnlinked(member, identity) {
      await webhooks.publish(member.organizationId, 'member.unlinked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
      });
    },
  };
}
