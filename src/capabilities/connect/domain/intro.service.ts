import type { Clock } from '../../../kernel/clock.js';
import { isActive, type Member } from '../../../kernel/community.js';
import type { EventBus } from '../../../kernel/events.js';
import type { ChatPlatforms, View } from '../../../kernel/ports/chat-platform.js';
import type { ChapterRepository, IdentityRepository, MemberRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Locale } from '../../../kernel/types.js';
import type { ConnectJobs, ConnectRepository, NewIntroGroup } from '../ports.js';
import { connectError } from './connect.errors.js';
import { chooseAccount, nextRoundAfter, PROGRAM_LIMITS, type IntroGroup, type IntroMember, type Program, type ProgramScope, type Round, type RoundTotals } from './intro.js';
import { groupPairKeys, pairMembers } from './pairing.js';
import type { Interest } from './profile.js';

/** Someone an introduction names, and how the reader reaches them. */
export interface IntroducedPerson {
  name: string;
  intro: string;
  /** A mention on the reader's platform when both are there (their platform user id), else null. */
  mentionUserId: string | null;
  /** Where else to find them: the platform and handle of the account their introduction went to. */
  elsewhere: { platform: string; handle: string | null } | null;
}

/** What the renderer needs for one member's introduction or follow-up. */
export interface IntroMessage {
  kind: 'introduction' | 'follow-up';
  locale: Locale;
  groupId: string;
  label: string;
  starter: number;
  others: IntroducedPerson[];
  /** Interests the group shares (names). */
  shared: string[];
}

/** A running program with its last rounds, for `/kring intros status`. */
export interface ProgramStatus {
  program: Program;
  label: string;
  rounds: (Round & { totals: RoundTotals })[];
}

/** Words a manager types for a program's scope, resolved. */
export type ScopeRequest = { kind: 'interest'; name: string } | { kind: 'chapter'; name: string } | { kind: 'all' };

export interface IntroServiceDeps {
  repo: ConnectRepository;
  jobs: ConnectJobs;
  members: Pick<MemberRepository, 'findById' | 'findByIds'>;
  identities: Pick<IdentityRepository, 'listByMember'>;
  chapters: Pick<ChapterRepository, 'list' | 'findById'>;
  organizations: { findById(id: string): Promise<{ defaultLocale: Locale } | null> };
  platforms: ChatPlatforms;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  logger: Logger;
  render(message: IntroMessage): View;
  /** Interest lookup by name (CONNECT.UNKNOWN_INTEREST), from the profile service. */
  interestByName(organizationId: string, name: string): Promise<Interest>;
  random?: () => number;
}

/**
 * Introduction rounds (what Donut does for Slack, on every platform): a manager starts rounds for an
 * interest, a chapter or everyone with a cadence; each round pairs the opted-in members who are due (a trio
 * for an odd count, no pair of the last rounds again, a shared platform and chapter preferred: see
 * ./pairing.ts), and each member gets a direct message on their own platform naming the others and how to
 * reach them. A follow-up asks "did you meet?"; the answers are counted per round.
 */
export class IntroService {
  private readonly random: () => number;

  constructor(private readonly deps: IntroServiceDeps) {
    this.random = deps.random ?? Math.random;
  }

  /** Starts rounds for a scope; the first runs now. CONNECT.PROGRAM_EXISTS, CONNECT.UNKNOWN_INTEREST, CONNECT.UNKNOWN_CHAPTER. */
  async start(organizationId: string, request: ScopeRequest, options: { everyWeeks: number; preferChapter?: boolean }): Promise<Program> {
    const scope = await this.resolveScope(organizationId, request);
    if (await this.deps.repo.findRunningProgram(organizationId, scope)) throw connectError('CONNECT.PROGRAM_EXISTS', 'program exists', { scope: await this.label(organizationId, scope) });
    const now = this.deps.clock.now();
    const program = await this.deps.repo.createProgram({
      organizationId,
      scope,
      everyWeeks: options.everyWeeks,
      preferChapter: options.preferChapter ?? scope.kind === 'chapter',
      avoidRounds: PROGRAM_LIMITS.avoidRounds,
      followUpDays: PROGRAM_LIMITS.followUpDays,
      nextRoundAt: now,
    });
    await this.deps.jobs.scheduleRound(program.id, now);
    return program;
  }

  /** Stops the rounds of a scope. CONNECT.NO_PROGRAM. */
  async stop(organizationId: string, request: ScopeRequest): Promise<Program> {
    const scope = await this.resolveScope(organizationId, request);
    const program = await this.deps.repo.findRunningProgram(organizationId, scope);
    if (!program) throw connectError('CONNECT.NO_PROGRAM', 'no program', { scope: await this.label(organizationId, scope) });
    await this.deps.repo.stopProgram(program.id, this.deps.clock.now());
    return program;
  }

  /** Every running program with its last rounds and their follow-up answers. */
  async status(organizationId: string): Promise<ProgramStatus[]> {
    const programs = await this.deps.repo.listRunningPrograms(organizationId);
    const out: ProgramStatus[] = [];
    for (const program of programs) out.push({ program, label: await this.label(organizationId, program.scope), rounds: await this.deps.repo.listRounds(program.id, 5) });
    return out;
  }

  /**
   * Runs the program's round when it is due (the `round` job). Idempotent: a stopped program, one whose
   * round is not due, or a round another process stored first does nothing.
   */
  async runRound(programId: string): Promise<Round | null> {
    const { repo, clock } = this.deps;
    const program = await repo.getProgram(programId);
    if (!program || program.stoppedAt !== null) return null;
    const now = clock.now();
    if (program.nextRoundAt.getTime() > now.getTime()) {
      await this.deps.jobs.scheduleRound(program.id, program.nextRoundAt);
      return null;
    }
    const candidates = await repo.introCandidates(program, now);
    const recent = new Set(await repo.recentPairKeys(program.id, program.avoidRounds));
    const byId = new Map(candidates.map((c) => [c.memberId, c]));
    const result = pairMembers(
      candidates.map((c) => ({ id: c.memberId, platforms: [...new Set(c.accounts.map((a) => a.platform))], chapterId: c.chapterId })),
      { recent, preferChapter: program.preferChapter, random: this.random },
    );
    const groups: NewIntroGroup[] = result.groups.map((ids) => {
      const members = ids.map((id) => byId.get(id)!);
      return {
        starter: Math.floor(this.random() * PROGRAM_LIMITS.starters),
        members: members.map((m) => {
          const account = chooseAccount(m, members.filter((o) => o !== m))!;
          return { memberId: m.memberId, platform: account.platform, workspaceId: account.workspaceId, platformUserId: account.platformUserId };
        }),
      };
    });
    const followUpAt = new Date(now.getTime() + program.followUpDays * 86_400_000);
    const nextRoundAt = nextRoundAfter(program.nextRoundAt, program.everyWeeks);
    const saved = await repo.saveRound({ program, ranAt: now, followUpAt, nextRoundAt, groups });
    if (!saved) return null;
    for (const group of saved.groups) for (const m of group.members) await this.deps.jobs.introduce(group.id, m.memberId);
    if (saved.groups.length > 0) await this.deps.jobs.scheduleFollowUp(saved.round.id, followUpAt);
    await this.deps.jobs.scheduleRound(program.id, nextRoundAt);
    await this.deps.bus.publish('connect.round-completed', {
      organizationId: program.organizationId,
      programId: program.id,
      roundId: saved.round.id,
      label: await this.label(program.organizationId, program.scope),
      number: saved.round.number,
      ranAt: now,
      members: saved.round.members,
      groups: saved.round.groups,
      memberIds: saved.groups.flatMap((g) => g.members.map((m) => m.memberId)),
    });
    this.deps.logger.info({ programId, roundId: saved.round.id, members: saved.round.members, groups: saved.round.groups, repeats: result.repeats }, 'introduction round ran');
    return saved.round;
  }

  /** Sends one member's introduction (the `introduce` job). */
  async introduce(groupId: string, memberId: string): Promise<void> {
    await this.send('introduction', groupId, memberId);
  }

  /** Claims the round's follow-up and queues one "did you meet?" per member (the `follow-up` job). */
  async followUpRound(roundId: string): Promise<void> {
    const { repo, clock } = this.deps;
    const round = await repo.getRound(roundId);
    if (!round || round.followUpSentAt !== null) return;
    if (round.followUpAt.getTime() > clock.now().getTime()) {
      await this.deps.jobs.scheduleFollowUp(roundId, round.followUpAt);
      return;
    }
    if (!(await repo.claimFollowUp(roundId, clock.now()))) return;
    for (const group of await repo.roundGroups(roundId)) for (const m of group.members) await this.deps.jobs.followUp(group.id, m.memberId);
  }

  /** Sends one member's "did you meet?" (the `follow-up-one` job). */
  async followUp(groupId: string, memberId: string): Promise<void> {
    await this.send('follow-up', groupId, memberId);
  }

  /**
   * Records the presser's answer to "did you meet?". CONNECT.NOT_YOUR_INTRODUCTION when they are not in
   * that group (nothing changes then).
   */
  async answer(member: Member, groupId: string, met: boolean): Promise<RoundTotals> {
    const { repo, clock } = this.deps;
    const group = await repo.getGroup(groupId);
    if (!group || group.organizationId !== member.organizationId || !isActive(member) || !group.members.some((m) => m.memberId === member.id)) {
      throw connectError('CONNECT.NOT_YOUR_INTRODUCTION', 'not in this introduction');
    }
    const at = clock.now();
    await repo.answerFollowUp(groupId, member.id, met, at);
    const totals = await repo.roundTotals(group.roundId);
    await this.deps.bus.publish('connect.followup-answered', { organizationId: member.organizationId, roundId: group.roundId, memberId: member.id, met, at, totals });
    return totals;
  }

  private async send(kind: IntroMessage['kind'], groupId: string, memberId: string): Promise<void> {
    const { repo, members, platforms } = this.deps;
    const group = await repo.getGroup(groupId);
    const self = group?.members.find((m) => m.memberId === memberId);
    if (!group || !self) return;
    const people = await members.findByIds(group.organizationId, group.members.map((m) => m.memberId));
    const reader = people.find((p) => p.id === memberId);
    // A member who lapsed since the round gets nothing; one who was erased is gone from the group already.
    if (!reader || !isActive(reader)) return;
    const platform = platforms.get(self.platform);
    if (!platform) {
      this.deps.logger.warn({ groupId, platform: self.platform }, 'introduction not sent: platform not connected');
      return;
    }
    const round = await repo.getRound(group.roundId);
    const program = round ? await repo.getProgram(round.programId) : null;
    const org = await this.deps.organizations.findById(group.organizationId);
    const others: IntroducedPerson[] = [];
    const interestSets: Set<string>[] = [];
    for (const m of group.members) {
      const profile = await repo.getProfile(group.organizationId, m.memberId);
      interestSets.push(new Set(profile?.interestIds ?? []));
      if (m.memberId === memberId) continue;
      const person = people.find((p) => p.id === m.memberId);
      if (!person) continue;
      others.push({ name: person.name, intro: profile?.intro ?? '', ...(await this.reachOf(self, m)) });
    }
    const interests = program ? await repo.listInterests(group.organizationId) : [];
    const shared = interests.filter((i) => interestSets.every((s) => s.has(i.id))).map((i) => i.name);
    const view = this.deps.render({
      kind,
      locale: reader.locale ?? org?.defaultLocale ?? 'nl',
      groupId,
      label: program ? await this.label(group.organizationId, program.scope) : '',
      starter: group.starter,
      others,
      shared,
    });
    await platform.sendDirect({ workspaceId: self.workspaceId, userId: self.platformUserId }, view, { idempotencyKey: `connect-${kind}-${groupId}-${memberId}` });
  }

  /** How `reader` reaches `other`: a mention when both introductions went to the same workspace, else where the other is. */
  private async reachOf(reader: IntroMember, other: IntroMember): Promise<Pick<IntroducedPerson, 'mentionUserId' | 'elsewhere'>> {
    if (reader.platform === other.platform && reader.workspaceId === other.workspaceId) return { mentionUserId: other.platformUserId, elsewhere: null };
    const accounts = await this.deps.identities.listByMember(other.memberId);
    const same = accounts.find((a) => a.platform === reader.platform && a.workspaceId === reader.workspaceId);
    if (same) return { mentionUserId: same.platformUserId, elsewhere: null };
    const used = accounts.find((a) => a.platform === other.platform && a.workspaceId === other.workspaceId);
    return { mentionUserId: null, elsewhere: { platform: other.platform, handle: used?.displayName ?? null } };
  }

  private async resolveScope(organizationId: string, request: ScopeRequest): Promise<ProgramScope> {
    if (request.kind === 'all') return { kind: 'all' };
    if (request.kind === 'interest') return { kind: 'interest', interestId: (await this.deps.interestByName(organizationId, request.name)).id };
    const chapter = (await this.deps.chapters.list(organizationId)).find((c) => c.name.toLowerCase() === request.name.trim().toLowerCase());
    if (!chapter) throw connectError('CONNECT.UNKNOWN_CHAPTER', 'unknown chapter', { name: request.name.slice(0, 60) });
    return { kind: 'chapter', chapterId: chapter.id };
  }

  /** What a program's rounds are for, as people read it: the interest's or chapter's name, or `*`. */
  async label(organizationId: string, scope: ProgramScope): Promise<string> {
    if (scope.kind === 'interest') return (await this.deps.repo.listInterests(organizationId)).find((i) => i.id === scope.interestId)?.name ?? '?';
    if (scope.kind === 'chapter') return (await this.deps.chapters.findById(organizationId, scope.chapterId))?.name ?? '?';
    return '*';
  }
}

/** The keys of a round's groups (what later rounds avoid). */
export function roundPairKeys(groups: readonly IntroGroup[]): string[] {
  return groups.flatMap((g) => groupPairKeys(g.members.map((m) => m.memberId)));
}
