import type { Widen } from './catalogue.js';
import type { newsEn } from './news.en.js';

/** Nederlandse teksten van news (in de catalogus onder `news`). */
export const newsNl: Widen<typeof newsEn> = {};
