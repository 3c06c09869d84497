import { stringify } from 'csv-stringify/sync';
import type { Translate } from '../../kernel/i18n.js';
import { SPREADSHEET_SAFE_CSV } from '../../kernel/spreadsheet-safe.js';
import type { Survey, SurveyQuestion } from './domain/survey.js';
import type { ResultAnswer } from './domain/survey-results.js';

/** One answer as a cell: the option labels (`; `-separated), the number, or the text. */
function cell(question: SurveyQuestion, answer: ResultAnswer | undefined): string | number {
  if (!answer) return '';
  if (question.kind === 'single' || question.kind === 'multiple') return answer.choices.map((c) => question.options[c] ?? `#${c + 1}`).join('; ');
  if (question.kind === 'scale' || question.kind === 'nps') return answer.value ?? '';
  return answer.text ?? '';
}

/**
 * A survey export as CSV (RFC 4180, CRLF, by csv-stringify): one line per response, one column per
 * question. Named surveys start each line with the member's number, name and chapter; anonymous ones with
 * nothing but a running number, in the stored order (random response ids), so no line can be joined to a
 * member. Every text cell goes through {@link SPREADSHEET_SAFE_CSV}: answers, names and options come from
 * people and must never run as formulas.
 */
export function surveyCsv(survey: Survey, answers: readonly ResultAnswer[], t: Translate): string {
  const responses = new Map<string, ResultAnswer[]>();
  for (const a of answers) responses.set(a.responseId, [...(responses.get(a.responseId) ?? []), a]);
  const questionColumns = survey.questions.map((q) => `${q.position + 1}. ${q.prompt}`);
  const rows: (string | number)[][] = [];
  if (survey.anonymous) {
    rows.push([t('surveys.export.columns.response'), ...questionColumns]);
    let n = 0;
    for (const list of responses.values()) rows.push([++n, ...survey.questions.map((q) => cell(q, list.find((a) => a.position === q.position)))]);
  } else {
    rows.push([t('surveys.export.columns.memberNumber'), t('surveys.export.columns.name'), t('surveys.export.columns.chapter'), ...questionColumns]);
    const lines = [...responses.values()].map((list) => {
      const who = list[0]!;
      return [who.member?.memberNumber ?? '', who.member?.name ?? '', who.chapter?.name ?? '', ...survey.questions.map((q) => cell(q, list.find((a) => a.position === q.position)))];
    });
    lines.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    rows.push(...lines);
  }
  return stringify(rows, { ...SPREADSHEET_SAFE_CSV, record_delimiter: 'windows' });
}
