import { KringError } from '../../../kernel/errors.js';

/**
 * Every error the polls capability raises, with the catalogue key of the text a person sees (texts in
 * i18n/{en,nl}.ts). Codes are stable: logged, asserted by tests, returned by APIs.
 */
export const POLL_ERRORS = {
  /** No poll with that id (or id prefix) in this organisation. */
  'POLL.NOT_FOUND': 'polls.errors.notFound',
  /** An id prefix matches several polls; params `{ id }`. */
  'POLL.AMBIGUOUS_ID': 'polls.errors.ambiguousId',
  /** The poll is closed, or its deadline has passed. */
  'POLL.CLOSED': 'polls.errors.closed',
  /** The chat account is not linked to a member (the vote action answers with an invitation instead). */
  'POLL.NOT_LINKED': 'polls.linkInvite',
  /** The member is not active (lapsed, left). */
  'POLL.NOT_ACTIVE': 'polls.errors.notActive',
  /** The member is not in the poll's audience (another chapter, not the role). */
  'POLL.NOT_IN_AUDIENCE': 'polls.errors.notInAudience',
  /** The pressed option does not exist (an old or forged button). */
  'POLL.INVALID_OPTION': 'polls.errors.invalidOption',
  /** A multi-choice ballot already holds the maximum; params `{ count }` (the maximum, for plural forms). */
  'POLL.MAX_CHOICES': 'polls.errors.maxChoices',
  /** Closing a poll that is closed already. */
  'POLL.ALREADY_CLOSED': 'polls.errors.alreadyClosed',
  /** The deadline is in the past. */
  'POLL.DEADLINE_PASSED': 'polls.errors.deadlinePassed',
} as const;

/** The stable codes of {@link PollError}. */
export type PollErrorCode = keyof typeof POLL_ERRORS;

/** An error of the polls capability; `code` is one of {@link POLL_ERRORS}. */
export class PollError extends KringError {
  declare readonly code: PollErrorCode;

  constructor(code: PollErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: POLL_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}

/** True when `error` is a {@link PollError} (with this code, when given). */
export function isPollError(error: unknown, code?: PollErrorCode): error is PollError {
  return error instanceof PollError && (code === undefined || error.code === code);
}
