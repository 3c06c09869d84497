import type { Organization } from '../../../kernel/community.js';
import { ChatPlatformError, type ChatPlatforms, type View } from '../../../kernel/ports/chat-platform.js';
import type { ChannelRepository, ChapterRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { InsightsOverview, InsightsService } from './insights.service.js';

/** Dependencies of {@link DigestService}. */
export interface DigestServiceDeps {
  insights: Pick<InsightsService, 'overview'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  channels: Pick<ChannelRepository, 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
  platforms: ChatPlatforms;
  /** The digest message, in the organisation's language (views). */
  render(organization: Organization, overview: InsightsOverview, chapterNames: ReadonlyMap<string, string>): View;
  logger: Logger;
}

/** A digest as it would be posted now. */
export interface DigestPreview {
  organization: Organization;
  view: View;
  /** The managers' channels it goes to (none: it is not posted anywhere). */
  channels: number;
  /** The last day of the week it covers (`YYYY-MM-DD`, the organisation's time zone). */
  weekEnding: string;
}

/**
 * The weekly digest: last week's overview, posted to every managers' channel of an organisation (Mondays
 * 09:00 by the schedule; at once through `kring insights digest --now` or the admin API). Each channel gets
 * one digest per week ending, however often it is asked for (the post's idempotency key).
 */
export class DigestService {
  constructor(private readonly deps: DigestServiceDeps) {}

  /** The digest of one organisation as it would be posted now; null when the organisation does not exist. */
  async preview(organizationId: string): Promise<DigestPreview | null> {
    const org = await this.deps.organizations.findById(organizationId);
    if (!org) return null;
    const channels = await this.deps.channels.list(org.id, 'managers');
    const overview = await this.deps.insights.overview(org, { period: 'week' });
    const chapterNames = new Map((await this.deps.chapters.list(org.id)).map((c) => [c.id, c.name]));
    return { organization: org, view: this.deps.render(org, overview, chapterNames), channels: channels.length, weekEnding: overview.period.to };
  }

  /** Posts the digest of one organisation now (what the scheduled job does); returns how many channels got it. */
  async post(organizationId: string): Promise<number> {
    const org = await this.deps.organizations.findById(organizationId);
    if (!org) return 0;
    const channels = await this.deps.channels.list(org.id, 'managers');
    if (channels.length === 0) {
      this.deps.logger.info({ organization: org.slug }, 'insights: no managers channel, weekly digest skipped');
      return 0;
    }
    const overview = await this.deps.insights.overview(org, { period: 'week' });
    const chapterNames = new Map((await this.deps.chapters.list(org.id)).map((c) => [c.id, c.name]));
    const view = this.deps.render(org, overview, chapterNames);
    let posted = 0;
    for (const channel of channels) {
      const platform = this.deps.platforms.get(channel.platform);
      if (!platform) continue;
      try {
        await platform.post({ workspaceId: channel.workspaceExternalId, channelId: channel.externalId }, view, {
          idempotencyKey: `insights-digest-${channel.id}-${overview.period.to}`,
        });
        posted++;
      } catch (err) {
        // A channel that is gone or forbids posting must not hold up the others; a transient failure retries the job.
        if (err instanceof ChatPlatformError && !err.retryable) {
          this.deps.logger.warn({ organization: org.slug, channel: channel.id, code: err.code }, 'insights: digest not posted');
        } else throw err;
      }
    }
    return posted;
  }
}
