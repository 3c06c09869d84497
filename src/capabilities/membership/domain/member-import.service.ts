import type { MemberUpsert, Directory, UpsertSummary } from '../../../kernel/ports/directory.js';
import { MembershipError } from './membership.errors.js';
import type { EventBus } from '../../../kernel/events.js';
import { canonicalRoles, type Member } from '../../../kernel/community.js';
import { readMemberCsv, type CsvEncoding, type CsvEncodingOption, type CsvEncodingSource, type MemberCsvRow, type MemberCsvRowError } from './member-csv.js';

/**
 * Imports the member administration's CSV export into one organisation. Streaming: rows are read,
 * validated and written in batches, so a file of any size uses bounded memory (apart from the set of
 * member numbers a full import needs to find absentees). Idempotent on member number: re-importing updates
 * members in place and never duplicates them.
 *
 * Modes: `partial` (default) only adds and updates the members in the file; `full` also lapses every active
 * member absent from the file (never deletes). A row that fails validation still counts as "present" for a
 * full import, so a typo in someone's e-mail never costs them their access.
 */

/** `partial`: add/update the file's members. `full`: additionally lapse active members absent from the file. */
export type ImportMode = 'partial' | 'full';

/** Reported after every batch. */
export interface ImportProgress {
  /** Data rows read so far (valid or not). */
  rowsRead: number;
  /** Valid rows written (or, in a dry run, compared) so far. */
  rowsImported: number;
}

/** One problem with one row; the row was skipped, the others imported. */
export interface ImportRowError {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  memberNumber?: string;
  field?: string;
  /** `required`, `invalid`, `duplicate` or `malformed`. */
  code: string;
  /** Plain English for operators. */
  message: string;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportReport {
  mode: ImportMode;
  dryRun: boolean;
  /** Data rows in the file (header and empty lines not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Members set to lapsed because a full import did not list them. */
  lapsed: number;
  /** Row problems, in file order (at most {@link MAX_REPORTED_ERRORS}; `errorCount` has the total). */
  errors: ImportRowError[];
  errorCount: number;
  /** Header names that were not recognised and therefore ignored. */
  ignoredColumns: string[];
  delimiter: string;
  /** The encoding the file was read in, and how it was settled (`ascii`: the file has no other characters). */
  encoding: { name: CsvEncoding; source: CsvEncodingSource };
  /** Listener failures while announcing changed members (the import itself succeeded). */
  eventErrors: number;
}

export interface ImportOptions {
  organizationId: string;
  /** Default `partial`. */
  mode?: ImportMode;
  /** Validate and compare with the stored members, write nothing. */
  dryRun?: boolean;
  /** Default `auto`: detected from the bytes (see ./csv-encoding.ts). */
  encoding?: CsvEncodingOption;
  /** Rows per write (default 500). */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** Row errors kept in a report; beyond this only the count grows (a wholly broken 1M-row file stays small). */
export const MAX_REPORTED_ERRORS = 10_000;

const DEFAULT_BATCH_SIZE = 500;
/** Changed members loaded per query when their events are published. */
const ANNOUNCE_PAGE = 1000;

export interface MemberImportDeps {
  repos: Pick<Directory, 'organizations' | 'chapters' | 'members' | 'identities'>;
  /**
   * Where the import announces its changes: `member.updated` for every stored member it changed, plus
   * `member.lapsed` / `member.reactivated` for those who lost or regained access, and `members.imported`
   * per written batch with the cells of the columns membership does not read.
   */
  bus?: Pick<EventBus, 'publish'>;
}

/** Where batches go: the repositories, or (dry run) a comparison with what is stored. */
interface BatchSink {
  write(rows: readonly MemberCsvRow[]): Promise<UpsertSummary>;
  lapseAbsent(keep: ReadonlySet<string>): Promise<Member[]>;
}

/** Imports member CSV files; see the module comment for the rules. */
export class MemberImportService {
  constructor(private readonly deps: MemberImportDeps) {}

  /**
   * Imports one CSV (bytes or text chunks, e.g. a file stream). Throws a {@link MembershipError} when the
   * organisation does not exist or the file cannot be used at all (`MEMBERSHIP.CSV_*`); per-row problems
   * are in the report instead.
   */
  async importCsv(source: AsyncIterable<string | Uint8Array>, options: ImportOptions): Promise<ImportReport> {
    const { organizationId } = options;
    const organization = await this.deps.repos.organizations.findById(organizationId);
    if (!organization) {
      throw new MembershipError('MEMBERSHIP.ORGANIZATION_NOT_FOUND', `Organisation ${organizationId} does not exist.`);
    }
    const mode = options.mode ?? 'partial';
    const dryRun = options.dryRun ?? false;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const sink = dryRun ? await this.dryRunSink(organizationId) : this.repositorySink(organizationId);

    const report: ImportReport = {
      mode, dryRun, rows: 0, created: 0, updated: 0, unchanged: 0, lapsed: 0,
      errors: [], errorCount: 0, ignoredColumns: [], delimiter: ',', encoding: { name: 'utf-8', source: 'ascii' }, eventErrors: 0,
    };
    const present = new Set<string>();
    let rowsImported = 0;
    let rowsRead = 0;
    let batch: MemberCsvRow[] = [];
    const deactivated = new Set<string>();
    const reactivated = new Set<string>();
    const updated: string[] = [];

    const flush = async (): Promise<void> => {
      if (batch.length > 0) {
        const summary = await sink.write(batch);
        const extra = batch.filter((r) => r.columns !== undefined);
        if (!dryRun && this.deps.bus && extra.length > 0) {
          // The columns membership does not read, for the capabilities that do (connect: `interesses`).
          const failed = await this.deps.bus.publish('members.imported', { organizationId, rows: extra.map((r) => ({ memberNumber: r.memberNumber, columns: r.columns! })) });
          if (failed > 0) report.eventErrors += 1;
        }
        report.created += summary.created;
        report.updated += summary.updated;
        report.unchanged += summary.unchanged;
        for (const id of summary.deactivatedIds) deactivated.add(id);
        for (const id of summary.reactivatedIds) reactivated.add(id);
        updated.push(...summary.updatedIds);
        rowsImported += batch.length;
        batch = [];
      }
      options.onProgress?.({ rowsRead, rowsImported });
    };

    let lastErrorLine = 0;
    const reading = {
      ...(options.encoding ? { encoding: options.encoding } : {}),
      onEncoding: (d: { encoding: CsvEncoding; source: CsvEncodingSource }) => void (report.encoding = { name: d.encoding, source: d.source }),
    };
    for await (const item of readMemberCsv(source, reading)) {
      if (item.kind === 'header') {
        report.ignoredColumns = item.ignoredColumns;
        report.delimiter = item.delimiter;
        continue;
      }
      if (item.kind === 'error') {
        // Several errors of one row share its line: count the row once.
        if (item.line !== lastErrorLine) rowsRead++;
        lastErrorLine = item.line;
        if (item.memberNumber !== undefined) present.add(item.memberNumber);
        this.addError(report, item);
        continue;
      }
      rowsRead++;
      present.add(item.memberNumber);
      batch.push(item);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    report.rows = rowsRead;

    if (mode === 'full') {
      if (rowsImported === 0) {
        throw new MembershipError(
          'MEMBERSHIP.FULL_IMPORT_EMPTY',
          'A full import needs at least one valid row: with none, every member would lapse. Nothing was lapsed.',
        );
      }
      const lapsed = await sink.lapseAbsent(present);
      report.lapsed = lapsed.length;
      if (!dryRun) {
        for (const member of lapsed) report.eventErrors += await this.announce(member, 'member.lapsed');
      }
    }
    if (!dryRun && this.deps.bus) {
      // Loaded a page at a time: one query per page instead of one per changed member.
      for (let i = 0; i < updated.length; i += ANNOUNCE_PAGE) {
        for (const member of await this.deps.repos.members.findByIds(organizationId, updated.slice(i, i + ANNOUNCE_PAGE))) {
          const access = deactivated.has(member.id) ? 'member.lapsed' : reactivated.has(member.id) ? 'member.reactivated' : undefined;
          report.eventErrors += await this.announce(member, access);
        }
      }
    }
    return report;
  }

  private addError(report: ImportReport, error: MemberCsvRowError): void {
    report.errorCount++;
    if (report.errors.length >= MAX_REPORTED_ERRORS) return;
    const { kind: _kind, ...rest } = error;
    report.errors.push(rest);
  }

  /**
   * Publishes `member.updated` for a changed member, then `access` (`member.lapsed` / `member.reactivated`)
   * when the change took access away or gave it back; returns 1 when a listener failed (the bus logs it).
   */
  private async announce(member: Member, access: 'member.lapsed' | 'member.reactivated' | undefined): Promise<number> {
    const { bus } = this.deps;
    if (!bus) return 0;
    let failed = await bus.publish('member.updated', { member });
    if (access) failed += await bus.publish(access, { member, identities: await this.deps.repos.identities.listByMember(member.id) });
    return failed > 0 ? 1 : 0;
  }

  /** Writes through the repositories, creating chapters on first sight. */
  private repositorySink(organizationId: string): BatchSink {
    const { chapters, members } = this.deps.repos;
    const chapterIds = new Map<string, string>();
    return {
      async write(rows) {
        const missing = [...new Set(rows.map((r) => r.chapter).filter((c): c is string => c !== null && !chapterIds.has(c)))];
        if (missing.length > 0) {
          for (const chapter of await chapters.ensureMany(organizationId, missing)) chapterIds.set(chapter.name, chapter.id);
        }
        return members.upsertMany(organizationId, rows.map((row) => toUpsert(row, row.chapter === null ? null : chapterIds.get(row.chapter) ?? null)));
      },
      lapseAbsent: (keep) => members.lapseAllExcept(organizationId, keep),
    };
  }

  /**
   * Compares with the stored members instead of writing: loads them once (keyset pages), so the counts
   * are exactly what a real import would report.
   */
  private async dryRunSink(organizationId: string): Promise<BatchSink> {
    const { chapters, members } = this.deps.repos;
    const stored = new Map<string, Member>();
    for (let after: string | undefined; ; ) {
      const page = await members.list(organizationId, { limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const m of page) stored.set(m.memberNumber, m);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.memberNumber;
    }
    const chapterIds = new Map((await chapters.list(organizationId)).map((c) => [c.name, c.id]));
    return {
      async write(rows) {
        // Dry runs announce nothing, so the ids stay empty.
        const summary: UpsertSummary = { created: 0, updated: 0, unchanged: 0, deactivatedIds: [], reactivatedIds: [], updatedIds: [] };
        for (const row of rows) {
          // A chapter that does not exist yet gets a new id, which differs from any stored one.
          const chapterId = row.chapter === null ? null : chapterIds.get(row.chapter) ?? `new:${row.chapter}`;
          const upsert = toUpsert(row, chapterId);
          const existing = stored.get(row.memberNumber);
          if (!existing) summary.created++;
          else if (sameMember(existing, upsert)) summary.unchanged++;
          else summary.updated++;
        }
        return summary;
      },
      async lapseAbsent(keep) {
        return [...stored.values()].filter((m) => m.status === 'active' && !keep.has(m.memberNumber));
      },
    };
  }
}

function toUpsert(row: MemberCsvRow, chapterId: string | null): MemberUpsert {
  return {
    memberNumber: row.memberNumber,
    name: row.name,
    email: row.email,
    status: row.status,
    roles: row.roles,
    chapterId,
    ...(row.locale === undefined ? {} : { locale: row.locale }),
  };
}

/**
 * True when writing `upsert` would change nothing (the rule the repositories apply too). An absent
 * locale means "keep the stored one".
 */
export function sameMember(existing: Member, upsert: MemberUpsert): boolean {
  const a = canonicalRoles(existing.roles);
  const b = canonicalRoles(upsert.roles);
  return (
    existing.name === upsert.name &&
    existing.email === upsert.email &&
    existing.status === upsert.status &&
    existing.chapterId === upsert.chapterId &&
    (upsert.locale === undefined || existing.locale === upsert.locale) &&
    a.length === b.length &&
    a.every((role, i) => role === b[i])
  );
}
