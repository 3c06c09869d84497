import { stringify } from 'csv-stringify/sync';
import type { PollExport } from './domain/poll.service.js';
import type { pollsEn } from './i18n/en.js';
import type { Translate } from '../../kernel/i18n.js';
import { SPREADSHEET_SAFE_CSV } from '../../kernel/spreadsheet-safe.js';

/**
 * A poll export as CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when needed, by
 * csv-stringify). Named polls list one line per voter; anonymous polls only the counts per option and the
 * number of voters, so an export can never reveal who voted what in them. Every text cell goes through the
 * kernel's {@link SPREADSHEET_SAFE_CSV}: member names and options come from outside and must never run as
 * formulas in a spreadsheet.
 */
export function pollCsv(data: PollExport, t: Translate): string {
  const col = (k: keyof typeof pollsEn.export.columns) => t(`polls.export.columns.${k}`);
  const rows: (string | number)[][] = [];
  if (data.kind === 'named') {
    rows.push([col('memberNumber'), col('name'), col('choices'), col('votedAt')]);
    for (const b of data.ballots) {
      const labels = b.choices.map((p) => data.poll.options[p] ?? `#${p + 1}`);
      rows.push([b.memberNumber ?? '', b.name ?? '', labels.join('; '), b.updatedAt.toISOString()]);
    }
  } else {
    rows.push([col('option'), col('votes'), col('percent')]);
    for (const line of data.lines) rows.push([line.label, line.count, line.percent]);
    rows.push([col('total'), data.voters, '']);
  }
  return stringify(rows, POLL_CSV_OPTIONS);
}

/** RFC 4180 with CRLF, on the kernel's safe CSV options. */
const POLL_CSV_OPTIONS = { ...SPREADSHEET_SAFE_CSV, record_delimiter: 'windows' } as const;
