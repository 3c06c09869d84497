import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { Idea } from './domain/idea.js';
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

export { shortId as shortIdeaId };
