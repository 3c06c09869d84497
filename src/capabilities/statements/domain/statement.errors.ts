import { KringError } from '../../../kernel/errors.js';

/** Every error the statements capability raises, with the catalogue key of the text a person sees. */
export const STATEMENT_ERRORS = {
  /** No statement with that id (or prefix) in this organisation. */
  'STATEMENT.NOT_FOUND': 'statements.errors.notFound',
  /** An id prefix matches several statements; params `{ id }`. */
  'STATEMENT.AMBIGUOUS_ID': 'statements.errors.ambiguousId',
  /** The statement is closed: no more answers. */
  'STATEMENT.CLOSED': 'statements.errors.closed',
  /** Closing a statement that is closed already. */
  'STATEMENT.ALREADY_CLOSED': 'statements.errors.alreadyClosed',
  /** The chat account is not linked to a member. */
  'STATEMENT.NOT_LINKED': 'statements.linkInvite',
  /** The member is not active (lapsed, left), or of another organisation. */
  'STATEMENT.NOT_ACTIVE': 'statements.errors.notActive',
} as const;

export type StatementErrorCode = keyof typeof STATEMENT_ERRORS;

/** An error of the statements capability; `code` is one of {@link STATEMENT_ERRORS}. */
export class StatementError extends KringError {
  declare readonly code: StatementErrorCode;
  constructor(code: StatementErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: STATEMENT_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}
