import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import { monthName, type Idea } from './domain/idea.js';
import type { DigestLine } from './domain/idea.service.js';

/** Action id of the upvote button; the value is the idea id. */
export const IDEA_UPVOTE_ACTION = 'idea.upvote';

const shortId = (id: string) => id.replace(/-/g, '').slice(0, 8);

/** The status as a person reads it, with the reason of a declined idea. */
export function statusText(idea: Pick<Idea, 'status' | 'reason'>, t: Translate): string {
  const status = t(`ideas.status.${idea.status}`);
  return idea.status === 'declined' && idea.reason ? t('ideas.view.declinedBecause', { status, reason: idea.reason }) : status;
}

/** The posted idea: its text, status and upvotes, and the upvote button while it is not done or declined. */
export function ideaMessageView(idea: Idea, votes: number, t: Translate): View {
  const upvotes = t('ideas.view.upvotes', { count: votes });
  const blocks: ViewBlock[] = [
    { type: 'heading', text: t('ideas.view.heading') },
    { type: 'text', text: idea.text },
    { type: 'fields', fields: [{ label: t('ideas.view.status'), value: statusText(idea, t) }, { label: t('ideas.view.support'), value: upvotes }] },
  ];
  if (idea.status !== 'done' && idea.status !== 'declined') {
    blocks.push({ type: 'buttons', buttons: [{ actionId: IDEA_UPVOTE_ACTION, label: t('ideas.view.upvote'), value: idea.id, style: 'primary' }] });
  }
  blocks.push({ type: 'context', text: t('ideas.view.footer', { id: shortId(idea.id) }) });
  return { fallback: `${idea.text} (${upvotes})`, blocks };
}

/** The direct message to the submitter or an upvoter about a status change. */
export function ideaChangeView(idea: Idea, submitter: boolean, t: Translate): View {
  const text = t(submitter ? 'ideas.notify.yours' : 'ideas.notify.supported', { text: idea.text, status: statusText(idea, t) });
  return { fallback: text, blocks: [{ type: 'text', text }] };
}

/** The "you said, we did" draft: a news text managers can edit and send (`/kring news`). */
export function digestText(month: string, lines: readonly DigestLine[], t: Translate): string {
  if (lines.length === 0) return t('ideas.digest.none', { month });
  const body = lines.map((l) => `- ${t('ideas.digest.line', { text: l.idea.text, status: statusText({ status: l.status, reason: l.reason }, t), upvotes: t('ideas.view.upvotes', { count: l.votes }) })}`);
  return [`**${t('ideas.digest.title', { month })}**`, t('ideas.digest.intro'), ...body].join('\n');
}

/** News bodies stay under the news capability's limit (1,800 characters) with room for the last line. */
const NEWS_BODY_BUDGET = 1_650;

/**
 * The "you said, we did" as a news item (title and plain text) for the managers to review: the month by
 * name, an introduction, and one line per idea (most upvoted first) with where it went and why when declined;
 * what does not fit is counted in a last line.
 */
export function digestNews(month: string, lines: readonly DigestLine[], t: Translate, locale: string): { title: string; body: string } {
  const out = [t('ideas.digest.intro')];
  let length = out[0]!.length;
  let shown = 0;
  for (const l of lines) {
    const line = `- ${t('ideas.digest.line', { text: l.idea.text, status: statusText({ status: l.status, reason: l.reason }, t), upvotes: t('ideas.view.upvotes', { count: l.votes }) })}`;
    if (length + line.length + 1 > NEWS_BODY_BUDGET) break;
    out.push(line);
    length += line.length + 1;
    shown++;
  }
  if (shown < lines.length) out.push(t('ideas.digest.more', { count: lines.length - shown }));
  return { title: t('ideas.digest.title', { month: monthName(month, locale) }), body: out.join('\n') };
}

export { shortId as shortIdeaId };
