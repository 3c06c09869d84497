import type { MemberRepository } from '../../../kernel/ports/directory.js';
import { ValidationError, type FieldIssue } from '../../../kernel/errors.js';
import type { Locale } from '../../../kernel/types.js';
import type { ImportReport, MemberImportService } from './member-import.service.js';
import type { Member, MemberRole, MemberStatus } from '../../../kernel/community.js';

/**
 * Member administration pushed through the API (one member, or the full list), applied by the very code
 * that imports the CSV export: {@link MemberImportService}. The records are written as a CSV stream and
 * imported, so chapters are created on first sight, a full list lapses the absentees, and every member
 * who loses access publishes `member.lapsed` (platform access removal) exactly as `kring members import` does.
 * The API validates the JSON first with the same limits, so the importer's row errors never happen in
 * practice; if one does, it becomes a ValidationError with the JSON path of the record.
 *
 * TODO(membership): once MemberImportService exposes a row-based entry point (the CSV path already
 * validates into rows), call it directly and drop the CSV writing below.
 */

/** One member as the association's administration describes it. */
export interface MemberRecord {
  memberNumber: string;
  name: string;
  email: string | null;
  status: MemberStatus;
  roles: MemberRole[];
  /** Chapter (afdeling) name; created when new. */
  chapter: string | null;
  /** Absent (or undefined): keep the stored language. */
  locale?: Locale | null | undefined;
}

/** What a sync did (or, in a dry run, would do). */
export interface MemberSyncReport {
  dryRun: boolean;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Active members absent from the list, now lapsed. */
  lapsed: number;
}

export interface MemberSyncDeps {
  importer: Pick<MemberImportService, 'importCsv'>;
  members: Pick<MemberRepository, 'findByNumber' | 'list'>;
}

const COLUMNS = ['member_number', 'name', 'email', 'chapter', 'status', 'roles'] as const;
/** Lines per chunk handed to the importer (it batches writes itself). */
const LINES_PER_CHUNK = 500;

/** A CSV cell, always quoted (quotes doubled), so commas, semicolons and quotes in names survive. */
function cell(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function line(record: MemberRecord, withLocale: boolean): string {
  const cells = [record.memberNumber, record.name, record.email ?? '', record.chapter ?? '', record.status, record.roles.join(' ')];
  if (withLocale) cells.push(record.locale ?? '');
  return cells.map(cell).join(',');
}

async function* csv(records: readonly MemberRecord[], withLocale: boolean): AsyncGenerator<string> {
  yield `${[...COLUMNS, ...(withLocale ? ['locale'] : [])].map(cell).join(',')}\n`;
  for (let i = 0; i < records.length; i += LINES_PER_CHUNK) {
    yield `${records.slice(i, i + LINES_PER_CHUNK).map((r) => line(r, withLocale)).join('\n')}\n`;
  }
}

/** Applies member records through the CSV importer; see the module comment. */
export class MemberSyncService {
  constructor(private readonly deps: MemberSyncDeps) {}

  /**
   * Inserts or updates one member (by member number). Setting an active member's status to `lapsed` or
   * `left` removes their platform access. @throws ValidationError; MembershipError `ORGANIZATION_NOT_FOUND`.
   */
  async upsert(organizationId: string, record: MemberRecord): Promise<{ member: Member; created: boolean }> {
    const report = await this.run(organizationId, [record], { mode: 'partial', dryRun: false }, (field) => field);
    const member = await this.deps.members.findByNumber(organizationId, record.memberNumber);
    if (!member) throw new Error(`member ${record.memberNumber} missing right after its upsert`);
    return { member, created: report.created > 0 };
  }

  /**
   * Makes the stored members match `records`, the full list: creates and updates the listed members and
   * lapses every active member not listed (never deletes). @throws ValidationError; MembershipError
   * `FULL_IMPORT_EMPTY` for an empty list.
   */
  async sync(organizationId: string, records: readonly MemberRecord[], options: { dryRun?: boolean } = {}): Promise<MemberSyncReport> {
    const dryRun = options.dryRun ?? false;
    const prepared = await this.keepStoredLocales(organizationId, records);
    const report = await this.run(organizationId, prepared, { mode: 'full', dryRun }, (field, index) => `members.${index}.${field}`);
    return {
      dryRun,
      received: records.length,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      lapsed: report.lapsed,
    };
  }

  private async run(
    organizationId: string,
    records: readonly MemberRecord[],
    options: { mode: 'partial' | 'full'; dryRun: boolean },
    pathOf: (field: string, index: number) => string,
  ): Promise<ImportReport> {
    const withLocale = records.some((r) => r.locale !== undefined);
    const report = await this.deps.importer.importCsv(csv(records, withLocale), { organizationId, ...options });
    if (report.errorCount > 0) {
      const issues: FieldIssue[] = report.errors.map((e) => ({
        // Data rows start on line 2 and never span lines (the API refuses control characters).
        path: pathOf(e.field ?? '', e.line - 2).replace(/\.$/, ''),
        message: e.message,
      }));
      throw new ValidationError(issues);
    }
    return report;
  }

  /**
   * CSV has no "absent" cell: when some records give a language and others do not, the others get their
   * stored language, so leaving `locale` out keeps it, as it does for a single upsert.
   */
  private async keepStoredLocales(organizationId: string, records: readonly MemberRecord[]): Promise<readonly MemberRecord[]> {
    const missing = records.filter((r) => r.locale === undefined).length;
    if (missing === 0 || missing === records.length) return records;
    const stored = new Map<string, Locale | null>();
    for (let after: string | undefined; ; ) {
      const page = await this.deps.members.list(organizationId, { limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const m of page) stored.set(m.memberNumber, m.locale);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.memberNumber;
    }
    return records.map((r) => (r.locale === undefined ? { ...r, locale: stored.get(r.memberNumber) ?? null } : r));
  }
}
