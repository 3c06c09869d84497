import { stripMarkdown } from '../../chat/views.js';
import type { Translate } from '../../kernel/i18n.js';
import { mentionText, type View, type ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { AskDraft, AskMessage, AskPerson } from './domain/ask.service.js';

/** Action ids of asks for help; the value is always the ask's id. */
export const ASK_ACTIONS = {
  send: 'connect.ask.send',
  cancel: 'connect.ask.cancel',
  help: 'connect.ask.help',
} as const;

/** Markdown a member typed, shown as plain text (no formatting, links or mentions of their own). */
const plain = (text: string) => text.replace(/[*_`[\]<>|~]/g, '');

/** How the reader reaches someone: a mention, or the platform they are on. */
export function reachText(t: Translate, person: AskPerson): string {
  if (person.mentionUserId) return mentionText(person.name, person.mentionUserId);
  return person.platform ? `${plain(person.name)} (${t('connect.find.on', { platform: t(`connect.platforms.${person.platform}`) })})` : plain(person.name);
}

/** The asker's preview: what goes to whom, with their OK (send) or not (cancel). Private to the asker. */
export function askDraftView(t: Translate, draft: AskDraft): View {
  return view([
    { type: 'text', text: t('connect.ask.preview', { topic: plain(draft.topic.name), helpers: draft.helpers }) },
    { type: 'context', text: `> ${plain(draft.ask.question)}` },
    {
      type: 'buttons',
      buttons: [
        { actionId: ASK_ACTIONS.send, label: t('connect.ask.send'), value: draft.ask.id, style: 'primary' },
        { actionId: ASK_ACTIONS.cancel, label: t('connect.ask.cancel'), value: draft.ask.id },
      ],
    },
  ]);
}

/** A direct message about a question, in the reader's language. */
export function askMessageView(t: Translate, m: AskMessage): View {
  switch (m.kind) {
    case 'ask-helper':
      return view([
        { type: 'heading', text: t('connect.ask.helperHeading', { topic: plain(m.topic) }) },
        { type: 'text', text: t('connect.ask.helperBody', { asker: reachText(t, m.asker), topic: plain(m.topic) }) },
        { type: 'context', text: `> ${plain(m.question)}` },
        { type: 'buttons', buttons: [{ actionId: ASK_ACTIONS.help, label: t('connect.ask.help'), value: m.askId, style: 'primary' }] },
      ]);
    case 'helped':
      return view([{ type: 'text', text: t('connect.ask.helped', { helper: reachText(t, m.helper), topic: plain(m.topic) }) }]);
    case 'escalated-manager':
      return view([
        { type: 'heading', text: t('connect.ask.managerHeading', { topic: plain(m.topic) }) },
        { type: 'text', text: m.hours > 0 ? t('connect.ask.managerBody', { asker: reachText(t, m.asker), hours: m.hours }) : t('connect.ask.managerBodyNobody', { asker: reachText(t, m.asker), topic: plain(m.topic) }) },
        { type: 'context', text: `> ${plain(m.question)}` },
      ]);
    case 'escalated-asker':
      return view([{ type: 'text', text: t('connect.ask.toManagers', { topic: plain(m.topic) }) }]);
  }
}

function view(blocks: ViewBlock[]): View {
  const first = blocks.find((b) => b.type === 'heading' || b.type === 'text');
  return { fallback: first && 'text' in first ? stripMarkdown(first.text.replace(/\[([^\]]+)\]\(mention:[^)]+\)/g, '$1')) : '', blocks };
}
