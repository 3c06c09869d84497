import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import type { TextKey } from './i18n.js';

/** Converts zod issues into our field issues (paths dotted). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema`; on failure throws our {@link ValidationError} listing every bad field.
 * The one place where a ZodError becomes a Kring error.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, messageKey?: TextKey): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(toFieldIssues(result.error), {
      cause: result.error,
      ...(messageKey === undefined ? {} : { messageKey }),
    });
  }
  return result.data;
}
