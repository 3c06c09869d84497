import { KringError } from '../../../kernel/errors.js';

/** Every error the panel capability raises, with the catalogue key of the text a person sees. */
export const PANEL_ERRORS = {
  /** No panel has been drawn yet. */
  'PANEL.NOT_DRAWN': 'panel.errors.notDrawn',
  /** A panel of that size needs more candidates than opted in; params `{ size, available }`. */
  'PANEL.TOO_FEW': 'panel.errors.tooFew',
  /** The size is not a whole number between 1 and the limit; params `{ max }`. */
  'PANEL.BAD_SIZE': 'panel.errors.badSize',
  /** No member with that number; params `{ number }`. */
  'PANEL.UNKNOWN_MEMBER': 'panel.errors.unknownMember',
  /** The member is not active (lapsed, left); params `{ name }`. */
  'PANEL.NOT_ACTIVE': 'panel.errors.notActive',
  /** The member did not opt in; params `{ name }`. */
  'PANEL.NOT_OPTED_IN': 'panel.errors.notOptedIn',
  /** The member is on the panel already; params `{ name }`. */
  'PANEL.ALREADY_ON': 'panel.errors.alreadyOn',
  /** The member is not on the panel; params `{ name }`. */
  'PANEL.NOT_ON': 'panel.errors.notOn',
  /** The platform cannot open such a place (a channel on Discord, a role elsewhere, no channel at hand). */
  'PANEL.PLACE_NOT_SUPPORTED': 'panel.errors.placeNotSupported',
} as const;

export type PanelErrorCode = keyof typeof PANEL_ERRORS;

/** An error of the panel capability; `code` is one of {@link PANEL_ERRORS}. */
export class PanelError extends KringError {
  declare readonly code: PanelErrorCode;
  constructor(code: PanelErrorCode, message: string, options: { params?: Record<string, string | number>; cause?: unknown } = {}) {
    super(code, message, { messageKey: PANEL_ERRORS[code], params: options.params ?? {}, cause: options.cause });
  }
}
