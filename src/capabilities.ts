import { catalogues } from './capability.js';
import { chatCatalogue } from './chat/i18n/index.js';
import { Translator, type Catalogue } from './kernel/i18n.js';
import { access } from './capabilities/access/index.js';
import { apiTokens } from './capabilities/api-tokens/index.js';
import { assembly } from './capabilities/assembly/index.js';
import { channels } from './capabilities/channels/index.js';
import { connect } from './capabilities/connect/index.js';
import { insights } from './capabilities/insights/index.js';
import { membership } from './capabilities/membership/index.js';
import { moderation } from './capabilities/moderation/index.js';
import { meetups } from './capabilities/meetups/index.js';
import { news } from './capabilities/news/index.js';
import { panel } from './capabilities/panel/index.js';
import { polls } from './capabilities/polls/index.js';
import { site } from './capabilities/site/index.js';
import { statements } from './capabilities/statements/index.js';
import { ideas } from './capabilities/ideas/index.js';
import { surveys } from './capabilities/surveys/index.js';
import { webhooks } from './capabilities/webhooks/index.js';

/**
 * Every capability Kring has, in order: `/kring help`, the Discord command menu and the admin API list
 * them in this order, and bus listeners run in it. The server (src/main.ts), the CLI and the tests' harness
 * all build from this list. Adding a capability is one folder under src/capabilities/ and one line here.
 */
export const capabilities = [membership, access, moderation, channels, polls, statements, ideas, surveys, panel, news, meetups, assembly, connect, insights, webhooks, apiTokens, site] as const;

/** The list's type (options and parts by capability name). */
export type Capabilities = typeof capabilities;

/** The translator over the whole catalogue: the chat router's texts, every capability's, and `extra` (the web pages' own, from the composition root). */
export function kringTranslator(extra: readonly Catalogue[] = []): Translator {
  return new Translator([...catalogues([chatCatalogue], capabilities), ...extra]);
}
