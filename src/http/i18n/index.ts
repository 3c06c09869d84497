import type { Catalogue } from '../../kernel/i18n.js';
import { en } from './en.js';
import { nl } from './nl.js';

/** The texts of Kring's own pages (the landing page). */
export const landingCatalogue: Catalogue = { owner: 'landing', texts: { en, nl } };
