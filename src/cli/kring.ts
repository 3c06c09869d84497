import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { LogMailer } from '../infra/mail/log.mailer.js';
import { isMembershipError } from '../capabilities/membership/domain/membership.errors.js';
import { MemberImportService, type ImportReport } from '../capabilities/membership/domain/member-import.service.js';
import { parseRoles, parseStatus } from '../capabilities/membership/domain/member-csv.js';
import { MEMBER_ROLES, type Member, type MemberStatus, type Organization } from '../kernel/community.js';
import { MembershipService } from '../capabilities/membership/domain/membership.service.js';
import { KringError, ValidationError } from '../kernel/errors.js';
import { systemClock } from '../kernel/clock.js';
import { LOCALES, slugSchema, type Locale } from '../kernel/types.js';
import { openDatabase, type Database } from '../infra/database/database.js';
import { createPrismaRepositories } from '../infra/database/directory.js';
import type { Repositories } from '../kernel/ports/directory.js';
import { formatCount, ImportProgressDisplay, type ProgressStream } from '../capabilities/membership/import-progress.js';
import { registerTokenCommands } from '../capabilities/api-tokens/cli.js';
import { registerDiscordCommand } from './discord.command.js';
import { registerPollCommands } from '../capabilities/polls/cli.js';
import { registerNewsCommands } from '../capabilities/news/cli.js';

/**
 * `kring`: the operator's command line (organisations, member imports and lists, API tokens, webhooks, polls,
 * news).
 * Exit codes: 0 done, 1 done but some CSV rows were skipped, 2 usage error or failure (nothing done).
 * Human output goes to stdout, progress and errors to stderr.
 */

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, rowErrors: 1, usage: 2 } as const;

/** Row errors listed after an import; the rest are counted. */
const LISTED_ERRORS = 50;

/** What the CLI writes to and reads from (process streams in production, buffers in tests). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
}

/**
 * The CLI's one way to the database. The parsed config (src/config/env.ts `loadConfig`) gives the same two
 * values; swapping to it is this one line.
 */
export async function openCliDatabase(env: Record<string, string | undefined>): Promise<Database> {
  return openDatabase({ url: env['DATABASE_URL'] || undefined, dataDir: env['KRING_DATA_DIR'] || './data' });
}

/** A mistake in how the CLI was called (exit 2), shown without a stack trace. */
class UsageError extends Error {}

/** Runs the CLI with `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let exitCode: number = EXIT.ok;
  let database: Database | undefined;
  const out = (line = ''): void => void io.stdout.write(`${line}\n`);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);

  /** Opens the database once, on first use (so `--help` never touches it). */
  const db = async (): Promise<Database> => (database ??= await openCliDatabase(io.env));
  const repos = async (): Promise<Repositories> => createPrismaRepositories((await db()).prisma);
  const findOrg = async (r: Repositories, slug: string): Promise<Organization> => {
    const org = await r.organizations.findBySlug(slug);
    if (!org) throw new UsageError(`Organisation "${slug}" does not exist. Create it with: kring org create ${slug} --name "<name>"`);
    return org;
  };

  const program = new Command('kring')
    .description('Kring: members-only community bot for associations. Operator commands.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .addHelpText(
      'after',
      '\nDatabase: DATABASE_URL (PostgreSQL) when set, else the embedded database in KRING_DATA_DIR (default ./data).\n' +
        'Exit codes: 0 done, 1 done but some CSV rows were skipped, 2 usage error or failure.',
    );

  const org = program.command('org').description('manage organisations (associations)').exitOverride();
  org
    .command('create')
    .description('create an organisation (does nothing if the slug exists)')
    .argument('<slug>', 'short name: lowercase letters, digits and dashes, e.g. "kring-utrecht"')
    .option('--name <name>', 'display name (default: the slug)')
    .addOption(new Option('--locale <locale>', 'default language').choices([...LOCALES]).default('nl'))
    .option('--timezone <zone>', 'IANA time zone', 'Europe/Amsterdam')
    .action(async (slugArg: string, opts: { name?: string; locale: Locale; timezone: string }) => {
      const parsed = slugSchema.safeParse(slugArg);
      if (!parsed.success) throw new UsageError(`Invalid slug "${slugArg}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const r = await repos();
      const existing = await r.organizations.findBySlug(parsed.data);
      if (existing) {
        out(`Organisation "${existing.slug}" exists already (${existing.name}, id ${existing.id}); nothing changed.`);
        return;
      }
      const created = await r.organizations.ensure({ slug: parsed.data, name: opts.name ?? parsed.data, defaultLocale: opts.locale, timezone: opts.timezone });
      out(`Created organisation "${created.slug}" (${created.name}, id ${created.id}).`);
    });
  org
    .command('list')
    .description('list organisations with their member counts')
    .action(async () => {
      const r = await repos();
      const orgs = await r.organizations.list();
      if (orgs.length === 0) {
        out('No organisations yet. Create one with: kring org create <slug> --name "<name>"');
        return;
      }
      const rows = await Promise.all(
        orgs.map(async (o) => [o.slug, o.name, o.defaultLocale, formatCount(await r.members.count(o.id, 'active')), formatCount(await r.members.count(o.id))]),
      );
      out(table(['SLUG', 'NAME', 'LOCALE', 'ACTIVE', 'MEMBERS'], rows));
    });

  const members = program.command('members').description('import and list members').exitOverride();
  members
    .command('import')
    .summary('import members from the member administration\'s CSV export')
    .description('Import members from the member administration\'s CSV export. Re-importing updates members by member number; it never duplicates them.')
    .addHelpText(
      'after',
      '\nColumns are found by their header name (any case), Dutch or English:\n' +
        '  lidnummer / member_number   required\n' +
        '  naam / name                 required (or voornaam + tussenvoegsel + achternaam)\n' +
        '  e-mail / email, afdeling / chapter, status, rollen / roles, taal / locale   optional\n' +
        'The separator (";" as Dutch Excel writes, "," or tab) is detected. Rows with errors are listed and\n' +
        'skipped; all other rows are imported. See examples/members.csv.',
    )
    .argument('<file>', 'CSV file (UTF-8, or see --encoding)')
    .requiredOption('--org <slug>', 'organisation to import into')
    .option('--full', 'the file lists ALL members: set active members missing from it to lapsed (never deleted); without --full they are left as they are')
    .option('--dry-run', 'check the file and show what would change, without writing')
    .addOption(new Option('--encoding <encoding>', 'file encoding (older Excel versions write windows-1252)').choices(['utf-8', 'windows-1252']).default('utf-8'))
    .option('--json', 'print the report as JSON on stdout')
    .action(async (file: string, opts: { org: string; full?: boolean; dryRun?: boolean; encoding: 'utf-8' | 'windows-1252'; json?: boolean }) => {
      await assertReadableFile(file);
      const r = await repos();
      const organization = await findOrg(r, opts.org);
      const progress = new ImportProgressDisplay(io.stderr);
      const service = new MemberImportService({ repos: r });
      let report: ImportReport;
      try {
        report = await service.importCsv(createReadStream(file, { highWaterMark: 256 * 1024 }), {
          organizationId: organization.id,
          mode: opts.full ? 'full' : 'partial',
          dryRun: opts.dryRun === true,
          encoding: opts.encoding,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.finish();
      }
      if (opts.json) out(JSON.stringify(report, null, 2));
      else printReport(out, report, basename(file), organization, progress.elapsedSeconds());
      if (report.errorCount > 0) exitCode = EXIT.rowErrors;
    });
  members
    .command('list')
    .description('list members, ordered by member number')
    .requiredOption('--org <slug>', 'organisation')
    .option('--status <status>', 'only this status: active, lapsed or left (Dutch words work too)')
    .option('--limit <n>', 'how many to show', '50')
    .option('--after <member-number>', 'continue after this member number')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; status?: string; limit: string; after?: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, not "${opts.limit}"`);
      const status = opts.status === undefined ? undefined : parseStatusOption(opts.status);
      const r = await repos();
      const organization = await findOrg(r, opts.org);
      const found = await listMembers(r, organization.id, limit, status, opts.after);
      if (opts.json) {
        out(JSON.stringify(found, null, 2));
        return;
      }
      const chapters = new Map((await r.chapters.list(organization.id)).map((c) => [c.id, c.name]));
      const total = await r.members.count(organization.id, status);
      if (found.length === 0) {
        out(total === 0 ? `No members${status ? ` with status ${status}` : ''} in "${organization.slug}". Import them with: kring members import <file.csv> --org ${organization.slug}` : 'No more members.');
        return;
      }
      out(table(['NUMBER', 'NAME', 'E-MAIL', 'STATUS', 'ROLES', 'CHAPTER'], found.map((m) => [
        m.memberNumber, m.name, m.email ?? '', m.status, m.roles.join(','), m.chapterId ? chapters.get(m.chapterId) ?? '' : '',
      ])));
      const last = found[found.length - 1]!;
      out(`\n${formatCount(found.length)} shown of ${formatCount(total)}${status ? ` ${status}` : ''} members.${found.length === limit ? ` More: --after ${last.memberNumber}` : ''}`);
    });
  members
    .command('set-status')
    .summary('change one member\'s status')
    .description('Change one member\'s status. The next import from the member administration may change it back.')
    .argument('<member-number>')
    .argument('<status>', 'active, lapsed or left (Dutch words work too)')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (memberNumber: string, statusArg: string, opts: { org: string }) => {
      const status = parseStatusOption(statusArg);
      const r = await repos();
      const { organization, member } = await findMember(r, opts.org, memberNumber);
      const updated = await membershipService(r).setStatus(organization.id, member.id, status);
      out(`Member ${updated.memberNumber} (${updated.name}) is now ${updated.status}.`);
    });
  members
    .command('set-roles')
    .summary('replace one member\'s roles')
    .description('Replace one member\'s roles, e.g. "manager" to let them post news and polls. An import with a roles column overwrites this.')
    .argument('<member-number>')
    .argument('<roles...>', `roles: ${MEMBER_ROLES.join(', ')} (Dutch words work too); "member" is always kept`)
    .requiredOption('--org <slug>', 'organisation')
    .action(async (memberNumber: string, roleWords: string[], opts: { org: string }) => {
      const parsed = parseRoles(roleWords.join(' '));
      if ('unknown' in parsed) throw new UsageError(`Unknown role(s): ${parsed.unknown.join(', ')}. Roles: ${MEMBER_ROLES.join(', ')}`);
      const r = await repos();
      const { organization, member } = await findMember(r, opts.org, memberNumber);
      const updated = await membershipService(r).setRoles(organization.id, member.id, parsed.roles);
      out(`Member ${updated.memberNumber} (${updated.name}) now has roles: ${updated.roles.join(', ')}.`);
    });

  registerTokenCommands(program, { database: db, out });
  registerDiscordCommand(program, { env: io.env });
  registerPollCommands(program, { database: db, out, err, write: (s) => void io.stdout.write(s), env: io.env });
  registerNewsCommands(program, { database: db, out, err, write: (s) => void io.stdout.write(s), env: io.env });

  async function findMember(r: Repositories, slug: string, memberNumber: string): Promise<{ organization: Organization; member: Member }> {
    const organization = await findOrg(r, slug);
    const member = await r.members.findByNumber(organization.id, memberNumber);
    if (!member) throw new UsageError(`No member ${memberNumber} in "${slug}".`);
    return { organization, member };
  }

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    exitCode = handleError(error, err, io.env);
  } finally {
    await database?.close().catch((e: unknown) => err(`warning: closing the database failed: ${(e as Error).message}`));
  }
  return exitCode;
}

/** Maps a thrown error onto a message on stderr and an exit code. */
function handleError(error: unknown, err: (line: string) => void, env: Record<string, string | undefined>): number {
  if (error instanceof CommanderError) {
    // Commander printed its own message (or the help) already.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    err(`error: ${error.message}`);
  } else if (isMembershipError(error) || error instanceof ValidationError) {
    err(`error: ${error.message}`);
  } else if (error instanceof KringError) {
    err(`error: ${error.code}: ${error.message}`);
  } else {
    err(`error: ${(error as Error)?.message ?? String(error)}`);
    if (env['KRING_DEBUG']) err((error as Error)?.stack ?? '');
    else err('(set KRING_DEBUG=1 for details)');
  }
  return EXIT.usage;
}

/** The membership service for manager actions from the CLI; it sends no e-mail, so the log mailer is enough. */
function membershipService(repos: Repositories): MembershipService {
  return new MembershipService({ repos, mailer: new LogMailer(), clock: systemClock });
}

/** Resolves when `file` is a regular file; otherwise a usage error saying why not. */
async function assertReadableFile(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!info.isFile()) throw new UsageError(`Cannot read ${file}: not a file`);
}

function parseStatusOption(value: string): MemberStatus {
  const status = value.trim() === '' ? undefined : parseStatus(value);
  if (!status) throw new UsageError(`Unknown status "${value}". Use active, lapsed or left (actief, verlopen, opgezegd).`);
  return status;
}

/** Keyset pages of at most 1000 until `limit` members are found. */
async function listMembers(r: Repositories, organizationId: string, limit: number, status: MemberStatus | undefined, after: string | undefined): Promise<Member[]> {
  const found: Member[] = [];
  let cursor = after;
  while (found.length < limit) {
    const pageSize = Math.min(1000, limit - found.length);
    const page = await r.members.list(organizationId, { limit: pageSize, ...(status ? { status } : {}), ...(cursor === undefined ? {} : { after: cursor }) });
    found.push(...page);
    if (page.length < pageSize) break;
    cursor = page[page.length - 1]!.memberNumber;
  }
  return found;
}

function printReport(out: (line?: string) => void, report: ImportReport, file: string, organization: Organization, seconds: number): void {
  const verb = report.dryRun ? 'Checked (dry run, nothing written)' : 'Imported';
  out(`${verb}: ${file} into "${organization.slug}", ${report.mode} import.`);
  if (report.mode === 'partial') out('Members missing from the file were left as they are (use --full to lapse them).');
  const would = report.dryRun ? ' (would be)' : '';
  const lines: [string, number][] = [
    ['rows read', report.rows], [`created${would}`, report.created], [`updated${would}`, report.updated],
    ['unchanged', report.unchanged], [`lapsed${would}`, report.lapsed], ['rows with errors', new Set(report.errors.map((e) => e.line)).size],
  ];
  for (const [label, n] of lines) out(`  ${label.padEnd(22)} ${formatCount(n).padStart(9)}`);
  if (report.ignoredColumns.length > 0) out(`Ignored columns: ${report.ignoredColumns.join(', ')}`);
  const rate = seconds > 0 ? Math.round(report.rows / seconds) : report.rows;
  out(`Took ${seconds.toFixed(1)} s (${formatCount(rate)} rows/s).`);
  if (report.errorCount === 0) return;
  out('');
  out(`${formatCount(report.errorCount)} problem(s); these rows were skipped, all other rows were imported:`);
  for (const e of report.errors.slice(0, LISTED_ERRORS)) {
    const who = e.memberNumber ? ` (member ${e.memberNumber})` : '';
    out(`  line ${e.line}${who}: ${e.field ? `${e.field}: ` : ''}${e.message}`);
  }
  if (report.errorCount > LISTED_ERRORS) out(`  ... and ${formatCount(report.errorCount - LISTED_ERRORS)} more (use --json for all).`);
}

/** A plain left-aligned text table. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** True when this module is the program (`tsx src/cli/kring.ts`, `node dist/src/cli/kring.js`), not imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  try {
    return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

// bin/kring.mjs imports main() instead.
if (isEntryPoint()) process.exitCode = await main(process.argv);
