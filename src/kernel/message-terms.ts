import snowball from 'snowball-stemmers';
import { eng, nld } from 'stopword';

/**
 * Topic terms from a message, computed in memory by an adapter the moment a message arrives; the text
 * itself is dropped right after. Pure functions, no state but the stemmers.
 *
 * A term is the Snowball stem (Dutch or English) of a word made only of letters, 3-30 long, that is not
 * a Dutch or English stop word. Anything with a digit, `@`, `:` or `/` (codes, links, e-mail addresses,
 * mentions, member numbers) is never a term, so identifiers in a message cannot end up in the counts.
 */

/** Words Dutch and English questions usually start with. */
const QUESTION_OPENERS = new Set([
  'wie', 'wat', 'waar', 'wanneer', 'waarom', 'hoe', 'welke', 'welk', 'kan', 'kun', 'kunnen', 'mag', 'moet', 'weet', 'heeft', 'hebben',
  'iemand', 'who', 'what', 'where', 'when', 'why', 'how', 'which', 'can', 'could', 'does', 'do', 'is', 'are', 'anyone', 'anybody',
]);

const STOP_WORDS = new Set<string>([
  ...nld,
  ...eng,
  // Chat filler the general lists do not have.
  'hoi', 'hallo', 'hey', 'doei', 'haha', 'hahaha', 'jaja', 'nee', 'oké', 'oke', 'okay', 'dank', 'bedankt', 'thanks', 'thank',
  'thx', 'graag', 'gewoon', 'echt', 'even', 'wel', 'ook', 'nog', 'heel', 'lol', 'yes', 'yeah', 'nope', 'please', 'pls',
  // Common verbs whose stems say nothing about a topic.
  'gaan', 'gaat', 'ging', 'gingen', 'komen', 'komt', 'kwam', 'doen', 'doet', 'deed', 'zeggen', 'zegt', 'zei', 'laten', 'laat',
  'weten', 'weet', 'vinden', 'vind', 'vindt', 'zien', 'ziet', 'langs', 'keer', 'iets', 'niks', 'beetje', 'mee', 'erbij', 'zie',
]);

// Question words say that something is asked, not what about.
for (const w of QUESTION_OPENERS) STOP_WORDS.add(w);

const stemmers = {
  nl: snowball.newStemmer('dutch'),
  en: snowball.newStemmer('english'),
};

/** At most this many distinct terms are taken from one message. */
export const MAX_TERMS_PER_MESSAGE = 30;

const LETTERS_ONLY = /^\p{L}+(?:['’-]\p{L}+)*$/u;
const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

function stemmerFor(locale: string | undefined) {
  return locale?.toLowerCase().startsWith('en') ? stemmers.en : stemmers.nl;
}

/** The words of `text` that can be terms: lower case, edge punctuation stripped, letters only. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.normalize('NFKC').toLowerCase().split(/\s+/u)) {
    if (raw === '' || /[@:/\\]/.test(raw)) continue;
    const word = raw.replace(EDGE_PUNCTUATION, '');
    if (word.length < 3 || word.length > 30 || !LETTERS_ONLY.test(word)) continue;
    out.push(word);
  }
  return out;
}

/**
 * The distinct topic terms of `text`: nl + en stop words removed, stemmed with the stemmer of `locale`
 * (`en*` English, anything else Dutch). Order of first appearance; at most {@link MAX_TERMS_PER_MESSAGE}.
 */
export function extractTerms(text: string, locale?: string): string[] {
  const stemmer = stemmerFor(locale);
  const terms = new Set<string>();
  for (const word of words(text)) {
    if (STOP_WORDS.has(word)) continue;
    // Compound words with a hyphen stem as one word without it ("e-mail" -> "email").
    const stem = stemmer.stem(word.replace(/['’-]/g, ''));
    if (stem.length < 3 || STOP_WORDS.has(stem)) continue;
    terms.add(stem);
    if (terms.size >= MAX_TERMS_PER_MESSAGE) break;
  }
  return [...terms];
}

/** True when `text` reads like a question: a `?` outside links, or a question word first. */
export function looksLikeQuestion(text: string): boolean {
  const withoutLinks = text.replace(/\bhttps?:\/\/\S+/gi, '');
  if (withoutLinks.includes('?')) return true;
  const first = words(withoutLinks.slice(0, 200))[0];
  return first !== undefined && QUESTION_OPENERS.has(first) && withoutLinks.length <= 300;
}

/**
 * What an adapter may add to a `message-seen` event from the text it just received, before dropping the
 * text: `{ ...event, ...messageInsights(text, locale) }`.
 */
export function messageInsights(text: string, locale?: string): { terms: string[]; question: boolean } {
  return { terms: extractTerms(text, locale), question: looksLikeQuestion(text) };
}
