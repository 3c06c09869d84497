import type { Widen } from './catalogue.js';
import type { pollsEn } from './polls.en.js';

/** Nederlandse teksten van polls (in de catalogus onder `polls`). */
export const pollsNl: Widen<typeof pollsEn> = {};
