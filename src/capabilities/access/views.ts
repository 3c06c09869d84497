import type { Organization } from '../../kernel/community.js';
import type { Translator } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { Locale } from '../../kernel/types.js';
import type { AccessViews } from './ports.js';

/** The action id of the house rules' "I agree" button (the value is the rules' version). */
export const RULES_AGREE_ACTION = 'access.rules.agree';

/** The messages access sends, in the member's language. */
export function accessViews(translator: Translator): AccessViews {
  return {
    lapseNotice(locale: Locale, organization: Organization, renewUrl: string | undefined): View {
      const t = translator.for(locale);
      const heading = t('access.lapse.title');
      const renew = renewUrl ? t('access.lapse.renew', { url: renewUrl }) : t('access.lapse.renewNoLink');
      return {
        fallback: `${heading}: ${t('access.lapse.body', { organization: organization.name })}${renewUrl ? ` ${renewUrl}` : ''}`,
        blocks: [
          { type: 'heading', text: heading },
          { type: 'text', text: `${t('access.lapse.body', { organization: organization.name })}\n\n${renew}` },
        ],
      };
    },
    rulesPrompt(locale: Locale, organization: Organization, rules: string, version: number): View {
      return rulesView(translator, locale, organization, rules, version, true);
    },
  };
}

/** The house rules; with `ask`, the request to agree and the "I agree" button. */
export function rulesView(translator: Translator, locale: Locale, organization: Organization, rules: string, version: number, ask: boolean): View {
  const t = translator.for(locale);
  const heading = t('access.rules.title', { organization: organization.name });
  const blocks: ViewBlock[] = [
    { type: 'heading', text: heading },
    { type: 'text', text: rules },
  ];
  if (ask) {
    blocks.push({ type: 'context', text: t('access.rules.askAgree') });
    blocks.push({ type: 'buttons', buttons: [{ actionId: RULES_AGREE_ACTION, label: t('access.rules.agree'), value: String(version), style: 'primary' }] });
  }
  return { fallback: heading, blocks };
}
