import type { Clock } from '../../../kernel/clock.js';
import type { Member } from '../../../kernel/community.js';
import type { KringEvents } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatforms, type View } from '../../../kernel/ports/chat-platform.js';
import type { ChannelRepository, ChapterRepository, IdentityRepository, MemberRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import { meetupError } from './meetup.errors.js';
import type { InterestCount, MeetupJobs, MeetupSuggestion, MeetupSuggestionStore } from '../ports.js';

/** The thresholds managers may set: two people sharing an interest is already a meet-up. */
export const SUGGESTION_THRESHOLD = { min: 2, max: 1000 } as const;

export interface MeetupSuggestionsDeps {
  store: MeetupSuggestionStore;
  jobs: Pick<MeetupJobs, 'suggest'>;
  platforms: ChatPlatforms;
  organizations: Pick<OrganizationRepository, 'findById'>;
  chapters: Pick<ChapterRepository, 'findById'>;
  channels: Pick<ChannelRepository, 'list'>;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  /** The suggestion as shown, in `locale`. */
  render(input: { suggestion: MeetupSuggestion; chapterName: string; locale: Locale }): View;
  clock: Clock;
  logger: Logger;
}

/** One line of `/kring event interests`. */
export type InterestStanding = InterestCount & { chapterId: string; chapterName: string; suggestedAt: Date | null };

/**
 * Interest-driven meet-ups: when enough active members of one chapter share an interest (the threshold
 * managers set; off until they do), the managers get a suggestion to organise a meet-up for them, once
 * per chapter and interest. Interests are the connect capability's: every `connect.profile-saved` on the
 * bus makes this count the saving member's interests in their chapter (through {@link MeetupSuggestionStore},
 * which only counts). The suggestion goes to the organisation's `managers` channels, or, where it has none,
 * to every manager by direct message. It names the chapter, the interest and how many: never who.
 */
export class MeetupSuggestionsService {
  constructor(private readonly deps: MeetupSuggestionsDeps) {}

  threshold(organizationId: string): Promise<number | null> {
    return this.deps.store.threshold(organizationId);
  }

  /**
   * Sets the threshold (null: suggestions off).
   * @throws `MEETUP.BAD_THRESHOLD` (params `{ min, max }`) for anything but a whole number in range.
   */
  async setThreshold(organizationId: string, threshold: number | null): Promise<void> {
    if (threshold !== null && (!Number.isInteger(threshold) || threshold < SUGGESTION_THRESHOLD.min || threshold > SUGGESTION_THRESHOLD.max)) {
      throw meetupError('MEETUP.BAD_THRESHOLD', 'Not a threshold.', { ...SUGGESTION_THRESHOLD });
    }
    await this.deps.store.setThreshold(organizationId, threshold);
  }

  /** Chapters and interests at or above the threshold now, largest first (empty when suggestions are off). */
  async standing(organizationId: string, limit = 15): Promise<{ threshold: number | null; lines: InterestStanding[] }> {
    const threshold = await this.deps.store.threshold(organizationId);
    if (threshold === null) return { threshold, lines: [] };
    return { threshold, lines: await this.deps.store.sharedAtLeast(organizationId, threshold, limit) };
  }

  /**
   * A member saved their profile (connect): counts their interests in their chapter and queues a
   * suggestion for each one that reached the threshold and was not suggested before. Returns how many.
   */
  async profileSaved(event: Pick<KringEvents['connect.profile-saved'], 'member' | 'profile'>): Promise<number> {
    const { member } = event;
    const interests = [...new Set(event.profile.interests)];
    if (member.status !== 'active' || member.chapterId === null || interests.length === 0) return 0;
    const threshold = await this.deps.store.threshold(member.organizationId);
    if (threshold === null) return 0;
    const counts = await this.deps.store.sharedInChapter(member.organizationId, member.chapterId, interests);
    let made = 0;
    for (const count of counts) {
      if (count.members < threshold) continue;
      if (!(await this.deps.store.claimSuggestion(member.organizationId, member.chapterId, count.interestId, count.members, this.deps.clock.now()))) continue;
      await this.deps.jobs.suggest({ organizationId: member.organizationId, chapterId: member.chapterId, interestId: count.interestId, interest: count.name, members: count.members });
      made += 1;
    }
    return made;
  }

  /**
   * Delivers one suggestion: a post in each `managers` channel, or a direct message to each manager when
   * there is none. Returns how many went out.
   * @throws on passing platform failures (the queue retries; idempotency keys keep a retry from doubling).
   */
  async deliver(suggestion: MeetupSuggestion): Promise<number> {
    const organization = await this.deps.organizations.findById(suggestion.organizationId);
    const chapter = organization ? await this.deps.chapters.findById(organization.id, suggestion.chapterId) : null;
    if (!organization || !chapter) return 0;
    const key = `meetup-suggest-${suggestion.chapterId}-${suggestion.interestId}`;
    const channels = await this.deps.channels.list(organization.id, 'managers');
    let sent = 0;
    let retry: unknown;
    const attempt = async (what: () => Promise<unknown>, where: Record<string, unknown>) => {
      try {
        await what();
        sent += 1;
      } catch (err) {
        if (err instanceof ChatPlatformError && !err.retryable) this.deps.logger.warn({ ...where, code: err.code }, 'meetup suggestion refused');
        else retry = err;
      }
    };
    if (channels.length > 0) {
      const view = this.deps.render({ suggestion, chapterName: chapter.name, locale: organization.defaultLocale });
      for (const channel of channels) {
        const platform = this.deps.platforms.get(channel.platform);
        if (!platform) continue;
        await attempt(() => platform.post({ workspaceId: channel.workspaceExternalId, channelId: channel.externalId }, view, { idempotencyKey: `${key}-${channel.id}` }), { platform: channel.platform });
      }
    } else {
      for (const managerId of await this.deps.store.managerIds(organization.id)) {
        const manager = await this.deps.members.findById(organization.id, managerId);
        const account = manager ? await this.accountOf(manager) : null;
        const platform = account ? this.deps.platforms.get(account.platform) : undefined;
        if (!manager || !account || !platform) continue;
        const view = this.deps.render({ suggestion, chapterName: chapter.name, locale: manager.locale ?? organization.defaultLocale });
        await attempt(() => platform.sendDirect({ workspaceId: account.workspaceId, userId: account.platformUserId }, view, { idempotencyKey: `${key}-${manager.id}` }), { platform: account.platform });
      }
    }
    if (retry) throw retry;
    return sent;
  }

  private async accountOf(member: Member) {
    return (await this.deps.identities.listByMember(member.id)).find((i) => i.organizationId === member.organizationId) ?? null;
  }
}
