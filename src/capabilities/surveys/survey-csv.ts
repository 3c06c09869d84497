import { stringify } from 'csv-stringify/sync';
import type { Translate } from '../../kernel/i18n.js';
import { SPREADSHEET_SAFE_CSV, spreadsheetSafeCell } from '../../kernel/spreadsheet-safe.js';
import type { Survey, SurveyQuestion } from './domain/survey.js';
import type { ResultAnswer } from './domain/survey-results.js';

type Cell = string | number;

/** One answer as a cell: the option labels (`; `-separated), the number, or the text. */
function cell(question: SurveyQuestion, answer: ResultAnswer | undefined): Cell {
  if (!answer) return '';
  if (question.kind === 'single' || question.kind === 'multiple') return answer.choices.map((c) => question.options[c] ?? `#${c + 1}`).join('; ');
  if (question.kind === 'scale' || question.kind === 'nps') return answer.value ?? '';
  return answer.text ?? '';
}

/**
 * A survey's answers as rows: one line per response, one column per question. Named surveys start each
 * line with the member's number, name and chapter (sorted by member number); anonymous ones with nothing
 * but a running number, in the stored order (random response ids), so no line can be joined to a member.
 */
export function surveyRows(survey: Survey, answers: readonly ResultAnswer[], t: Translate): { header: string[]; rows: Cell[][] } {
  const responses = new Map<string, ResultAnswer[]>();
  for (const a of answers) responses.set(a.responseId, [...(responses.get(a.responseId) ?? []), a]);
  const questionColumns = survey.questions.map((q) => `${q.position + 1}. ${q.prompt}`);
  const cells = (list: readonly ResultAnswer[]) => survey.questions.map((q) => cell(q, list.find((a) => a.position === q.position)));
  if (survey.anonymous) {
    let n = 0;
    return { header: [t('surveys.export.columns.response'), ...questionColumns], rows: [...responses.values()].map((list) => [++n, ...cells(list)]) };
  }
  const rows = [...responses.values()].map((list): Cell[] => {
    const who = list[0]!;
    return [who.member?.memberNumber ?? '', who.member?.name ?? '', who.chapter?.name ?? '', ...cells(list)];
  });
  rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { header: [t('surveys.export.columns.memberNumber'), t('surveys.export.columns.name'), t('surveys.export.columns.chapter'), ...questionColumns], rows };
}

/**
 * The export as CSV (RFC 4180, CRLF, by csv-stringify). Every text cell goes through
 * {@link SPREADSHEET_SAFE_CSV}: answers, names and options come from people and must never run as formulas.
 */
export function surveyCsv(survey: Survey, answers: readonly ResultAnswer[], t: Translate): string {
  const { header, rows } = surveyRows(survey, answers, t);
  return stringify([header, ...rows], { ...SPREADSHEET_SAFE_CSV, record_delimiter: 'windows' });
}

/** The export as an XLSX workbook (exceljs): one sheet, a bold frozen header, numbers as numbers, no cell a formula. */
export async function surveyXlsx(survey: Survey, answers: readonly ResultAnswer[], t: Translate): Promise<Buffer> {
  const { header, rows } = surveyRows(survey, answers, t);
  // Loaded on use: exceljs is large and only exports need it.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kring';
  const sheet = workbook.addWorksheet(t('surveys.export.sheet'));
  sheet.addRow(header.map((h) => spreadsheetSafeCell(h))).font = { bold: true };
  for (const row of rows) sheet.addRow(row.map((c) => spreadsheetSafeCell(c)));
  sheet.columns.forEach((column) => {
    column.width = 24;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
