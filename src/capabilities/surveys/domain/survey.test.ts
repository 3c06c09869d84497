import { describe, expect, it } from 'vitest';
import {
  answerButtonValue,
  answerFieldName,
  audienceFromText,
  audienceToText,
  checkAnswer,
  choicesFromForm,
  drawSample,
  parseAnswerForm,
  parseButtonValue,
  questionInput,
  reminderAt,
  type SurveyQuestion,
} from './survey.js';
import { npsScore, summarise, surveyResults, type ResultAnswer } from './survey-results.js';
import type { Survey } from './survey.js';

const single: SurveyQuestion = { position: 0, kind: 'single', prompt: 'Which evening?', options: ['Monday', 'Thursday'] };
const multiple: SurveyQuestion = { position: 1, kind: 'multiple', prompt: 'Which topics?', options: ['Sports', 'Culture', 'Travel'] };
const scale: SurveyQuestion = { position: 2, kind: 'scale', prompt: 'How satisfied?', options: [] };
const nps: SurveyQuestion = { position: 3, kind: 'nps', prompt: 'Would you recommend us?', options: [] };
const text: SurveyQuestion = { position: 4, kind: 'text', prompt: 'What should change?', options: [] };
const SURVEY_ID = '3f2b8c1e-2d4a-4b6c-8e9f-0a1b2c3d4e5f';

describe('survey answers', () => {
  it('accepts an answer that fits its question and normalises it', () => {
    expect(checkAnswer(multiple, { kind: 'choices', choices: [2, 0, 2] })).toEqual({ ok: true, answer: { position: 1, choices: [0, 2], value: null, text: null } });
    expect(checkAnswer(scale, { kind: 'value', value: 5 })).toMatchObject({ ok: true, answer: { value: 5 } });
    expect(checkAnswer(nps, { kind: 'value', value: 0 })).toMatchObject({ ok: true, answer: { value: 0 } });
    expect(checkAnswer(text, { kind: 'text', text: '  More evenings\r\n please ' })).toMatchObject({ ok: true, answer: { text: 'More evenings\n please' } });
  });

  it('refuses values out of range, several choices on a single-choice question, empty and too long texts, and the wrong kind', () => {
    expect(checkAnswer(scale, { kind: 'value', value: 6 })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(scale, { kind: 'value', value: 0 })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(nps, { kind: 'value', value: 11 })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(nps, { kind: 'value', value: 2.5 })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(single, { kind: 'choices', choices: [0, 1] })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(single, { kind: 'choices', choices: [2] })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(multiple, { kind: 'choices', choices: [Number.NaN] })).toEqual({ ok: false, problem: 'out-of-range' });
    expect(checkAnswer(multiple, { kind: 'choices', choices: [] })).toEqual({ ok: false, problem: 'no-choice' });
    expect(checkAnswer(text, { kind: 'text', text: '   ' })).toEqual({ ok: false, problem: 'bad-text' });
    expect(checkAnswer(text, { kind: 'text', text: 'x'.repeat(1001) })).toEqual({ ok: false, problem: 'bad-text' });
    expect(checkAnswer(scale, { kind: 'choices', choices: [1] })).toEqual({ ok: false, problem: 'wrong-kind' });
  });

  it('validates question definitions: choice questions need 2 to 10 distinct options, others none', () => {
    expect(questionInput.safeParse({ kind: 'single', prompt: 'Which?', options: ['A'] }).success).toBe(false);
    expect(questionInput.safeParse({ kind: 'single', prompt: 'Which?', options: ['A', 'a'] }).success).toBe(false);
    expect(questionInput.safeParse({ kind: 'scale', prompt: 'How much?', options: ['A', 'B'] }).success).toBe(false);
    expect(questionInput.safeParse({ kind: 'nps', prompt: 'Recommend?' }).success).toBe(true);
    expect(questionInput.safeParse({ kind: 'multiple', prompt: 'Which?', options: Array.from({ length: 11 }, (_, i) => `O${i}`) }).success).toBe(false);
  });

  it('round-trips button values and form field names, and rejects forged ones', () => {
    expect(parseButtonValue(answerButtonValue(SURVEY_ID, 3, 10))).toEqual({ surveyId: SURVEY_ID, position: 3, value: 10 });
    expect(parseButtonValue(`${SURVEY_ID}|2`)).toEqual({ surveyId: SURVEY_ID, position: 2, value: null });
    expect(answerButtonValue(SURVEY_ID, 19, 10).length).toBeLessThanOrEqual(100);
    for (const bad of [undefined, '', 'x|1|2', `${SURVEY_ID}|-1|2`, `${SURVEY_ID}|1|2|3`, `${SURVEY_ID}|100|1`]) expect(parseButtonValue(bad)).toBeNull();
    const name = answerFieldName(SURVEY_ID, 4);
    expect(name.length).toBeLessThanOrEqual(40);
    expect(parseAnswerForm({ [name]: 'hello' })).toEqual({ surveyId: SURVEY_ID, position: 4, raw: 'hello' });
    expect(parseAnswerForm({ text: 'hello' })).toBeNull();
    expect(parseAnswerForm({ [name]: 'a', [answerFieldName(SURVEY_ID, 5)]: 'b' })).toBeNull();
    expect(choicesFromForm('0,2')).toEqual([0, 2]);
    expect(choicesFromForm('0,=1')[1]).toBeNaN();
  });
});

describe('survey audience', () => {
  it('stores and reads everyone, a chapter, a role and a sample', () => {
    for (const a of [
      { base: { kind: 'all' as const }, sample: null },
      { base: { kind: 'chapter' as const, chapterId: SURVEY_ID }, sample: 50 },
      { base: { kind: 'role' as const, role: 'board' as const }, sample: null },
    ]) expect(audienceFromText(audienceToText(a))).toEqual(a);
    expect(audienceFromText('sample:20')).toEqual({ base: { kind: 'all' }, sample: 20 });
    expect(audienceFromText('role:nonsense')).toEqual({ base: { kind: 'all' }, sample: null });
  });

  it('draws a sample of N distinct members, all of them when N is not smaller', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const ids = Array.from({ length: 100 }, (_, i) => `m${i}`);
    const drawn = drawSample(ids, 10, random);
    expect(drawn).toHaveLength(10);
    expect(new Set(drawn).size).toBe(10);
    expect(drawn.every((id) => ids.includes(id))).toBe(true);
    expect(drawSample(ids, 200, random)).toHaveLength(100);
    expect(drawSample(ids, null, random)).toHaveLength(100);
  });

  it('reminds a day before closing, or halfway when the survey is open shorter than two days', () => {
    const sent = new Date('2026-12-01T10:00:00Z');
    expect(reminderAt(sent, new Date('2026-12-10T10:00:00Z'))).toEqual(new Date('2026-12-09T10:00:00Z'));
    expect(reminderAt(sent, new Date('2026-12-01T22:00:00Z'))).toEqual(new Date('2026-12-01T16:00:00Z'));
    expect(reminderAt(sent, null)).toBeNull();
  });
});

describe('survey results', () => {
  const survey: Survey = {
    id: SURVEY_ID, organizationId: 'o', createdByMemberId: null, title: 'T', anonymous: false, status: 'open',
    audience: { base: { kind: 'all' }, sample: null }, questions: [single, multiple, scale, nps, text], minGroupSize: 5,
    opensAt: null, closesAt: null, sentAt: null, createdAt: new Date(), closedAt: null,
  };
  const answer = (responseId: string, q: SurveyQuestion, a: Partial<ResultAnswer>, chapter: string | null): ResultAnswer => ({
    responseId, position: q.position, choices: [], value: null, text: null,
    member: { name: `Name ${responseId}`, memberNumber: responseId }, chapter: { id: chapter, name: chapter }, ...a,
  });

  it('computes the NPS as promoters minus detractors in percent', () => {
    expect(npsScore([10, 9, 8, 7, 6, 0])).toEqual({ score: 0, promoters: 2, passives: 2, detractors: 2 });
    expect(npsScore([10, 10, 9, 3])).toEqual({ score: 50, promoters: 3, passives: 0, detractors: 1 });
    expect(npsScore([])).toEqual({ score: 0, promoters: 0, passives: 0, detractors: 0 });
  });

  it('counts per option with bars, averages the scale and lists the texts', () => {
    const answers = [
      answer('r1', multiple, { choices: [0, 1] }, 'A'), answer('r2', multiple, { choices: [1] }, 'A'),
      answer('r1', scale, { value: 4 }, 'A'), answer('r2', scale, { value: 3 }, 'A'),
      answer('r1', text, { text: 'More' }, 'A'),
    ];
    expect(summarise(multiple, answers).bars).toEqual([{ label: 'Sports', count: 1, percent: 50 }, { label: 'Culture', count: 2, percent: 100 }, { label: 'Travel', count: 0, percent: 0 }]);
    expect(summarise(scale, answers).average).toBe(3.5);
    expect(summarise(text, answers).texts).toEqual([{ text: 'More', name: 'Name r1' }]);
  });

  it('breaks down per chapter only for groups of at least the minimum size', () => {
    const answers: ResultAnswer[] = [];
    for (let i = 0; i < 5; i++) answers.push(answer(`big${i}`, scale, { value: 5 }, 'Utrecht'));
    for (let i = 0; i < 4; i++) answers.push(answer(`small${i}`, scale, { value: 1 }, 'Zwolle'));
    const r = surveyResults({ survey, answers, invited: 12, completed: 9, waiting: 0 });
    expect(r.respondents).toBe(9);
    expect(r.chapters?.map((c) => [c.chapterName, c.respondents])).toEqual([['Utrecht', 5]]);
    expect(r.hiddenGroups).toBe(1);
    expect(r.questions[2]!.average).toBe(3.2);
  });

  it('gives anonymous surveys no breakdown at all', () => {
    const answers = Array.from({ length: 6 }, (_, i) => ({ ...answer(`r${i}`, scale, { value: 3 }, null), member: null, chapter: null }));
    const r = surveyResults({ survey: { ...survey, anonymous: true }, answers, invited: 6, completed: 6, waiting: 0 });
    expect(r.chapters).toBeNull();
    expect(r.questions[4]!.texts).toEqual([]);
  });
});
