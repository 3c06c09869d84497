import { NPS_RANGE, SCALE_RANGE, type Survey, type SurveyQuestion } from './survey.js';
import type { SurveyFigures } from '../../../kernel/events.js';

/** One stored answer as results read it; `member` and `chapter` only for named surveys. */
export interface ResultAnswer {
  responseId: string;
  position: number;
  choices: number[];
  value: number | null;
  text: string | null;
  /** Named surveys: who answered (name and member number); null for anonymous ones. */
  member: { name: string; memberNumber: string } | null;
  /** Named surveys: the member's chapter (`undefined` id: no chapter); null for anonymous ones. */
  chapter: { id: string | null; name: string | null } | null;
}

export interface Bar {
  label: string;
  count: number;
  /** 0–100, of the members who answered the question. */
  percent: number;
}

/** Net Promoter Score: % promoters (9–10) minus % detractors (0–6), −100 to 100. */
export interface NpsScore {
  score: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface QuestionSummary {
  question: SurveyQuestion;
  /** Members who answered this question. */
  answered: number;
  /** Choice questions: one bar per option; scale and NPS: one bar per value. */
  bars: Bar[];
  /** Scale: the mean, one decimal (null without answers). */
  average: number | null;
  nps: NpsScore | null;
  /** Text: the answers; `name` only on named surveys. Anonymous texts come in the stored (shuffled) order. */
  texts: { text: string; name: string | null }[];
}

export interface ChapterSummary {
  chapterId: string | null;
  chapterName: string | null;
  respondents: number;
  questions: QuestionSummary[];
}

export interface SurveyResultsData {
  survey: Survey;
  invited: number;
  completed: number;
  /** Responses in the results (anonymous: those released so far). */
  respondents: number;
  /** Anonymous: completed responses still sealed, waiting for a batch of at least the minimum group size. */
  waiting: number;
  questions: QuestionSummary[];
  /** Named surveys: chapters with at least `survey.minGroupSize` respondents; null for anonymous surveys. */
  chapters: ChapterSummary[] | null;
  /** Chapters (or the group without a chapter) left out of the breakdown for being too small. */
  hiddenGroups: number;
}

const percent = (count: number, of: number) => (of === 0 ? 0 : Math.round((count / of) * 100));

/** Counts, bars, averages and NPS of one question over `answers` (all of that question). */
export function summarise(question: SurveyQuestion, answers: readonly ResultAnswer[]): QuestionSummary {
  const mine = answers.filter((a) => a.position === question.position);
  const answered = mine.length;
  let bars: Bar[] = [];
  let average: number | null = null;
  let nps: NpsScore | null = null;
  let texts: QuestionSummary['texts'] = [];
  if (question.kind === 'single' || question.kind === 'multiple') {
    bars = question.options.map((label, i) => {
      const count = mine.filter((a) => a.choices.includes(i)).length;
      return { label, count, percent: percent(count, answered) };
    });
  } else if (question.kind === 'scale' || question.kind === 'nps') {
    const range = question.kind === 'scale' ? SCALE_RANGE : NPS_RANGE;
    const values = mine.map((a) => a.value).filter((v): v is number => v !== null);
    for (let v = range.min; v <= range.max; v++) {
      const count = values.filter((x) => x === v).length;
      bars.push({ label: String(v), count, percent: percent(count, values.length) });
    }
    if (question.kind === 'scale') average = values.length === 0 ? null : Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;
    else nps = npsScore(values);
  } else {
    texts = mine.filter((a) => a.text !== null).map((a) => ({ text: a.text!, name: a.member?.name ?? null }));
  }
  return { question, answered, bars, average, nps, texts };
}

/** The NPS of 0–10 answers (0 without answers). */
export function npsScore(values: readonly number[]): NpsScore {
  const promoters = values.filter((v) => v >= 9).length;
  const detractors = values.filter((v) => v <= 6).length;
  const passives = values.length - promoters - detractors;
  const score = values.length === 0 ? 0 : Math.round(((promoters - detractors) / values.length) * 100);
  return { score, promoters, passives, detractors };
}

/**
 * The managers' results. The breakdown per chapter is only for named surveys (anonymous answers carry no
 * chapter) and only shows groups of at least `survey.minGroupSize` respondents, so no small group's
 * answers can be read off it.
 */
export function surveyResults(input: { survey: Survey; answers: readonly ResultAnswer[]; invited: number; completed: number; waiting: number }): SurveyResultsData {
  const { survey, answers } = input;
  const respondents = new Set(answers.map((a) => a.responseId)).size;
  const questions = survey.questions.map((q) => summarise(q, answers));
  let chapters: ChapterSummary[] | null = null;
  let hiddenGroups = 0;
  if (!survey.anonymous) {
    const groups = new Map<string, { id: string | null; name: string | null; answers: ResultAnswer[] }>();
    for (const a of answers) {
      const key = a.chapter?.id ?? '';
      const g = groups.get(key) ?? { id: a.chapter?.id ?? null, name: a.chapter?.name ?? null, answers: [] };
      g.answers.push(a);
      groups.set(key, g);
    }
    chapters = [];
    for (const g of groups.values()) {
      const size = new Set(g.answers.map((a) => a.responseId)).size;
      if (size < survey.minGroupSize) {
        hiddenGroups++;
        continue;
      }
      // Texts stay out of the breakdown: they are listed once, above, and a chapter's list would narrow them down.
      chapters.push({ chapterId: g.id, chapterName: g.name, respondents: size, questions: survey.questions.filter((q) => q.kind !== 'text').map((q) => summarise(q, g.answers)) });
    }
    chapters.sort((a, b) => (a.chapterName ?? '\uffff').localeCompare(b.chapterName ?? '\uffff'));
  }
  return { survey, invited: input.invited, completed: input.completed, respondents, waiting: input.waiting, questions, chapters, hiddenGroups };
}

/**
 * One survey's results as the insights dashboard charts them: counts, bars, averages and NPS per question.
 * Anonymous surveys show text questions as a count only, and nothing at all until at least
 * `survey.minGroupSize` responses are in the results (closing releases every sealed response, however few).
 * Named surveys show their text answers without names.
 */
export function dashboardFigures(results: SurveyResultsData): SurveyFigures {
  const { survey } = results;
  const shown = !survey.anonymous || results.respondents >= survey.minGroupSize;
  return {
    surveyId: survey.id,
    title: survey.title,
    status: survey.status === 'closed' ? 'closed' : 'open',
    anonymous: survey.anonymous,
    sentAt: survey.sentAt,
    closedAt: survey.closedAt,
    minGroupSize: survey.minGroupSize,
    invited: results.invited,
    completed: results.completed,
    respondents: shown ? results.respondents : 0,
    shown,
    questions: shown
      ? results.questions.map((q) => ({
          position: q.question.position,
          kind: q.question.kind,
          prompt: q.question.prompt,
          answered: q.answered,
          bars: q.bars.map((b) => ({ label: b.label, count: b.count })),
          average: q.average,
          nps: q.nps,
          texts: survey.anonymous || q.question.kind !== 'text' ? null : q.texts.map((t) => t.text),
        }))
      : [],
  };
}
