import { KringError } from '../../../kernel/errors.js';

/** Every error surveys raise, with the catalogue key of the text a person sees. */
export const SURVEY_ERRORS = {
  'SURVEY.NOT_FOUND': 'surveys.errors.notFound',
  'SURVEY.AMBIGUOUS_ID': 'surveys.errors.ambiguousId',
  /** The title is too short or too long; params `{ max }`. */
  'SURVEY.BAD_TITLE': 'surveys.errors.badTitle',
  /** A question definition that does not hold; params `{ details }`. */
  'SURVEY.BAD_QUESTION': 'surveys.errors.badQuestion',
  'SURVEY.TOO_MANY_QUESTIONS': 'surveys.errors.tooManyQuestions',
  /** Questions can only be added to a draft. */
  'SURVEY.NOT_DRAFT': 'surveys.errors.notDraft',
  'SURVEY.NO_QUESTIONS': 'surveys.errors.noQuestions',
  /** Nobody in the audience can be reached by direct message. */
  'SURVEY.EMPTY_AUDIENCE': 'surveys.errors.emptyAudience',
  'SURVEY.UNKNOWN_QUESTION': 'surveys.errors.unknownQuestion',
  /** The member was not invited (or the survey is not theirs to answer). */
  'SURVEY.NOT_INVITED': 'surveys.errors.notInvited',
  'SURVEY.NOT_OPEN': 'surveys.errors.notOpen',
  'SURVEY.CLOSED': 'surveys.errors.closed',
  /** That question has an answer already (one answer per member). */
  'SURVEY.ALREADY_ANSWERED': 'surveys.errors.alreadyAnswered',
  'SURVEY.COMPLETED': 'surveys.errors.completed',
  /** An earlier question is still open; params `{ number }`. */
  'SURVEY.ANSWER_IN_ORDER': 'surveys.errors.answerInOrder',
  'SURVEY.OUT_OF_RANGE': 'surveys.errors.outOfRange',
  'SURVEY.BAD_ANSWER': 'surveys.errors.badAnswer',
  'SURVEY.BAD_TEXT': 'surveys.errors.badText',
  'SURVEY.NOT_LINKED': 'surveys.errors.notLinked',
} as const;

export type SurveyErrorCode = keyof typeof SURVEY_ERRORS;

export class SurveyError extends KringError {
  declare readonly code: SurveyErrorCode;
  constructor(code: SurveyErrorCode, message: string, options: { params?: Record<string, string | number> } = {}) {
    super(code, message, { messageKey: SURVEY_ERRORS[code], params: options.params ?? {} });
  }
}
