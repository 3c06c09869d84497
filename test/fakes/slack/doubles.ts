import type { InboundEvent, InboundHandler, Reply } from '../../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../../src/kernel/ports/logger.js';
import type { ProcessedEventRepository, Workspace, WorkspaceRepository } from '../../../src/kernel/ports/directory.js';
import type { Platform } from '../../../src/kernel/types.js';

/**
 * Small working doubles the Slack tests need around the adapter. Kept here (not in a shared fakes module)
 * so the Slack suites do not depend on work in progress elsewhere; they implement the same ports.
 */

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: Record<string, unknown>;
}

/** A Logger that keeps every line for assertions. */
export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}
  private add(level: LogLine['level'], a: object | string, b?: string): void {
    const obj = typeof a === 'string' ? {} : (a as Record<string, unknown>);
    this.lines.push({ level, msg: typeof a === 'string' ? a : (b ?? ''), obj: { ...this.bindings, ...obj } });
  }
  debug(a: object | string, b?: string): void {
    this.add('debug', a, b);
  }
  info(a: object | string, b?: string): void {
    this.add('info', a, b);
  }
  warn(a: object | string, b?: string): void {
    this.add('warn', a, b);
  }
  error(a: object | string, b?: string): void {
    this.add('error', a, b);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.lines, { ...this.bindings, ...bindings });
  }
  /** Everything logged, as one string (to check that no secret got in). */
  dump(): string {
    return JSON.stringify(this.lines, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
  }
}

export class InMemoryProcessedEventRepository implements ProcessedEventRepository {
  readonly keys = new Map<string, Date>();
  async markProcessed(key: string): Promise<boolean> {
    if (this.keys.has(key)) return false;
    this.keys.set(key, new Date());
    return true;
  }
  async prune(before: Date): Promise<number> {
    let n = 0;
    for (const [k, at] of this.keys) if (at < before && this.keys.delete(k)) n += 1;
    return n;
  }
}

export class InMemoryWorkspaceRepository implements WorkspaceRepository {
  readonly rows = new Map<string, Workspace & { installation: unknown }>();
  async findByExternalId(platform: Platform, externalId: string): Promise<Workspace | null> {
    const row = this.rows.get(`${platform}:${externalId}`);
    if (!row) return null;
    const { installation: _i, ...ws } = row;
    return ws;
  }
  async upsert(input: { organizationId: string; platform: Platform; externalId: string; name?: string | null; installation?: unknown }): Promise<Workspace> {
    const key = `${input.platform}:${input.externalId}`;
    const prev = this.rows.get(key);
    const row = {
      id: prev?.id ?? key,
      organizationId: input.organizationId,
      platform: input.platform,
      externalId: input.externalId,
      name: input.name === undefined ? (prev?.name ?? null) : input.name,
      // Stored as JSON would be: a copy, not the caller's object.
      installation: input.installation === undefined ? (prev?.installation ?? null) : JSON.parse(JSON.stringify(input.installation)),
    };
    this.rows.set(key, row);
    const { installation: _i, ...ws } = row;
    return ws;
  }
  async getInstallation(platform: Platform, externalId: string): Promise<unknown> {
    return this.rows.get(`${platform}:${externalId}`)?.installation ?? null;
  }
  async deleteInstallation(platform: Platform, externalId: string): Promise<void> {
    const row = this.rows.get(`${platform}:${externalId}`);
    if (row) row.installation = null;
  }
  async list(organizationId: string): Promise<Workspace[]> {
    return [...this.rows.values()].filter((r) => r.organizationId === organizationId).map(({ installation: _i, ...ws }) => ws);
  }
}

/** An InboundHandler that records events and answers with a fixed (or computed) reply. */
export class RecordingInboundHandler implements InboundHandler {
  readonly events: InboundEvent[] = [];
  constructor(private readonly answer: (event: InboundEvent) => Reply | undefined | Promise<Reply | undefined> = () => undefined) {}
  async handle(event: InboundEvent): Promise<Reply | undefined> {
    this.events.push(event);
    return this.answer(event);
  }
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
