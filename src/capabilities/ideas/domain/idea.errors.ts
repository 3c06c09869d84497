import { KringError } from '../../../kernel/errors.js';

/** Every error the idea box raises, with the catalogue key of the text a person sees. */
export const IDEA_ERRORS = {
  'IDEA.NOT_FOUND': 'ideas.errors.notFound',
  /** The idea's text is too short or too long; params `{ max }`. */
  'IDEA.BAD_TEXT': 'ideas.errors.badText',
  'IDEA.AMBIGUOUS_ID': 'ideas.errors.ambiguousId',
  'IDEA.NOT_LINKED': 'ideas.linkInvite',
  'IDEA.NOT_ACTIVE': 'ideas.errors.notActive',
  /** Declining needs a reason. */
  'IDEA.REASON_REQUIRED': 'ideas.errors.reasonRequired',
  /** The idea has this status already. */
  'IDEA.SAME_STATUS': 'ideas.errors.sameStatus',
  /** No ideas channel is connected. */
  'IDEA.NO_CHANNEL': 'ideas.errors.noChannel',
} as const;

export type IdeaErrorCode = keyof typeof IDEA_ERRORS;

export class IdeaError extends KringError {
  declare readonly code: IdeaErrorCode;
  constructor(code: IdeaErrorCode, message: string, options: { params?: Record<string, string | number> } = {}) {
    super(code, message, { messageKey: IDEA_ERRORS[code], params: options.params ?? {} });
  }
}
