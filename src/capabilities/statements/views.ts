import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import { STANCES, answerValue, leadingStance, percentages, shortId, type ChapterTally, type Statement, type StatementTally } from './domain/statement.js';

/** Action id of the agree / neutral / disagree buttons; the value is `<statementId>:<stance>`. */
export const STATEMENT_ANSWER_ACTION = 'statement.answer';
/** Action id of the discuss button; the value is the statement id. */
export const STATEMENT_DISCUSS_ACTION = 'statement.discuss';

/** The bars of a tally, agree / neutral / disagree. */
export function stanceBars(tally: StatementTally, t: Translate): ViewBlock {
  const pct = percentages(tally);
  return { type: 'bars', bars: STANCES.map((s) => ({ label: t(`statements.stance.${s}`), count: tally[s], percent: pct[s] })) };
}

/**
 * The posted statement: the text, live bars, the answer buttons and the discuss button while open; the
 * final bars and the summary once closed. Every copy on every platform shows this same view.
 */
export function statementMessageView(statement: Statement, tally: StatementTally, t: Translate): View {
  const open = statement.status === 'open';
  const answers = t('statements.view.answers', { count: tally.total });
  const blocks: ViewBlock[] = [
    { type: 'heading', text: t('statements.view.heading') },
    { type: 'text', text: `**${statement.text}**` },
    { type: 'context', text: open ? t('statements.view.open') : t('statements.view.closed') },
    stanceBars(tally, t),
  ];
  if (!open) blocks.push({ type: 'text', text: summaryText(tally, t) });
  const buttons = open
    ? STANCES.map((s) => ({ actionId: STATEMENT_ANSWER_ACTION, label: t(`statements.stance.${s}`), value: answerValue(statement.id, s), ...(s === 'agree' ? { style: 'primary' as const } : {}) }))
    : [];
  buttons.push({ actionId: STATEMENT_DISCUSS_ACTION, label: t('statements.view.discuss'), value: statement.id });
  blocks.push({ type: 'buttons', buttons });
  blocks.push({ type: 'context', text: t('statements.view.footer', { id: shortId(statement.id), answers }) });
  return { fallback: `${statement.text} (${answers})`, blocks };
}

/** One sentence on the outcome: the leading answer and its share, or that opinions are divided. */
export function summaryText(tally: StatementTally, t: Translate): string {
  const answers = t('statements.view.answers', { count: tally.total });
  if (tally.total === 0) return t('statements.summary.none');
  const lead = leadingStance(tally);
  if (!lead) return t('statements.summary.tie', { answers });
  return t('statements.summary.lead', { stance: t(`statements.stance.${lead}`), percent: percentages(tally)[lead], answers });
}

/** The managers' results: bars, the summary, and a line per chapter. */
export function statementResultsBlocks(statement: Statement, tally: StatementTally, chapters: readonly ChapterTally[], t: Translate): ViewBlock[] {
  const blocks: ViewBlock[] = [
    stanceBars(tally, t),
    { type: 'text', text: summaryText(tally, t) },
    { type: 'context', text: `${statement.status === 'open' ? t('statements.results.open') : t('statements.results.closed')} · ${t('statements.view.answers', { count: tally.total })}` },
  ];
  if (chapters.length > 0) {
    blocks.push({ type: 'text', text: `**${t('statements.results.byChapter')}**\n${chapters.map((c) => chapterLine(c, t)).join('\n')}` });
  }
  return blocks;
}

function chapterLine(c: ChapterTally, t: Translate): string {
  return t('statements.results.chapterLine', {
    chapter: c.chapterName ?? t('statements.results.noChapter'),
    agree: c.agree,
    neutral: c.neutral,
    disagree: c.disagree,
    answers: t('statements.view.answers', { count: c.total }),
  });
}

/** The first message of a discussion thread. */
export function discussIntroView(statement: Statement, t: Translate): View {
  const text = t('statements.discuss.intro', { text: statement.text });
  return { fallback: text, blocks: [{ type: 'text', text }] };
}
