import type { Member, Organization } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { ChannelRepository, IdentityRepository, MemberRepository, OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import { postWaitingCopies, updatePostedCopies } from '../../../kernel/posted-copies.js';
import type { EventBus } from '../../../kernel/events.js';
import { IDEA_LIMITS, monthRange, previousMonth, type Idea, type IdeaStatus, type IdeaStatusChange } from './idea.js';
import { IdeaError } from './idea.errors.js';
import type { IdeaJobs, IdeaRenderer, IdeaRepository } from '../ports.js';

export interface IdeaServiceDeps {
  repo: IdeaRepository;
  clock: Clock;
  jobs: IdeaJobs;
  channels: Pick<ChannelRepository, 'list'>;
  members: Pick<MemberRepository, 'findByIds'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  organizations: Pick<OrganizationRepository, 'findById'>;
  platforms: ChatPlatforms;
  render: IdeaRenderer;
  /** The direct message about a status change, in the member's language. */
  renderChange: (input: { idea: Idea; member: Member; organization: Organization; submitter: boolean }) => View;
  bus?: Pick<EventBus, 'publish'>;
  /** The "you said, we did" news item in the organisation's language (views.ts). */
  renderNews?: (input: { organization: Organization; month: string; lines: readonly DigestLine[] }) => { title: string; body: string };
  logger: Logger;
}

/** One line of the "you said, we did" draft: an idea and where it went this month. */
export interface DigestLine {
  idea: Idea;
  /** The last status it reached in the month. */
  status: IdeaStatus;
  reason: string | null;
  votes: number;
}

/**
 * The idea box. Rules: only verified (linked, active) members submit and upvote; one upvote per member
 * per idea, whichever platform (the database holds it); managers set the status, declining needs a
 * reason; the submitter and every upvoter get a direct message on each change.
 */
export class IdeaService {
  constructor(private readonly deps: IdeaServiceDeps) {}

  /** Puts a member's idea in the box and posts it to the ideas channels. @throws IdeaError */
  async submit(input: { organizationId: string; member: Member | null; text: string }): Promise<Idea> {
    const member = this.verified(input.organizationId, input.member);
    const text = input.text.replace(/\s+/g, ' ').trim();
    if (text.length < 3 || text.length > IDEA_LIMITS.textLength) throw new IdeaError('IDEA.BAD_TEXT', 'Bad text.', { params: { max: IDEA_LIMITS.textLength } });
    const targets = (await this.deps.channels.list(input.organizationId))
      .filter((c) => c.purpose === 'ideas')
      .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
    if (targets.length === 0) throw new IdeaError('IDEA.NO_CHANNEL', 'No ideas channel.');
    const idea = await this.deps.repo.create({ organizationId: input.organizationId, submittedByMemberId: member.id, text, targets, createdAt: this.deps.clock.now() });
    await this.deps.jobs.publish(idea.id);
    await this.deps.bus?.publish('idea.submitted', {
      organizationId: idea.organizationId,
      ideaId: idea.id,
      text: idea.text,
      submitter: { memberNumber: member.memberNumber, name: member.name },
      submittedAt: idea.createdAt,
    });
    return idea;
  }

  /** By full or short id. @throws IdeaError `IDEA.NOT_FOUND`, `IDEA.AMBIGUOUS_ID` */
  async find(organizationId: string, typed: string): Promise<Idea> {
    const hex = typed.trim().toLowerCase().replace(/-/g, '');
    if (!/^[0-9a-f]{4,32}$/.test(hex)) throw new IdeaError('IDEA.NOT_FOUND', 'Not an id.');
    let prefix = '';
    for (let i = 0; i < hex.length; i++) prefix += ([8, 12, 16, 20].includes(i) ? '-' : '') + hex[i];
    const found = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (found.length === 0) throw new IdeaError('IDEA.NOT_FOUND', 'No such idea.');
    if (found.length > 1) throw new IdeaError('IDEA.AMBIGUOUS_ID', 'Several match.', { params: { id: typed } });
    return found[0]!;
  }

  findById(id: string): Promise<Idea | null> {
    return this.deps.repo.findById(id);
  }

  /** Upvotes of an idea (one per member across platforms). */
  votes(ideaId: string): Promise<number> {
    return this.deps.repo.votes(ideaId);
  }

  async list(organizationId: string, query: { status?: IdeaStatus; limit?: number } = {}): Promise<{ idea: Idea; votes: number }[]> {
    const ideas = await this.deps.repo.list(organizationId, { limit: query.limit ?? 20, ...(query.status ? { status: query.status } : {}) });
    return Promise.all(ideas.map(async (idea) => ({ idea, votes: await this.deps.repo.votes(idea.id) })));
  }

  /** Records a member's upvote (once per member). Returns whether it was new and the count. @throws IdeaError */
  async upvote(input: { organizationId: string; ideaId: string; member: Member | null }): Promise<{ idea: Idea; added: boolean; votes: number }> {
    const idea = await this.deps.repo.findById(input.ideaId);
    if (!idea || idea.organizationId !== input.organizationId) throw new IdeaError('IDEA.NOT_FOUND', 'No such idea.');
    const member = this.verified(input.organizationId, input.member);
    const added = await this.deps.repo.upvote(idea.id, member.id, this.deps.clock.now());
    if (added) await this.deps.jobs.scheduleRefresh(idea.id);
    return { idea, added, votes: await this.deps.repo.votes(idea.id) };
  }

  /** A manager moves the idea on; the copies change and the submitter and upvoters hear of it. @throws IdeaError */
  async setStatus(idea: Idea, status: IdeaStatus, reason: string | null): Promise<Idea> {
    const why = reason?.replace(/\s+/g, ' ').trim().slice(0, IDEA_LIMITS.reasonLength) || null;
    if (status === 'declined' && !why) throw new IdeaError('IDEA.REASON_REQUIRED', 'A reason is needed.');
    if (status === idea.status && why === idea.reason) throw new IdeaError('IDEA.SAME_STATUS', 'Unchanged.');
    const changed = await this.deps.repo.setStatus(idea.id, status, status === 'declined' ? why : null, this.deps.clock.now());
    if (!changed) throw new IdeaError('IDEA.NOT_FOUND', 'No such idea.');
    await this.deps.jobs.scheduleRefresh(idea.id);
    await this.deps.jobs.notify(idea.id, changed.statusChangedAt);
    await this.deps.bus?.publish('idea.status-changed', {
      organizationId: changed.organizationId,
      ideaId: changed.id,
      text: changed.text,
      status: changed.status,
      reason: changed.reason,
      votes: await this.deps.repo.votes(changed.id),
      changedAt: changed.statusChangedAt,
    });
    return changed;
  }

  /** The ideas that moved in a month (`YYYY-MM`), each with the last status it reached: the "you said, we did" draft. */
  async digest(organizationId: string, month: string, timeZone = 'UTC'): Promise<DigestLine[] | null> {
    const range = monthRange(month, timeZone);
    if (!range) return null;
    const changes = await this.deps.repo.changesBetween(organizationId, range.from, range.to);
    const last = new Map<string, IdeaStatusChange>();
    for (const c of changes) last.set(c.ideaId, c);
    const lines: DigestLine[] = [];
    for (const c of last.values()) {
      const idea = await this.deps.repo.findById(c.ideaId);
      if (idea) lines.push({ idea, status: c.status, reason: c.reason, votes: await this.deps.repo.votes(idea.id) });
    }
    return lines.sort((a, b) => b.votes - a.votes);
  }

  /**
   * Drafts the month's "you said, we did" as a news item for the managers to review (the monthly job on
   * the 1st, for the month before in the organisation's time zone; or a manager on demand): proposed to
   * the news capability over the bus (`news.draft-proposed`), which keeps it as a draft and tells the
   * managers' channels. Nothing is proposed for a month in which no idea moved. Returns what was proposed.
   */
  async draftMonthly(organizationId: string, month?: string): Promise<{ month: string; lines: number; title: string | null } | null> {
    const organization = await this.deps.organizations.findById(organizationId);
    if (!organization || !this.deps.renderNews) return null;
    const which = month ?? previousMonth(this.deps.clock.now(), organization.timezone);
    const lines = await this.digest(organization.id, which, organization.timezone);
    if (!lines) return null;
    if (lines.length === 0) return { month: which, lines: 0, title: null };
    const { title, body } = this.deps.renderNews({ organization, month: which, lines });
    await this.deps.bus?.publish('news.draft-proposed', { organizationId: organization.id, title, body, source: 'ideas', proposedAt: this.deps.clock.now() });
    return { month: which, lines: lines.length, title };
  }

  // --- The jobs' side: copies and messages. Each reads the current state (late or repeated jobs are harmless). ---

  async publish(ideaId: string, retry = false): Promise<void> {
    const state = await this.load(ideaId);
    if (!state) return;
    await postWaitingCopies({
      platforms: this.deps.platforms,
      copies: state.posts,
      view: state.view,
      retry,
      onPosted: (copy, messageId) => this.deps.repo.setPostMessage(copy.id, messageId),
      onFailure: (copy, err) => this.warn('posting', ideaId, copy.platform, err),
    });
    await this.deps.jobs.scheduleRefresh(ideaId);
  }

  async refresh(ideaId: string): Promise<void> {
    const state = await this.load(ideaId);
    if (!state) return;
    await updatePostedCopies({ platforms: this.deps.platforms, copies: state.posts, view: state.view, onFailure: (copy, err) => this.warn('updating', ideaId, copy.platform, err) });
  }

  /** Direct messages to the submitter and the upvoters about the idea's current status. */
  async notify(ideaId: string): Promise<void> {
    const idea = await this.deps.repo.findById(ideaId);
    if (!idea) return;
    const organization = await this.deps.organizations.findById(idea.organizationId);
    if (!organization) return;
    const ids = new Set(await this.deps.repo.voterIds(ideaId));
    if (idea.submittedByMemberId) ids.add(idea.submittedByMemberId);
    const members = await this.deps.members.findByIds(idea.organizationId, [...ids]);
    await Promise.all(
      members
        .filter((m) => m.status === 'active')
        .map(async (member) => {
          const view = this.deps.renderChange({ idea, member, organization, submitter: member.id === idea.submittedByMemberId });
          // One platform is enough: the first linked account that takes the message.
          for (const identity of await this.deps.identities.listByMember(member.id)) {
            const platform = this.deps.platforms.get(identity.platform);
            if (!platform) continue;
            try {
              await platform.sendDirect({ workspaceId: identity.workspaceId, userId: identity.platformUserId }, view, { idempotencyKey: `idea-${idea.id}-${idea.statusChangedAt.getTime()}-${member.id}` });
              return;
            } catch (err) {
              this.warn('messaging', ideaId, identity.platform, err);
            }
          }
        }),
    );
  }

  private verified(organizationId: string, member: Member | null): Member {
    if (!member) throw new IdeaError('IDEA.NOT_LINKED', 'Not linked.');
    if (member.organizationId !== organizationId || member.status !== 'active') throw new IdeaError('IDEA.NOT_ACTIVE', 'Not active.');
    return member;
  }

  private async load(ideaId: string) {
    const idea = await this.deps.repo.findById(ideaId);
    if (!idea) return null;
    const organization = await this.deps.organizations.findById(idea.organizationId);
    if (!organization) return null;
    const [votes, posts] = await Promise.all([this.deps.repo.votes(ideaId), this.deps.repo.listPosts(ideaId)]);
    return { idea, posts, view: this.deps.render({ idea, votes, organization }) };
  }

  private warn(what: string, ideaId: string, platform: string, err: unknown): void {
    this.deps.logger.warn({ ideaId, platform, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, `idea: ${what} failed`);
  }
}
