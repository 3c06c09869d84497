import { ConflictError, KringError, NotFoundError } from '../../../kernel/errors.js';

/**
 * Every error the meet-ups capability raises, with the catalogue key of the text a person sees (texts in
 * i18n/{en,nl}.ts). Codes are stable: logged, asserted by tests, returned by the admin API.
 */
export const MEETUP_ERRORS = {
  /** No meet-up with that id (or id prefix) in this organisation. */
  'MEETUP.NOT_FOUND': 'meetups.errors.notFound',
  /** An id prefix matches several meet-ups; params `{ id }`. */
  'MEETUP.AMBIGUOUS_ID': 'meetups.errors.ambiguousId',
  /** The chat account is not linked to a member (the RSVP action answers with an invitation instead). */
  'MEETUP.NOT_LINKED': 'meetups.linkInvite',
  /** The member is not active (lapsed, left). */
  'MEETUP.NOT_ACTIVE': 'meetups.errors.notActive',
  /** The member is not in the meet-up's audience. */
  'MEETUP.NOT_IN_AUDIENCE': 'meetups.errors.notInAudience',
  /** The meet-up is cancelled. */
  'MEETUP.CANCELLED': 'meetups.errors.cancelled',
  /** The RSVP deadline has passed. */
  'MEETUP.RSVP_CLOSED': 'meetups.errors.rsvpClosed',
  /** The meet-up has started: answers are no longer taken. */
  'MEETUP.STARTED': 'meetups.errors.started',
  /** More guests than the meet-up allows; params `{ count }` (the maximum). */
  'MEETUP.TOO_MANY_GUESTS': 'meetups.errors.tooManyGuests',
  /** A confirmed member's added guests do not fit; params `{ free }`. */
  'MEETUP.NO_ROOM_FOR_GUESTS': 'meetups.errors.noRoomForGuests',
  /** The start lies in the past. */
  'MEETUP.START_PASSED': 'meetups.errors.startPassed',
  /** The end is not after the start. */
  'MEETUP.END_BEFORE_START': 'meetups.errors.endBeforeStart',
  /** The meet-up would last longer than the limit. */
  'MEETUP.TOO_LONG': 'meetups.errors.tooLong',
  /** The RSVP deadline is in the past or after the start. */
  'MEETUP.BAD_DEADLINE': 'meetups.errors.badDeadline',
  /** The capacity would be lowered below the places taken; params `{ taken }`. */
  'MEETUP.CAPACITY_BELOW_TAKEN': 'meetups.errors.capacityBelowTaken',
  /** Changing or cancelling a meet-up that is cancelled already. */
  'MEETUP.ALREADY_CANCELLED': 'meetups.errors.alreadyCancelled',
  /** Changing a meet-up that has ended. */
  'MEETUP.ENDED': 'meetups.errors.ended',
  /** No meet-up of the organisation has this check-in code open now. */
  'MEETUP.BAD_CODE': 'meetups.errors.badCode',
  /** The calendar feed link is unknown or revoked. */
  'MEETUP.FEED_NOT_FOUND': 'meetups.errors.feedNotFound',
  /** A suggestion threshold that is not a whole number in range; params `{ min, max }`. */
  'MEETUP.BAD_THRESHOLD': 'meetups.errors.badThreshold',
} as const;

/** The stable codes of {@link MeetupError}. */
export type MeetupErrorCode = keyof typeof MEETUP_ERRORS;

/** An error of the meet-ups capability; `code` is one of {@link MEETUP_ERRORS}. */
export class MeetupError extends KringError {
  declare readonly code: MeetupErrorCode;

  constructor(code: MeetupErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: MEETUP_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}

/**
 * The error for `code`, of the class that says what kind it is: "not found" codes are NotFoundErrors and
 * "cancelled already" a ConflictError (the admin API answers 404 and 409), the rest MeetupErrors (422).
 * Every one carries the catalogue key of its text.
 */
export function meetupError(code: MeetupErrorCode, message: string, params: Record<string, string | number> = {}): KringError {
  const options = { messageKey: MEETUP_ERRORS[code], params };
  if (code === 'MEETUP.NOT_FOUND' || code === 'MEETUP.AMBIGUOUS_ID' || code === 'MEETUP.FEED_NOT_FOUND') return new NotFoundError(code, message, options);
  if (code === 'MEETUP.ALREADY_CANCELLED') return new ConflictError(code, message, options);
  return new MeetupError(code, message, { params });
}

/** True when `error` is one of this capability's errors (with this code, when given). */
export function isMeetupError(error: unknown, code?: MeetupErrorCode): error is KringError {
  return error instanceof KringError && error.code.startsWith('MEETUP.') && (code === undefined || error.code === code);
}
