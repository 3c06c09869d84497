import { ConflictError, KringError, NotFoundError } from '../../../kernel/errors.js';

/**
 * Every error the connect capability raises, with the catalogue key of the text a person sees (texts in
 * i18n/{en,nl}.ts). Codes are stable: logged, asserted by tests, returned by the admin API.
 */
export const CONNECT_ERRORS = {
  /** No interest of that name on the association's list; params `{ name, known }`. */
  'CONNECT.UNKNOWN_INTEREST': 'connect.errors.unknownInterest',
  /** The interest is on the list already; params `{ name }`. */
  'CONNECT.INTEREST_EXISTS': 'connect.errors.interestExists',
  /** The list holds the most interests a select field can offer; params `{ max }`. */
  'CONNECT.TOO_MANY_INTERESTS': 'connect.errors.tooManyInterests',
  /** An interest name that is empty, too long or has a comma; params `{ max }`. */
  'CONNECT.BAD_INTEREST_NAME': 'connect.errors.badInterestName',
  /** The introduction a member wrote is over the limit; params `{ max, length }`. */
  'CONNECT.INTRO_TOO_LONG': 'connect.errors.introTooLong',
  /** A submitted profile value that is not one of the form's choices (a forged or stale form). */
  'CONNECT.BAD_CHOICE': 'connect.errors.badChoice',
  /** The chat account is not linked to an active member. */
  'CONNECT.NOT_MEMBER': 'connect.errors.notMember',
  /** A follow-up button pressed by someone who is not in that introduction. */
  'CONNECT.NOT_YOUR_INTRODUCTION': 'connect.errors.notYourIntroduction',
  /** No introduction rounds of that scope are running; params `{ scope }`. */
  'CONNECT.NO_PROGRAM': 'connect.errors.noProgram',
  /** Rounds of that scope run already; params `{ scope }`. */
  'CONNECT.PROGRAM_EXISTS': 'connect.errors.programExists',
  /** No chapter of that name; params `{ name }`. */
  'CONNECT.UNKNOWN_CHAPTER': 'connect.errors.unknownChapter',
  /** A peer-support situation that is not on the list (the text never names what was typed). */
  'CONNECT.UNKNOWN_SITUATION': 'connect.errors.unknownSituation',
  /** A peer-support answer button for a request that is not the presser's or is over. */
  'CONNECT.PEER_NOT_YOURS': 'connect.errors.peerNotYours',
  /** `/kring ask` without a topic from the list and a question; params `{ known }`. */
  'CONNECT.ASK_USAGE': 'connect.errors.askUsage',
  /** A question over the limit; params `{ max, length }`. */
  'CONNECT.QUESTION_TOO_LONG': 'connect.errors.questionTooLong',
  /** A button of a question that is not the presser's (send, cancel, "I'll help") or that is over. */
  'CONNECT.ASK_NOT_YOURS': 'connect.errors.askNotYours',
  /** `/kring intros buddy` by a member without the ambassador role. */
  'CONNECT.NOT_AMBASSADOR': 'connect.errors.notAmbassador',
  /** `/kring interests place` where the platform opens no such place (a channel on Discord: give a role). */
  'CONNECT.PLACE_NOT_SUPPORTED': 'connect.errors.placeNotSupported',
} as const;

/** The stable codes of connect errors. */
export type ConnectErrorCode = keyof typeof CONNECT_ERRORS;

/** An error of the connect capability (422 in the admin API unless {@link connectError} says otherwise). */
export class ConnectError extends KringError {
  declare readonly code: ConnectErrorCode;

  constructor(code: ConnectErrorCode, message: string, params: Record<string, string | number> = {}) {
    super(code, message, { messageKey: CONNECT_ERRORS[code], params });
  }
}

/** The error for `code`, of the class that says what kind it is (not found: 404, exists: 409, else 422). */
export function connectError(code: ConnectErrorCode, message: string, params: Record<string, string | number> = {}): KringError {
  const options = { messageKey: CONNECT_ERRORS[code], params };
  if (code === 'CONNECT.UNKNOWN_INTEREST' || code === 'CONNECT.NO_PROGRAM' || code === 'CONNECT.UNKNOWN_CHAPTER') return new NotFoundError(code, message, options);
  if (code === 'CONNECT.INTEREST_EXISTS' || code === 'CONNECT.PROGRAM_EXISTS') return new ConflictError(code, message, options);
  return new ConnectError(code, message, params);
}
