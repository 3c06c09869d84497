import { randomUUID } from 'node:crypto';
import type {
  Assembly as AssemblyRow, AssemblyItem as ItemRow, AssemblyProxy as ProxyRow, AssemblyVoter as VoterRow, PrismaClient,
} from '../../../infra/database/generated/prisma/client.js';
import { isUuid } from '../../../infra/database/prisma-rows.js';
import type { MemberRole, MemberStatus } from '../../../kernel/community.js';
import { quorumSchema, type AgendaItem, type Assembly, type HasVoted, type ItemResult, type Majority, type Proxy, type SealedBallot, type Voter } from '../domain/assembly.js';
import type { AssemblyRepository, NewAssemblyRecord, NewItemRecord, NewVoterRecord, VoteRecord } from '../ports.js';

/**
 * {@link AssemblyRepository} on PostgreSQL/PGlite. Grants lock the assembly row (`FOR UPDATE`) so the
 * maximum per holder holds under concurrent grants; votes take a share lock on the item row, so closing
 * (an UPDATE of that row) waits for votes in flight and no vote lands after close. Sealed ballots are
 * written once, in the order given (shuffled by the service), with ids from node:crypto's randomUUID and
 * no time column: neither the primary key, the heap order nor a timestamp follows the order of voting.
 */
export class PrismaAssemblyRepository implements AssemblyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: NewAssemblyRecord): Promise<Assembly> {
    return toAssembly(await this.prisma.assembly.create({ data: { ...input, quorum: input.quorum } }));
  }

  async findById(id: string): Promise<Assembly | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.assembly.findUnique({ where: { id } });
    return row ? toAssembly(row) : null;
  }

  async findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Assembly[]> {
    if (!isUuid(organizationId) || !/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM assembly WHERE organization_id = ${organizationId}::uuid AND id::text LIKE ${`${prefix}%`} ORDER BY starts_at DESC LIMIT ${limit}`;
    if (rows.length === 0) return [];
    return (await this.prisma.assembly.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { startsAt: 'desc' } })).map(toAssembly);
  }

  async list(organizationId: string, limit: number): Promise<Assembly[]> {
    if (!isUuid(organizationId)) return [];
    return (await this.prisma.assembly.findMany({ where: { organizationId }, orderBy: [{ startsAt: 'desc' }, { createdAt: 'desc' }], take: limit })).map(toAssembly);
  }

  async addItem(input: NewItemRecord): Promise<AgendaItem | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ voting_opened_at: Date | null }[]>`SELECT voting_opened_at FROM assembly WHERE id = ${input.assemblyId}::uuid FOR UPDATE`;
      if (locked.length === 0 || locked[0]!.voting_opened_at !== null) return null;
      const last = await tx.assemblyItem.aggregate({ where: { assemblyId: input.assemblyId }, _max: { position: true } });
      const row = await tx.assemblyItem.create({ data: { ...input, position: (last._max.position ?? 0) + 1 } });
      return toItem(row);
    });
  }

  async listItems(assemblyId: string): Promise<AgendaItem[]> {
    if (!isUuid(assemblyId)) return [];
    return (await this.prisma.assemblyItem.findMany({ where: { assemblyId }, orderBy: { position: 'asc' } })).map(toItem);
  }

  async findItem(itemId: string): Promise<AgendaItem | null> {
    if (!isUuid(itemId)) return null;
    const row = await this.prisma.assemblyItem.findUnique({ where: { id: itemId } });
    return row ? toItem(row) : null;
  }

  async saveSnapshot(assemblyId: string, voters: readonly NewVoterRecord[], at: Date): Promise<'saved' | 'taken'> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.assembly.updateMany({ where: { id: assemblyId, snapshotAt: null }, data: { snapshotAt: at } });
      if (count === 0) return 'taken';
      await tx.assemblyVoter.createMany({ data: voters.map((v) => ({ ...v, assemblyId })) });
      return 'saved';
    });
  }

  async listVoters(assemblyId: string): Promise<Voter[]> {
    if (!isUuid(assemblyId)) return [];
    return (await this.prisma.assemblyVoter.findMany({ where: { assemblyId }, orderBy: { memberNumber: 'asc' } })).map(toVoter);
  }

  async findVoterByMember(assemblyId: string, memberId: string): Promise<Voter | null> {
    if (!isUuid(assemblyId) || !isUuid(memberId)) return null;
    const row = await this.prisma.assemblyVoter.findUnique({ where: { assemblyId_memberId: { assemblyId, memberId } } });
    return row ? toVoter(row) : null;
  }

  async listProxies(assemblyId: string, query: { all?: boolean } = {}): Promise<Proxy[]> {
    if (!isUuid(assemblyId)) return [];
    return (await this.prisma.assemblyProxy.findMany({ where: { assemblyId, ...(query.all ? {} : { revokedAt: null }) }, orderBy: { grantedAt: 'asc' } })).map(toProxy);
  }

  async grantProxy<P extends string>(
    input: { assemblyId: string; grantorVoterId: string; holderVoterId: string; at: Date },
    check: (active: readonly Proxy[]) => P | null,
  ): Promise<{ proxy: Proxy } | { problem: P | 'fixed' }> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ voting_opened_at: Date | null }[]>`SELECT voting_opened_at FROM assembly WHERE id = ${input.assemblyId}::uuid FOR UPDATE`;
      if (locked.length === 0 || locked[0]!.voting_opened_at !== null) return { problem: 'fixed' as const };
      const active = (await tx.assemblyProxy.findMany({ where: { assemblyId: input.assemblyId, revokedAt: null } })).map(toProxy);
      const problem = check(active);
      if (problem) return { problem };
      const row = await tx.assemblyProxy.create({ data: { assemblyId: input.assemblyId, grantorVoterId: input.grantorVoterId, holderVoterId: input.holderVoterId, grantedAt: input.at } });
      return { proxy: toProxy(row) };
    });
  }

  async revokeProxy(assemblyId: string, grantorVoterId: string, at: Date): Promise<Proxy | 'none' | 'fixed'> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ voting_opened_at: Date | null }[]>`SELECT voting_opened_at FROM assembly WHERE id = ${assemblyId}::uuid FOR UPDATE`;
      const active = await tx.assemblyProxy.findFirst({ where: { assemblyId, grantorVoterId, revokedAt: null } });
      if (!active) return 'none';
      if (locked.length === 0 || locked[0]!.voting_opened_at !== null) return 'fixed';
      return toProxy(await tx.assemblyProxy.update({ where: { id: active.id }, data: { revokedAt: at } }));
    });
  }

  async checkIn(assemblyId: string, voterId: string, at: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO assembly_check_in (assembly_id, voter_id, at) VALUES (${assemblyId}::uuid, ${voterId}::uuid, ${at}) ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  async listCheckIns(assemblyId: string): Promise<string[]> {
    if (!isUuid(assemblyId)) return [];
    return (await this.prisma.assemblyCheckIn.findMany({ where: { assemblyId }, select: { voterId: true } })).map((r) => r.voterId);
  }

  async openItem(itemId: string, at: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.assemblyItem.updateMany({ where: { id: itemId, status: 'pending' }, data: { status: 'open', openedAt: at } });
      if (count === 0) return false;
      const item = await tx.assemblyItem.findUniqueOrThrow({ where: { id: itemId } });
      await tx.assembly.updateMany({ where: { id: item.assemblyId, votingOpenedAt: null }, data: { votingOpenedAt: at } });
      return true;
    });
  }

  async recordVote(input: VoteRecord): Promise<'recorded' | 'already' | 'not_open'> {
    if (!isUuid(input.itemId) || !isUuid(input.voterId) || !isUuid(input.castByVoterId)) return 'not_open';
    return this.prisma.$transaction(async (tx) => {
      // The share lock makes closing (an UPDATE of this row) wait for this vote, and this vote see a close.
      const item = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM assembly_item WHERE id = ${input.itemId}::uuid FOR SHARE`;
      const status = item[0]?.status;
      if (status !== 'open' && !(status === 'pending' && input.early)) return 'not_open';
      const inserted = await tx.$executeRaw`
        INSERT INTO assembly_has_voted (item_id, voter_id, cast_by_voter_id, early, choice, weight, at)
        VALUES (${input.itemId}::uuid, ${input.voterId}::uuid, ${input.castByVoterId}::uuid, ${input.early}, ${input.choice}, ${input.weight}, ${input.at})
        ON CONFLICT DO NOTHING`;
      return inserted === 1 ? 'recorded' : 'already';
    });
  }

  async listHasVoted(itemId: string): Promise<HasVoted[]> {
    if (!isUuid(itemId)) return [];
    return (await this.prisma.assemblyHasVoted.findMany({ where: { itemId }, select: { itemId: true, voterId: true, castByVoterId: true, early: true } })).map((r) => ({ ...r }));
  }

  async listEarlyVoters(assemblyId: string): Promise<string[]> {
    if (!isUuid(assemblyId)) return [];
    const rows = await this.prisma.assemblyHasVoted.findMany({ where: { early: true, item: { assemblyId } }, distinct: ['voterId'], select: { voterId: true } });
    return rows.map((r) => r.voterId);
  }

  async listOpenVotes(itemId: string): Promise<{ voterId: string; choice: string; weight: number }[]> {
    if (!isUuid(itemId)) return [];
    const rows = await this.prisma.assemblyHasVoted.findMany({ where: { itemId, choice: { not: null } }, select: { voterId: true, choice: true, weight: true } });
    return rows.map((r) => ({ voterId: r.voterId, choice: r.choice!, weight: r.weight }));
  }

  async resetVotes(itemId: string): Promise<void> {
    await this.prisma.assemblyHasVoted.deleteMany({ where: { itemId } });
  }

  async closeItem(itemId: string, at: Date, result: ItemResult, sealed: readonly SealedBallot[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.assemblyItem.updateMany({ where: { id: itemId, status: 'open' }, data: { status: 'closed', closedAt: at, result: result as never } });
      if (count === 0) return false;
      // One statement, in the (shuffled) order given; ids are random, so the key order is random too.
      if (sealed.length > 0) await tx.assemblyBallot.createMany({ data: sealed.map((b) => ({ id: randomUUID(), itemId, receipt: b.receipt, choice: b.choice, weight: b.weight })) });
      return true;
    });
  }

  async forgetMember(organizationId: string, memberId: string): Promise<number> {
    if (!isUuid(organizationId) || !isUuid(memberId)) return 0;
    const rows = await this.prisma.assemblyVoter.findMany({ where: { memberId, assembly: { organizationId } }, select: { id: true } });
    for (const row of rows) {
      // A fresh random id in place of the member's: nothing joins the entry to the erased member any more.
      await this.prisma.assemblyVoter.update({ where: { id: row.id }, data: { memberId: randomUUID(), name: ERASED, memberNumber: ERASED, roles: [] } });
    }
    return rows.length;
  }

  async listSealedBallots(itemId: string): Promise<SealedBallot[]> {
    if (!isUuid(itemId)) return [];
    return (await this.prisma.assemblyBallot.findMany({ where: { itemId }, orderBy: { receipt: 'asc' }, select: { receipt: true, choice: true, weight: true } })).map((r) => ({ ...r }));
  }
}

/** What an erased member's register entry shows instead of their name and number. */
const ERASED = '—';
function toAssembly(row: AssemblyRow): Assembly {
  return {
    id: row.id,
    organizationId: row.organizationId,
    title: row.title,
    startsAt: row.startsAt,
    mode: row.mode,
    earlyVotingFrom: row.earlyVotingFrom,
    maxProxiesPerHolder: row.maxProxiesPerHolder,
    quorum: quorumSchema.parse(row.quorum),
    snapshotAt: row.snapshotAt,
    votingOpenedAt: row.votingOpenedAt,
    createdAt: row.createdAt,
  };
}

function toItem(row: ItemRow): AgendaItem {
  return {
    id: row.id,
    assemblyId: row.assemblyId,
    position: row.position,
    title: row.title,
    kind: row.kind,
    choices: [...row.choices],
    majority: row.majority as Majority,
    secret: row.secret,
    status: row.status,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    result: (row.result as ItemResult | null) ?? null,
  };
}

function toVoter(row: VoterRow): Voter {
  return { id: row.id, assemblyId: row.assemblyId, memberId: row.memberId, memberNumber: row.memberNumber, name: row.name, status: row.status as MemberStatus, roles: row.roles as MemberRole[], weight: row.weight };
}

function toProxy(row: ProxyRow): Proxy {
  return { id: row.id, assemblyId: row.assemblyId, grantorVoterId: row.grantorVoterId, holderVoterId: row.holderVoterId, grantedAt: row.grantedAt, revokedAt: row.revokedAt };
}
