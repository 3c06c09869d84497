/**
 * Helpers for the capabilities' `cli.ts` files (and the CLI root): usage errors with exit code 2, the queue
 * refusal, tables and number formats. Output conventions: human text on stdout, errors on stderr.
 */
import type { Command } from 'commander';
import type { Organization } from './kernel/community.js';
import { KringError } from './kernel/errors.js';
import { toLocale, type Locale } from './kernel/types.js';
import type { Directory } from './kernel/ports/directory.js';

/** Help text shared by the commands that enqueue platform work. */
export const QUEUE_HELP =
  '\nChat platforms: the CLI does not post to Discord, Slack or Teams itself. It enqueues the same jobs the\n' +
  'server enqueues, and the running server\'s workers do the work:\n' +
  '  REDIS_URL set      the jobs go into the server\'s BullMQ queues (same Redis, same REDIS_PREFIX: default "kring").\n' +
  '  REDIS_URL unset    the server keeps its queue in its own process, out of the CLI\'s reach: the command\n' +
  '                     refuses (exit 2). Use the chat command or the admin API of the running server, or\n' +
  '                     pass --record-only to change the database only: copies already posted in chat are\n' +
  '                     then NOT updated or deleted (not even after a server restart), and no webhooks go out.';

/** Thrown when the CLI cannot reach the server's queue; the caller turns it into a usage error (exit 2). */
export class QueueUnavailableError extends Error {}

/** A mistake in how the CLI was called (exit 2), shown without a stack trace. */
export class UsageError extends Error {}

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

export async function findOrg(command: Command, repos: Pick<Directory, 'organizations'>, slug: string): Promise<Organization> {
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

/** A plain left-aligned text table; long cells are cut at `maxWidth` characters. */
export function table(header: string[], rows: string[][], maxWidth = 48): string {
  const widths = header.map((h, i) => Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A plain left-aligned text table, cells never cut (ids and URLs must stay whole). */
export function plainTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
