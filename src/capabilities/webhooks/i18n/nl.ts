import type { Widen } from '../../../kernel/i18n-catalogue.js';
import type { apiEn } from './en.js';

/** Nederlandse teksten van api (in de catalogus onder `api`). */
export const apiNl: Widen<typeof apiEn> = {};
