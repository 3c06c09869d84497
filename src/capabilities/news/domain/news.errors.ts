import { ConflictError, KringError, NotFoundError } from '../../../kernel/errors.js';

/**
 * Errors of the news capability. Codes are stable (`NEWS.*`); message keys point into the `news.errors`
 * catalogue so managers read them in their language.
 */
export const NewsErrors = {
  /** No announcement of this organisation has that id (prefix). */
  notFound(ref: string): NotFoundError {
    return new NotFoundError('NEWS.NOT_FOUND', `No announcement matches ${ref}.`, { messageKey: 'news.errors.notFound', params: { id: ref } });
  },
  /** The prefix matches several announcements. */
  ambiguous(ref: string, candidates: string[]): KringError {
    return new KringError('NEWS.AMBIGUOUS_ID', `${ref} matches several announcements.`, {
      messageKey: 'news.errors.ambiguous',
      params: { id: ref, candidates: candidates.join(', ') },
    });
  },
  /** Nothing to send to: no connected channel (or linked member) in the audience. */
  noTargets(): KringError {
    return new KringError('NEWS.NO_TARGETS', 'The audience has no connected channel or linked member.', { messageKey: 'news.errors.noTargets' });
  },
  /** A retracted announcement cannot change any more. */
  retracted(ref: string): ConflictError {
    return new ConflictError('NEWS.RETRACTED', `Announcement ${ref} was retracted.`, { messageKey: 'news.errors.retracted', params: { id: ref } });
  },
  /** Only a draft can be published with `/kring news publish`. */
  notDraft(ref: string): ConflictError {
    return new ConflictError('NEWS.NOT_DRAFT', `Announcement ${ref} is not a draft.`, { messageKey: 'news.errors.notDraft', params: { id: ref } });
  },
  /** The publish time is not in the future (or too far ahead). */
  badPublishTime(input: string): KringError {
    return new KringError('NEWS.BAD_PUBLISH_TIME', `Cannot schedule at "${input}".`, { messageKey: 'news.errors.badPublishTime', params: { when: input } });
  },
} as const;
