import type { en } from '../chat/i18n/en.js';

/** A catalogue shape with every text widened to `string` (other languages must have the same keys). */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** The shape every language's catalogue has: the English one's keys, any strings. */
export type Catalogue = Widen<typeof en>;
