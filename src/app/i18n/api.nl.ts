import type { Widen } from './catalogue.js';
import type { apiEn } from './api.en.js';

/** Nederlandse teksten van api (in de catalogus onder `api`). */
export const apiNl: Widen<typeof apiEn> = {};
