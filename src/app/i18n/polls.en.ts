/** English texts of the polls capability (merged into the catalogue under `polls`). */
export const pollsEn = {} as const;
