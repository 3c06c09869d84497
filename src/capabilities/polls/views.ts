import type { MemberRole } from '../../kernel/community.js';
import {
  POLL_LIMITS,
  isOpen,
  resultLines,
  resultsVisible,
  shortPollId,
  voteValue,
  type Poll,
  type Tally,
} from './domain/poll.js';
import { formatInZone } from '../../kernel/zoned-time.js';
import type { Locale } from '../../kernel/types.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { Translate } from '../../kernel/i18n.js';

/** Action id of the vote buttons and select; the value is `<pollId>:<position>`. */
export const POLL_VOTE_ACTION = 'poll.vote';

/** What the poll message shows besides the poll itself. */
export interface PollViewContext {
  t: Translate;
  locale: Locale;
  /** IANA zone the deadline is shown in (the organisation's). */
  timeZone: string;
  now: Date;
  /** Names of the audience's chapters (chapter audiences). */
  chapterNames?: readonly string[];
}

/**
 * The posted poll message: question, how to vote, deadline, result bars (or only the number of votes while
 * results are hidden), and vote buttons (a select when there are more than five options) while open.
 * Every posted copy on every platform shows this same view; nothing in it depends on who looks.
 */
export function pollMessageView(poll: Poll, tally: Tally, ctx: PollViewContext): View {
  const { t } = ctx;
  const open = isOpen(poll, ctx.now);
  const blocks: ViewBlock[] = [{ type: 'heading', text: poll.question }];
  blocks.push({ type: 'context', text: describeSettings(poll, ctx, open) });
  if (!open) blocks.push({ type: 'text', text: t('polls.view.closed') });
  if (resultsVisible(poll, ctx.now)) {
    blocks.push({ type: 'bars', bars: resultLines(poll, tally) });
  } else {
    blocks.push({ type: 'text', text: `**${t('polls.view.votes', { count: tally.voters })}**. ${t('polls.view.hidden')}` });
  }
  if (open) blocks.push(voteControls(poll, t));
  blocks.push({
    type: 'context',
    text: t('polls.view.footer', { id: shortPollId(poll.id), votes: t('polls.view.votes', { count: tally.voters }) }),
  });
  return { fallback: `${poll.question} (${t('polls.view.votes', { count: tally.voters })})`, blocks };
}

/** Result bars and counts for a manager (`/kring poll results`), also while hidden from members. */
export function pollResultsBlocks(poll: Poll, tally: Tally, ctx: PollViewContext): ViewBlock[] {
  const { t } = ctx;
  const open = isOpen(poll, ctx.now);
  const blocks: ViewBlock[] = [
    { type: 'bars', bars: resultLines(poll, tally) },
    {
      type: 'context',
      text: `${open ? t('polls.results.open') : t('polls.results.closed')} · ${t('polls.view.votes', { count: tally.voters })} · ${describeSettings(poll, ctx, open)}`,
    },
  ];
  if (!resultsVisible(poll, ctx.now)) blocks.push({ type: 'context', text: t('polls.results.hiddenNote') });
  return blocks;
}

/** The private confirmation of a member's current choice after a vote. */
export function voteConfirmation(poll: Poll, choices: readonly number[], t: Translate): string {
  const labels = choices.map((p) => poll.options[p]).filter((l): l is string => l !== undefined);
  if (labels.length === 0) return t('polls.vote.none');
  if (poll.choiceMode === 'single') return t('polls.vote.single', { choice: labels[0]! });
  return t('polls.vote.multi', { choices: labels.join(', ') });
}

function voteControls(poll: Poll, t: Translate): ViewBlock {
  if (poll.options.length <= POLL_LIMITS.maxButtons) {
    return {
      type: 'buttons',
      buttons: poll.options.map((label, i) => ({ actionId: POLL_VOTE_ACTION, label, value: voteValue(poll.id, i) })),
    };
  }
  return {
    type: 'select',
    actionId: POLL_VOTE_ACTION,
    placeholder: t('polls.view.selectPlaceholder'),
    options: poll.options.map((label, i) => ({ label, value: voteValue(poll.id, i) })),
  };
}

function describeSettings(poll: Poll, ctx: PollViewContext, open: boolean): string {
  const { t } = ctx;
  const parts: string[] = [];
  if (poll.choiceMode === 'single') parts.push(t('polls.view.single'));
  else if (poll.maxChoices !== null) parts.push(t('polls.view.multiMax', { count: poll.maxChoices }));
  else parts.push(t('polls.view.multi'));
  parts.push(poll.anonymous ? t('polls.view.anonymous') : t('polls.view.named'));
  if (poll.audience.kind === 'chapters' && ctx.chapterNames && ctx.chapterNames.length > 0) {
    parts.push(t('polls.view.audienceChapters', { chapters: ctx.chapterNames.join(', ') }));
  }
  if (poll.audience.kind === 'roles') {
    parts.push(t('polls.view.audienceRoles', { roles: poll.audience.roles.map((r: MemberRole) => t(`roles.${r}`)).join(', ') }));
  }
  if (open && poll.deadline) {
    parts.push(t('polls.view.deadline', { date: `${formatInZone(poll.deadline, ctx.locale, ctx.timeZone)} (${ctx.timeZone})` }));
  }
  return parts.join(' ');
}
