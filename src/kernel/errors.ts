import type { TextKey } from './i18n.js';

/**
 * Kring's error classes. Every error has a stable `code` (logged, returned by APIs) and, when a person
 * may see it, a `messageKey` into the nl/en catalogues plus its parameters, so adapters render it in
 * the member's language. A member never sees `message` or a stack trace.
 */
export class KringError extends Error {
  /** Stable machine-readable code, e.g. `MEMBERSHIP.NOT_LINKED`. */
  readonly code: string;
  /** Catalogue key of the text a person sees; undefined for internal errors. */
  readonly messageKey: TextKey | undefined;
  /** Values interpolated into the catalogue text. */
  readonly params: Readonly<Record<string, string | number>>;

  constructor(
    code: string,
    message: string,
    options: {
      messageKey?: TextKey;
      params?: Record<string, string | number>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.messageKey = options.messageKey;
    this.params = options.params ?? {};
  }
}

/** One problem with one field of an input. */
export interface FieldIssue {
  /** Dotted path of the field (`options.0.label`), empty for the whole value. */
  path: string;
  message: string;
}

/** Input that does not satisfy its schema. Lists every bad field. */
export class ValidationError extends KringError {
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[], options: { cause?: unknown; messageKey?: TextKey } = {}) {
    super(
      'VALIDATION.FAILED',
      `Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      {
        messageKey: options.messageKey ?? 'errors.invalidInput',
        params: { details: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') },
        cause: options.cause,
      },
    );
    this.issues = issues;
  }
}

/** Something that was looked up does not exist (or is not visible to the caller). */
export class NotFoundError extends KringError {
  constructor(code: string, message: string, options: { messageKey?: TextKey; params?: Record<string, string | number> } = {}) {
    super(code, message, { messageKey: options.messageKey ?? 'errors.notFound', params: options.params ?? {} });
  }
}

/** The caller may not do this. */
export class ForbiddenError extends KringError {
  constructor(code: string, message: string, options: { messageKey?: TextKey; params?: Record<string, string | number> } = {}) {
    super(code, message, { messageKey: options.messageKey ?? 'errors.forbidden', params: options.params ?? {} });
  }
}

/** The request conflicts with the current state (e.g. already linked). */
export class ConflictError extends KringError {
  constructor(code: string, message: string, options: { messageKey?: TextKey; params?: Record<string, string | number> } = {}) {
    super(code, message, { messageKey: options.messageKey ?? 'errors.conflict', params: options.params ?? {} });
  }
}
