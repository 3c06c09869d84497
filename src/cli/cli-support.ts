import type { Command } from 'commander';
import type { Organization } from '../kernel/community.js';
import { KringError } from '../kernel/errors.js';
import { toLocale, type Locale } from '../kernel/types.js';
import type { Database } from '../infra/database/database.js';
import { createPrismaRepositories } from '../infra/database/directory.js';
import type { Repositories } from '../kernel/ports/directory.js';
import { QueueUnavailableError } from './cli-queue.js';

/** What the polls and news commands need from the CLI around them (src/cli/kring.ts). */
export interface CapabilityCommandsContext {
  /** The CLI's database, opened on first use (so `--help` never touches it). */
  database(): Promise<Database>;
  /** One line on stdout. */
  out(line?: string): void;
  /** Text on stdout as it is (no line end added). */
  write(text: string): void;
  /** One line on stderr. */
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Exit code of a usage error or something not found (src/cli/kring.ts `EXIT.usage`). */
const EXIT_USAGE = 2;

/** Stops the command with `error: <message>` on stderr and exit code 2 (through commander's exitOverride). */
export function fail(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: EXIT_USAGE, code: 'kring.usage' });
}

/**
 * Runs `work`, turning the domain's "not found" / "ambiguous id" and a missing queue into a usage error
 * (exit 2) with a hint; other errors go to the CLI's handler.
 */
export async function orFail<T>(command: Command, hint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof QueueUnavailableError) fail(command, e.message);
    if (e instanceof KringError && /\.(NOT_FOUND|AMBIGUOUS_ID)$/.test(e.code)) fail(command, `${e.message} (${e.code}; ${hint})`);
    throw e;
  }
}

export async function repositories(ctx: CapabilityCommandsContext): Promise<{ db: Database; repos: Repositories }> {
  const db = await ctx.database();
  return { db, repos: createPrismaRepositories(db.prisma) };
}

export async function findOrg(command: Command, repos: Repositories, slug: string): Promise<Organization> {
  const org = await repos.organizations.findBySlug(slug);
  if (!org) fail(command, `Organisation "${slug}" does not exist (see: kring org list).`);
  return org;
}

export function localeOption(command: Command, value: string | undefined, org: Organization): Locale {
  if (value === undefined) return toLocale(org.defaultLocale) ?? 'nl';
  const locale = toLocale(value);
  if (!locale) fail(command, `Unknown language "${value}" (nl or en).`);
  return locale;
}

export function positiveInt(command: Command, value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(command, `${name} must be a positive whole number, not "${value}"`);
  return n;
}

/** `2025-03-01 14:05` (UTC) or `-`. */
export const when = (d: Date | null | undefined): string => (d ? `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '-');

/** A plain left-aligned text table; long cells are cut at 48 characters. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
