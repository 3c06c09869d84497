import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member, type Organization } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import { ChatPlatformError, type ChatPlatforms, type MessageReportedEvent, type View } from '../../../kernel/ports/chat-platform.js';
import type { ChannelRepository, IdentityRepository, MemberRepository, OrganizationRepository, PlatformAccount } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import type { ModerationRepository } from '../ports.js';
import { DAY_MS, MAX_SUSPENSION_DAYS, type Actor, type AuditEntry, type CaseOutcome, type ModerationCase, type ModerationReport } from './moderation.js';
import { moderationError } from './moderation.errors.js';

/** The messages moderation sends, in the reader's language (views.ts builds them). */
export interface ModerationViews {
  /** The case's card in a moderators' channel (no report text: a channel is read by more people than a case needs). */
  caseCard(locale: Locale, c: ModerationCase, reports: number, reported: Member | null): View;
  /** To the author of a reported message: a moderator's warning. */
  warning(locale: Locale, organization: Organization, c: ModerationCase, message: string | null): View;
  /** To a suspended member: until when, and that access comes back by itself. */
  suspended(locale: Locale, organization: Organization, until: Date): View;
  /** To each reporter: what became of their report. */
  outcome(locale: Locale, organization: Organization, c: ModerationCase, outcome: CaseOutcome): View;
  /** To the confidential counsellor: a case was handed to them. */
  handedOver(locale: Locale, organization: Organization, c: ModerationCase): View;
}

export interface ModerationServiceDeps {
  repo: ModerationRepository;
  members: Pick<MemberRepository, 'findById' | 'list'>;
  identities: Pick<IdentityRepository, 'findByAccount' | 'listByMember'>;
  channels: Pick<ChannelRepository, 'list'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  platforms: ChatPlatforms;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  views: ModerationViews;
  logger: Logger;
}

/** A case as a moderator sees it. */
export interface CaseDetail {
  case: ModerationCase;
  reported: Member | null;
  /** The reports with their reporters; empty texts once the case closed. */
  reports: (ModerationReport & { reporter: Member | null })[];
  audit: AuditEntry[];
}

/** What a moderator decides (`days` for suspend, `message` for warn). */
export type Decision =
  | { action: 'dismiss' }
  | { action: 'warn'; message?: string | null }
  | { action: 'remove' }
  | { action: 'suspend'; days: number }
  | { action: 'counsel' }
  | { action: 'resolve' };

/**
 * The moderators' case queue across every platform. A report (Slack message shortcut, Discord message
 * command, Teams message action) opens a case or joins the open case of the same message; moderators
 * dismiss, warn, remove the message, suspend the member (every platform at once: `member.suspended`, which
 * the access capability acts on) or hand the case to the confidential counsellor. Every action is in the
 * audit log; reporters are told the outcome; the reported texts are erased when the case closes. Who may
 * call what is decided before (chat router: moderators only; admin API: the `cases:*` scopes); this
 * service refuses a moderator acting on a case about their own message.
 */
export class ModerationService {
  constructor(private readonly deps: ModerationServiceDeps) {}

  /** Files a report by a member (the chat router checked they are one). Returns the case and whether it is new. */
  async report(reporter: Member, event: MessageReportedEvent): Promise<{ case: ModerationCase; created: boolean }> {
    const now = this.deps.clock.now();
    const author = event.authorId
      ? await this.deps.identities.findByAccount({ platform: event.platform, workspaceId: event.workspaceId, platformUserId: event.authorId })
      : null;
    const reportedMemberId = author && author.organizationId === reporter.organizationId ? author.memberId : null;
    const { case: c, created } = await this.deps.repo.fileReport({
      organizationId: reporter.organizationId,
      platform: event.platform,
      workspaceId: event.message.workspaceId,
      channelId: event.message.channelId,
      messageId: event.message.messageId,
      link: event.link ?? null,
      reportedPlatformUserId: event.authorId ?? null,
      reportedMemberId,
      reporterMemberId: reporter.id,
      reporterPlatformUserId: event.userId,
      text: event.text,
      note: event.note ?? null,
      at: now,
    });
    // The audit log never names the reporter.
    await this.audit(c, { memberId: null, label: 'report' }, 'reported', { platform: event.platform, newCase: created });
    if (created) {
      const reported = reportedMemberId ? await this.deps.members.findById(c.organizationId, reportedMemberId) : null;
      await this.deps.bus.publish('case.opened', { organizationId: c.organizationId, caseNumber: c.number, platform: c.platform, reportedMember: reported, openedAt: now });
    }
    await this.refreshCards(c, created);
    return { case: c, created };
  }

  /** Open cases and cases with the counsellor, newest first. */
  list(organizationId: string, options: { closed?: boolean; limit?: number } = {}): Promise<ModerationCase[]> {
    return this.deps.repo.listCases(organizationId, options.closed ? ['closed'] : ['open', 'counsellor'], options.limit ?? 25);
  }

  /** {@link list} with how many reports each case has (the case desk's queue). */
  async listWithCounts(organizationId: string, options: { closed?: boolean; limit?: number } = {}): Promise<{ case: ModerationCase; reports: number }[]> {
    const cases = await this.list(organizationId, options);
    const counts = await this.deps.repo.reportCounts(cases.map((c) => c.id));
    return cases.map((c) => ({ case: c, reports: counts.get(c.id) ?? 0 }));
  }

  /** A case with its reports and audit log; viewing is audited. @throws `MODERATION.CASE_NOT_FOUND`, `MODERATION.OWN_CASE`. */
  async show(organizationId: string, number: number, actor: Actor): Promise<CaseDetail> {
    const c = await this.find(organizationId, number);
    this.refuseOwn(c, actor);
    // A case handed to the counsellor is theirs: others see that it exists, not what was reported. That
    // holds for the admin API too (no member: the association's systems are not the counsellor).
    const hidden = c.status === 'counsellor' && actor.memberId !== c.counsellorMemberId;
    const [reported, reports, audit] = await Promise.all([
      c.reportedMemberId ? this.deps.members.findById(organizationId, c.reportedMemberId) : Promise.resolve(null),
      hidden ? Promise.resolve([]) : this.deps.repo.reportsOf(c.id),
      this.deps.repo.auditOf(organizationId, c.number),
    ]);
    const withReporters = await Promise.all(reports.map(async (r) => ({ ...r, reporter: await this.deps.members.findById(organizationId, r.reporterMemberId) })));
    await this.audit(c, actor, 'viewed', {});
    return { case: c, reported, reports: withReporters, audit };
  }

  /** Carries out a moderator's decision (see {@link Decision}). Returns the case after it. */
  async decide(organizationId: string, number: number, actor: Actor, decision: Decision): Promise<ModerationCase> {
    let c = await this.find(organizationId, number);
    this.refuseOwn(c, actor);
    if (c.status === 'closed') throw moderationError('MODERATION.CASE_CLOSED', `case ${number} is closed`, { number });
    if (c.status === 'counsellor' && actor.memberId !== null && actor.memberId !== c.counsellorMemberId) {
      throw moderationError('MODERATION.WITH_COUNSELLOR', `case ${number} is with the counsellor`, { number });
    }
    const organization = await this.deps.organizations.findById(organizationId);
    if (!organization) throw moderationError('MODERATION.CASE_NOT_FOUND', 'no organisation', { number });
    const now = this.deps.clock.now();
    switch (decision.action) {
      case 'dismiss':
        return this.close(c, organization, actor, 'dismissed', {});
      case 'warn': {
        const member = await this.reportedMember(c);
        const message = decision.message?.trim() ? decision.message.trim().slice(0, 1000) : null;
        await this.sendTo(c.reportedPlatformUserId ? [{ platform: c.platform, workspaceId: c.workspaceId, platformUserId: c.reportedPlatformUserId }] : [], (locale) =>
          this.deps.views.warning(locale, organization, c, message), member, organization, `case-${c.id}-warn`);
        return this.close(c, organization, actor, 'warned', { message: message !== null });
      }
      case 'remove': {
        const platform = this.deps.platforms.get(c.platform);
        if (!platform?.removeMessage) throw moderationError('MODERATION.CANNOT_REMOVE', `${c.platform} cannot remove messages`, { platform: c.platform });
        try {
          await platform.removeMessage({ platform: c.platform, workspaceId: c.workspaceId, channelId: c.channelId, messageId: c.messageId }, `Kring case ${c.number}`);
        } catch (err) {
          if (!(err instanceof ChatPlatformError) || err.code !== 'NOT_FOUND') {
            if (err instanceof ChatPlatformError && (err.code === 'PERMISSION_DENIED' || err.code === 'INVALID')) {
              throw moderationError('MODERATION.CANNOT_REMOVE', err.message, { platform: c.platform });
            }
            throw err;
          }
        }
        c = await this.deps.repo.markMessageRemoved(c.id, now);
        await this.audit(c, actor, 'removed', {});
        await this.refreshCards(c, false);
        return c;
      }
      case 'suspend': {
        if (!Number.isInteger(decision.days) || decision.days < 1 || decision.days > MAX_SUSPENSION_DAYS) {
          throw moderationError('MODERATION.BAD_DAYS', `suspension of ${decision.days} days`, { max: MAX_SUSPENSION_DAYS });
        }
        const member = await this.reportedMember(c);
        const until = new Date(now.getTime() + decision.days * DAY_MS);
        // The access capability takes the member's access away on every platform and gives it back at `until`.
        await this.deps.bus.publish('member.suspended', { member, until, caseNumber: c.number });
        const identities = await this.deps.identities.listByMember(member.id);
        await this.sendTo(identities, (locale) => this.deps.views.suspended(locale, organization, until), member, organization, `case-${c.id}-suspended`);
        return this.close(c, organization, actor, 'suspended', { days: decision.days, until: until.toISOString() });
      }
      case 'counsel': {
        const counsellor = await this.counsellor(organizationId);
        c = await this.deps.repo.setCounsellor(c.id, counsellor.id);
        await this.audit(c, actor, 'counsellor', {});
        const identities = await this.deps.identities.listByMember(counsellor.id);
        await this.sendTo(identities, (locale) => this.deps.views.handedOver(locale, organization, c), counsellor, organization, `case-${c.id}-counsellor`);
        await this.refreshCards(c, false);
        return c;
      }
      case 'resolve':
        return this.close(c, organization, actor, 'resolved', {});
    }
  }

  // -- internals -----------------------------------------------------------------------------------

  private async find(organizationId: string, number: number): Promise<ModerationCase> {
    const c = Number.isSafeInteger(number) && number > 0 ? await this.deps.repo.findCase(organizationId, number) : null;
    if (!c) throw moderationError('MODERATION.CASE_NOT_FOUND', `no case ${number}`, { number: String(number) });
    return c;
  }

  /** A moderator never handles (nor sees who reported) a case about their own message. */
  private refuseOwn(c: ModerationCase, actor: Actor): void {
    if (actor.memberId !== null && actor.memberId === c.reportedMemberId) throw moderationError('MODERATION.OWN_CASE', `case ${c.number} is about the actor`);
  }

  private async reportedMember(c: ModerationCase): Promise<Member> {
    const member = c.reportedMemberId ? await this.deps.members.findById(c.organizationId, c.reportedMemberId) : null;
    if (!member) throw moderationError('MODERATION.NO_MEMBER', `case ${c.number}: the author is not a linked member`);
    return member;
  }

  /** The association's confidential counsellor: the first active member with the role. */
  private async counsellor(organizationId: string): Promise<Member> {
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const members = await this.deps.members.list(organizationId, { status: 'active', limit: 1000, ...(after ? { after } : {}) });
      const found = members.find((m) => m.roles.includes('counsellor') && isActive(m));
      if (found) return found;
      if (members.length < 1000) break;
      after = members[members.length - 1]!.memberNumber;
    }
    throw moderationError('MODERATION.NO_COUNSELLOR', 'no counsellor');
  }

  private async close(c: ModerationCase, organization: Organization, actor: Actor, outcome: CaseOutcome, detail: AuditEntry['detail']): Promise<ModerationCase> {
    const now = this.deps.clock.now();
    // Who reported is read before the texts go: the outcome goes to each reporter's account.
    const reports = await this.deps.repo.reportsOf(c.id);
    const closed = await this.deps.repo.close(c.id, outcome, now);
    await this.audit(closed, actor, outcome === 'resolved' ? 'resolved' : outcome, detail);
    await this.deps.bus.publish('case.closed', { organizationId: c.organizationId, caseNumber: c.number, outcome, closedAt: now });
    for (const report of reports) {
      const reporter = await this.deps.members.findById(c.organizationId, report.reporterMemberId);
      await this.sendTo([report], (locale) => this.deps.views.outcome(locale, organization, closed, outcome), reporter, organization, `case-${c.id}-outcome-${report.id}`);
    }
    await this.refreshCards(closed, false);
    return closed;
  }

  private async audit(c: ModerationCase, actor: Actor, action: AuditEntry['action'], detail: AuditEntry['detail']): Promise<void> {
    await this.deps.repo.audit({ organizationId: c.organizationId, caseNumber: c.number, actorMemberId: actor.memberId, actorLabel: actor.label, action, detail, at: this.deps.clock.now() });
  }

  /** Direct messages to chat accounts, in the member's language (best effort: a failure is logged). */
  private async sendTo(
    accounts: readonly PlatformAccount[],
    view: (locale: Locale) => View,
    member: Member | null,
    organization: Organization,
    key: string,
  ): Promise<void> {
    const locale = member?.locale ?? organization.defaultLocale;
    for (const account of accounts) {
      const platform = this.deps.platforms.get(account.platform);
      if (!platform) continue;
      try {
        await platform.sendDirect({ workspaceId: account.workspaceId, userId: account.platformUserId }, view(locale), { idempotencyKey: key });
      } catch (err) {
        this.deps.logger.warn({ err, platform: account.platform }, 'moderation: could not send a direct message');
      }
    }
  }

  /** Posts the case's card in every moderators' channel (a new case) or updates the cards posted. */
  private async refreshCards(c: ModerationCase, created: boolean): Promise<void> {
    const organization = await this.deps.organizations.findById(c.organizationId);
    if (!organization) return;
    const [reports, reported] = await Promise.all([
      this.deps.repo.reportsOf(c.id),
      c.reportedMemberId ? this.deps.members.findById(c.organizationId, c.reportedMemberId) : Promise.resolve(null),
    ]);
    const view = this.deps.views.caseCard(organization.defaultLocale, c, reports.length, reported);
    if (created) {
      for (const channel of await this.deps.channels.list(c.organizationId, 'moderators')) {
        const platform = this.deps.platforms.get(channel.platform);
        if (!platform) continue;
        try {
          const posted = await platform.post({ workspaceId: channel.workspaceExternalId, channelId: channel.externalId }, view, { idempotencyKey: `case-${c.id}-card` });
          await this.deps.repo.savePost(c.id, { platform: channel.platform, workspaceId: posted.workspaceId, channelId: posted.channelId, messageId: posted.messageId });
        } catch (err) {
          this.deps.logger.warn({ err, platform: channel.platform }, 'moderation: could not post the case in a moderators channel');
        }
      }
      return;
    }
    for (const post of await this.deps.repo.postsOf(c.id)) {
      const platform = this.deps.platforms.get(post.platform);
      if (!platform) continue;
      try {
        await platform.update({ platform: post.platform, workspaceId: post.workspaceId, channelId: post.channelId, messageId: post.messageId }, view);
      } catch (err) {
        this.deps.logger.warn({ err, platform: post.platform }, 'moderation: could not update a case card');
      }
    }
  }
}
