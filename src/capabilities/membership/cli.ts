import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { formatCount, ImportProgressDisplay } from './import-progress.js';
import { CSV_ENCODINGS, parseRoles, parseStatus, type CsvEncodingOption } from './domain/member-csv.js';
import type { ImportReport } from './domain/member-import.service.js';
import { isXlsxFile, xlsxMemberText } from './domain/member-xlsx.js';
import { MEMBER_ROLES, type Member, type MemberStatus, type Organization } from '../../kernel/community.js';
import type { Directory } from '../../kernel/ports/directory.js';
import { table, UsageError } from '../../capability-cli.js';
import type { MemberImportService } from './domain/member-import.service.js';
import type { MembershipService } from './domain/membership.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type MembershipCliParts = { membership: MembershipService; importer: MemberImportService };

/**
 * `kring members import|list|set-status|set-roles`: the member administration from the command line,
 * through the same services the chat commands and the admin API use. An import that deactivates members
 * publishes `member.lapsed` as the server does; the CLI connects no platform, so a Discord member role is
 * not removed from here (access itself is refused at once: Kring decides it from its own data).
 */

/** Exit code of an import that skipped rows (src/cli/kring.ts `EXIT.rowErrors`). */
const EXIT_ROW_ERRORS = 1;

/** Row errors listed after an import; the rest are counted. */
const LISTED_ERRORS = 50;

/** Adds `members …` to the `kring` program. */
export function registerMembershipCli(program: Command, host: CliHost<MembershipCliParts>): void {
  const members = program.command('members').description('import and list members').exitOverride();
  members
    .command('import')
    .summary('import members from the member administration\'s CSV or Excel (.xlsx) export')
    .description('Import members from the member administration\'s CSV or Excel (.xlsx) export. Re-importing updates members by member number; it never duplicates them.')
    .addHelpText(
      'after',
      '\nColumns are found by their header name (any case), Dutch or English:\n' +
        '  lidnummer / member_number   required\n' +
        '  naam / name                 required (or voornaam + tussenvoegsel + achternaam)\n' +
        '  e-mail / email, afdeling / chapter, status, rollen / roles, taal / locale   optional\n' +
        'The separator (";" as Dutch Excel writes, "," or tab) is detected. Rows with errors are listed and\n' +
        'skipped; all other rows are imported. See examples/members.csv.\n' +
        'The character encoding is detected: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 as\n' +
        'Excel on Windows writes. When Kring cannot tell, it stops and asks for --encoding.\n' +
        'An Excel workbook (.xlsx) is read from its first worksheet, header row first, with the same columns and\n' +
        'checks; the report\'s line numbers are the sheet\'s row numbers.',
    )
    .argument('<file>', 'CSV file, or Excel workbook (.xlsx)')
    .requiredOption('--org <slug>', 'organisation to import into')
    .option('--full', 'the file lists ALL members: set active members missing from it to lapsed (never deleted); without --full they are left as they are')
    .option('--dry-run', 'check the file and show what would change, without writing')
    .addOption(new Option('--encoding <encoding>', 'file encoding: detected by default; Excel on Windows writes windows-1252').choices(['auto', ...CSV_ENCODINGS]).default('auto'))
    .option('--json', 'print the report as JSON on stdout')
    .action(async (file: string, opts: { org: string; full?: boolean; dryRun?: boolean; encoding: CsvEncodingOption; json?: boolean }) => {
      await assertReadableFile(file);
      const r = await host.directory();
      const organization = await findOrg(r, opts.org);
      const progress = new ImportProgressDisplay(host.stderr);
      // Lapses and reactivations reach the platforms through the server's queue (access); without REDIS_URL the
      // change is recorded and the server's daily access sweep applies it. A dry run enqueues nothing.
      const queue = opts.dryRun || !host.env['REDIS_URL']?.trim() ? await host.openQueue({ recordOnly: true }) : await host.openQueue({ recordOnly: false });
      const service = (await host.parts(queue)).importer;
      let report: ImportReport;
      let sheet: string | undefined;
      try {
        // An Excel workbook: its first sheet, read into the CSV reader's text (same headers, checks, report).
        const excel = isXlsxFile(file) ? await xlsxMemberText(await readFile(file)) : undefined;
        sheet = excel?.sheet;
        const source = excel ? oneChunk(excel.csv) : createReadStream(file, { highWaterMark: 256 * 1024 });
        report = await service.importCsv(source, {
          organizationId: organization.id,
          mode: opts.full ? 'full' : 'partial',
          dryRun: opts.dryRun === true,
          encoding: excel ? 'utf-8' : opts.encoding,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.finish();
        await queue.close();
      }
      if (opts.json) host.out(JSON.stringify(report, null, 2));
      else printReport(host.out, report, basename(file), organization, progress.elapsedSeconds(), sheet);
      if (report.errorCount > 0) host.setExitCode(EXIT_ROW_ERRORS);
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
      const r = await host.directory();
      const organization = await findOrg(r, opts.org);
      const found = await listMembers(r, organization.id, limit, status, opts.after);
      if (opts.json) {
        host.out(JSON.stringify(found, null, 2));
        return;
      }
      const chapters = new Map((await r.chapters.list(organization.id)).map((c) => [c.id, c.name]));
      const total = await r.members.count(organization.id, status);
      if (found.length === 0) {
        host.out(total === 0 ? `No members${status ? ` with status ${status}` : ''} in "${organization.slug}". Import them with: kring members import <file.csv> --org ${organization.slug}` : 'No more members.');
        return;
      }
      host.out(table(['NUMBER', 'NAME', 'E-MAIL', 'STATUS', 'ROLES', 'CHAPTER'], found.map((m) => [
        m.memberNumber, m.name, m.email ?? '', m.status, m.roles.join(','), m.chapterId ? chapters.get(m.chapterId) ?? '' : '',
      ]), 40));
      const last = found[found.length - 1]!;
      host.out(`\n${formatCount(found.length)} shown of ${formatCount(total)}${status ? ` ${status}` : ''} members.${found.length === limit ? ` More: --after ${last.memberNumber}` : ''}`);
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
      const r = await host.directory();
      const { organization, member } = await findMember(r, opts.org, memberNumber);
      const updated = await (await host.parts()).membership.setStatus(organization.id, member.id, status);
      host.out(`Member ${updated.memberNumber} (${updated.name}) is now ${updated.status}.`);
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
      const r = await host.directory();
      const { organization, member } = await findMember(r, opts.org, memberNumber);
      const updated = await (await host.parts()).membership.setRoles(organization.id, member.id, parsed.roles);
      host.out(`Member ${updated.memberNumber} (${updated.name}) now has roles: ${updated.roles.join(', ')}.`);
    });
}

async function findOrg(r: Directory, slug: string): Promise<Organization> {
  const org = await r.organizations.findBySlug(slug);
  if (!org) throw new UsageError(`Organisation "${slug}" does not exist. Create it with: kring org create ${slug} --name "<name>"`);
  return org;
}

async function findMember(r: Directory, slug: string, memberNumber: string): Promise<{ organization: Organization; member: Member }> {
  const organization = await findOrg(r, slug);
  const member = await r.members.findByNumber(organization.id, memberNumber);
  if (!member) throw new UsageError(`No member ${memberNumber} in "${slug}".`);
  return { organization, member };
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
async function listMembers(r: Directory, organizationId: string, limit: number, status: MemberStatus | undefined, after: string | undefined): Promise<Member[]> {
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

/** How the report describes the way the encoding was settled. */
const ENCODING_SOURCES = { bom: 'from its byte order mark', given: 'as given with --encoding', detected: 'detected', ascii: 'plain ASCII' } as const;

function printReport(out: (line?: string) => void, report: ImportReport, file: string, organization: Organization, seconds: number, excelSheet?: string): void {
  const verb = report.dryRun ? 'Checked (dry run, nothing written)' : 'Imported';
  out(`${verb}: ${file} into "${organization.slug}", ${report.mode} import.`);
  if (report.mode === 'partial') out('Members missing from the file were left as they are (use --full to lapse them).');
  const would = report.dryRun ? ' (would be)' : '';
  const lines: [string, number][] = [
    ['rows read', report.rows], [`created${would}`, report.created], [`updated${would}`, report.updated],
    ['unchanged', report.unchanged], [`lapsed${would}`, report.lapsed], ['rows with errors', new Set(report.errors.map((e) => e.line)).size],
  ];
  for (const [label, n] of lines) out(`  ${label.padEnd(22)} ${formatCount(n).padStart(9)}`);
  if (excelSheet !== undefined) out(`Read from the Excel workbook's first worksheet, "${excelSheet}" (line numbers are its row numbers).`);
  else if (report.encoding.source !== 'ascii') out(`Encoding: ${report.encoding.name} (${ENCODING_SOURCES[report.encoding.source]}).`);
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

/** Text as a source of one chunk (an Excel sheet read into CSV text). */
async function* oneChunk(text: string): AsyncGenerator<string> {
  yield text;
}
