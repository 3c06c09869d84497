import i18next, { type i18n } from 'i18next';
import type { Locale } from './types.js';
import { en } from '../chat/i18n/en.js';
import { nl } from '../chat/i18n/nl.js';

/** Translates a catalogue key for one locale; `count` selects plural forms (CLDR rules via i18next). */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * Message catalogues (nl, en) behind i18next: interpolation and plural rules come from the library.
 * Texts shown to people live only in src/app/i18n/*.ts.
 */
export class Translator {
  private readonly i18n: i18n;

  constructor() {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      resources: { en: { translation: en }, nl: { translation: nl } },
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: ['nl', 'en'],
      // Chat texts are not HTML: never escape `<`, `&` in names.
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

  /** Bound translate functions, one per locale (built once: every inbound event asks for one). */
  private readonly bound = new Map<Locale, Translate>();

  /** A translate function bound to `locale`. */
  for(locale: Locale): Translate {
    let translate = this.bound.get(locale);
    if (translate === undefined) {
      const t = this.i18n.getFixedT(locale);
      translate = (key, params) => t(key, params ?? {});
      this.bound.set(locale, translate);
    }
    return translate;
  }
}
