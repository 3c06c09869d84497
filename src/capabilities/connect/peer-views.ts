import { stripMarkdown } from '../../chat/views.js';
import type { Translate } from '../../kernel/i18n.js';
import { mentionText, type View, type ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { Platform } from '../../kernel/types.js';
import type { PeerMessage } from './domain/peer.service.js';
import type { Situation } from './ports.js';

/** Action ids of peer support; a choice travels as the situation's id, never its name. */
export const PEER_ACTIONS = {
  ask: 'connect.peer.ask',
  offer: 'connect.peer.offer',
  pause: 'connect.peer.pause',
  leave: 'connect.peer.leave',
  /** Value `<request id>:yes|no`. */
  answer: 'connect.peer.answer',
} as const;

/** `/kring peers`: what peer support is, the two choices and pause/leave. Private to the member. */
export function peersView(t: Translate, situations: readonly Situation[]): View {
  if (situations.length === 0) return view([{ type: 'text', text: t('connect.peers.empty') }]);
  const options = situations.map((s) => ({ label: s.name, value: s.id }));
  return view([
    { type: 'heading', text: t('connect.peers.heading') },
    { type: 'text', text: t('connect.peers.intro') },
    { type: 'select', actionId: PEER_ACTIONS.ask, placeholder: t('connect.peers.askPlaceholder'), options },
    { type: 'select', actionId: PEER_ACTIONS.offer, placeholder: t('connect.peers.offerPlaceholder'), options },
    {
      type: 'buttons',
      buttons: [
        { actionId: PEER_ACTIONS.pause, label: t('connect.peers.pause') },
        { actionId: PEER_ACTIONS.leave, label: t('connect.peers.leave'), style: 'danger' },
      ],
    },
  ]);
}

/** A peer-support direct message in the reader's language. */
export function peerMessageView(t: Translate, m: PeerMessage): View {
  switch (m.kind) {
    case 'ask-volunteer':
      return view([
        { type: 'heading', text: t('connect.peers.askVolunteerHeading') },
        { type: 'text', text: t('connect.peers.askVolunteerBody', { situation: m.situation.replace(/[*`[\]]/g, '') }) },
        {
          type: 'buttons',
          buttons: [
            { actionId: PEER_ACTIONS.answer, label: t('connect.peers.yes'), value: `${m.requestId}:yes`, style: 'primary' },
            { actionId: PEER_ACTIONS.answer, label: t('connect.peers.no'), value: `${m.requestId}:no` },
          ],
        },
      ]);
    case 'introduced': {
      const name = m.other.name.replace(/[*`[\]]/g, '');
      const where = m.other.mentionUserId
        ? t('connect.peers.introducedHere', { mention: mentionText(m.other.name, m.other.mentionUserId) })
        : m.other.platform
          ? t('connect.find.on', { platform: t(`connect.platforms.${m.other.platform as Platform}`) })
          : '—';
      return view([
        { type: 'heading', text: t('connect.peers.introducedHeading') },
        { type: 'text', text: t('connect.peers.introducedBody', { name, where }) },
      ]);
    }
    case 'unmatched':
      return view([{ type: 'text', text: t('connect.peers.unmatched') }]);
  }
}

function view(blocks: ViewBlock[]): View {
  const first = blocks.find((b) => b.type === 'heading' || b.type === 'text');
  return { fallback: first && 'text' in first ? stripMarkdown(first.text.replace(/\[([^\]]+)\]\(mention:[^)]+\)/g, '$1')) : '', blocks };
}
