import { KringError } from '../../../kernel/errors.js';

/**
 * Every error the membership capability raises, with the catalogue key of the text a person sees.
 * Codes are stable (logged, returned by APIs, asserted by tests); keys are rendered in the member's
 * language by the adapters (nl/en texts: ./messages.ts).
 */
export const MEMBERSHIP_ERRORS = {
  /** No member with that number or e-mail address in this organisation. */
  'MEMBERSHIP.MEMBER_NOT_FOUND': 'link.memberNotFound',
  /** The member has no e-mail address, so no code can be sent. */
  'MEMBERSHIP.NO_EMAIL': 'link.noEmail',
  /** The member's status is not `active` (lapsed or left). */
  'MEMBERSHIP.NOT_ACTIVE': 'link.notActive',
  /** Several members share the e-mail address: the member number is needed. */
  'MEMBERSHIP.AMBIGUOUS_EMAIL': 'link.ambiguousEmail',
  /** The account asked too many codes in the last hour. */
  'MEMBERSHIP.TOO_MANY_CODES': 'link.tooManyCodes',
  /** This account is linked to that member already. */
  'MEMBERSHIP.ALREADY_LINKED': 'link.alreadyLinked',
  /** The e-mail with the code could not be sent (transport failure); the request was withdrawn. */
  'MEMBERSHIP.MAIL_FAILED': 'link.mailFailed',
  /** No open verification for this account (never asked, used or superseded; locked ones are `CODE_LOCKED`). */
  'MEMBERSHIP.NO_PENDING_LINK': 'link.noPending',
  /** The code's lifetime passed. */
  'MEMBERSHIP.CODE_EXPIRED': 'link.codeExpired',
  /** Wrong code; params `{ attemptsLeft }`. */
  'MEMBERSHIP.CODE_INVALID': 'link.codeInvalid',
  /** Too many wrong codes: the request is consumed, a new code must be asked. */
  'MEMBERSHIP.TOO_MANY_ATTEMPTS': 'link.tooManyAttempts',
  /** A code typed after the request was locked by wrong codes (the right one too): a new code must be asked. */
  'MEMBERSHIP.CODE_LOCKED': 'link.codeLocked',
  /** The chat account is not linked to a member. */
  'MEMBERSHIP.NOT_LINKED': 'errors.notLinked',
  /** The organisation does not exist. */
  'MEMBERSHIP.ORGANIZATION_NOT_FOUND': 'errors.notFound',
  /** A CSV import lacks required columns; params `{ missing, accepted }`. */
  'MEMBERSHIP.CSV_MISSING_COLUMNS': 'import.missingColumns',
  /** Two CSV columns map onto the same field (e.g. `naam` and `name`); params `{ field, columns }`. */
  'MEMBERSHIP.CSV_DUPLICATE_COLUMN': 'import.duplicateColumn',
  /** The CSV file is empty (no header line). */
  'MEMBERSHIP.CSV_EMPTY': 'import.empty',
  /** The CSV file cannot be parsed past a point (e.g. a quote never closed); params `{ line, reason }`. */
  'MEMBERSHIP.CSV_MALFORMED': 'import.malformed',
  /** The CSV file's encoding cannot be told with confidence (from `line` on); params `{ line }`. */
  'MEMBERSHIP.CSV_ENCODING_UNKNOWN': 'import.encodingUnknown',
  /** The CSV file is not valid in the encoding it was read in, from `line` on; params `{ line, encoding }`. */
  'MEMBERSHIP.CSV_ENCODING_INVALID': 'import.encodingInvalid',
  /** A full import without a single valid row would lapse everybody: refused. */
  'MEMBERSHIP.FULL_IMPORT_EMPTY': 'import.fullImportEmpty',
} as const;

/** The stable codes of {@link MembershipError}. */
export type MembershipErrorCode = keyof typeof MEMBERSHIP_ERRORS;

/** An error of the membership capability; `code` is one of {@link MEMBERSHIP_ERRORS}. */
export class MembershipError extends KringError {
  declare readonly code: MembershipErrorCode;

  constructor(
    code: MembershipErrorCode,
    message: string,
    options: { params?: Record<string, string | number>; cause?: unknown } = {},
  ) {
    super(code, message, { messageKey: MEMBERSHIP_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}

/** True when `error` is a {@link MembershipError} with this code. */
export function isMembershipError(error: unknown, code?: MembershipErrorCode): error is MembershipError {
  return error instanceof MembershipError && (code === undefined || error.code === code);
}
