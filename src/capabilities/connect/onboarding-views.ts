import { stripMarkdown } from '../../chat/views.js';
import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import { reachText } from './ask-views.js';
import type { OnboardingMessage } from './domain/onboarding.service.js';

/** A welcome-time direct message in the reader's language. */
export function onboardingMessageView(t: Translate, m: OnboardingMessage): View {
  switch (m.kind) {
    case 'welcome': {
      const blocks: ViewBlock[] = [
        { type: 'heading', text: t('connect.onboarding.heading', { org: m.organization }) },
        { type: 'text', text: t('connect.onboarding.profile') },
      ];
      if (m.interests.length > 0) blocks.push({ type: 'context', text: t('connect.onboarding.interests', { interests: m.interests.slice(0, 25).join(', ') }) });
      blocks.push({ type: 'text', text: t('connect.onboarding.intros') });
      if (m.buddy) blocks.push({ type: 'text', text: t('connect.onboarding.buddy', { buddy: reachText(t, m.buddy) }) });
      return view(blocks);
    }
    case 'buddy':
      return view([{ type: 'text', text: t('connect.onboarding.forBuddy', { newcomer: reachText(t, m.newcomer) }) }]);
  }
}

function view(blocks: ViewBlock[]): View {
  const first = blocks.find((b) => b.type === 'heading' || b.type === 'text');
  return { fallback: first && 'text' in first ? stripMarkdown(first.text.replace(/\[([^\]]+)\]\(mention:[^)]+\)/g, '$1')) : '', blocks };
}
