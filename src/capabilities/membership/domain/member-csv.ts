import { Readable } from 'node:stream';
import type { CsvError } from 'csv-parse';
import { z } from 'zod';
import { toLocale, type Locale } from '../../../kernel/types.js';
import { MembershipError } from './membership.errors.js';
import { decodeCsvText, type CsvEncodingDecision, type CsvEncodingOption } from './csv-encoding.js';
import { canonicalRoles, type MemberRole, type MemberStatus } from '../../../kernel/community.js';

/**
 * Reads the member administration's CSV export, streaming (bounded memory for any file size):
 * decodes the bytes (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 / ISO-8859-1 as Excel on
 * Windows writes; detected, see ./csv-encoding.ts, or named by the caller), detects the
 * separator from the header line (`;` as Dutch Excel writes, `,` or tab), finds the columns by name
 * (Dutch or English, case/space/punctuation-insensitive) and validates every row. A bad row becomes an
 * error entry and the next row is read; only a broken header stops the import.
 */

/** The fields Kring reads from a member export. */
export type MemberCsvField =
  | 'memberNumber'
  | 'name'
  | 'firstName'
  | 'infix'
  | 'lastName'
  | 'email'
  | 'chapter'
  | 'status'
  | 'roles'
  | 'locale';

/**
 * Accepted header names per field, as people write them. Matching ignores case, spaces, dashes,
 * underscores, dots and accents, so `Lid nr.`, `LIDNUMMER` and `member_number` all match.
 */
export const MEMBER_CSV_HEADERS: Readonly<Record<MemberCsvField, readonly string[]>> = {
  memberNumber: ['lidnummer', 'lid nr', 'lidnr', 'relatienummer', 'member_number', 'member number', 'member no', 'member id'],
  name: ['naam', 'volledige naam', 'name', 'full name'],
  firstName: ['voornaam', 'roepnaam', 'first name', 'given name'],
  infix: ['tussenvoegsel', 'tussenvoegsels', 'infix'],
  lastName: ['achternaam', 'last name', 'surname', 'family name'],
  email: ['e-mail', 'e-mailadres', 'email', 'email address', 'mail'],
  chapter: ['afdeling', 'chapter', 'department'],
  status: ['status', 'lidmaatschapsstatus', 'membership status'],
  roles: ['rollen', 'rol', 'roles', 'role'],
  locale: ['taal', 'voorkeurstaal', 'locale', 'language'],
};

/** Status words accepted in the `status` column (lowercased); an empty cell means active. */
export const STATUS_WORDS: Readonly<Record<string, MemberStatus>> = {
  actief: 'active', active: 'active', lid: 'active',
  verlopen: 'lapsed', geschorst: 'lapsed', 'niet betaald': 'lapsed', lapsed: 'lapsed', suspended: 'lapsed', expired: 'lapsed',
  opgezegd: 'left', vertrokken: 'left', beeindigd: 'left', 'beëindigd': 'left', left: 'left', cancelled: 'left', canceled: 'left',
};

/** Role words accepted in the `roles` column (lowercased); `member` is always added. */
export const ROLE_WORDS: Readonly<Record<string, MemberRole>> = {
  lid: 'member', member: 'member',
  communitymanager: 'manager', 'community-manager': 'manager', 'community_manager': 'manager', manager: 'manager', beheerder: 'manager',
  bestuur: 'board', bestuurslid: 'board', board: 'board',
  ambassadeur: 'ambassador', ambassador: 'ambassador', fan: 'ambassador',
  klankbordgroep: 'sounding_board', klankbord: 'sounding_board', sounding_board: 'sounding_board', 'sounding-board': 'sounding_board',
  moderator: 'moderator', moderatie: 'moderator',
  vertrouwenspersoon: 'counsellor', counsellor: 'counsellor', 'confidential-counsellor': 'counsellor', 'confidential_counsellor': 'counsellor',
};

export { CSV_ENCODINGS, type CsvEncoding, type CsvEncodingDecision, type CsvEncodingOption, type CsvEncodingSource } from './csv-encoding.js';

/** What the header line told us; always the reader's first item. */
export interface MemberCsvHeader {
  kind: 'header';
  delimiter: ',' | ';' | '\t';
  /** Column index per recognised field. */
  columns: Partial<Record<MemberCsvField, number>>;
  /** Header names that matched no field (ignored). */
  ignoredColumns: string[];
  /** Those columns by index: their cells are handed on with each row (`MemberCsvRow.columns`). */
  extraColumns?: { name: string; index: number }[];
  /** Number of cells in the header line. */
  width: number;
}

/** One valid member row. */
export interface MemberCsvRow {
  kind: 'row';
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  memberNumber: string;
  name: string;
  /** Lowercased; null when empty. */
  email: string | null;
  chapter: string | null;
  status: MemberStatus;
  /** Canonical (see {@link canonicalRoles}). */
  roles: MemberRole[];
  /** Absent when the file has no language column (the stored value is kept). */
  locale?: Locale | null;
  /**
   * The non-empty cells of the columns membership does not read, by header as written (e.g.
   * `interesses`): other capabilities fill their own data from them (the `members.imported` event).
   */
  columns?: Record<string, string>;
}

/** Why a row was skipped. */
export type MemberCsvErrorCode = 'required' | 'invalid' | 'duplicate' | 'malformed';

/** One problem with one row (a row with two bad fields yields two). */
export interface MemberCsvRowError {
  kind: 'error';
  line: number;
  memberNumber?: string;
  field?: MemberCsvField;
  code: MemberCsvErrorCode;
  /** Plain English for operators (CLI, logs); `code` + `field` are the stable part. */
  message: string;
}

export type MemberCsvItem = MemberCsvHeader | MemberCsvRow | MemberCsvRowError;

export interface ReadMemberCsvOptions {
  /** Default `auto`: detected (a byte order mark always wins). */
  encoding?: CsvEncodingOption;
  /** Hears the encoding once it is settled. */
  onEncoding?: (decision: CsvEncodingDecision) => void;
}

/** Longest record accepted: a runaway quote must not pull the whole file into memory. */
const MAX_RECORD_CHARS = 64 * 1024;
/** How much of the file is searched for the end of the header line. */
const HEADER_PROBE_CHARS = 64 * 1024;

/** Lowercase, no accents, letters and digits only: the form header names are compared in. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const HEADER_LOOKUP: ReadonlyMap<string, MemberCsvField> = new Map(
  (Object.entries(MEMBER_CSV_HEADERS) as [MemberCsvField, readonly string[]][]).flatMap(([field, names]) =>
    names.map((n) => [normalizeHeader(n), field] as const),
  ),
);

/** Parses a status word (nl/en, any case); empty means active; undefined when unknown. */
export function parseStatus(value: string): MemberStatus | undefined {
  const word = value.trim().toLowerCase();
  if (word === '') return 'active';
  return STATUS_WORDS[word];
}

/**
 * Parses a roles cell: words separated by `,`, `;`, `|`, `/` or spaces, nl/en. Returns the canonical roles,
 * or the unknown words.
 */
export function parseRoles(value: string): { roles: MemberRole[] } | { unknown: string[] } {
  // Two-word role names first, so "sounding board" never reads as the `board` role.
  const text = value
    .toLowerCase()
    .replace(/sounding[\s_-]*board(?:[\s_-]*group)?/g, 'sounding_board')
    .replace(/community[\s_-]*manager/g, 'communitymanager');
  const words = text.split(/[\s,;|/]+/).filter((w) => w !== '');
  const roles: MemberRole[] = [];
  const unknown: string[] = [];
  for (const word of words) {
    const role = ROLE_WORDS[word];
    if (role) roles.push(role);
    else unknown.push(word);
  }
  return unknown.length > 0 ? { unknown } : { roles: canonicalRoles(roles) };
}

const emailSchema = z.email();

/** The row as text cells, before validation; undefined = the file has no such column. */
interface RawRow {
  memberNumber: string;
  name: string;
  email: string | undefined;
  chapter: string | undefined;
  status: string | undefined;
  roles: string | undefined;
  locale: string | undefined;
}

/** zod schema of one row (cells already trimmed); issues carry the field as path. */
const rowSchema = z.object({
  memberNumber: z.string().min(1, 'member number is empty').max(64, 'member number is longer than 64 characters'),
  name: z.string().min(1, 'name is empty').max(200, 'name is longer than 200 characters'),
  email: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const email = (v ?? '').toLowerCase();
      if (email === '') return null;
      if (!emailSchema.safeParse(email).success) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a valid e-mail address` });
        return z.NEVER;
      }
      return email;
    }),
  chapter: z
    .string()
    .max(100, 'chapter name is longer than 100 characters')
    .optional()
    .transform((v) => (v ? v : null)),
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const status = parseStatus(v ?? '');
      if (!status) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown status "${v}" (use actief, verlopen, geschorst, opgezegd, vertrokken / active, lapsed, left)`,
        });
        return z.NEVER;
      }
      return status;
    }),
  roles: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseRoles(v ?? '');
      if ('unknown' in parsed) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown role ${parsed.unknown.map((u) => `"${u}"`).join(', ')} (use lid, communitymanager, bestuur, ambassadeur, klankbordgroep / member, manager, board, ambassador, sounding_board)`,
        });
        return z.NEVER;
      }
      return parsed.roles;
    }),
  locale: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (v === '') return null;
      const locale = toLocale(v) ?? toLocale(LANGUAGE_WORDS[v.toLowerCase()]);
      if (!locale) {
        ctx.addIssue({ code: 'custom', message: `unknown language "${v}" (use nl or en)` });
        return z.NEVER;
      }
      return locale;
    }),
});

const LANGUAGE_WORDS: Readonly<Record<string, string>> = {
  nederlands: 'nl', dutch: 'nl', vlaams: 'nl', engels: 'en', english: 'en',
};

/** Counts `char` in `line` outside double quotes. */
function countOutsideQuotes(line: string, char: string): number {
  let inQuotes = false;
  let count = 0;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === char && !inQuotes) count++;
  }
  return count;
}

/** Picks the separator the header line uses most: `;` (Dutch Excel), `,` or tab; `,` when none. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const candidates = [';', ',', '\t'] as const;
  let best: ',' | ';' | '\t' = ',';
  let bestCount = 0;
  for (const c of candidates) {
    const n = countOutsideQuotes(headerLine, c);
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

/** Maps the header cells onto fields; throws when required columns are missing or doubled. */
function readHeader(cells: string[], delimiter: MemberCsvHeader['delimiter']): MemberCsvHeader {
  const columns: Partial<Record<MemberCsvField, number>> = {};
  const ignoredColumns: string[] = [];
  const extraColumns: { name: string; index: number }[] = [];
  cells.forEach((cell, index) => {
    const field = HEADER_LOOKUP.get(normalizeHeader(cell));
    if (!field) {
      if (cell.trim() !== '') {
        ignoredColumns.push(cell.trim());
        extraColumns.push({ name: cell.trim(), index });
      }
      return;
    }
    const earlier = columns[field];
    if (earlier !== undefined) {
      throw new MembershipError(
        'MEMBERSHIP.CSV_DUPLICATE_COLUMN',
        `Columns "${cells[earlier]}" and "${cell}" both hold the ${field}; keep one of them.`,
        { params: { field, columns: `${cells[earlier]}, ${cell}` } },
      );
    }
    columns[field] = index;
  });
  const missing: MemberCsvField[] = [];
  if (columns.memberNumber === undefined) missing.push('memberNumber');
  if (columns.name === undefined && columns.firstName === undefined && columns.lastName === undefined) missing.push('name');
  if (missing.length > 0) {
    const labels = missing.map((f) => (f === 'memberNumber' ? 'member number' : 'name'));
    const accepted = missing
      .map((f) => {
        const names = MEMBER_CSV_HEADERS[f].map((n) => `"${n}"`).join(', ');
        return f === 'name' ? `name: ${names} (or "voornaam" + "achternaam")` : `member number: ${names}`;
      })
      .join('; ');
    throw new MembershipError(
      'MEMBERSHIP.CSV_MISSING_COLUMNS',
      `The header line has no ${labels.join(' and no ')} column. Accepted header names (any case) — ${accepted}. ` +
        `Found: ${cells.map((c) => `"${c}"`).join(', ')} (separator "${delimiter === '\t' ? 'tab' : delimiter}"). Nothing was imported.`,
      { params: { missing: labels.join(', '), accepted } },
    );
  }
  return { kind: 'header', delimiter, columns, ignoredColumns, extraColumns, width: cells.length };
}

/** Builds the raw row from the cells of one record. */
function toRawRow(cells: readonly string[], columns: MemberCsvHeader['columns']): RawRow {
  const cell = (field: MemberCsvField): string | undefined => {
    const index = columns[field];
    if (index === undefined) return undefined;
    return (cells[index] ?? '').trim();
  };
  let name = cell('name') ?? '';
  if (name === '') {
    // Exports that split the name (voornaam / tussenvoegsel / achternaam) are joined the Dutch way.
    name = [cell('firstName'), cell('infix'), cell('lastName')].filter((p) => p).join(' ');
  }
  return {
    memberNumber: cell('memberNumber') ?? '',
    name,
    email: cell('email'),
    chapter: cell('chapter'),
    status: cell('status'),
    roles: cell('roles'),
    locale: cell('locale'),
  };
}

/** U+FFFD, what decoders write for bytes they cannot read. */
const REPLACEMENT_CHARACTER = '\uFFFD';

const FIELD_OF_PATH: ReadonlySet<string> = new Set(['memberNumber', 'name', 'email', 'chapter', 'status', 'roles', 'locale']);

/**
 * Reads a member CSV. Yields the header first, then per data row either the valid row or its errors.
 * A member number seen before in the file makes the later row an error; the first occurrence wins.
 * Throws a {@link MembershipError} (`MEMBERSHIP.CSV_*`) when the file is empty, its header lacks required
 * columns or it cannot be parsed further; rows yielded before stay valid.
 */
export async function* readMemberCsv(
  source: AsyncIterable<string | Uint8Array>,
  options: ReadMemberCsvOptions = {},
): AsyncGenerator<MemberCsvItem, void, undefined> {
  const text = decodeCsvText(source, options.encoding ?? 'auto', options.onEncoding);

  // Buffer just enough text to see the header line and choose the separator.
  let prefix = '';
  let textDone = false;
  while (!/[\r\n]/.test(prefix) && prefix.length < HEADER_PROBE_CHARS) {
    const next = await text.next();
    if (next.done) {
      textDone = true;
      break;
    }
    prefix += next.value;
  }
  const headerLine = prefix.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') {
    throw new MembershipError('MEMBERSHIP.CSV_EMPTY', 'The file is empty or starts with an empty line; the first line must name the columns.');
  }
  const delimiter = detectDelimiter(headerLine);

  async function* all(): AsyncGenerator<string> {
    yield prefix;
    if (!textDone) yield* text;
  }
  let header: MemberCsvHeader | undefined;
  const seen = new Map<string, number>();
  // csv-parse reports the line a record ends on; a record starts after the previous one's last line
  // and any empty lines between them.
  let previousEndLine = 0;
  let previousEmptyLines = 0;
  const input = Readable.from(all(), { objectMode: false });
  // csv-parse is loaded by the first import, not at start-up (idle RSS).
  const { parse } = await import('csv-parse');
  const parser = parse({
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    info: true,
    on_skip: (err: CsvError | undefined) => {
      // The parser runs ahead of the consumer: remember where the bad record sat among the good ones.
      if (err) skipped.push({ err, afterRecords: parser.info.records });
    },
  });
  const skipped: { err: CsvError; afterRecords: number }[] = [];
  const skippedError = (err: CsvError): MemberCsvRowError => {
    const line = typeof err['lines'] === 'number' ? err['lines'] : previousEndLine + 1;
    previousEndLine = Math.max(previousEndLine, line);
    return { kind: 'error', line, code: 'malformed', message: `unreadable row: ${err.message}` };
  };
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number; records: number } }>) {
      while (skipped.length > 0 && skipped[0]!.afterRecords < info.records) {
        yield skippedError(skipped.shift()!.err);
      }
      const line = previousEndLine + 1 + (info.empty_lines - previousEmptyLines);
      previousEndLine = info.lines;
      previousEmptyLines = info.empty_lines;
      if (!header) {
        header = readHeader(record, delimiter);
        yield header;
        continue;
      }
      yield* checkRow(record, line, header, seen);
    }
    for (const { err } of skipped) yield skippedError(err);
  } catch (cause) {
    if (cause instanceof MembershipError) throw cause;
    const err = cause as Error & { lines?: unknown };
    const line = typeof err.lines === 'number' ? err.lines : previousEndLine + 1;
    throw new MembershipError('MEMBERSHIP.CSV_MALFORMED', `The file cannot be read past line ${line}: ${err.message}`, {
      params: { line, reason: err.message },
      cause,
    });
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (!header) {
    throw new MembershipError('MEMBERSHIP.CSV_EMPTY', 'The file has no header line.');
  }
}

/** Validates one data record: the row, or one error per bad field (or a duplicate error). */
function* checkRow(
  record: string[],
  line: number,
  header: MemberCsvHeader,
  seen: Map<string, number>,
): Generator<MemberCsvRow | MemberCsvRowError> {
  const raw = toRawRow(record, header.columns);
  const memberNumber = raw.memberNumber === '' ? undefined : raw.memberNumber;
  const numberPart = memberNumber === undefined ? {} : { memberNumber };
  if (record.slice(header.width).some((cell) => cell.trim() !== '')) {
    // More values than the header has columns: a separator inside an unquoted value shifted the columns,
    // so no cell of this row can be trusted. (Trailing empty cells are harmless and ignored.)
    yield {
      kind: 'error', line, ...numberPart, code: 'malformed',
      message: `row has ${record.length} values but the header has ${header.width} columns (a "${header.delimiter === '\t' ? 'tab' : header.delimiter}" inside an unquoted value?)`,
    };
    return;
  }
  const damaged = (Object.keys(raw) as (keyof RawRow)[]).filter((field) => raw[field]?.includes(REPLACEMENT_CHARACTER));
  if (damaged.length > 0) {
    // U+FFFD stands where some program before Kring could not read a character: storing it would overwrite
    // a good name with a damaged one. (Kring's own decoding never writes it: see ./csv-encoding.ts.)
    for (const field of damaged) {
      yield {
        kind: 'error', line, ...numberPart, field, code: 'invalid',
        message: `${field} contains "\uFFFD", the mark of a character lost before or while exporting; correct it in the member administration and export again`,
      };
    }
    if (memberNumber !== undefined && !seen.has(memberNumber)) seen.set(memberNumber, line);
    return;
  }
  if (memberNumber !== undefined) {
    const first = seen.get(memberNumber);
    if (first !== undefined) {
      yield { kind: 'error', line, memberNumber, field: 'memberNumber', code: 'duplicate', message: `member number ${memberNumber} also on line ${first}; the first row is used` };
      return;
    }
    seen.set(memberNumber, line);
  }
  const result = rowSchema.safeParse(raw);
  if (!result.success) {
    const reported = new Set<string>();
    for (const issue of result.error.issues) {
      const path = String(issue.path[0] ?? '');
      if (reported.has(path)) continue;
      reported.add(path);
      const field = FIELD_OF_PATH.has(path) ? (path as MemberCsvField) : undefined;
      const empty = (field === 'memberNumber' || field === 'name') && raw[field] === '';
      yield {
        kind: 'error', line, ...numberPart, ...(field ? { field } : {}),
        code: empty ? 'required' : 'invalid',
        message: issue.message,
      };
    }
    return;
  }
  const row = result.data;
  const extra: Record<string, string> = {};
  for (const { name, index } of header.extraColumns ?? []) {
    const value = (record[index] ?? '').trim();
    if (value !== '') extra[name] = value;
  }
  yield {
    kind: 'row',
    line,
    memberNumber: row.memberNumber,
    name: row.name,
    email: row.email,
    chapter: row.chapter,
    status: row.status,
    roles: row.roles,
    ...(row.locale === undefined ? {} : { locale: row.locale }),
    ...(Object.keys(extra).length > 0 ? { columns: extra } : {}),
  };
}
