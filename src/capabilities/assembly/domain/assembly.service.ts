import { z } from 'zod';
import type { Member } from '../../../kernel/community.js';
import type { Clock } from '../../../kernel/clock.js';
import type { EventBus } from '../../../kernel/events.js';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import { validate } from '../../../kernel/validate.js';
import type { AssemblyRepository, BallotBox, NewVoterRecord } from '../ports.js';
import {
  ASSEMBLY_LIMITS, ASSEMBLY_MODES, ITEM_KINDS, MAJORITIES, choicesOf, earlyVotingOpen, idPrefix, itemResult, presentOrRepresented, proxyProblem, quorumRequired, quorumSchema,
  type AgendaItem, type Assembly, type ItemResult, type Proxy, type SealedBallot, type Voter,
} from './assembly.js';
import { AssemblyError, type AssemblyErrorCode } from './assembly.errors.js';
import { newReceipt } from './ballot-box.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Input of {@link AssemblyService.create}. */
export const createAssemblySchema = z
  .object({
    organizationId: z.uuid(),
    title: z.string().trim().min(3).max(ASSEMBLY_LIMITS.titleLength),
    startsAt: z.date(),
    mode: z.enum(ASSEMBLY_MODES).default('hybrid'),
    earlyVotingFrom: z.date().nullable().default(null),
    maxProxiesPerHolder: z.number().int().min(0).max(ASSEMBLY_LIMITS.maxProxiesPerHolder).default(1),
    quorum: quorumSchema.default({ kind: 'none' }),
  })
  .strict();
export type CreateAssemblyInput = z.input<typeof createAssemblySchema>;

/** Input of {@link AssemblyService.addItem}. */
export const addItemSchema = z
  .object({
    title: z.string().trim().min(3).max(ASSEMBLY_LIMITS.itemTitleLength),
    kind: z.enum(ITEM_KINDS),
    candidates: z.array(z.string().trim().min(1).max(ASSEMBLY_LIMITS.candidateLength)).max(ASSEMBLY_LIMITS.candidates).default([]),
    majority: z.enum(MAJORITIES).default('simple'),
    /** Default: secret for a vote on persons, open for a motion. */
    secret: z.boolean().optional(),
  })
  .strict()
  .refine((i) => i.kind === 'motion' || i.candidates.length >= 1, { message: 'a vote on persons needs at least one candidate', path: ['candidates'] })
  .refine((i) => new Set(i.candidates.map((c) => c.toLowerCase())).size === i.candidates.length, { message: 'candidates must differ', path: ['candidates'] })
  .refine((i) => !i.candidates.some((c) => c.toLowerCase() === 'blank'), { message: '"blank" is not a candidate', path: ['candidates'] });
export type AddItemInput = z.input<typeof addItemSchema>;

/** Input of {@link AssemblyService.snapshot}: voting weights by member number where the statutes give them. */
export const snapshotSchema = z
  .object({ weights: z.record(z.string().trim().min(1).max(64), z.number().int().min(0).max(ASSEMBLY_LIMITS.maxWeight)).default({}) })
  .strict();

export interface AssemblyServiceDeps {
  repo: AssemblyRepository;
  members: Pick<MemberRepository, 'list' | 'findByNumber'>;
  clock: Clock;
  box: BallotBox;
  /** `assembly.item-closed` goes here (webhooks listen): counts only. */
  bus?: Pick<EventBus, 'publish'>;
}

/** What a member may vote on now: each item open for them, and for whom (themselves, the proxies they hold). */
export interface BallotSheet {
  assembly: Assembly;
  voter: Voter;
  items: { item: AgendaItem; early: boolean; for: { voter: Voter; self: boolean; voted: boolean }[] }[];
  /** The holder of the proxy the member gave, if any (they then vote through them). */
  gaveProxyTo: Voter | null;
}

/** The state shown live: presence, quorum, the items. */
export interface AssemblyStatus {
  assembly: Assembly;
  items: AgendaItem[];
  eligible: number;
  checkedIn: number;
  present: number;
  quorumRequired: number;
  quorumReached: boolean;
  proxies: number;
  /** Ballots cast so far per item id. */
  ballots: Record<string, number>;
}

/** The published result: every item, the proxies used, and the receipts of each secret item. */
export interface AssemblyResults {
  assembly: Assembly;
  items: { item: AgendaItem; result: ItemResult | null; receipts: SealedBallot[] }[];
  proxies: { grantor: Voter; holder: Voter; used: number }[];
  voters: Voter[];
}

/**
 * General-assembly use cases. Rules: the register of voters is a frozen snapshot of the active members;
 * proxies follow the statutes' maximum, bind only eligible voters, never chain, and are fixed once voting
 * opens; one vote per voter per item (in person or through their proxy holder, never both); early votes
 * only in the window (at most 30 days before); live votes only after check-in. Secret items: the choice
 * goes into the {@link BallotBox} with a fresh receipt, never into the has-voted register.
 */
export class AssemblyService {
  /** Items being closed: new votes are refused while the votes in flight finish. */
  private readonly closing = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private readonly drained = new Map<string, (() => void)[]>();

  constructor(private readonly deps: AssemblyServiceDeps) {}

  /** Creates an assembly. @throws ValidationError, AssemblyError `ASSEMBLY.EARLY_TOO_SOON` */
  async create(input: CreateAssemblyInput): Promise<Assembly> {
    const p = validate(createAssemblySchema, input);
    if (p.earlyVotingFrom && (p.earlyVotingFrom >= p.startsAt || p.startsAt.getTime() - p.earlyVotingFrom.getTime() > ASSEMBLY_LIMITS.earlyVotingDays * DAY_MS)) {
      throw new AssemblyError('ASSEMBLY.EARLY_TOO_SOON', 'Early voting must start at most 30 days before the meeting.', { params: { days: ASSEMBLY_LIMITS.earlyVotingDays } });
    }
    return this.deps.repo.create({ ...p, createdAt: this.deps.clock.now() });
  }

  /** By full or short id. @throws AssemblyError `ASSEMBLY.NOT_FOUND`, `ASSEMBLY.AMBIGUOUS_ID` */
  async find(organizationId: string, typedId: string): Promise<Assembly> {
    const prefix = idPrefix(typedId);
    if (!prefix) throw new AssemblyError('ASSEMBLY.NOT_FOUND', 'Not an id.', { params: { id: typedId.slice(0, 40) } });
    const matches = await this.deps.repo.findByIdPrefix(organizationId, prefix, 2);
    if (matches.length === 0) throw new AssemblyError('ASSEMBLY.NOT_FOUND', 'No such assembly.', { params: { id: typedId.slice(0, 40) } });
    if (matches.length > 1) throw new AssemblyError('ASSEMBLY.AMBIGUOUS_ID', 'Several match.', { params: { id: typedId.slice(0, 40) } });
    return matches[0]!;
  }

  /** The organisation's assembly with this id, or null. */
  async byId(organizationId: string, id: string): Promise<Assembly | null> {
    const found = await this.deps.repo.findById(id);
    return found && found.organizationId === organizationId ? found : null;
  }

  /** The newest assembly of the organisation (what `/kring assembly …` without an id means), or null. */
  async current(organizationId: string): Promise<Assembly | null> {
    return (await this.deps.repo.list(organizationId, 1))[0] ?? null;
  }

  list(organizationId: string, limit = 20): Promise<Assembly[]> {
    return this.deps.repo.list(organizationId, limit);
  }

  items(assembly: Assembly): Promise<AgendaItem[]> {
    return this.deps.repo.listItems(assembly.id);
  }

  voters(assembly: Assembly): Promise<Voter[]> {
    return this.deps.repo.listVoters(assembly.id);
  }

  /** The item at agenda position `position` (1, 2, ...). @throws AssemblyError `ASSEMBLY.ITEM_NOT_FOUND` */
  async item(assembly: Assembly, position: number): Promise<AgendaItem> {
    const item = (await this.deps.repo.listItems(assembly.id)).find((i) => i.position === position);
    if (!item) throw new AssemblyError('ASSEMBLY.ITEM_NOT_FOUND', 'No such item.', { params: { position } });
    return item;
  }

  /** Adds an item to the agenda. @throws ValidationError, AssemblyError `ASSEMBLY.VOTING_STARTED` */
  async addItem(assembly: Assembly, input: AddItemInput): Promise<AgendaItem> {
    const p = validate(addItemSchema, input);
    if ((await this.deps.repo.listItems(assembly.id)).length >= ASSEMBLY_LIMITS.items) throw new AssemblyError('ASSEMBLY.VOTING_STARTED', 'Agenda full.');
    const item = await this.deps.repo.addItem({ assemblyId: assembly.id, title: p.title, kind: p.kind, choices: choicesOf(p.kind, p.candidates), majority: p.majority, secret: p.secret ?? p.kind === 'election' });
    if (!item) throw new AssemblyError('ASSEMBLY.VOTING_STARTED', 'Voting opened already.');
    return item;
  }

  /**
   * Freezes the register of voters: every active member now, with their status, roles and weight (1 unless
   * `weights` names one; 0 leaves a member out). @throws AssemblyError `ASSEMBLY.SNAPSHOT_TAKEN`, `ASSEMBLY.UNKNOWN_MEMBER`
   */
  async snapshot(assembly: Assembly, input: z.input<typeof snapshotSchema> = {}): Promise<{ voters: number; at: Date }> {
    const { weights } = validate(snapshotSchema, input);
    const voters: NewVoterRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.members.list(assembly.organizationId, { status: 'active', limit: 1000, ...(after ? { after } : {}) });
      for (const m of page) {
        const weight = weights[m.memberNumber] ?? 1;
        if (weight > 0) voters.push({ memberId: m.id, memberNumber: m.memberNumber, name: m.name, status: m.status, roles: [...m.roles], weight });
      }
      if (page.length < 1000) break;
      after = page[page.length - 1]!.memberNumber;
    }
    const known = new Set(voters.map((v) => v.memberNumber));
    const unknown = Object.keys(weights).find((n) => !known.has(n) && weights[n]! > 0);
    if (unknown) throw new AssemblyError('ASSEMBLY.UNKNOWN_MEMBER', 'Weight for a member who is not active.', { params: { member: unknown } });
    const at = this.deps.clock.now();
    if ((await this.deps.repo.saveSnapshot(assembly.id, voters, at)) === 'taken') throw new AssemblyError('ASSEMBLY.SNAPSHOT_TAKEN', 'Frozen already.');
    return { voters: voters.length, at };
  }

  /** The member's entry in the register. @throws AssemblyError `ASSEMBLY.NO_SNAPSHOT`, `ASSEMBLY.NOT_LINKED`, `ASSEMBLY.NOT_ELIGIBLE` */
  async voterOf(assembly: Assembly, member: Member | null): Promise<Voter> {
    if (!assembly.snapshotAt) throw new AssemblyError('ASSEMBLY.NO_SNAPSHOT', 'No register yet.');
    if (!member) throw new AssemblyError('ASSEMBLY.NOT_LINKED', 'Not linked.');
    const voter = member.organizationId === assembly.organizationId ? await this.deps.repo.findVoterByMember(assembly.id, member.id) : null;
    if (!voter) throw new AssemblyError('ASSEMBLY.NOT_ELIGIBLE', 'Not in the register.', { params: { title: assembly.title } });
    return voter;
  }

  /**
   * The member gives a proxy to the holder (by member number). @throws AssemblyError `ASSEMBLY.NOT_ELIGIBLE`,
   * `ASSEMBLY.UNKNOWN_MEMBER`, `ASSEMBLY.PROXY_*`
   */
  async grantProxy(assembly: Assembly, grantorMember: Member | null, holderNumber: string): Promise<{ proxy: Proxy; holder: Voter }> {
    const grantor = await this.voterOf(assembly, grantorMember);
    const holderMember = await this.deps.members.findByNumber(assembly.organizationId, holderNumber);
    if (!holderMember) throw new AssemblyError('ASSEMBLY.UNKNOWN_MEMBER', 'No such member.', { params: { member: holderNumber.slice(0, 64) } });
    const holder = await this.deps.repo.findVoterByMember(assembly.id, holderMember.id);
    const outcome = await this.deps.repo.grantProxy({ assemblyId: assembly.id, grantorVoterId: grantor.id, holderVoterId: holder?.id ?? grantor.id, at: this.deps.clock.now() }, (active) =>
      proxyProblem({ grantor, holder, active, maxPerHolder: assembly.maxProxiesPerHolder }),
    );
    if ('problem' in outcome) {
      const codes: Record<typeof outcome.problem, AssemblyErrorCode> = {
        grantorNotEligible: 'ASSEMBLY.NOT_ELIGIBLE',
        holderNotEligible: 'ASSEMBLY.PROXY_HOLDER_NOT_ELIGIBLE',
        self: 'ASSEMBLY.PROXY_SELF',
        alreadyGranted: 'ASSEMBLY.PROXY_ALREADY_GRANTED',
        grantorHolds: 'ASSEMBLY.PROXY_CHAIN',
        holderGranted: 'ASSEMBLY.PROXY_CHAIN',
        holderFull: 'ASSEMBLY.PROXY_HOLDER_FULL',
        fixed: 'ASSEMBLY.PROXY_FIXED',
      };
      throw new AssemblyError(codes[outcome.problem], `Proxy refused: ${outcome.problem}.`, { params: { name: holder?.name ?? holderMember.name, max: assembly.maxProxiesPerHolder, title: assembly.title } });
    }
    return { proxy: outcome.proxy, holder: holder! };
  }

  /** The member revokes the proxy they gave, until voting opens. @throws AssemblyError `ASSEMBLY.PROXY_NONE`, `ASSEMBLY.PROXY_FIXED` */
  async revokeProxy(assembly: Assembly, member: Member | null): Promise<{ proxy: Proxy; holder: Voter }> {
    const grantor = await this.voterOf(assembly, member);
    const outcome = await this.deps.repo.revokeProxy(assembly.id, grantor.id, this.deps.clock.now());
    if (outcome === 'none') throw new AssemblyError('ASSEMBLY.PROXY_NONE', 'No proxy given.');
    if (outcome === 'fixed') throw new AssemblyError('ASSEMBLY.PROXY_FIXED', 'Voting opened.');
    const holder = (await this.deps.repo.listVoters(assembly.id)).find((v) => v.id === outcome.holderVoterId)!;
    return { proxy: outcome, holder };
  }

  /** Registers the member present (check-in). */
  async checkIn(assembly: Assembly, member: Member | null): Promise<{ voter: Voter; already: boolean; held: Voter[] }> {
    const voter = await this.voterOf(assembly, member);
    const fresh = await this.deps.repo.checkIn(assembly.id, voter.id, this.deps.clock.now());
    return { voter, already: !fresh, held: await this.heldBy(assembly, voter) };
  }

  /** The chair opens an item for live voting. @throws AssemblyError `ASSEMBLY.NO_SNAPSHOT`, `ASSEMBLY.ALREADY_OPEN`, `ASSEMBLY.ITEM_CLOSED` */
  async open(assembly: Assembly, item: AgendaItem): Promise<AgendaItem> {
    if (!assembly.snapshotAt) throw new AssemblyError('ASSEMBLY.NO_SNAPSHOT', 'No register yet.');
    if (item.status === 'closed') throw new AssemblyError('ASSEMBLY.ITEM_CLOSED', 'Closed.', { params: { title: item.title } });
    if (!(await this.deps.repo.openItem(item.id, this.deps.clock.now()))) throw new AssemblyError('ASSEMBLY.ALREADY_OPEN', 'Open already.', { params: { title: item.title } });
    return (await this.deps.repo.findItem(item.id))!;
  }

  /**
   * Records a vote: the member's own, or for a voter whose proxy they hold (`forVoterId`). Returns the
   * receipt of a secret ballot (shown only to the voter). @throws AssemblyError (the refusals above)
   */
  async vote(input: { organizationId: string; itemId: string; member: Member | null; choiceIndex: number; forVoterId: string | null }): Promise<{ item: AgendaItem; voter: Voter; byProxy: boolean; early: boolean; choice: string; receipt: string | null }> {
    const item = await this.deps.repo.findItem(input.itemId);
    const assembly = item ? await this.deps.repo.findById(item.assemblyId) : null;
    if (!item || !assembly || assembly.organizationId !== input.organizationId) throw new AssemblyError('ASSEMBLY.ITEM_NOT_FOUND', 'No such item.', { params: { position: '?' } });
    const now = this.deps.clock.now();
    if (item.status === 'closed' || this.closing.has(item.id)) throw new AssemblyError('ASSEMBLY.ITEM_CLOSED', 'Closed.', { params: { title: item.title } });
    const early = item.status === 'pending';
    if (early && !earlyVotingOpen(assembly, now)) throw new AssemblyError('ASSEMBLY.ITEM_NOT_OPEN', 'Not open.', { params: { title: item.title } });
    const caster = await this.voterOf(assembly, input.member);
    const choice = item.choices[input.choiceIndex];
    if (choice === undefined) throw new AssemblyError('ASSEMBLY.BAD_CHOICE', 'No such choice.');
    const [proxies, voters] = await Promise.all([this.deps.repo.listProxies(assembly.id), this.deps.repo.listVoters(assembly.id)]);
    const name = (id: string) => voters.find((v) => v.id === id)?.name ?? '?';
    let voter = caster;
    if (input.forVoterId !== null && input.forVoterId !== caster.id) {
      if (!proxies.some((p) => p.holderVoterId === caster.id && p.grantorVoterId === input.forVoterId)) throw new AssemblyError('ASSEMBLY.NO_PROXY_HELD', 'No proxy held.', { params: { name: name(input.forVoterId) } });
      voter = voters.find((v) => v.id === input.forVoterId)!;
    } else {
      const given = proxies.find((p) => p.grantorVoterId === caster.id);
      if (given) throw new AssemblyError('ASSEMBLY.VOTE_BY_PROXY', 'Gave a proxy.', { params: { name: name(given.holderVoterId) } });
    }
    if (!early && !(await this.deps.repo.listCheckIns(assembly.id)).includes(caster.id)) throw new AssemblyError('ASSEMBLY.NOT_CHECKED_IN', 'Check in first.', { params: { title: assembly.title } });
    if (this.closing.has(item.id)) throw new AssemblyError('ASSEMBLY.ITEM_CLOSED', 'Closed.', { params: { title: item.title } });
    this.inFlight.set(item.id, (this.inFlight.get(item.id) ?? 0) + 1);
    try {
      const outcome = await this.deps.repo.recordVote({ itemId: item.id, voterId: voter.id, castByVoterId: caster.id, early, choice: item.secret ? null : choice, weight: voter.weight, at: now });
      if (outcome === 'already') throw new AssemblyError('ASSEMBLY.ALREADY_VOTED', 'Voted already.', { params: { name: voter.name, title: item.title } });
      if (outcome === 'not_open') throw new AssemblyError('ASSEMBLY.ITEM_CLOSED', 'Closed.', { params: { title: item.title } });
      let receipt: string | null = null;
      if (item.secret) {
        receipt = newReceipt();
        this.deps.box.put(item.id, { receipt, choice, weight: voter.weight });
      }
      return { item, voter, byProxy: voter.id !== caster.id, early, choice, receipt };
    } finally {
      this.settle(item.id);
    }
  }

  /**
   * The chair closes an item: the sealed ballots (secret) or the roll-call (open) are counted with the
   * presence and proxies of now, and the result is stored. @throws AssemblyError `ASSEMBLY.ITEM_NOT_OPEN`, `ASSEMBLY.BALLOTS_LOST`
   */
  async close(assembly: Assembly, item: AgendaItem): Promise<{ item: AgendaItem; result: ItemResult }> {
    if (item.status !== 'open' || this.closing.has(item.id)) throw new AssemblyError(item.status === 'closed' ? 'ASSEMBLY.ITEM_CLOSED' : 'ASSEMBLY.ITEM_NOT_OPEN', 'Not open.', { params: { title: item.title } });
    this.closing.add(item.id);
    try {
      await this.drain(item.id);
      const [hasVoted, voters, proxies, checkIns, early] = await Promise.all([
        this.deps.repo.listHasVoted(item.id),
        this.deps.repo.listVoters(assembly.id),
        this.deps.repo.listProxies(assembly.id),
        this.deps.repo.listCheckIns(assembly.id),
        this.deps.repo.listEarlyVoters(assembly.id),
      ]);
      const ballots = item.secret ? this.deps.box.take(item.id) : await this.deps.repo.listOpenVotes(item.id);
      if (item.secret && ballots.length !== hasVoted.length) {
        await this.deps.repo.resetVotes(item.id);
        throw new AssemblyError('ASSEMBLY.BALLOTS_LOST', 'Sealed ballots lost.', { params: { title: item.title, lost: hasVoted.length - ballots.length } });
      }
      const present = presentOrRepresented({ checkedIn: new Set(checkIns), votedEarly: new Set(early), proxies }).size;
      const result = itemResult({
        item,
        ballots,
        voters,
        present,
        byProxy: hasVoted.filter((h) => h.castByVoterId !== h.voterId).length,
        early: hasVoted.filter((h) => h.early).length,
        quorum: assembly.quorum,
      });
      const sealed = item.secret ? (ballots as SealedBallot[]) : [];
      try {
        if (!(await this.deps.repo.closeItem(item.id, this.deps.clock.now(), result, sealed))) throw new AssemblyError('ASSEMBLY.ITEM_CLOSED', 'Closed.', { params: { title: item.title } });
      } catch (err) {
        // Not stored: the ballots go back into the box, so closing can be tried again.
        for (const b of sealed) this.deps.box.put(item.id, b);
        throw err;
      }
      const closed = (await this.deps.repo.findItem(item.id))!;
      await this.deps.bus?.publish('assembly.item-closed', {
        organizationId: assembly.organizationId,
        assemblyId: assembly.id,
        assemblyTitle: assembly.title,
        itemId: item.id,
        position: item.position,
        title: item.title,
        kind: item.kind,
        secret: item.secret,
        closedAt: closed.closedAt!,
        counts: result.counts.map((c) => ({ ...c })),
        ballots: result.ballots,
        turnoutPercent: result.turnoutPercent,
        present: result.present,
        quorumRequired: result.quorumRequired,
        quorumReached: result.quorumReached,
        adopted: result.adopted,
        elected: result.elected,
      });
      return { item: closed, result };
    } finally {
      this.closing.delete(item.id);
    }
  }

  /** What the member may vote on now, and for whom. */
  async ballotSheet(assembly: Assembly, member: Member | null): Promise<BallotSheet> {
    const voter = await this.voterOf(assembly, member);
    const now = this.deps.clock.now();
    const [items, proxies, voters] = await Promise.all([this.deps.repo.listItems(assembly.id), this.deps.repo.listProxies(assembly.id), this.deps.repo.listVoters(assembly.id)]);
    const byId = new Map(voters.map((v) => [v.id, v]));
    const given = proxies.find((p) => p.grantorVoterId === voter.id);
    const forWhom = [...(given ? [] : [voter]), ...proxies.filter((p) => p.holderVoterId === voter.id).map((p) => byId.get(p.grantorVoterId)!)];
    const open = items.filter((i) => i.status === 'open' || (i.status === 'pending' && earlyVotingOpen(assembly, now)));
    const sheet: BallotSheet['items'] = [];
    for (const item of open) {
      const done = new Set((await this.deps.repo.listHasVoted(item.id)).map((h) => h.voterId));
      sheet.push({ item, early: item.status === 'pending', for: forWhom.map((v) => ({ voter: v, self: v.id === voter.id, voted: done.has(v.id) })) });
    }
    return { assembly, voter, items: sheet, gaveProxyTo: given ? byId.get(given.holderVoterId)! : null };
  }

  /** Presence, quorum and ballots so far (shown live). */
  async status(assembly: Assembly): Promise<AssemblyStatus> {
    const [items, voters, proxies, checkIns, early] = await Promise.all([
      this.deps.repo.listItems(assembly.id),
      this.deps.repo.listVoters(assembly.id),
      this.deps.repo.listProxies(assembly.id),
      this.deps.repo.listCheckIns(assembly.id),
      this.deps.repo.listEarlyVoters(assembly.id),
    ]);
    const present = presentOrRepresented({ checkedIn: new Set(checkIns), votedEarly: new Set(early), proxies }).size;
    const required = quorumRequired(assembly.quorum, voters.length);
    const ballots: Record<string, number> = {};
    for (const item of items) ballots[item.id] = item.result?.ballots ?? (await this.deps.repo.listHasVoted(item.id)).length;
    return { assembly, items, eligible: voters.length, checkedIn: checkIns.length, present, quorumRequired: required, quorumReached: present >= required, proxies: proxies.length, ballots };
  }

  /** The published result: items, receipts of the secret ones, proxies and how often each was used. */
  async results(assembly: Assembly): Promise<AssemblyResults> {
    const [items, voters, proxies] = await Promise.all([this.deps.repo.listItems(assembly.id), this.deps.repo.listVoters(assembly.id), this.deps.repo.listProxies(assembly.id, { all: true })]);
    const byId = new Map(voters.map((v) => [v.id, v]));
    const used = new Map<string, number>();
    const out: AssemblyResults['items'] = [];
    for (const item of items) {
      for (const h of await this.deps.repo.listHasVoted(item.id)) if (h.castByVoterId !== h.voterId) used.set(`${h.voterId}>${h.castByVoterId}`, (used.get(`${h.voterId}>${h.castByVoterId}`) ?? 0) + 1);
      out.push({ item, result: item.result, receipts: item.secret && item.status === 'closed' ? await this.deps.repo.listSealedBallots(item.id) : [] });
    }
    return {
      assembly,
      items: out,
      voters,
      proxies: proxies
        .filter((p) => p.revokedAt === null)
        .map((p) => ({ grantor: byId.get(p.grantorVoterId)!, holder: byId.get(p.holderVoterId)!, used: used.get(`${p.grantorVoterId}>${p.holderVoterId}`) ?? 0 })),
    };
  }

  private async heldBy(assembly: Assembly, voter: Voter): Promise<Voter[]> {
    const [proxies, voters] = await Promise.all([this.deps.repo.listProxies(assembly.id), this.deps.repo.listVoters(assembly.id)]);
    return proxies.filter((p) => p.holderVoterId === voter.id).map((p) => voters.find((v) => v.id === p.grantorVoterId)!);
  }

  private settle(itemId: string): void {
    const n = (this.inFlight.get(itemId) ?? 1) - 1;
    if (n > 0) return void this.inFlight.set(itemId, n);
    this.inFlight.delete(itemId);
    for (const resolve of this.drained.get(itemId) ?? []) resolve();
    this.drained.delete(itemId);
  }

  private drain(itemId: string): Promise<void> {
    if (!this.inFlight.get(itemId)) return Promise.resolve();
    return new Promise((resolve) => this.drained.set(itemId, [...(this.drained.get(itemId) ?? []), resolve]));
  }
}
