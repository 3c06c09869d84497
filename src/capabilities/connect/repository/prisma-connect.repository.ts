import { randomUUID } from 'node:crypto';
import type { PrismaClient, Prisma } from '../../../infra/database/generated/prisma/client.js';
import type { Platform } from '../../../kernel/types.js';
import { introDue, type IntroCandidate, type IntroGroup, type Program, type ProgramScope, type Round, type RoundTotals } from '../domain/intro.js';
import { roundPairKeys } from '../domain/intro.service.js';
import type { Interest, Profile, ProfileInput, Reach } from '../domain/profile.js';
import type { ConnectRepository, FoundProfile, NewIntroGroup } from '../ports.js';

type ProfileRow = Prisma.ConnectProfileGetPayload<{ include: { interests: true } }>;
type ProgramRow = Prisma.ConnectProgramGetPayload<object>;
type RoundRow = Prisma.ConnectRoundGetPayload<object>;
type GroupRow = Prisma.ConnectIntroGroupGetPayload<{ include: { members: true; round: { select: { organizationId: true } } } }>;

const groupInclude = { members: true, round: { select: { organizationId: true } } } as const;

/** The connect capability's tables over Prisma (see prisma/schema.prisma, the connect block). */
export class PrismaConnectRepository implements ConnectRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async listInterests(organizationId: string): Promise<Interest[]> {
    const rows = await this.prisma.connectInterest.findMany({ where: { organizationId }, orderBy: { nameKey: 'asc' } });
    return rows.map(toInterest);
  }

  async addInterest(organizationId: string, name: string, nameKey: string): Promise<Interest | null> {
    const rows = await this.prisma.connectInterest.createManyAndReturn({ data: [{ organizationId, name, nameKey }], skipDuplicates: true });
    return rows[0] ? toInterest(rows[0]) : null;
  }

  async removeInterest(organizationId: string, interestId: string): Promise<boolean> {
    const { count } = await this.prisma.connectInterest.deleteMany({ where: { organizationId, id: interestId } });
    return count > 0;
  }

  async getProfile(organizationId: string, memberId: string): Promise<Profile | null> {
    const row = await this.prisma.connectProfile.findFirst({ where: { organizationId, memberId }, include: { interests: true } });
    return row ? toProfile(row) : null;
  }

  async saveProfile(organizationId: string, memberId: string, input: ProfileInput, at: Date): Promise<{ profile: Profile; firstTime: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.connectProfile.findUnique({ where: { memberId }, select: { savedAt: true } });
      const fields = { intro: input.intro, introsEveryWeeks: input.introsEveryWeeks, reach: input.reach, updatedAt: at };
      await tx.connectProfile.upsert({
        where: { memberId },
        create: { memberId, organizationId, ...fields, savedAt: at },
        update: { ...fields, savedAt: before?.savedAt ?? at },
      });
      await tx.connectMemberInterest.deleteMany({ where: { memberId, kind: { in: ['interest', 'help'] } } });
      const data = [
        ...input.interestIds.map((interestId) => ({ memberId, interestId, kind: 'interest' })),
        ...input.helpsWithIds.map((interestId) => ({ memberId, interestId, kind: 'help' })),
      ];
      if (data.length > 0) await tx.connectMemberInterest.createMany({ data, skipDuplicates: true });
      const row = await tx.connectProfile.findUniqueOrThrow({ where: { memberId }, include: { interests: true } });
      return { profile: toProfile(row), firstTime: before?.savedAt == null };
    });
  }

  async setSharing(organizationId: string, memberId: string, on: boolean): Promise<void> {
    await this.prisma.connectProfile.upsert({ where: { memberId }, create: { memberId, organizationId, shareWithApi: on }, update: { shareWithApi: on } });
  }

  async sharedProfiles(organizationId: string): Promise<Profile[]> {
    const rows = await this.prisma.connectProfile.findMany({ where: { organizationId, shareWithApi: true }, include: { interests: true }, orderBy: { memberId: 'asc' } });
    return rows.map(toProfile);
  }

  async addMemberInterests(organizationId: string, entries: readonly { memberId: string; interestIds: readonly string[] }[]): Promise<number> {
    if (entries.length === 0) return 0;
    // Only members of this organisation: the ids come from its own member numbers, checked once more here.
    const members = await this.prisma.member.findMany({ where: { organizationId, id: { in: entries.map((e) => e.memberId) } }, select: { id: true } });
    const ok = new Set(members.map((m) => m.id));
    const kept = entries.filter((e) => ok.has(e.memberId));
    await this.prisma.connectProfile.createMany({ data: kept.map((e) => ({ memberId: e.memberId, organizationId })), skipDuplicates: true });
    const { count } = await this.prisma.connectMemberInterest.createMany({
      data: kept.flatMap((e) => e.interestIds.map((interestId) => ({ memberId: e.memberId, interestId, kind: 'interest' }))),
      skipDuplicates: true,
    });
    return count;
  }

  async findByInterest(organizationId: string, interestId: string, page: { offset: number; limit: number }): Promise<{ total: number; items: FoundProfile[] }> {
    const where: Prisma.ConnectProfileWhereInput = {
      organizationId,
      reach: { not: 'hidden' },
      member: { status: 'active', organizationId },
      interests: { some: { interestId, kind: 'interest' } },
    };
    const [total, rows] = await Promise.all([
      this.prisma.connectProfile.count({ where }),
      this.prisma.connectProfile.findMany({
        where,
        include: { member: { select: { name: true, chapterId: true, identities: { orderBy: { linkedAt: 'asc' } } } } },
        orderBy: [{ member: { name: 'asc' } }, { memberId: 'asc' }],
        skip: page.offset,
        take: page.limit,
      }),
    ]);
    return {
      total,
      items: rows.map((r) => ({
        memberId: r.memberId,
        name: r.member.name,
        chapterId: r.member.chapterId,
        intro: r.intro,
        reach: r.reach as Reach,
        accounts: r.member.identities.map((i) => ({ platform: i.platform as Platform, workspaceId: i.workspaceId, platformUserId: i.platformUserId, displayName: i.displayName })),
      })),
    };
  }

  async createProgram(input: Omit<Program, 'id' | 'createdAt' | 'stoppedAt'>): Promise<Program> {
    const row = await this.prisma.connectProgram.create({
      data: {
        organizationId: input.organizationId,
        ...scopeColumns(input.scope),
        everyWeeks: input.everyWeeks,
        preferChapter: input.preferChapter,
        avoidRounds: input.avoidRounds,
        followUpDays: input.followUpDays,
        nextRoundAt: input.nextRoundAt,
      },
    });
    return toProgram(row);
  }

  async findRunningProgram(organizationId: string, scope: ProgramScope): Promise<Program | null> {
    const row = await this.prisma.connectProgram.findFirst({ where: { organizationId, stoppedAt: null, ...scopeColumns(scope) } });
    return row ? toProgram(row) : null;
  }

  async listRunningPrograms(organizationId: string): Promise<Program[]> {
    const rows = await this.prisma.connectProgram.findMany({ where: { organizationId, stoppedAt: null }, orderBy: { createdAt: 'asc' } });
    return rows.map(toProgram);
  }

  async getProgram(programId: string): Promise<Program | null> {
    const row = await this.prisma.connectProgram.findUnique({ where: { id: programId } });
    return row ? toProgram(row) : null;
  }

  async stopProgram(programId: string, at: Date): Promise<void> {
    await this.prisma.connectProgram.updateMany({ where: { id: programId, stoppedAt: null }, data: { stoppedAt: at } });
  }

  async introCandidates(program: Program, now: Date): Promise<IntroCandidate[]> {
    const scope = program.scope;
    const rows = await this.prisma.connectProfile.findMany({
      where: {
        organizationId: program.organizationId,
        introsEveryWeeks: { not: null },
        member: {
          status: 'active',
          organizationId: program.organizationId,
          identities: { some: {} },
          ...(scope.kind === 'chapter' ? { chapterId: scope.chapterId } : {}),
        },
        ...(scope.kind === 'interest' ? { interests: { some: { interestId: scope.interestId, kind: 'interest' } } } : {}),
      },
      select: {
        memberId: true,
        introsEveryWeeks: true,
        lastIntroducedAt: true,
        member: { select: { chapterId: true, identities: { orderBy: { linkedAt: 'asc' } } } },
      },
    });
    return rows
      .filter((r) => introDue(r.lastIntroducedAt, r.introsEveryWeeks!, now))
      .map((r) => ({
        memberId: r.memberId,
        chapterId: r.member.chapterId,
        accounts: r.member.identities.map((i) => ({ platform: i.platform as Platform, workspaceId: i.workspaceId, platformUserId: i.platformUserId, displayName: i.displayName })),
      }));
  }

  async recentPairKeys(programId: string, rounds: number): Promise<string[]> {
    if (rounds <= 0) return [];
    const recent = await this.prisma.connectRound.findMany({ where: { programId }, orderBy: { number: 'desc' }, take: rounds, select: { id: true } });
    if (recent.length === 0) return [];
    const groups = await this.prisma.connectIntroGroup.findMany({ where: { roundId: { in: recent.map((r) => r.id) } }, include: groupInclude });
    return roundPairKeys(groups.map(toGroup));
  }

  async saveRound(input: { program: Program; ranAt: Date; followUpAt: Date; nextRoundAt: Date; groups: readonly NewIntroGroup[] }): Promise<{ round: Round; groups: IntroGroup[] } | null> {
    const { program, groups } = input;
    return this.prisma.$transaction(
      async (tx) => {
        // The program row is the lock: a second process running the same round waits here, then sees it moved on.
        const claimed = await tx.connectProgram.updateMany({
          where: { id: program.id, stoppedAt: null, nextRoundAt: { lte: input.ranAt } },
          data: { nextRoundAt: input.nextRoundAt },
        });
        if (claimed.count === 0) return null;
        const last = await tx.connectRound.findFirst({ where: { programId: program.id }, orderBy: { number: 'desc' }, select: { number: true } });
        const members = groups.reduce((n, g) => n + g.members.length, 0);
        const round = await tx.connectRound.create({
          data: {
            programId: program.id,
            organizationId: program.organizationId,
            number: (last?.number ?? 0) + 1,
            ranAt: input.ranAt,
            members,
            groups: groups.length,
            followUpAt: input.followUpAt,
          },
        });
        const stored: IntroGroup[] = [];
        const created = groups.map(() => ({ id: randomUUID() }));
        if (groups.length > 0) await tx.connectIntroGroup.createMany({ data: groups.map((g, i) => ({ id: created[i]!.id, roundId: round.id, starter: g.starter })) });
        await tx.connectIntroMember.createMany({
          data: groups.flatMap((g, i) =>
            g.members.map((m) => ({ groupId: created[i]!.id, memberId: m.memberId, platform: m.platform, workspaceExternalId: m.workspaceId, platformUserId: m.platformUserId })),
          ),
        });
        groups.forEach((g, i) =>
          stored.push({
            id: created[i]!.id,
            roundId: round.id,
            organizationId: program.organizationId,
            starter: g.starter,
            members: g.members.map((m) => ({ ...m, met: null, answeredAt: null })),
          }),
        );
        const ids = groups.flatMap((g) => g.members.map((m) => m.memberId));
        if (ids.length > 0) await tx.connectProfile.updateMany({ where: { memberId: { in: ids } }, data: { lastIntroducedAt: input.ranAt } });
        return { round: toRound(round), groups: stored };
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
  }

  async getRound(roundId: string): Promise<Round | null> {
    const row = await this.prisma.connectRound.findUnique({ where: { id: roundId } });
    return row ? toRound(row) : null;
  }

  async roundGroups(roundId: string): Promise<IntroGroup[]> {
    const rows = await this.prisma.connectIntroGroup.findMany({ where: { roundId }, include: groupInclude });
    return rows.map(toGroup);
  }

  async getGroup(groupId: string): Promise<IntroGroup | null> {
    const row = await this.prisma.connectIntroGroup.findUnique({ where: { id: groupId }, include: groupInclude });
    return row ? toGroup(row) : null;
  }

  async claimFollowUp(roundId: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.connectRound.updateMany({ where: { id: roundId, followUpSentAt: null }, data: { followUpSentAt: at } });
    return count > 0;
  }

  async answerFollowUp(groupId: string, memberId: string, met: boolean, at: Date): Promise<boolean> {
    const { count } = await this.prisma.connectIntroMember.updateMany({ where: { groupId, memberId }, data: { met, answeredAt: at } });
    return count > 0;
  }

  async roundTotals(roundId: string): Promise<RoundTotals> {
    const rows = await this.prisma.connectIntroMember.findMany({ where: { group: { roundId }, met: { not: null } }, select: { groupId: true, met: true } });
    return totalsOf(rows);
  }

  async listRounds(programId: string, limit: number): Promise<(Round & { totals: RoundTotals })[]> {
    const rounds = await this.prisma.connectRound.findMany({ where: { programId }, orderBy: { number: 'desc' }, take: limit });
    const answers = await this.prisma.connectIntroMember.findMany({
      where: { group: { roundId: { in: rounds.map((r) => r.id) } }, met: { not: null } },
      select: { groupId: true, met: true, group: { select: { roundId: true } } },
    });
    return rounds.map((r) => ({ ...toRound(r), totals: totalsOf(answers.filter((a) => a.group.roundId === r.id)) }));
  }
}

function totalsOf(rows: readonly { groupId: string; met: boolean | null }[]): RoundTotals {
  const metGroups = new Set(rows.filter((r) => r.met === true).map((r) => r.groupId));
  return { metGroups: metGroups.size, yes: rows.filter((r) => r.met === true).length, no: rows.filter((r) => r.met === false).length };
}

function scopeColumns(scope: ProgramScope): { scope: string; interestId: string | null; chapterId: string | null } {
  if (scope.kind === 'interest') return { scope: 'interest', interestId: scope.interestId, chapterId: null };
  if (scope.kind === 'chapter') return { scope: 'chapter', interestId: null, chapterId: scope.chapterId };
  return { scope: 'all', interestId: null, chapterId: null };
}

function toInterest(row: { id: string; organizationId: string; name: string; nameKey: string; createdAt: Date }): Interest {
  return { id: row.id, organizationId: row.organizationId, name: row.name, nameKey: row.nameKey, createdAt: row.createdAt };
}

function toProfile(row: ProfileRow): Profile {
  return {
    memberId: row.memberId,
    organizationId: row.organizationId,
    intro: row.intro,
    interestIds: row.interests.filter((i) => i.kind === 'interest').map((i) => i.interestId),
    helpsWithIds: row.interests.filter((i) => i.kind === 'help').map((i) => i.interestId),
    introsEveryWeeks: row.introsEveryWeeks,
    reach: row.reach as Reach,
    savedAt: row.savedAt,
    shareWithApi: row.shareWithApi,
  };
}

function toProgram(row: ProgramRow): Program {
  const scope: ProgramScope =
    row.scope === 'interest' && row.interestId ? { kind: 'interest', interestId: row.interestId } : row.scope === 'chapter' && row.chapterId ? { kind: 'chapter', chapterId: row.chapterId } : { kind: 'all' };
  return {
    id: row.id,
    organizationId: row.organizationId,
    scope,
    everyWeeks: row.everyWeeks,
    preferChapter: row.preferChapter,
    avoidRounds: row.avoidRounds,
    followUpDays: row.followUpDays,
    nextRoundAt: row.nextRoundAt,
    createdAt: row.createdAt,
    stoppedAt: row.stoppedAt,
  };
}

function toRound(row: RoundRow): Round {
  return {
    id: row.id,
    programId: row.programId,
    organizationId: row.organizationId,
    number: row.number,
    ranAt: row.ranAt,
    members: row.members,
    groups: row.groups,
    followUpAt: row.followUpAt,
    followUpSentAt: row.followUpSentAt,
  };
}

function toGroup(row: GroupRow): IntroGroup {
  return {
    id: row.id,
    roundId: row.roundId,
    organizationId: row.round.organizationId,
    starter: row.starter,
    members: row.members.map((m) => ({ memberId: m.memberId, platform: m.platform as Platform, workspaceId: m.workspaceExternalId, platformUserId: m.platformUserId, met: m.met, answeredAt: m.answeredAt })),
  };
}
