import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { mountSitePages } from './pages.js';

/**
 * Kring's public pages, in the reader's language: `/` (a minimal placeholder), `/privacy` (what Kring
 * stores and never stores, and the member's choices) and `/terms`. The Teams app manifest links the last
 * two. Its catalogue also holds the texts of the Slack install result pages, which the Slack adapter shows.
 */
export const site = defineCapability({
  name: 'site',
  texts: { en, nl },
  build(ctx: CapabilityContext): CapabilityParts {
    return { mount: (app) => mountSitePages(app, ctx.translator) };
  },
});
