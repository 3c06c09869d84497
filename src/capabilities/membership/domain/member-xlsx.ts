import { stringify } from 'csv-stringify/sync';
import { MembershipError } from './membership.errors.js';

/**
 * Excel member administrations (e-Captain, AllUnited and others export `.xlsx`): the first worksheet,
 * header row first, read into the same text the CSV reader takes, so an Excel file gets exactly the same
 * headers, validation and report as a CSV (src/capabilities/membership/domain/member-csv.ts).
 *
 * Each sheet row becomes one line (an empty row an empty line), so the line numbers in the report are the
 * sheet's row numbers. Cells are read as Excel shows them (`cell.text`: numbers as displayed, dates
 * formatted, a formula's result, a link's text); a line break inside a cell becomes a space.
 */

/** Sheets larger than this are refused (a member administration has far fewer rows). */
export const XLSX_MAX_ROWS = 1_000_000;

/** The first worksheet of an `.xlsx` file as CSV text (comma-separated, UTF-8), and the sheet's name. */
export async function xlsxMemberText(bytes: Uint8Array): Promise<{ csv: string; sheet: string }> {
  // Loaded on use: exceljs is large, and only Excel imports need it.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (cause) {
    throw new MembershipError('MEMBERSHIP.CSV_MALFORMED', `The file is not an Excel workbook (.xlsx) Kring can read: ${(cause as Error)?.message ?? cause}`, {
      params: { line: 1, reason: 'not an Excel workbook (.xlsx); export the member list as .xlsx or CSV' },
      cause,
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) {
    throw new MembershipError('MEMBERSHIP.CSV_EMPTY', 'The first worksheet is empty; its first row must name the columns.');
  }
  if (sheet.rowCount > XLSX_MAX_ROWS) {
    throw new MembershipError('MEMBERSHIP.CSV_MALFORMED', `The first worksheet has ${sheet.rowCount} rows; at most ${XLSX_MAX_ROWS} are read.`, {
      params: { line: XLSX_MAX_ROWS + 1, reason: 'too many rows' },
    });
  }
  const width = sheet.columnCount;
  const lines: string[] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(row.getCell(c).text.replace(/\r\n|\r|\n/g, ' '));
    lines.push(cells.every((cell) => cell.trim() === '') ? '' : stringify([cells], { eof: false }));
  }
  return { csv: `${lines.join('\n')}\n`, sheet: sheet.name };
}

/** Whether a file name is an Excel workbook the import reads. */
export function isXlsxFile(name: string): boolean {
  return /\.xlsx$/i.test(name);
}
