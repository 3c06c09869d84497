/**
 * Cells Kring writes to CSV and XLSX files hold text from outside (member and chapter names, channel names,
 * poll options): a spreadsheet runs text that starts with a formula character as a formula (CSV injection,
 * e.g. `=HYPERLINK(...)` or `=1+2 Afdeling`). Every writer passes its text cells through
 * {@link spreadsheetSafe}, OWASP's rule: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return
 * gets a leading `'`, which spreadsheets show as text and do not display.
 * https://owasp.org/www-community/attacks/CSV_Injection
 *
 * Numbers are written as numbers and need no guard (a negative number is no formula). Quoting and
 * separators are the CSV library's job (csv-stringify), never this module's.
 */

/** The characters that make a spreadsheet read a cell as a formula. */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/** The mark put before a neutralised cell. */
export const FORMULA_GUARD = "'";

/** True when a spreadsheet would read `text` as a formula. */
export function startsLikeFormula(text: string): boolean {
  return text.length > 0 && FORMULA_TRIGGERS.includes(text[0]!);
}

/** `text` as a spreadsheet cell that is never run as a formula: `'` before it when it starts like one. */
export function spreadsheetSafe(text: string): string {
  return startsLikeFormula(text) ? `${FORMULA_GUARD}${text}` : text;
}

/** A cell value made safe: strings through {@link spreadsheetSafe}; numbers, dates, booleans and empty cells as they are. */
export function spreadsheetSafeCell<T>(value: T): T | string {
  return typeof value === 'string' ? spreadsheetSafe(value) : value;
}

/**
 * csv-stringify's `cast` option that neutralises every text cell (pass it as `{ cast: SPREADSHEET_SAFE_CAST }`),
 * so no writer can forget a column.
 */
export const SPREADSHEET_SAFE_CAST = { string: (value: string): string => spreadsheetSafe(value) } as const;

/**
 * The csv-stringify options every Kring CSV starts from: {@link SPREADSHEET_SAFE_CAST}, and quotes around
 * any cell with a line break (csv-stringify itself quotes only its own record delimiter) or outer spaces,
 * so no spreadsheet splits or trims a cell.
 */
export const SPREADSHEET_SAFE_CSV = { cast: SPREADSHEET_SAFE_CAST, quoted_match: /[\r\n]|^\s|\s$/ } as const;
