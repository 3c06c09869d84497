import type { Translate } from '../../kernel/i18n.js';
import type { Form, View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import { answerButtonValue, answerFieldName, NPS_RANGE, questionRef, SCALE_RANGE, shortSurveyId, type Survey, type SurveyQuestion } from './domain/survey.js';
import type { QuestionSummary, SurveyResultsData } from './domain/survey-results.js';

/** Action id of the answer buttons (single choice, scale, NPS); the value is survey, question and value. */
export const SURVEY_ANSWER_ACTION = 'survey.answer';
/** Action id of the button that opens the answer form (multiple choice, text); the value is survey and question. */
export const SURVEY_FORM_ACTION = 'survey.form';
/** formId of the answer form; the field name says which survey and question (see `answerFieldName`). */
export const SURVEY_ANSWER_FORM = 'survey.answer';

/** The blocks of one question: its number, prompt and what to answer with. */
export function questionBlocks(survey: Survey, question: SurveyQuestion, t: Translate): ViewBlock[] {
  const blocks: ViewBlock[] = [
    { type: 'context', text: t('surveys.question.number', { number: question.position + 1, count: survey.questions.length }) },
    { type: 'text', text: `**${question.prompt}**` },
  ];
  const value = (v: number) => answerButtonValue(survey.id, question.position, v);
  switch (question.kind) {
    case 'single':
      blocks.push({ type: 'buttons', buttons: question.options.map((label, i) => ({ actionId: SURVEY_ANSWER_ACTION, label, value: value(i) })) });
      break;
    case 'scale': {
      const buttons = [];
      for (let v = SCALE_RANGE.min; v <= SCALE_RANGE.max; v++) buttons.push({ actionId: SURVEY_ANSWER_ACTION, label: String(v), value: value(v) });
      blocks.push({ type: 'buttons', buttons }, { type: 'context', text: t('surveys.question.scaleHint') });
      break;
    }
    case 'nps': {
      const buttons = [];
      for (let v = NPS_RANGE.min; v <= NPS_RANGE.max; v++) buttons.push({ actionId: SURVEY_ANSWER_ACTION, label: String(v), value: value(v) });
      blocks.push({ type: 'buttons', buttons }, { type: 'context', text: t('surveys.question.npsHint') });
      break;
    }
    case 'multiple':
      blocks.push({ type: 'text', text: question.options.map((o) => `- ${o}`).join('\n') });
      blocks.push({ type: 'buttons', buttons: [{ actionId: SURVEY_FORM_ACTION, label: t('surveys.question.choose'), value: questionRef(survey.id, question.position), style: 'primary' }] });
      break;
    case 'text':
      blocks.push({ type: 'buttons', buttons: [{ actionId: SURVEY_FORM_ACTION, label: t('surveys.question.write'), value: questionRef(survey.id, question.position), style: 'primary' }] });
      break;
  }
  return blocks;
}

/** One question as a message (the next one after an answer, or a resumed one). */
export function questionView(survey: Survey, question: SurveyQuestion, t: Translate): View {
  return { fallback: `${survey.title}: ${question.prompt}`, blocks: [{ type: 'heading', text: survey.title }, ...questionBlocks(survey, question, t)] };
}

/** The invitation (or reminder) direct message, with the question the member is at. */
export function invitationView(survey: Survey, question: SurveyQuestion | null, t: Translate, reminder: boolean): View {
  const intro = t(reminder ? 'surveys.invite.reminder' : 'surveys.invite.intro', { count: survey.questions.length });
  const privacy = t(survey.anonymous ? 'surveys.invite.anonymous' : 'surveys.invite.named');
  const blocks: ViewBlock[] = [{ type: 'heading', text: survey.title }, { type: 'text', text: intro }, { type: 'context', text: privacy }];
  if (question) blocks.push(...questionBlocks(survey, question, t));
  return { fallback: `${survey.title}: ${intro}`, blocks };
}

/** After the last answer. */
export function thanksView(survey: Survey, t: Translate): View {
  const text = t('surveys.answer.thanks', { title: survey.title });
  return { fallback: text, blocks: [{ type: 'text', text }] };
}

/** The answer form of a multiple-choice or text question. */
export function answerForm(survey: Survey, question: SurveyQuestion, t: Translate): Form {
  const name = answerFieldName(survey.id, question.position);
  const label = question.prompt.slice(0, 45);
  return {
    formId: SURVEY_ANSWER_FORM,
    title: t('surveys.form.title'),
    submitLabel: t('surveys.form.submit'),
    fields:
      question.kind === 'multiple'
        ? [{ name, label, kind: 'multi-select', required: true, options: question.options.map((o, i) => ({ label: o, value: String(i) })) }]
        : [{ name, label, kind: 'long', required: true, maxLength: 1000, placeholder: t('surveys.form.placeholder') }],
  };
}

function summaryBlocks(q: QuestionSummary, t: Translate, anonymous: boolean, maxTexts = 20): ViewBlock[] {
  const blocks: ViewBlock[] = [{ type: 'text', text: `**${q.question.position + 1}. ${q.question.prompt}** (${t('surveys.results.answered', { count: q.answered })})` }];
  if (q.question.kind === 'text') {
    if (q.texts.length > 0) {
      const lines = q.texts.slice(0, maxTexts).map((x) => (x.name && !anonymous ? `- ${x.name}: ${x.text}` : `- ${x.text}`));
      blocks.push({ type: 'text', text: lines.join('\n') });
      if (q.texts.length > maxTexts) blocks.push({ type: 'context', text: t('surveys.results.moreTexts', { count: q.texts.length - maxTexts }) });
    }
    return blocks;
  }
  blocks.push({ type: 'bars', bars: q.bars });
  if (q.average !== null) blocks.push({ type: 'context', text: t('surveys.results.average', { average: q.average.toFixed(1) }) });
  if (q.nps) blocks.push({ type: 'context', text: t('surveys.results.nps', { score: q.nps.score > 0 ? `+${q.nps.score}` : String(q.nps.score), promoters: q.nps.promoters, passives: q.nps.passives, detractors: q.nps.detractors }) });
  return blocks;
}

/** One chapter's line for a question: the top option, the average or the NPS. */
function chapterLine(q: QuestionSummary, t: Translate): string {
  if (q.nps) return `${q.question.position + 1}. NPS ${q.nps.score > 0 ? `+${q.nps.score}` : q.nps.score}`;
  if (q.average !== null) return `${q.question.position + 1}. ${t('surveys.results.average', { average: q.average.toFixed(1) })}`;
  return `${q.question.position + 1}. ${q.bars.map((b) => `${b.label} ${b.percent}%`).join(', ')}`;
}

/** The managers' results: per question bars, average, NPS, texts; the chapters large enough to show. */
export function resultsView(data: SurveyResultsData, t: Translate): View {
  const { survey } = data;
  const blocks: ViewBlock[] = [
    { type: 'heading', text: survey.title },
    {
      type: 'fields',
      fields: [
        { label: t('surveys.results.status'), value: t(`surveys.status.${survey.status}`) },
        { label: t('surveys.results.invited'), value: String(data.invited) },
        { label: t('surveys.results.completed'), value: String(data.completed) },
        { label: t('surveys.results.respondents'), value: String(data.respondents) },
      ],
    },
  ];
  if (survey.anonymous) blocks.push({ type: 'context', text: t('surveys.results.anonymousNote', { waiting: data.waiting, size: survey.minGroupSize }) });
  for (const q of data.questions) blocks.push(...summaryBlocks(q, t, survey.anonymous));
  if (data.chapters) {
    blocks.push({ type: 'divider' }, { type: 'text', text: `**${t('surveys.results.perChapter', { size: survey.minGroupSize })}**` });
    for (const c of data.chapters) {
      blocks.push({ type: 'text', text: `**${c.chapterName ?? t('surveys.results.noChapter')}** (${t('surveys.results.respondentCount', { count: c.respondents })})\n${c.questions.map((q) => `- ${chapterLine(q, t)}`).join('\n')}` });
    }
    if (data.hiddenGroups > 0) blocks.push({ type: 'context', text: t('surveys.results.hiddenGroups', { count: data.hiddenGroups, size: survey.minGroupSize }) });
  }
  blocks.push({ type: 'context', text: t('surveys.results.footer', { id: shortSurveyId(survey.id) }) });
  return { fallback: `${survey.title}: ${t('surveys.results.respondentCount', { count: data.respondents })}`, blocks };
}

/** A survey's one-line summary for lists. */
export function surveyLine(survey: Survey, t: Translate): string {
  return t('surveys.list.line', { id: shortSurveyId(survey.id), title: survey.title, status: t(`surveys.status.${survey.status}`), count: survey.questions.length, privacy: t(survey.anonymous ? 'surveys.list.anonymous' : 'surveys.list.named') });
}
