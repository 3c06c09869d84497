/** English texts of the news capability (merged into the catalogue under `news`). */
export const newsEn = {} as const;
