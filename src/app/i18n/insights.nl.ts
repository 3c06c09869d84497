import type { Widen } from './catalogue.js';
import type { insightsEn } from './insights.en.js';

/** Nederlandse teksten van insights (in de catalogus onder `insights`). */
export const insightsNl: Widen<typeof insightsEn> = {};
