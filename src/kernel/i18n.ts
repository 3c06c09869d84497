import i18next, { type i18n } from 'i18next';
import type { Locale } from './types.js';

/**
 * Every part of the message catalogue, by owner: each `i18n/en.ts` (the chat router's and every
 * capability's) adds its English texts here through module augmentation:
 *
 * ```ts
 * declare module '../../../kernel/i18n.js' { interface KringTexts { polls: typeof en } }
 * ```
 *
 * so {@link TextKey} knows every key and a typo in `t('polls.vote.recorded')` is a compile error.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation (see above)
export interface KringTexts {}

/** CLDR plural suffixes: `link.codeInvalid_one` and `_other` are both asked for as `link.codeInvalid`. */
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

/** The dotted keys of a catalogue's texts, e.g. `polls.vote.recorded`. */
export type CatalogueKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${WithoutPlural<K>}` : CatalogueKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every key of the catalogue. */
export type TextKey = { [Owner in keyof KringTexts]: CatalogueKeys<KringTexts[Owner]> }[keyof KringTexts];

/** Translates a catalogue key for one locale; `count` selects plural forms (CLDR rules via i18next). */
export type Translate = (key: TextKey, params?: Record<string, string | number>) => string;

/** A catalogue shape with every text widened to `string` (the other language must have the same keys). */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** One owner's texts in every language Kring speaks. */
export interface Catalogue {
  /** Who contributes these texts (the chat router, a capability): named in conflict errors. */
  owner: string;
  texts: Record<Locale, object>;
}

/**
 * Message catalogues (nl, en) behind i18next: interpolation and plural rules come from the library.
 * Texts shown to people live only in `i18n/{en,nl}.ts` files: the chat router's and each capability's,
 * merged here into one tree. Two owners may share a branch (`commands`, `args`), never a text.
 */
export class Translator {
  private readonly i18n: i18n;
  /** Bound translate functions, one per locale (built once: every inbound event asks for one). */
  private readonly bound = new Map<Locale, Translate>();

  constructor(catalogues: readonly Catalogue[]) {
    const resources = { en: {}, nl: {} };
    for (const catalogue of catalogues) {
      for (const locale of ['en', 'nl'] as const) mergeTexts(resources[locale], catalogue.texts[locale], catalogue.owner, '');
    }
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      resources: { en: { translation: resources.en }, nl: { translation: resources.nl } },
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: ['nl', 'en'],
      // Chat texts are not HTML: never escape `<`, `&` in names.
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

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

  /** Whether the catalogue has `key` (for keys that arrive as data, such as an error's message key). */
  has(key: string): key is TextKey {
    return this.i18n.exists(key, { lng: 'en' });
  }
}

/** Copies `from` into `into`; a text defined twice is a programming error, reported with both owners' path. */
function mergeTexts(into: Record<string, unknown>, from: object, owner: string, path: string): void {
  for (const [key, value] of Object.entries(from)) {
    const here = `${path}${key}`;
    const existing = into[key];
    if (typeof value === 'string') {
      if (existing !== undefined) throw new Error(`catalogue: "${here}" is defined twice (again by ${owner})`);
      into[key] = value;
    } else {
      if (typeof existing === 'string') throw new Error(`catalogue: "${here}" is a text and a branch (branch from ${owner})`);
      const branch = (existing as Record<string, unknown> | undefined) ?? {};
      into[key] = branch;
      mergeTexts(branch, value as object, owner, `${here}.`);
    }
  }
}
