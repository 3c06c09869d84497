import type { Clock } from '../../../kernel/clock.js';
import { ChatPlatformError, type ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository, MemberRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { MeetupAccount } from './meetup.js';
import type { MeetupJobs, MeetupRenderers, MeetupRepository, Notice } from '../ports.js';

export interface MeetupNoticesDeps {
  repo: MeetupRepository;
  jobs: MeetupJobs;
  platforms: ChatPlatforms;
  organizations: Pick<OrganizationRepository, 'findById'>;
  members: Pick<MemberRepository, 'findById'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  render: MeetupRenderers['notice'];
  clock: Clock;
  logger: Logger;
}

/** What became of one direct message. */
export type NoticeOutcome = 'sent' | 'skipped' | 'unreachable';

/**
 * The direct messages about meet-ups: reminders a day and an hour before (or as configured) to those with
 * a confirmed place, and one message per notice (moved up from the waitlist, time or place changed,
 * cancelled). Messages go to the chat account the member last answered from, else to their first linked
 * account, in the member's language. Each notice has a key: a job id (the queue runs it once) and the
 * platform's idempotency key (a retried send is recognised where the platform can).
 */
export class MeetupNoticesService {
  constructor(private readonly deps: MeetupNoticesDeps) {}

  /**
   * Sends the reminder `offsetMinutes` before the start when it is due: one job per member with a confirmed
   * place. Before its moment it schedules the next hop; a reminder re-timed since (the meet-up moved) or
   * sent already is left alone. Claimed in the database, so several workers send it once.
   */
  async remind(meetupId: string, offsetMinutes: number, dueAt: number, hop: number): Promise<number> {
    const reminder = (await this.deps.repo.listReminders(meetupId)).find((r) => r.offsetMinutes === offsetMinutes);
    if (!reminder || reminder.sentAt !== null || reminder.dueAt.getTime() !== dueAt) return 0;
    if (this.deps.clock.now().getTime() < dueAt) {
      await this.deps.jobs.scheduleReminder(meetupId, offsetMinutes, dueAt, hop + 1);
      return 0;
    }
    if (!(await this.deps.repo.claimReminder(meetupId, offsetMinutes, this.deps.clock.now()))) return 0;
    const going = (await this.deps.repo.rsvpsWith(meetupId, ['going'])).filter((r) => r.seat === 'confirmed');
    await this.deps.jobs.notify(going.map((r) => ({ meetupId, memberId: r.memberId, kind: 'reminder', key: `reminder-${offsetMinutes}-${dueAt}` })));
    return going.length;
  }

  /**
   * Sends one notice. Skipped when it no longer applies (the member lapsed, gave up their place before a
   * reminder or a promotion message went out, or the meet-up is gone). A platform refusal that retrying
   * cannot change (no DMs allowed, user gone) is logged, not retried.
   * @throws on passing platform failures (the queue retries).
   */
  async notify(notice: Notice): Promise<NoticeOutcome> {
    const meetup = await this.deps.repo.findById(notice.meetupId);
    if (!meetup) return 'skipped';
    const member = await this.deps.members.findById(meetup.organizationId, notice.memberId);
    if (!member || member.status !== 'active') return 'skipped';
    const rsvp = await this.deps.repo.findRsvp(meetup.id, member.id);
    const placed = rsvp?.seat === 'confirmed';
    if ((notice.kind === 'reminder' || notice.kind === 'promoted') && (!placed || meetup.status !== 'scheduled')) return 'skipped';
    if (notice.kind === 'changed' && meetup.status !== 'scheduled') return 'skipped';
    const organization = await this.deps.organizations.findById(meetup.organizationId);
    if (!organization) return 'skipped';
    const account = rsvp?.account ?? (await this.firstAccount(member.id, meetup.organizationId));
    const platform = account ? this.deps.platforms.get(account.platform) : undefined;
    if (!account || !platform) {
      this.deps.logger.warn({ meetupId: meetup.id, kind: notice.kind, platform: account?.platform ?? null }, 'meetup: member has no reachable chat account');
      return 'unreachable';
    }
    const offsetMinutes = notice.kind === 'reminder' ? Number(/^reminder-(\d+)-/.exec(notice.key)?.[1]) : undefined;
    const view = this.deps.render({ meetup, kind: notice.kind, member, rsvp, organization, ...(offsetMinutes ? { offsetMinutes } : {}) });
    try {
      await platform.sendDirect({ workspaceId: account.workspaceId, userId: account.userId }, view, { idempotencyKey: `meetup-${meetup.id}-${member.id}-${notice.key}` });
      return 'sent';
    } catch (err) {
      if (err instanceof ChatPlatformError && !err.retryable) {
        this.deps.logger.warn({ meetupId: meetup.id, kind: notice.kind, platform: account.platform, code: err.code }, 'meetup: direct message refused');
        return 'unreachable';
      }
      throw err;
    }
  }

  private async firstAccount(memberId: string, organizationId: string): Promise<MeetupAccount | null> {
    const identity = (await this.deps.identities.listByMember(memberId)).find((i) => i.organizationId === organizationId);
    return identity ? { platform: identity.platform, workspaceId: identity.workspaceId, userId: identity.platformUserId } : null;
  }
}
