import { KringError } from '../../../kernel/errors.js';

/** Every error the assembly capability raises, with the catalogue key of the text a person sees. */
export const ASSEMBLY_ERRORS = {
  'ASSEMBLY.NOT_FOUND': 'assembly.errors.notFound',
  'ASSEMBLY.AMBIGUOUS_ID': 'assembly.errors.ambiguousId',
  'ASSEMBLY.ITEM_NOT_FOUND': 'assembly.errors.itemNotFound',
  /** Early voting starts more than 30 days before the meeting, or after it. */
  'ASSEMBLY.EARLY_TOO_SOON': 'assembly.errors.earlyTooSoon',
  /** The register of voters is frozen already (or not yet, for what needs it). */
  'ASSEMBLY.SNAPSHOT_TAKEN': 'assembly.errors.snapshotTaken',
  'ASSEMBLY.NO_SNAPSHOT': 'assembly.errors.noSnapshot',
  /** The agenda cannot change once voting opened. */
  'ASSEMBLY.VOTING_STARTED': 'assembly.errors.votingStarted',
  /** The person is not in the register of voters. */
  'ASSEMBLY.NOT_ELIGIBLE': 'assembly.errors.notEligible',
  'ASSEMBLY.NOT_LINKED': 'assembly.errors.notLinked',
  'ASSEMBLY.PROXY_HOLDER_NOT_ELIGIBLE': 'assembly.proxy.holderNotEligible',
  'ASSEMBLY.PROXY_SELF': 'assembly.proxy.self',
  'ASSEMBLY.PROXY_ALREADY_GRANTED': 'assembly.proxy.alreadyGranted',
  'ASSEMBLY.PROXY_CHAIN': 'assembly.proxy.chain',
  'ASSEMBLY.PROXY_HOLDER_FULL': 'assembly.proxy.holderFull',
  'ASSEMBLY.PROXY_NONE': 'assembly.proxy.none',
  'ASSEMBLY.PROXY_FIXED': 'assembly.proxy.fixed',
  'ASSEMBLY.UNKNOWN_MEMBER': 'assembly.errors.unknownMember',
  /** Voting on an item that is not open (and not in its early-voting window). */
  'ASSEMBLY.ITEM_NOT_OPEN': 'assembly.vote.notOpen',
  'ASSEMBLY.ITEM_CLOSED': 'assembly.vote.closed',
  'ASSEMBLY.ALREADY_OPEN': 'assembly.errors.alreadyOpen',
  'ASSEMBLY.ALREADY_VOTED': 'assembly.vote.already',
  /** The voter gave a proxy: their holder votes for them. */
  'ASSEMBLY.VOTE_BY_PROXY': 'assembly.vote.byProxy',
  /** Voting for someone whose proxy one does not hold. */
  'ASSEMBLY.NO_PROXY_HELD': 'assembly.vote.noProxyHeld',
  /** A live vote from someone who has not checked in. */
  'ASSEMBLY.NOT_CHECKED_IN': 'assembly.vote.notCheckedIn',
  'ASSEMBLY.BAD_CHOICE': 'assembly.vote.badChoice',
  /** The sealed ballots of an open secret item were lost (a restart): the item must be voted again. */
  'ASSEMBLY.BALLOTS_LOST': 'assembly.errors.ballotsLost',
} as const;

export type AssemblyErrorCode = keyof typeof ASSEMBLY_ERRORS;

/** An error of the assembly capability; `code` is one of {@link ASSEMBLY_ERRORS}. */
export class AssemblyError extends KringError {
  declare readonly code: AssemblyErrorCode;
  constructor(code: AssemblyErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: ASSEMBLY_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}
