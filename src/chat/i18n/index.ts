import type { Catalogue } from '../../kernel/i18n.js';
import { en } from './en.js';
import { nl } from './nl.js';

/** The chat router's part of the catalogue (errors, help, shared words). */
export const chatCatalogue: Catalogue = { owner: 'chat', texts: { en, nl } };
