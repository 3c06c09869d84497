import { stringify } from 'csv-stringify/sync';
import type { Translate } from '../../kernel/i18n.js';
import { SPREADSHEET_SAFE_CSV, spreadsheetSafeCell } from '../../kernel/spreadsheet-safe.js';
import { zoneOffsetMs } from '../../kernel/zoned-time.js';
import type { AttendeeList } from './domain/meetup.service.js';
import type { meetupsEn } from './i18n/en.js';

/** One line of the export: a cell per column, in column order. */
type Cell = string | number | Date | null;

type Column = keyof typeof meetupsEn.export.columns;
const COLUMNS: readonly Column[] = ['memberNumber', 'name', 'chapter', 'answer', 'place', 'guests', 'answeredAt', 'checkedInAt', 'firstTime'];

/**
 * The attendee list as rows, in the list's order (confirmed, waitlist, maybe, can't, walk-ins): member
 * number, name, chapter, answer, place (confirmed / waitlisted), guests, when they answered and checked
 * in, and whether it was their first meet-up. Names come from the member administration and chapters from
 * managers: every text cell goes through the kernel's spreadsheet guard (no cell runs as a formula).
 */
export function attendeeRows(list: AttendeeList, t: Translate): { header: string[]; rows: Cell[][] } {
  const header = COLUMNS.map((c) => t(`meetups.export.columns.${c}`));
  const rows = list.rows.map((r): Cell[] => [
    r.memberNumber,
    r.name,
    r.chapterName ?? '',
    r.answer === null ? '' : t(`meetups.answers.${r.answer}`),
    r.seat === null ? '' : t(`meetups.export.values.${r.seat}`),
    r.guests,
    r.answeredAt,
    r.checkedInAt,
    r.checkedInAt === null ? '' : t(r.firstVisit ? 'meetups.export.values.yes' : 'meetups.export.values.no'),
  ]);
  return { header, rows };
}

/** The attendee list as CSV (RFC 4180 through csv-stringify: comma separated, CRLF, quoted when needed). */
export function attendeesCsv(list: AttendeeList, t: Translate): string {
  const { header, rows } = attendeeRows(list, t);
  const text = rows.map((r) => r.map((c) => (c instanceof Date ? c.toISOString() : c === null ? '' : c)));
  return stringify([header, ...text], { ...SPREADSHEET_SAFE_CSV, record_delimiter: '\r\n' });
}

/**
 * The attendee list as an XLSX workbook (exceljs): one sheet, a bold header row, real numbers, and dates
 * as the wall-clock time in the meet-up's zone (spreadsheets have no zones: exceljs writes a date's UTC
 * fields, so each is moved by its zone's offset at that moment).
 */
export async function attendeesXlsx(list: AttendeeList, t: Translate): Promise<Buffer> {
  const { header, rows } = attendeeRows(list, t);
  // Loaded on use: exceljs costs about 30 MiB and a quarter second of start-up that only exports need.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kring';
  const sheet = workbook.addWorksheet(t('meetups.export.sheet'));
  sheet.addRow(header.map((h) => spreadsheetSafeCell(h))).font = { bold: true };
  const zone = list.meetup.timeZone;
  for (const row of rows) sheet.addRow(row.map((c) => (c instanceof Date ? new Date(c.getTime() + zoneOffsetMs(c, zone)) : spreadsheetSafeCell(c))));
  sheet.columns.forEach((column, i) => {
    column.width = i === 1 ? 28 : 16;
    if (i === 6 || i === 7) column.numFmt = 'yyyy-mm-dd hh:mm';
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
