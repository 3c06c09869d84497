import { ConflictError, KringError, NotFoundError } from '../../../kernel/errors.js';

/**
 * Every error the access capability raises, with the catalogue key of the text a person sees (texts in
 * i18n/{en,nl}.ts). Codes are stable: logged, asserted by tests, returned by the admin API.
 */
export const ACCESS_ERRORS = {
  /** No place with that id (or id prefix) in this organisation. */
  'ACCESS.PLACE_NOT_FOUND': 'access.errors.placeNotFound',
  /** The platform has no members-only places of that kind (Discord: roles; Slack, Teams: channels); params `{ platform, kinds }`. */
  'ACCESS.KIND_NOT_SUPPORTED': 'access.errors.kindNotSupported',
  /** The platform is connected but cannot open and close places at all (no Graph credentials, no member role). */
  'ACCESS.PLATFORM_CANNOT': 'access.errors.platformCannot',
  /** The command must run inside the channel it is about. */
  'ACCESS.NO_CHANNEL': 'access.errors.noChannel',
  /** An audience word Kring does not know; params `{ word }`. */
  'ACCESS.BAD_AUDIENCE': 'access.errors.badAudience',
  /** A chapter of the audience does not exist; params `{ chapter, chapters }`. */
  'ACCESS.UNKNOWN_CHAPTER': 'access.errors.unknownChapter',
  /** No house rules yet. */
  'ACCESS.NO_RULES': 'access.errors.noRules',
  /** Agreeing to rules that have changed since they were shown. */
  'ACCESS.RULES_CHANGED': 'access.errors.rulesChanged',
  /** The chat account is not linked to an active member. */
  'ACCESS.NOT_MEMBER': 'errors.notMember',
  /** A member to suspend or look up does not exist. */
  'ACCESS.MEMBER_NOT_FOUND': 'access.errors.memberNotFound',
} as const;

export type AccessErrorCode = keyof typeof ACCESS_ERRORS;

/** An error of the access capability (the admin API answers 422 unless the class says otherwise). */
export class AccessError extends KringError {
  declare readonly code: AccessErrorCode;
  constructor(code: AccessErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: ACCESS_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}

/** The error for `code`, of the class that says what kind it is (not found: 404; rules changed: 409). */
export function accessError(code: AccessErrorCode, message: string, params: Record<string, string | number> = {}): KringError {
  const options = { messageKey: ACCESS_ERRORS[code], params };
  if (code === 'ACCESS.PLACE_NOT_FOUND' || code === 'ACCESS.MEMBER_NOT_FOUND' || code === 'ACCESS.NO_RULES') return new NotFoundError(code, message, options);
  if (code === 'ACCESS.RULES_CHANGED') return new ConflictError(code, message, options);
  return new AccessError(code, message, { params });
}
