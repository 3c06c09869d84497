/** English texts of the api capability (merged into the catalogue under `api`). */
export const apiEn = {} as const;
