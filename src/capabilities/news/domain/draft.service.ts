import type { Organization } from '../../../kernel/community.js';
import type { KringEvents } from '../../../kernel/events.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { ChannelRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Announcement } from './announcement.js';
import type { NewsService } from './news.service.js';

export interface NewsDraftDeps {
  news: Pick<NewsService, 'createDraft'>;
  channels: Pick<ChannelRepository, 'list'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  platforms: ChatPlatforms;
  /** The managers' message that a draft waits, in the organisation's language. */
  render: (input: { organization: Organization; announcement: Announcement; source: string }) => View;
  logger: Logger;
}

/**
 * Drafts other capabilities propose (`news.draft-proposed`, e.g. the ideas' monthly "you said, we did"):
 * stored as a draft, never posted by itself, and the managers' channels are told it waits for them. A
 * channel that cannot be posted to is logged and skipped: the draft is there all the same (`/kring news list`).
 */
export class NewsDraftService {
  constructor(private readonly deps: NewsDraftDeps) {}

  /** Returns the draft, or null when it was a repeat (or the organisation is gone). */
  async proposed(event: KringEvents['news.draft-proposed']): Promise<Announcement | null> {
    const organization = await this.deps.organizations.findById(event.organizationId);
    if (!organization) return null;
    const announcement = await this.deps.news.createDraft({ organizationId: organization.id, title: event.title, body: event.body });
    if (!announcement) {
      this.deps.logger.info({ organization: organization.slug, source: event.source }, 'news: proposed draft exists already, not added again');
      return null;
    }
    const view = this.deps.render({ organization, announcement, source: event.source });
    for (const channel of await this.deps.channels.list(organization.id, 'managers')) {
      const platform = this.deps.platforms.get(channel.platform);
      if (!platform) continue;
      try {
        await platform.post({ workspaceId: channel.workspaceExternalId, channelId: channel.externalId }, view, { idempotencyKey: `news-draft-${announcement.id}-${channel.id}` });
      } catch (err) {
        this.deps.logger.warn({ organization: organization.slug, channel: channel.id, err: err instanceof Error ? err.message : String(err) }, 'news: draft notice not posted');
      }
    }
    return announcement;
  }
}
