import { z } from 'zod';
import { MEMBER_ROLES, type MemberRole } from '../../../kernel/community.js';

/**
 * Surveys (doelgroeponderzoek): the entities and the pure rules. A survey is written as a draft (questions
 * added one by one), then sent by direct message to its audience; each invited member answers question by
 * question, once. Anonymous surveys keep no path from an answer to a member (see ports.ts).
 */

export const SURVEY_STATUSES = ['draft', 'open', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** single and multiple choice, a 1–5 scale, NPS (0–10), short text. */
export const QUESTION_KINDS = ['single', 'multiple', 'scale', 'nps', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const SURVEY_LIMITS = {
  titleLength: 200,
  promptLength: 300,
  /** Questions per survey. */
  questions: 20,
  /** Options of a choice question: at most what a platform's select holds (25), kept to a readable 10. */
  options: 10,
  optionLength: 75,
  textLength: 1000,
  /** A random sample draws at most this many members. */
  sample: 100_000,
  /** The smallest group a breakdown may show (managers may raise it). */
  minGroupSize: 5,
} as const;

/** The scale's and NPS' value ranges. */
export const SCALE_RANGE = { min: 1, max: 5 } as const;
export const NPS_RANGE = { min: 0, max: 10 } as const;

export interface SurveyQuestion {
  position: number;
  kind: QuestionKind;
  prompt: string;
  /** Choice questions only. */
  options: string[];
}

/**
 * Who is asked: everyone, a chapter, a role, or the sounding-board panel (kept by the panel capability,
 * asked for over the bus: `audience.members-requested`); optionally a random sample of N of them.
 */
export type AudienceBase = { kind: 'all' } | { kind: 'chapter'; chapterId: string } | { kind: 'role'; role: MemberRole } | { kind: 'panel' };
export interface SurveyAudience {
  base: AudienceBase;
  /** Draw this many at random (null: all of them). */
  sample: number | null;
}

export interface Survey {
  id: string;
  organizationId: string;
  createdByMemberId: string | null;
  title: string;
  anonymous: boolean;
  status: SurveyStatus;
  audience: SurveyAudience;
  questions: SurveyQuestion[];
  minGroupSize: number;
  opensAt: Date | null;
  closesAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** One member's answer to one question. */
export type AnswerValue = { kind: 'choices'; choices: number[] } | { kind: 'value'; value: number } | { kind: 'text'; text: string };

/** A stored answer: the question's position and its value. */
export interface StoredAnswer {
  position: number;
  choices: number[];
  value: number | null;
  text: string | null;
}

/** The invitation register: who was asked and how far they got, never what they answered. */
export interface SurveyInvite {
  id: string;
  surveyId: string;
  memberId: string;
  nextQuestion: number;
  completed: boolean;
  delivered: boolean;
  remindedAt: Date | null;
}

// --- Audience ---------------------------------------------------------------------------------------

/** The audience as stored (`all`, `chapter:<id>`, `role:<role>`, `panel`, each optionally `+sample:<n>`). */
export function audienceToText(a: SurveyAudience): string {
  const base = a.base.kind === 'all' || a.base.kind === 'panel' ? a.base.kind : a.base.kind === 'chapter' ? `chapter:${a.base.chapterId}` : `role:${a.base.role}`;
  return a.sample === null ? base : `${base}+sample:${a.sample}`;
}

/** Reads a stored audience; `sample:<n>` alone is a sample of everyone. Unknown text is everyone (never more than that). */
export function audienceFromText(text: string): SurveyAudience {
  const [head = 'all', tail] = text.split('+');
  let sample: number | null = null;
  let base: AudienceBase = { kind: 'all' };
  const sampleOf = (s: string | undefined) => (s && /^sample:\d{1,6}$/.test(s) ? Number(s.slice(7)) : null);
  if (head.startsWith('sample:')) sample = sampleOf(head);
  else if (head === 'panel') base = { kind: 'panel' };
  else if (head.startsWith('chapter:')) base = { kind: 'chapter', chapterId: head.slice(8) };
  else if (head.startsWith('role:') && (MEMBER_ROLES as readonly string[]).includes(head.slice(5))) base = { kind: 'role', role: head.slice(5) as MemberRole };
  if (tail) sample = sampleOf(tail);
  return { base, sample };
}

/**
 * Draws `n` of `ids` uniformly at random (Fisher–Yates over a copy, with `random` in [0, 1)); all of
 * them when `n` is null or at least their number.
 */
export function drawSample<T>(ids: readonly T[], n: number | null, random: () => number): T[] {
  const copy = [...ids];
  if (n === null || n >= copy.length) return copy;
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

// --- Questions and answers --------------------------------------------------------------------------

/** A question as a manager defines it (chat, API, CLI); validated by {@link questionInput}. */
export const questionInput = z
  .object({
    kind: z.enum(QUESTION_KINDS),
    prompt: z.string().trim().min(3).max(SURVEY_LIMITS.promptLength),
    options: z.array(z.string().trim().min(1).max(SURVEY_LIMITS.optionLength)).max(SURVEY_LIMITS.options).default([]),
  })
  .superRefine((q, ctx) => {
    const choice = q.kind === 'single' || q.kind === 'multiple';
    if (choice && q.options.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice question needs 2 to 10 options' });
    if (!choice && q.options.length > 0) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only choice questions have options' });
    if (new Set(q.options.map((o) => o.toLowerCase())).size !== q.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must differ' });
  });
export type QuestionInput = z.output<typeof questionInput>;

/** Why an answer does not fit its question (the texts a member sees are in the catalogue). */
export type AnswerProblem = 'wrong-kind' | 'out-of-range' | 'no-choice' | 'bad-text';

/**
 * Checks an answer against its question and returns it normalised (choices sorted and unique, text
 * trimmed), or the problem. Everything a member sends passes here: buttons and forms can be forged.
 */
export function checkAnswer(question: SurveyQuestion, answer: AnswerValue): { ok: true; answer: StoredAnswer } | { ok: false; problem: AnswerProblem } {
  const stored = (a: Partial<StoredAnswer>): StoredAnswer => ({ position: question.position, choices: [], value: null, text: null, ...a });
  switch (question.kind) {
    case 'single':
    case 'multiple': {
      if (answer.kind !== 'choices') return { ok: false, problem: 'wrong-kind' };
      const choices = [...new Set(answer.choices)].sort((a, b) => a - b);
      if (choices.length === 0) return { ok: false, problem: 'no-choice' };
      if (choices.some((c) => !Number.isInteger(c) || c < 0 || c >= question.options.length)) return { ok: false, problem: 'out-of-range' };
      if (question.kind === 'single' && choices.length > 1) return { ok: false, problem: 'out-of-range' };
      return { ok: true, answer: stored({ choices }) };
    }
    case 'scale':
    case 'nps': {
      if (answer.kind !== 'value') return { ok: false, problem: 'wrong-kind' };
      const range = question.kind === 'scale' ? SCALE_RANGE : NPS_RANGE;
      if (!Number.isInteger(answer.value) || answer.value < range.min || answer.value > range.max) return { ok: false, problem: 'out-of-range' };
      return { ok: true, answer: stored({ value: answer.value }) };
    }
    case 'text': {
      if (answer.kind !== 'text') return { ok: false, problem: 'wrong-kind' };
      const text = answer.text.replace(/\r\n/g, '\n').trim();
      if (text.length === 0 || text.length > SURVEY_LIMITS.textLength) return { ok: false, problem: 'bad-text' };
      return { ok: true, answer: stored({ text }) };
    }
  }
}

// --- Button values and form fields ------------------------------------------------------------------

const compact = (id: string) => id.replace(/-/g, '').toLowerCase();
const expand = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The value of an answer button: survey, question position, value (`<uuid>|<pos>|<n>`, under 100 characters). */
export function answerButtonValue(surveyId: string, position: number, value: number): string {
  return `${surveyId}|${position}|${value}`;
}

/** The value of a question button without a value (open the form, show the question again). */
export function questionRef(surveyId: string, position: number): string {
  return `${surveyId}|${position}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads an answer button's or question button's value; null for anything else. */
export function parseButtonValue(value: string | undefined): { surveyId: string; position: number; value: number | null } | null {
  const m = /^([0-9a-f-]{36})\|(\d{1,2})(?:\|(\d{1,2}))?$/.exec(value ?? '');
  if (!m || !UUID.test(m[1]!)) return null;
  return { surveyId: m[1]!, position: Number(m[2]), value: m[3] === undefined ? null : Number(m[3]) };
}

/**
 * The field name of an answer form: it names the survey and the question (`s<32 hex>p<pos>`, at most 36
 * characters), because a form comes back with its field names and values only.
 */
export function answerFieldName(surveyId: string, position: number): string {
  return `s${compact(surveyId)}p${position}`;
}

/** Finds the one answer field of a submitted form; null when there is none or several. */
export function parseAnswerForm(values: Record<string, string>): { surveyId: string; position: number; raw: string } | null {
  const found = Object.entries(values).flatMap(([name, raw]) => {
    const m = /^s([0-9a-f]{32})p(\d{1,2})$/.exec(name);
    return m ? [{ surveyId: expand(m[1]!), position: Number(m[2]), raw }] : [];
  });
  return found.length === 1 ? found[0]! : null;
}

/** A multi-select's submitted value (`0,2`) as choices; NaN entries make the answer out of range. */
export function choicesFromForm(raw: string): number[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d{1,2}$/.test(s) ? Number(s) : Number.NaN));
}

// --- Timing -----------------------------------------------------------------------------------------

/**
 * When the reminder goes to those who have not finished: a day before closing, or halfway between
 * sending and closing when that is sooner than a day; null without a closing time or when it is past.
 */
export function reminderAt(sentAt: Date, closesAt: Date | null): Date | null {
  if (!closesAt || closesAt <= sentAt) return null;
  const span = closesAt.getTime() - sentAt.getTime();
  return new Date(closesAt.getTime() - Math.min(24 * 3_600_000, span / 2));
}

/** Short id as people type it (the first 8 hex digits). */
export function shortSurveyId(id: string): string {
  return compact(id).slice(0, 8);
}
