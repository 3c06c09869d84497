// Type declarations for the two small text libraries topic extraction uses; neither ships its own.

declare module 'snowball-stemmers' {
  /** A Snowball stemmer for one language. */
  interface Stemmer {
    stem(word: string): string;
  }
  const snowball: {
    newStemmer(language: string): Stemmer;
    algorithms(): string[];
  };
  export default snowball;
}

declare module 'stopword' {
  /** Dutch stop words. */
  export const nld: readonly string[];
  /** English stop words. */
  export const eng: readonly string[];
}
