import type { PollExport } from './domain/poll.service.js';
import type { pollsEn } from './i18n/en.js';
import type { Translate } from '../../kernel/i18n.js';

/**
 * A poll export as CSV (RFC 4180: comma separated, CRLF line ends, fields quoted when needed). Named polls
 * list one line per voter; anonymous polls only the counts per option and the number of voters, so an
 * export can never reveal who voted what in them.
 *
 * Written by hand because `csv-stringify` is not a dependency yet; {@link csvField} is the whole of the
 * quoting logic and is unit-tested. Swap for `csv-stringify/sync` once installed.
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
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One CSV field: quoted when it holds a comma, quote, line break or outer spaces; quotes doubled. Text
 * starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets do not run it as a
 * formula (member names come from outside).
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
