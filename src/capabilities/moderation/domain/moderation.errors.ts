import { ConflictError, KringError, NotFoundError } from '../../../kernel/errors.js';

/** Every error of the moderation capability, with the catalogue key of the text a person sees. */
export const MODERATION_ERRORS = {
  /** No case with that number in this organisation. */
  'MODERATION.CASE_NOT_FOUND': 'moderation.errors.caseNotFound',
  /** The case is closed already. */
  'MODERATION.CASE_CLOSED': 'moderation.errors.caseClosed',
  /** A moderator cannot handle a case about their own message. */
  'MODERATION.OWN_CASE': 'moderation.errors.ownCase',
  /** The reported message's author is not a linked member: Kring cannot warn or suspend them. */
  'MODERATION.NO_MEMBER': 'moderation.errors.noMember',
  /** The association has no confidential counsellor (role `counsellor`). */
  'MODERATION.NO_COUNSELLOR': 'moderation.errors.noCounsellor',
  /** Only the counsellor decides a case handed to them. */
  'MODERATION.WITH_COUNSELLOR': 'moderation.errors.withCounsellor',
  /** Suspension length out of range; params `{ max }`. */
  'MODERATION.BAD_DAYS': 'moderation.errors.badDays',
  /** The platform does not let the bot remove that message. */
  'MODERATION.CANNOT_REMOVE': 'moderation.errors.cannotRemove',
} as const;

export type ModerationErrorCode = keyof typeof MODERATION_ERRORS;

/** An error of the moderation capability (the admin API answers 422 unless the class says otherwise). */
export class ModerationError extends KringError {
  declare readonly code: ModerationErrorCode;
}

/** The error for `code`, of the class that says what kind it is (not found: 404; closed: 409). */
export function moderationError(code: ModerationErrorCode, message: string, params: Record<string, string | number> = {}): KringError {
  const options = { messageKey: MODERATION_ERRORS[code], params };
  if (code === 'MODERATION.CASE_NOT_FOUND') return new NotFoundError(code, message, options);
  if (code === 'MODERATION.CASE_CLOSED' || code === 'MODERATION.WITH_COUNSELLOR') return new ConflictError(code, message, options);
  return new ModerationError(code, message, options);
}
