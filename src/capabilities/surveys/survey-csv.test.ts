import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import type { Survey } from './domain/survey.js';
import type { ResultAnswer } from './domain/survey-results.js';
import { surveyCsv, surveyXlsx } from './survey-csv.js';

const t = kringTranslator().for('en');
const survey: Survey = {
  id: '3f2b8c1e-2d4a-4b6c-8e9f-0a1b2c3d4e5f', organizationId: 'o', createdByMemberId: null, title: 'Peiling', anonymous: false, status: 'closed',
  audience: { base: { kind: 'all' }, sample: null }, minGroupSize: 5, opensAt: null, closesAt: null, sentAt: null, createdAt: new Date(), closedAt: null,
  questions: [
    { position: 0, kind: 'multiple', prompt: 'Which topics?', options: ['Sports', '@Culture'] },
    { position: 1, kind: 'nps', prompt: 'Recommend us?', options: [] },
    { position: 2, kind: 'text', prompt: 'What should change?', options: [] },
  ],
};
const answer = (responseId: string, position: number, a: Partial<ResultAnswer>, who: string | null): ResultAnswer => ({
  responseId, position, choices: [], value: null, text: null, member: who ? { name: who, memberNumber: `n-${who}` } : null, chapter: who ? { id: null, name: 'Utrecht' } : null, ...a,
});
const answers = [
  answer('b', 0, { choices: [0, 1] }, '=Bram'), answer('b', 1, { value: 9 }, '=Bram'), answer('b', 2, { text: '+31 more evenings' }, '=Bram'),
  answer('a', 0, { choices: [1] }, 'Anne'), answer('a', 1, { value: 3 }, 'Anne'),
];

describe(surveyCsv.name, () => {
  it('writes one line per response, the option labels, and no cell that starts like a formula', () => {
    const lines = surveyCsv(survey, answers, t).split('\r\n');
    expect(lines[0]).toBe('Member number,Name,Chapter,1. Which topics?,2. Recommend us?,3. What should change?');
    expect(lines[1]).toBe("n-=Bram,'=Bram,Utrecht,Sports; @Culture,9,'+31 more evenings");
    expect(lines[2]).toBe("n-Anne,Anne,Utrecht,'@Culture,3,");
  });

  it('has no member column on an anonymous survey', () => {
    const anonymous = answers.map((a) => ({ ...a, member: null, chapter: null }));
    const csv = surveyCsv({ ...survey, anonymous: true }, anonymous, t);
    expect(csv.split('\r\n')[0]).toBe('Response,1. Which topics?,2. Recommend us?,3. What should change?');
    expect(csv).not.toContain('Bram');
    expect(csv.split('\r\n').slice(1, 3).map((l) => l.split(',')[0])).toEqual(['1', '2']);
  });
});

describe(surveyXlsx.name, () => {
  it('writes the same rows as a workbook, numbers as numbers, no formula', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await surveyXlsx(survey, answers, t)) as never);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Answers');
    expect(sheet.getRow(1).getCell(4).value).toBe('1. Which topics?');
    expect(sheet.getRow(2).getCell(2).value).toBe("'=Bram");
    expect(sheet.getRow(2).getCell(5).value).toBe(9);
    sheet.eachRow((row) => row.eachCell((c) => expect(c.formula).toBeUndefined()));
  });
});
