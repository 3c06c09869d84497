import type { Logger } from '../../src/kernel/ports/logger.js';

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** A logger that keeps every line, for tests that assert what was (not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; obj: object; msg: string | undefined }[] = [];
  constructor(private readonly bindings: Record<string, unknown> = {}) {}
  private push(level: string, a: object | string, b?: string) {
    if (typeof a === 'string') this.lines.push({ level, obj: { ...this.bindings }, msg: a });
    else this.lines.push({ level, obj: { ...this.bindings, ...a }, msg: b });
  }
  debug(a: object | string, b?: string) { this.push('debug', a, b); }
  info(a: object | string, b?: string) { this.push('info', a, b); }
  warn(a: object | string, b?: string) { this.push('warn', a, b); }
  error(a: object | string, b?: string) { this.push('error', a, b); }
  child(bindings: Record<string, unknown>): Logger {
    const child = new RecordingLogger({ ...this.bindings, ...bindings });
    // Share one line store with the parent.
    (child as unknown as { lines: unknown }).lines = this.lines;
    return child;
  }
  /** Everything logged, as one string (for "never logs the secret" assertions). */
  text(): string {
    return JSON.stringify(this.lines);
  }
}
